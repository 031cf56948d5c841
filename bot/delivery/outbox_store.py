"""The outbox in the database: claim a fair batch, mark each attempt, record each outcome, and
take over the claims of a worker that died.

The sending itself (limits, errors, retries) is ``bot.delivery.sender``; this is its storage,
so each of the two stays one thing.

What a row's columns say after a crash, and so what recovery may do with it:

- ``status='sending'``, ``attempt_started_at`` NULL: claimed, never tried. Nobody can have it:
  it goes back to ``pending`` and is sent by whoever holds the worker lease.
- ``status='sending'``, ``attempt_started_at`` set: its request may have left the process (the
  mark is committed before the request goes out) and no outcome was recorded. It is closed as
  ``unknown`` ("interrupted (mungkin terkirim)") and never sent again: at most once. The
  sender marks a row only while it holds one of its in-flight slots, and frees the slot only
  once the outcome is committed, so such rows are never more than the in-flight limit.

Every write is conditional on ``claimed_by`` (the worker lease's holder): a worker that lost
its claims to a recovery can neither start nor close them any more; the outcome of a send it
had started still lands, because an ``unknown`` row takes its real outcome when it comes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Connection, Integer, String, bindparam, func, or_, select, update

from bot.core.clock import Clock
from bot.store.batch import GroupCommit
from db.models import Broadcast, Employee, OutboundMessage, UtcDateTime
from db.session import Database

log = logging.getLogger(__name__)

# A claim this old whose holder no longer holds the lease belongs to a process that died; the
# lease holder takes such claims over at once (``take_over``), this is only the fallback.
STALE_CLAIM = timedelta(minutes=2)
INTERRUPTED = "interrupted (mungkin terkirim)"  # the process died while it was in flight
TIMED_OUT = "timed out (mungkin terkirim)"  # no answer: Telegram may have delivered it
UNKNOWN = "unknown"  # the status of both: maybe delivered, never sent again


@dataclass(slots=True)
class DeliveryOutcome:
    """What became of one claimed row. ``status="release"`` hands it back untried."""

    row_id: int
    status: str
    employee_id: int | None = None
    message_id: int | None = None
    error: str | None = None
    not_before: datetime | None = None
    attempts: int | None = None


@dataclass(frozen=True, slots=True)
class Recovery:
    requeued: int  # claimed but never tried: pending again
    uncertain: int  # may have been delivered: closed as unknown


o = OutboundMessage
# Not yet closed by its sender (an ``unknown`` left by a recovery takes its real outcome).
# Spelled without IN: an expanding parameter cannot be used with executemany.
_OPEN = or_(o.status == "sending", o.status == UNKNOWN)
_MARK = (
    update(o)
    .where(o.id == bindparam("row_id"), o.status == "sending", o.claimed_by == bindparam("holder"))
    .values(attempt_started_at=bindparam("now", type_=UtcDateTime()))
)
_RECORD = (
    update(o)
    .where(
        o.id == bindparam("row_id"),
        o.claimed_by == bindparam("holder"),
        _OPEN,
    )
    .values(
        status=bindparam("new_status", type_=String()),
        error=bindparam("new_error", type_=String()),
        sent_at=func.coalesce(bindparam("new_sent_at", type_=UtcDateTime()), o.sent_at),
        telegram_message_id=func.coalesce(
            bindparam("new_message_id", type_=BigInteger()), o.telegram_message_id
        ),
        not_before=func.coalesce(bindparam("new_not_before", type_=UtcDateTime()), o.not_before),
        attempts=func.coalesce(bindparam("new_attempts", type_=Integer()), o.attempts),
    )
)
_RETURN = (  # a retry, or a row handed back untried: pending again, no claim, no attempt mark
    update(o)
    .where(
        o.id == bindparam("row_id"),
        o.claimed_by == bindparam("holder"),
        _OPEN,
    )
    .values(
        status="pending",
        error=func.coalesce(bindparam("new_error", type_=String()), o.error),
        not_before=func.coalesce(bindparam("new_not_before", type_=UtcDateTime()), o.not_before),
        attempts=func.coalesce(bindparam("new_attempts", type_=Integer()), o.attempts),
        claimed_at=None,
        claimed_by=None,
        attempt_started_at=None,
    )
)


class OutboxStore:
    def __init__(self, db: Database, clock: Clock, holder: str) -> None:
        self.db = db
        self.clock = clock
        self.holder = holder
        # Marks and outcomes of concurrent sends share commits (one per event-loop turn), so
        # each is written as soon as it is known without a transaction of its own per row.
        self._marks: GroupCommit[int, bool] = GroupCommit(db, self._write_marks)
        self._outcomes: GroupCommit[DeliveryOutcome, None] = GroupCommit(db, self._write_outcomes)

    async def claim(self, limit: int) -> list[OutboundMessage]:
        """Claim the next batch, shared fairly between lanes.

        A lane is the reminders (rows without a broadcast) or one announcement. Each lane gets
        an equal share of the batch, and what a lane leaves unused goes to the others, so two
        announcements progress side by side and reminders keep flowing during a big one.
        """
        now = self.clock()
        ready = (o.status == "pending", o.not_before <= now)
        async with self.db.transaction() as s:
            lanes: list[int | None] = [None]
            lanes += list(
                (
                    await s.scalars(
                        select(Broadcast.id)
                        .where(Broadcast.status == "sending")
                        .order_by(Broadcast.id)
                    )
                ).all()
            )
            ids: list[int] = []
            after: dict[int | None, int] = {}  # the last id taken from each lane
            open_lanes = lanes
            while open_lanes and len(ids) < limit:
                share = max(1, (limit - len(ids)) // len(open_lanes))
                still_open = []
                for lane in open_lanes:
                    in_lane = o.broadcast_id.is_(None) if lane is None else o.broadcast_id == lane
                    query = select(o.id).where(*ready, in_lane, o.id > after.get(lane, 0))
                    room = min(share, limit - len(ids))
                    got = (await s.scalars(query.order_by(o.id).limit(room))).all()
                    ids += got
                    if got:
                        after[lane] = got[-1]
                    if len(got) == room:  # this lane may have more for the next round
                        still_open.append(lane)
                    if len(ids) >= limit:
                        break
                open_lanes = still_open
            if len(ids) < limit:  # rows of no listed lane (e.g. an announcement just closed)
                query = select(o.id).where(*ready).order_by(o.id).limit(limit - len(ids))
                if ids:
                    query = query.where(o.id.not_in(ids))
                ids += (await s.scalars(query)).all()
            if not ids:
                return []
            claimed = (
                await s.scalars(
                    update(o)
                    .where(o.id.in_(ids), o.status == "pending")
                    .values(
                        status="sending",
                        claimed_at=now,
                        claimed_by=self.holder,
                        attempt_started_at=None,
                    )
                    .returning(o)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        # Interleave the lanes, so each is served from the start of the batch.
        by_lane: dict[int | None, list[OutboundMessage]] = {}
        for row in sorted(claimed, key=lambda r: (r.broadcast_id is not None, r.id)):
            by_lane.setdefault(row.broadcast_id, []).append(row)
        queues = list(by_lane.values())  # reminders first, then announcements, oldest first
        mixed: list[OutboundMessage] = []
        while queues:
            mixed += [q.pop(0) for q in queues]
            queues = [q for q in queues if q]
        return mixed

    async def release(self, rows: Sequence[OutboundMessage]) -> None:
        """Hand claimed rows that were never tried back untouched (stopping, or the lease
        moved); a row whose attempt started is left for its outcome, or for recovery."""
        if not rows:
            return
        async with self.db.transaction() as s:
            await s.execute(
                update(o)
                .where(
                    o.id.in_([row.id for row in rows]),
                    o.status == "sending",
                    o.claimed_by == self.holder,
                    o.attempt_started_at.is_(None),
                )
                .values(status="pending", claimed_at=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )

    async def mark_attempt(self, row_id: int) -> bool:
        """Committed before the request goes out; False if the claim was taken over."""
        return await self._marks.add(row_id)

    async def record_one(self, outcome: DeliveryOutcome) -> None:
        """One outcome, committed as soon as it is known (with others of the same moment)."""
        await self._outcomes.add(outcome)

    async def record(self, outcomes: Sequence[DeliveryOutcome]) -> None:
        if outcomes:
            await self.db.run(self._write_outcomes, list(outcomes))

    async def take_over(self, older_than: timedelta | None = None) -> Recovery:
        """Claims of other workers (the lease holder calls this when it takes the lease, and
        now and then): rows never tried go back to pending, rows that may have gone out are
        closed as unknown. ``older_than``: only claims made that long ago."""
        now = self.clock()
        foreign = (o.status == "sending") & (o.claimed_by.is_(None) | (o.claimed_by != self.holder))
        if older_than is not None:
            foreign = foreign & (o.claimed_at < now - older_than)
        async with self.db.transaction() as s:
            requeued = await s.execute(
                update(o)
                .where(foreign, o.attempt_started_at.is_(None))
                .values(status="pending", claimed_at=None, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            uncertain = await s.execute(
                update(o)
                .where(foreign, o.attempt_started_at.is_not(None))
                .values(status=UNKNOWN, error=INTERRUPTED)
                .execution_options(synchronize_session=False)
            )
        recovery = Recovery(
            int(requeued.rowcount or 0),  # type: ignore[attr-defined]
            int(uncertain.rowcount or 0),  # type: ignore[attr-defined]
        )
        if recovery.requeued or recovery.uncertain:
            log.warning(
                "outbound sender: took over %d claimed rows never tried (pending again) and "
                "closed %d that may have been delivered as unknown",
                recovery.requeued,
                recovery.uncertain,
            )
        return recovery

    async def close_interrupted(self) -> int:
        """The fallback without a lease: claims older than ``STALE_CLAIM`` taken over."""
        recovery = await self.take_over(STALE_CLAIM)
        return recovery.uncertain

    # --- the writes -------------------------------------------------------------------------------
    def _write_marks(self, conn: Connection, row_ids: list[int]) -> list[bool]:
        now = self.clock()
        # One statement per row: executemany would not say which rows matched.
        return [
            bool(conn.execute(_MARK, {"row_id": i, "holder": self.holder, "now": now}).rowcount)
            for i in row_ids
        ]

    def _write_outcomes(self, conn: Connection, outcomes: list[DeliveryOutcome]) -> list[None]:
        now = self.clock()
        returned = [x for x in outcomes if x.status in ("pending", "release")]
        closed = [x for x in outcomes if x.status not in ("pending", "release")]
        if returned:
            conn.execute(
                _RETURN,
                [
                    {
                        "row_id": x.row_id,
                        "holder": self.holder,
                        "new_error": x.error,
                        "new_not_before": x.not_before,
                        "new_attempts": x.attempts,
                    }
                    for x in returned
                ],
            )
        if closed:
            conn.execute(
                _RECORD,
                [
                    {
                        "row_id": x.row_id,
                        "holder": self.holder,
                        "new_status": x.status,
                        "new_error": x.error or None,
                        "new_sent_at": now if x.status == "sent" else None,
                        "new_message_id": x.message_id,
                        "new_not_before": x.not_before,
                        "new_attempts": x.attempts,
                    }
                    for x in closed
                ],
            )
        blocked = {x.employee_id for x in closed if x.status == "blocked" and x.employee_id}
        if blocked:
            conn.execute(update(Employee).where(Employee.id.in_(blocked)).values(is_active=False))
        return [None] * len(outcomes)
