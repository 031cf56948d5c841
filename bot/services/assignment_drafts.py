"""A new assignment being composed with /tugas: what, who (with a live count), due date,
recurrence, the due date of later joiners (days after joining), preview, confirm; and a due
date being extended.

The draft lives in ``chat_sessions`` (flow ``tugas``); every saved change draws a new token that
the buttons drawn for it repeat, and every button goes through ``sessions.expect``: a button of
an older draft, or of an earlier step, is refused ("tombol ini dari draf lama") and changes
nothing. Every step re-checks the admin's role; an OPD admin's audience is pinned to their OPD
whatever a button says (a forged OPD is refused as another OPD).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.assignments import DueCheck, parse_due, valid_join_days, valid_recurrence
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.digits import ascii_int
from bot.core.errors import NotAllowed, Refusal
from bot.core.flows import Flow
from bot.services.assignments import AssignmentService, Created, CreateOutcome, Spec
from bot.services.roles import Actor, require_admin
from bot.store import sessions
from bot.store.audience import Audience
from bot.store.sessions import FlowState
from db.session import Database


class Step(StrEnum):
    WHAT = "what"
    WHO = "who"
    DUE = "due"
    RECUR = "recur"
    JOIN = "join"
    PREVIEW = "preview"
    EXTEND = "extend"


class Outcome(StrEnum):
    OK = "ok"
    STALE = "stale"
    NO_TARGET = "no_target"
    EMPTY = "empty"
    BAD_FILTER = "bad_filter"
    INVALID_DATE = "invalid_date"
    PAST = "past"
    TOO_FAR = "too_far"
    BAD_RECURRENCE = "bad_recurrence"
    BAD_JOIN_DAYS = "bad_join_days"


TEXT_FILTERS = {"unit": "unit_kerja", "jabatan": "jabatan", "golongan": "golongan"}


@dataclass(slots=True)
class AssignDraft:
    token: str = ""
    target_kind: str | None = None
    target_id: str | None = None
    audience: Audience = field(default_factory=Audience)
    due_on: date | None = None
    months: int | None = None
    join_days: int | None = None  # a later joiner's due date, days after joining
    assignment: int | None = None  # EXTEND: the assignment whose due date is being moved

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.target_kind,
            "target": self.target_id,
            "audience": self.audience.to_json(),
            "due": self.due_on.isoformat() if self.due_on else None,
            "months": self.months,
            "join": self.join_days,
            "assignment": self.assignment,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], token: str) -> AssignDraft:
        due = data.get("due")
        months = data.get("months")
        join = data.get("join")
        return cls(
            token=token,
            target_kind=data.get("kind"),
            target_id=data.get("target"),
            audience=Audience.from_json(data.get("audience")),
            due_on=date.fromisoformat(due) if isinstance(due, str) else None,
            months=int(months) if isinstance(months, int) else None,
            join_days=join if isinstance(join, int) and valid_join_days(join) else None,
            assignment=data.get("assignment") if isinstance(data.get("assignment"), int) else None,
        )

    def spec(self) -> Spec | None:
        if self.target_kind is None or self.target_id is None or self.due_on is None:
            return None
        return Spec(
            self.target_kind,
            self.target_id,
            self.audience,
            self.due_on,
            self.months,
            self.join_days,
        )


@dataclass(frozen=True, slots=True)
class DraftView:
    outcome: Outcome
    draft: AssignDraft | None = None
    actor: Actor | None = None
    step: str | None = None
    count: int = 0
    created: Created | None = None


class AssignmentDrafts:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        settings: Settings,
        service: AssignmentService,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.admin_ids = settings.admin_ids
        self.service = service

    async def begin(self, actor_id: int) -> DraftView:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            draft = AssignDraft(audience=Audience(opd=actor.opd_code))
            return await self._save(s, actor, draft, Step.WHAT)

    async def current(self, actor_id: int) -> DraftView:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            state = await sessions.get_state(s, actor_id)
            if state is None or state.flow != Flow.ASSIGN:
                return DraftView(Outcome.STALE, actor=actor)
            return await self._view(s, actor, state)

    async def discard(self, actor_id: int, token: str) -> None:
        async with self.db.transaction() as s:
            await require_admin(s, actor_id, self.admin_ids)
            await sessions.expect(s, actor_id, token, Flow.ASSIGN)
            await sessions.clear_state(s, actor_id)

    async def choose_target(self, actor_id: int, token: str, kind: str, target: str) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.WHAT)
            return await self._target(s, actor, draft, kind, target)

    async def type_target(self, actor_id: int, text: str) -> DraftView:
        """A module or path id typed at the first step."""
        async with self.db.transaction() as s:
            actor, draft = await self._typed(s, actor_id, Step.WHAT)
            if draft is None:
                return DraftView(Outcome.STALE, actor=actor)
            value = text.strip().lower()
            kind = "path" if value in self.catalog.paths else "module"
            return await self._target(s, actor, draft, kind, value)

    async def _target(
        self, s: AsyncSession, actor: Actor, draft: AssignDraft, kind: str, target: str
    ) -> DraftView:
        if self.service.title_of(kind, target) is None:
            return DraftView(Outcome.NO_TARGET, draft, actor, Step.WHAT)
        draft.target_kind, draft.target_id = kind, target
        return await self._save(s, actor, draft, Step.WHO)

    async def change_audience(
        self, actor_id: int, token: str, change: str, value: str | None
    ) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.WHO)
            audience = draft.audience
            if change == "opd":
                opd = value or None
                if not actor.is_superadmin and opd != actor.opd_code:
                    raise NotAllowed(Refusal.OTHER_OPD)
                if opd is not None and opd not in self.catalog.opds:
                    return DraftView(Outcome.BAD_FILTER, draft, actor, Step.WHO)
                audience = audience.with_opd(opd)
            elif change == "kind":
                audience = replace(audience, kind=value if value in ("PNS", "PPPK") else None)
            elif change == "clear":
                audience = replace(audience, unit_kerja=None, jabatan=None, golongan=None)
            draft.audience = audience
            return await self._save(s, actor, draft, Step.WHO)

    async def type_filter(self, actor_id: int, text: str) -> DraftView:
        """ "unit: Bidang X", "jabatan: Analis", "golongan: III/a", "opd: 3328", "jenis: PPPK"."""
        async with self.db.transaction() as s:
            actor, draft = await self._typed(s, actor_id, Step.WHO)
            if draft is None:
                return DraftView(Outcome.STALE, actor=actor)
            name, sep, raw = text.partition(":")
            key, value = name.strip().lower(), raw.strip()[:120]
            audience = draft.audience
            if not sep or not value:
                return DraftView(Outcome.BAD_FILTER, draft, actor, Step.WHO)
            if key in TEXT_FILTERS:
                audience = Audience.from_json({**audience.to_json(), TEXT_FILTERS[key]: value})
            elif key == "jenis" and value.upper() in ("PNS", "PPPK"):
                audience = replace(audience, kind=value.upper())
            elif key == "opd":
                code = value.lower()
                if code not in self.catalog.opds:
                    return DraftView(Outcome.BAD_FILTER, draft, actor, Step.WHO)
                if not actor.is_superadmin and code != actor.opd_code:
                    raise NotAllowed(Refusal.OTHER_OPD)
                audience = audience.with_opd(code)
            else:
                return DraftView(Outcome.BAD_FILTER, draft, actor, Step.WHO)
            draft.audience = audience
            return await self._save(s, actor, draft, Step.WHO)

    async def to_due(self, actor_id: int, token: str) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.WHO)
            if await self.service._count(s, self.service.pinned(actor, draft.audience)) == 0:
                return DraftView(Outcome.EMPTY, draft, actor, Step.WHO)
            return await self._save(s, actor, draft, Step.DUE)

    async def type_due(self, actor_id: int, text: str) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._typed(s, actor_id, Step.DUE)
            if draft is None:
                return DraftView(Outcome.STALE, actor=actor)
            check, day = parse_due(text, self.service.today())
            if check is not DueCheck.OK or day is None:
                return DraftView(_DUE_OUTCOMES[check], draft, actor, Step.DUE)
            draft.due_on = day
            return await self._save(s, actor, draft, Step.RECUR)

    async def set_recurrence(self, actor_id: int, token: str, months: int | None) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.RECUR)
            return await self._recur(s, actor, draft, months)

    async def type_recurrence(self, actor_id: int, text: str) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._typed(s, actor_id, Step.RECUR)
            if draft is None:
                return DraftView(Outcome.STALE, actor=actor)
            months = ascii_int(text.strip().split(" ")[0]) if text.strip() else None
            if months is None or months == 0:
                return DraftView(Outcome.BAD_RECURRENCE, draft, actor, Step.RECUR)
            return await self._recur(s, actor, draft, months)

    async def _recur(
        self, s: AsyncSession, actor: Actor, draft: AssignDraft, months: int | None
    ) -> DraftView:
        if not valid_recurrence(months):
            return DraftView(Outcome.BAD_RECURRENCE, draft, actor, Step.RECUR)
        draft.months = months
        return await self._save(s, actor, draft, Step.JOIN)

    async def set_join_days(self, actor_id: int, token: str, days: int) -> DraftView:
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.JOIN)
            return await self._join(s, actor, draft, days)

    async def type_join_days(self, actor_id: int, text: str) -> DraftView:
        """A number of days typed at the join step ("45" or "45 hari")."""
        async with self.db.transaction() as s:
            actor, draft = await self._typed(s, actor_id, Step.JOIN)
            if draft is None:
                return DraftView(Outcome.STALE, actor=actor)
            days = ascii_int(text.strip().split(" ")[0]) if text.strip() else None
            if days is None:
                return DraftView(Outcome.BAD_JOIN_DAYS, draft, actor, Step.JOIN)
            return await self._join(s, actor, draft, days)

    async def _join(
        self, s: AsyncSession, actor: Actor, draft: AssignDraft, days: int
    ) -> DraftView:
        if not valid_join_days(days):
            return DraftView(Outcome.BAD_JOIN_DAYS, draft, actor, Step.JOIN)
        draft.join_days = days
        return await self._save(s, actor, draft, Step.PREVIEW)

    async def confirm(self, actor_id: int, token: str) -> DraftView:
        """Create the assignment from the previewed draft (its rules checked again)."""
        async with self.db.transaction() as s:
            actor, draft = await self._expect(s, actor_id, token, Step.PREVIEW)
            spec = draft.spec()
            if spec is None:
                raise NotAllowed(Refusal.STALE_BUTTON)
            created = await self.service.create_in(s, actor, spec)
            if created.outcome is not CreateOutcome.OK:
                outcome = {
                    CreateOutcome.NO_TARGET: Outcome.NO_TARGET,
                    CreateOutcome.PAST: Outcome.PAST,
                    CreateOutcome.TOO_FAR: Outcome.TOO_FAR,
                    CreateOutcome.BAD_RECURRENCE: Outcome.BAD_RECURRENCE,
                    CreateOutcome.EMPTY: Outcome.EMPTY,
                    CreateOutcome.BAD_JOIN_DAYS: Outcome.BAD_JOIN_DAYS,
                }[created.outcome]
                return DraftView(outcome, draft, actor, Step.PREVIEW, created=created)
            await sessions.clear_state(s, actor_id)
            return DraftView(Outcome.OK, draft, actor, None, created.members, created)

    # --- extending a due date -------------------------------------------------------------------
    async def begin_extend(self, actor_id: int, assignment_id: int) -> DraftView:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            draft = AssignDraft(assignment=assignment_id)
            return await self._save(s, actor, draft, Step.EXTEND)

    async def extend_target(self, actor_id: int) -> int | None:
        async with self.db.transaction() as s:
            _actor, draft = await self._typed(s, actor_id, Step.EXTEND)
            if draft is None:
                return None
            await sessions.clear_state(s, actor_id)
            return draft.assignment

    # --- state ----------------------------------------------------------------------------------
    async def _expect(
        self, s: AsyncSession, actor_id: int, token: str, step: Step
    ) -> tuple[Actor, AssignDraft]:
        actor = await require_admin(s, actor_id, self.admin_ids)
        state = await sessions.expect(s, actor_id, token, Flow.ASSIGN, (step,))
        return actor, self._draft(actor, state)

    async def _typed(
        self, s: AsyncSession, actor_id: int, step: Step
    ) -> tuple[Actor, AssignDraft | None]:
        actor = await require_admin(s, actor_id, self.admin_ids)
        state = await sessions.get_state(s, actor_id)
        if state is None or state.flow != Flow.ASSIGN or state.step != step:
            return actor, None
        return actor, self._draft(actor, state)

    def _draft(self, actor: Actor, state: FlowState) -> AssignDraft:
        draft = AssignDraft.from_json(state.data, state.token)
        draft.audience = self.service.pinned(actor, draft.audience)  # the role may have changed
        return draft

    async def _view(self, s: AsyncSession, actor: Actor, state: FlowState) -> DraftView:
        draft = self._draft(actor, state)
        count = await self.service._count(s, draft.audience)
        return DraftView(Outcome.OK, draft, actor, state.step, count)

    async def _save(
        self, s: AsyncSession, actor: Actor, draft: AssignDraft, step: Step
    ) -> DraftView:
        draft.audience = self.service.pinned(actor, draft.audience)
        state = FlowState(Flow.ASSIGN, step, draft.to_json())
        draft.token = (await sessions.set_state(s, actor.telegram_id, state)).token
        count = await self.service._count(s, draft.audience) if step != Step.EXTEND else 0
        return DraftView(Outcome.OK, draft, actor, step, count)


_DUE_OUTCOMES = {
    DueCheck.INVALID: Outcome.INVALID_DATE,
    DueCheck.PAST: Outcome.PAST,
    DueCheck.TOO_FAR: Outcome.TOO_FAR,
}
