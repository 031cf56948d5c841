"""An announcement being composed: its text or media, an optional button, and its audience.

The draft lives in ``chat_sessions`` (a restart keeps it). Every saved change draws a new token
that the buttons drawn for it repeat, and every button goes through ``sessions.expect``: a
button of an older draft, or of an earlier state of this one, is refused ("tombol ini dari
draf lama") before anything changes. Every step re-checks the admin's role; an OPD admin's
audience is pinned to their own OPD whatever a button says.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.digits import ascii_int
from bot.core.errors import NotAllowed, Refusal
from bot.core.flows import Flow
from bot.core.telegram_html import MarkupError, telegram_length, visible_text
from bot.services.roles import Actor, require_admin
from bot.store import sessions
from bot.store.audience import Audience
from bot.store.sessions import FlowState
from db.session import Database

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
MAX_SCHEDULE_AHEAD = timedelta(days=90)
BUTTON_LABEL_LIMIT = 40
SENDER_ROOM = 160  # left for the sender line every announcement starts with


def content_limit(media_kind: str | None) -> int:
    """The longest announcement (visible characters): Telegram's limit for a message or a
    caption, less the room of the sender line."""
    return (CAPTION_LIMIT if media_kind else TEXT_LIMIT) - SENDER_ROOM


class DraftStep(StrEnum):
    CONTENT = "content"
    BUTTON = "button"
    BUTTON_URL = "button_url"
    AUDIENCE = "audience"
    SCHEDULE = "schedule"


class DraftOutcome(StrEnum):
    OK = "ok"
    STALE = "stale"  # no draft (any more), or a button of an older draft
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(slots=True)
class Draft:
    token: str
    text: str = ""
    media_kind: str | None = None
    media_file_id: str | None = None
    button: dict[str, str] | None = None
    audience: Audience = field(default_factory=Audience)

    def to_json(self) -> dict[str, Any]:
        return {  # the token is the session's (``chat_sessions.token``), not the draft's
            "text": self.text,
            "media_kind": self.media_kind,
            "media_file_id": self.media_file_id,
            "button": self.button,
            "audience": self.audience.to_json(),
        }

    @property
    def has_content(self) -> bool:
        """Text that shows (an announcement always has some, also under a photo)."""
        try:
            return bool(visible_text(self.text).strip())
        except MarkupError:
            return False

    @classmethod
    def from_json(cls, data: dict[str, Any], token: str = "") -> Draft:
        return cls(
            token=token,
            text=str(data.get("text", "")),
            media_kind=data.get("media_kind"),
            media_file_id=data.get("media_file_id"),
            button=data.get("button"),
            audience=Audience.from_json(data.get("audience")),
        )


@dataclass(frozen=True, slots=True)
class DraftView:
    outcome: DraftOutcome
    draft: Draft | None = None
    actor: Actor | None = None
    step: str | None = None


class DraftService:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.admin_ids = settings.admin_ids
        self.tz = settings.tz

    # --- the draft ------------------------------------------------------------------------------
    async def begin(self, actor_id: int) -> DraftView:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            draft = Draft(token="", audience=Audience(opd=actor.opd_code))
            await self._save(s, actor_id, draft, DraftStep.CONTENT)
        return DraftView(DraftOutcome.OK, draft, actor, DraftStep.CONTENT)

    async def current(self, actor_id: int) -> DraftView:
        """The draft as it is now, for typed input (which always answers the current step)."""
        async with self.db.transaction() as s:
            return await self._current(s, actor_id)

    async def expect(self, actor_id: int, token: str, *steps: DraftStep) -> DraftView:
        """The draft a button was drawn for (at one of ``steps``, any if none), or
        ``NotAllowed(Refusal.STALE_BUTTON)``; for buttons that only show something."""
        async with self.db.transaction() as s:
            return await self._expect(s, actor_id, token, *steps)

    async def discard(self, actor_id: int, token: str) -> None:
        async with self.db.transaction() as s:
            await self._expect(s, actor_id, token)
            await sessions.clear_state(s, actor_id)

    async def submit_content(
        self, actor_id: int, html: str, media_kind: str | None, media_file_id: str | None
    ) -> DraftView:
        async with self.db.transaction() as s:
            view = await self._current(s, actor_id, DraftStep.CONTENT)
            if view.draft is None:
                return view
            try:
                visible = visible_text(html).strip()
            except MarkupError:  # formatting Telegram could send but we cannot pass on
                return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
            if not visible:
                return DraftView(DraftOutcome.EMPTY, view.draft, view.actor, view.step)
            if telegram_length(visible) > content_limit(media_kind):
                return DraftView(DraftOutcome.TOO_LONG, view.draft, view.actor, view.step)
            view.draft.text, view.draft.media_kind = html, media_kind
            view.draft.media_file_id = media_file_id
            await self._save(s, actor_id, view.draft, DraftStep.BUTTON)
            return DraftView(DraftOutcome.OK, view.draft, view.actor, DraftStep.BUTTON)

    async def set_button(self, actor_id: int, token: str, kind: str, value: str = "") -> DraftView:
        """``kind``: "none", "module" (value = module id), "url" (asks for the link next)."""
        async with self.db.transaction() as s:
            view = await self._expect(s, actor_id, token, DraftStep.BUTTON)
            assert view.draft is not None
            step = DraftStep.AUDIENCE
            if kind == "module":
                module = self.catalog.module(value)
                if module is None:
                    return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
                view.draft.button = {"module": module.id, "label": module.title}
            elif kind == "url":
                step = DraftStep.BUTTON_URL
            else:
                view.draft.button = None
            await self._save(s, actor_id, view.draft, step)
            return DraftView(DraftOutcome.OK, view.draft, view.actor, step)

    async def submit_url_button(self, actor_id: int, text: str) -> DraftView:
        """ "Label | https://..." typed by the admin."""
        async with self.db.transaction() as s:
            view = await self._current(s, actor_id, DraftStep.BUTTON_URL)
            if view.draft is None:
                return view
            label, sep, url = (part.strip() for part in text.partition("|"))
            if (
                not sep
                or not label
                or len(label) > BUTTON_LABEL_LIMIT
                or not url.startswith(("https://", "http://"))
                or " " in url
                or len(url) > 500
            ):
                return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
            view.draft.button = {"url": url, "label": label}
            await self._save(s, actor_id, view.draft, DraftStep.AUDIENCE)
            return DraftView(DraftOutcome.OK, view.draft, view.actor, DraftStep.AUDIENCE)

    async def change_audience(
        self, actor_id: int, token: str, change: str, value: str
    ) -> DraftView:
        """Toggle one filter. An OPD admin's audience stays inside their OPD whatever is sent."""
        async with self.db.transaction() as s:
            view = await self._expect(s, actor_id, token, DraftStep.AUDIENCE)
            assert view.draft is not None and view.actor is not None
            audience = view.draft.audience
            if change == "opd":
                opd = value or None
                if opd is not None and opd not in self.catalog.opds:
                    return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
                if not view.actor.is_superadmin and opd != view.actor.opd_code:
                    raise NotAllowed(Refusal.OTHER_OPD)
                audience = audience.with_opd(opd)
            elif change == "below":
                audience = replace(audience, below_target=not audience.below_target)
            elif change == "req":
                audience = replace(audience, required=not audience.required)
            elif change == "inactive":
                days = ascii_int(value) or 0
                new_days = None if days == audience.inactive_days or days == 0 else days
                audience = Audience.from_json({**audience.to_json(), "inactive_days": new_days})
            elif change == "module":
                module = value or None
                if module is not None and self.catalog.module(module) is None:
                    return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
                if module == audience.not_completed:
                    module = None
                audience = replace(audience, not_completed=module)
            else:
                return DraftView(DraftOutcome.INVALID, view.draft, view.actor, view.step)
            view.draft.audience = audience
            await self._save(s, actor_id, view.draft, DraftStep.AUDIENCE)
            return DraftView(DraftOutcome.OK, view.draft, view.actor, DraftStep.AUDIENCE)

    async def ask_schedule(self, actor_id: int, token: str) -> DraftView:
        async with self.db.transaction() as s:
            view = await self._expect(s, actor_id, token, DraftStep.AUDIENCE)
            assert view.draft is not None
            await self._save(s, actor_id, view.draft, DraftStep.SCHEDULE)
            return DraftView(DraftOutcome.OK, view.draft, view.actor, DraftStep.SCHEDULE)

    def parse_when(self, text: str) -> tuple[DraftOutcome, datetime | None]:
        """ "30/11/2026 08:00" (also with - or . and 08.00), local time."""
        cleaned = " ".join(text.replace("-", "/").replace(".", ":").split())
        if not cleaned.isascii():  # strptime's %d would take other scripts' digits too
            return DraftOutcome.INVALID, None
        for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%y %H:%M"):
            try:
                local = datetime.strptime(cleaned, pattern)
            except ValueError:
                continue
            when = local.replace(tzinfo=self.tz)
            now = self.clock()
            if when <= now:
                return DraftOutcome.PAST, None
            if when - now > MAX_SCHEDULE_AHEAD:
                return DraftOutcome.TOO_FAR, None
            return DraftOutcome.OK, when
        return DraftOutcome.INVALID, None

    # --- state ----------------------------------------------------------------------------------
    async def _current(
        self, s: AsyncSession, actor_id: int, step: DraftStep | None = None
    ) -> DraftView:
        """The draft for typed input: STALE (and no draft) when there is none or it is at
        another step."""
        actor = await require_admin(s, actor_id, self.admin_ids)
        state = await sessions.get_state(s, actor_id)
        if state is None or state.flow != Flow.BROADCAST:
            return DraftView(DraftOutcome.STALE, actor=actor)
        if step is not None and state.step != step:
            return DraftView(DraftOutcome.STALE, actor=actor, step=state.step)
        return self._view(actor, state)

    async def _expect(
        self, s: AsyncSession, actor_id: int, token: str, *steps: DraftStep
    ) -> DraftView:
        """The draft a button was drawn for; anything else raises (``sessions.expect``)."""
        actor = await require_admin(s, actor_id, self.admin_ids)
        state = await sessions.expect(s, actor_id, token, Flow.BROADCAST, steps)
        return self._view(actor, state)

    def _view(self, actor: Actor, state: FlowState) -> DraftView:
        draft = Draft.from_json(state.data, state.token)
        if not actor.is_superadmin and draft.audience.opd != actor.opd_code:
            draft.audience = draft.audience.with_opd(actor.opd_code)  # the role changed since
        return DraftView(DraftOutcome.OK, draft, actor, state.step)

    async def _save(self, s: AsyncSession, actor_id: int, draft: Draft, step: DraftStep) -> None:
        state = FlowState(Flow.BROADCAST, step, draft.to_json())
        draft.token = (await sessions.set_state(s, actor_id, state)).token
