"""Announcements: queueing into the outbox, the schedule, progress, the final report.

A confirmed announcement becomes one ``outbound_messages`` row per recipient in a single
INSERT ... SELECT (``dedup_key`` "broadcast:<id>:<employee>" is unique), so queueing twice, or
after a crash, adds nobody twice, and a crash later loses nobody: the rows are in the database
and the sender resumes them. Every call re-checks the caller's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.outgoing import MessageKind
from bot.services.audit import audit_view
from bot.services.broadcast_drafts import (
    DraftOutcome,
    DraftService,
    DraftStep,
)
from bot.services.roles import actor_in, record, require_admin, require_scope
from bot.store import sessions
from bot.store.audience import Audience, condition
from bot.store.outbox import enqueue_from
from db.dialects import cast_table
from db.models import Broadcast, Employee, OutboundMessage
from db.session import Database


@dataclass(frozen=True, slots=True)
class Progress:
    broadcast: Broadcast
    counts: dict[str, int]
    finished: bool
    changed: bool  # since the status message was last drawn

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.total - self.counts.get("waiting", 0)


class BroadcastService:
    def __init__(
        self, db: Database, catalog: Catalog, clock: Clock, settings: Settings, drafts: DraftService
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.drafts = drafts
        self.admin_ids = settings.admin_ids
        self.tz = settings.tz
        self.targets = settings.targets

    async def count(self, audience: Audience) -> int:
        now = self.clock()
        year = now.astimezone(self.tz).year
        where = condition(audience, year=year, targets=self.targets, now=now)
        async with self.db.transaction() as s:
            return int(await s.scalar(select(func.count()).select_from(Employee).where(where)) or 0)

    # --- confirming -----------------------------------------------------------------------------
    async def confirm(
        self, actor_id: int, token: str, when: datetime | None, status_chat_id: int
    ) -> tuple[DraftOutcome, Broadcast | None]:
        """Turn the draft into an announcement: queued now, or scheduled for ``when``.

        Only the draft and step the confirmation was made for (``sessions.expect``: another
        draft, or a change since the preview, is refused), and never one without content.
        """
        step = DraftStep.SCHEDULE if when is not None else DraftStep.AUDIENCE
        async with self.db.transaction() as s:
            view = await self.drafts._expect(s, actor_id, token, step)
            assert view.draft is not None and view.actor is not None
            draft = view.draft
            if not draft.has_content:
                return DraftOutcome.EMPTY, None
            require_scope(view.actor, draft.audience.opd)
            now = self.clock()
            broadcast = Broadcast(
                created_by=actor_id,
                scope_opd=view.actor.opd_code,
                text=draft.text,
                media_kind=draft.media_kind,
                media_file_id=draft.media_file_id,
                button=draft.button,
                audience=draft.audience.to_json(),
                status="scheduled" if when else "queued",
                scheduled_at=when,
                status_chat_id=status_chat_id,
                created_at=now,
                recipients=0,
            )
            s.add(broadcast)
            await s.flush()
            await sessions.clear_state(s, actor_id)
            action = "broadcast.schedule" if when else "broadcast.send"
            params: dict[str, Any] = {"broadcast_id": broadcast.id, "audience": broadcast.audience}
            if when is None:
                params["recipients"] = await self._queue(s, broadcast, now)
            else:
                params["scheduled_at"] = when.isoformat()
            await record(s, self.clock, actor_id, action, params)
        return DraftOutcome.OK, broadcast

    async def _queue(self, s: AsyncSession, broadcast: Broadcast, now: datetime) -> int:
        """One outbox row per recipient, in one statement; idempotent."""
        audience = Audience.from_json(broadcast.audience)
        year = now.astimezone(self.tz).year
        where = condition(audience, year=year, targets=self.targets, now=now)
        e = cast_table(Employee)
        await s.execute(
            enqueue_from(
                s,
                kind=MessageKind.BROADCAST,
                dedup_key=literal(f"{MessageKind.BROADCAST}:{broadcast.id}:", String)
                + cast(e.c.id, String),
                employee_id=e.c.id,
                chat_id=e.c.telegram_id,
                source=e,
                where=[where],
                now=now,
                broadcast_id=broadcast.id,
            )
        )
        recipients = int(
            await s.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.broadcast_id == broadcast.id)
            )
            or 0
        )
        broadcast.status, broadcast.recipients, broadcast.queued_at = "sending", recipients, now
        broadcast.progress_counts = {"waiting": recipients}  # what the first status shows
        return recipients

    async def queue_due(self) -> list[Broadcast]:
        """Start scheduled announcements whose time has come (called by the minute tick), and
        finish queueing any a crash interrupted between confirm and queue.

        Each start is a conditional update (only a row still scheduled, or queued, moves on), so
        a cancel that won keeps it cancelled; and the creator's role is checked again, in the same
        transaction: the announcement of an admin who lost their role never goes out.
        """
        now = self.clock()
        started: list[Broadcast] = []
        due_now = ((Broadcast.status == "scheduled") & (Broadcast.scheduled_at <= now)) | (
            Broadcast.status == "queued"
        )
        async with self.db.transaction() as s:
            due = (await s.scalars(select(Broadcast.id).where(due_now))).all()
            for broadcast_id in due:
                claimed = await s.execute(
                    update(Broadcast)
                    .where(Broadcast.id == broadcast_id, due_now)
                    .values(status="queued")
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    continue  # cancelled (or started) meanwhile
                broadcast = await s.get(Broadcast, broadcast_id)
                assert broadcast is not None
                await s.refresh(broadcast)
                creator = await actor_in(s, broadcast.created_by, self.admin_ids)
                if creator is None or not creator.may_manage(broadcast.scope_opd):
                    broadcast.status = "cancelled"
                    await record(
                        s,
                        self.clock,
                        broadcast.created_by,
                        "broadcast.cancel_role",
                        {"broadcast_id": broadcast.id, "reason": "creator no longer an admin"},
                    )
                    continue
                count = await self._queue(s, broadcast, now)
                await record(
                    s,
                    self.clock,
                    broadcast.created_by,
                    "broadcast.start",
                    {"broadcast_id": broadcast.id, "recipients": count},
                )
                started.append(broadcast)
        return started

    # --- scheduled list, cancel, progress, report -----------------------------------------------
    async def scheduled(self, actor_id: int) -> list[Broadcast]:
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            query = select(Broadcast).where(Broadcast.status == "scheduled")
            if not actor.is_superadmin:
                query = query.where(Broadcast.scope_opd == actor.opd_code)
            return list((await s.scalars(query.order_by(Broadcast.scheduled_at))).all())

    async def cancel(self, actor_id: int, broadcast_id: int) -> DraftOutcome:
        """Cancel a scheduled announcement: a conditional update, so one that is starting at
        this moment is either cancelled before it starts or reported as no longer scheduled."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            broadcast = await s.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.status != "scheduled":
                return DraftOutcome.STALE
            require_scope(actor, broadcast.scope_opd)
            cancelled = await s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "scheduled")
                .values(status="cancelled")
                .execution_options(synchronize_session=False)
            )
            if cancelled.rowcount != 1:  # type: ignore[attr-defined]
                return DraftOutcome.STALE
            await record(
                s, self.clock, actor_id, "broadcast.cancel", {"broadcast_id": broadcast_id}
            )
        return DraftOutcome.OK

    async def set_status_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        async with self.db.transaction() as s:
            await s.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values(status_chat_id=chat_id, status_message_id=message_id)
            )

    async def progress(self) -> list[Progress]:
        """Counts of every announcement being sent; those with nothing left are closed."""
        now = self.clock()
        result: list[Progress] = []
        async with self.db.transaction() as s:
            running = (
                await s.scalars(select(Broadcast).where(Broadcast.status == "sending"))
            ).all()
            for broadcast in running:
                rows = await s.execute(
                    select(OutboundMessage.status, func.count())
                    .where(OutboundMessage.broadcast_id == broadcast.id)
                    .group_by(OutboundMessage.status)
                )
                counts: dict[str, int] = {}
                for status, n in rows:  # "pending" and "sending" both read as waiting
                    key = "waiting" if status in ("pending", "sending") else status
                    counts[key] = counts.get(key, 0) + int(n)
                finished = not counts.get("waiting")
                if finished:
                    broadcast.status, broadcast.finished_at = "done", now
                    await record(
                        s,
                        self.clock,
                        broadcast.created_by,
                        "broadcast.done",
                        {"broadcast_id": broadcast.id, "counts": counts},
                    )
                changed = broadcast.progress_counts != counts or finished
                broadcast.progress_at = now
                broadcast.progress_counts = counts
                result.append(Progress(broadcast, counts, finished, changed))
        return result

    async def failures(self, actor_id: int, broadcast_id: int) -> list[dict[str, Any]] | None:
        """Recipients it did not surely reach (failed, blocked, uncertain, skipped), for whoever
        may see this announcement (None: no such announcement)."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            broadcast = await s.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            require_scope(actor, broadcast.scope_opd)
            rows = await s.execute(
                select(
                    Employee.id,
                    Employee.nip,
                    Employee.name,
                    Employee.opd_code,
                    OutboundMessage.status,
                    OutboundMessage.error,
                )
                .join(Employee, Employee.id == OutboundMessage.employee_id)
                .where(
                    OutboundMessage.broadcast_id == broadcast_id,
                    OutboundMessage.status.in_(("failed", "blocked", "unknown", "skipped")),
                )
                .order_by(Employee.opd_code, Employee.name)
            )
            found = [dict(row._mapping) for row in rows]
            ids = [row.pop("id") for row in found]
            await audit_view(
                s, self.clock, actor, ids, "broadcast_failures", broadcast_id=broadcast_id
            )
            return found
