"""The outbox in the database: claim a fair batch, hand it back, record what became of it.

The sending itself (limits, errors, retries) is ``bot.delivery.sender``; this is its storage,
so each of the two stays one thing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.core.clock import Clock
from db.models import Broadcast, Employee, OutboundMessage
from db.session import Database

log = logging.getLogger(__name__)

# A row claimed this long ago and never recorded belongs to a process that died mid-send.
STALE_CLAIM = timedelta(minutes=2)


@dataclass(slots=True)
class DeliveryOutcome:
    """What became of one claimed row."""

    row_id: int
    status: str
    employee_id: int | None = None
    message_id: int | None = None
    error: str | None = None
    not_before: datetime | None = None
    attempts: int | None = None


class OutboxStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def claim(self, limit: int) -> list[OutboundMessage]:
        """Claim the next batch, shared fairly between lanes.

        A lane is the reminders (rows without a broadcast) or one announcement. Each lane gets
        an equal share of the batch, and what a lane leaves unused goes to the others, so two
        announcements progress side by side and reminders keep flowing during a big one.
        """
        now = self.clock()
        o = OutboundMessage
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
                    .values(status="sending", claimed_at=now)
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
        """Hand claimed rows back untouched (a batch claimed while stopping)."""
        if not rows:
            return
        async with self.db.transaction() as s:
            await s.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.id.in_([row.id for row in rows]),
                    OutboundMessage.status == "sending",
                )
                .values(status="pending", claimed_at=None)
                .execution_options(synchronize_session=False)
            )

    async def close_interrupted(self) -> int:
        """Rows a dead process claimed but never recorded: their fate is unknown, so they are
        closed rather than sent again (at most once)."""
        now = self.clock()
        async with self.db.transaction() as s:
            result = await s.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.status == "sending",
                    OutboundMessage.claimed_at < now - STALE_CLAIM,
                )
                .values(status="failed", error="interrupted: delivery unknown")
                .execution_options(synchronize_session=False)
            )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            log.warning("outbound sender: closed %d interrupted deliveries", count)
        return count

    async def record(self, outcomes: Sequence[DeliveryOutcome]) -> None:
        """Write every outcome of a batch, and mark the learners who blocked the bot."""
        now = self.clock()
        async with self.db.transaction() as s:
            for o in outcomes:
                values: dict[str, object] = {"status": o.status, "error": (o.error or None)}
                if o.status == "sent":
                    values.update(sent_at=now, telegram_message_id=o.message_id)
                if o.not_before is not None:
                    values["not_before"] = o.not_before
                if o.attempts is not None:
                    values["attempts"] = o.attempts
                await s.execute(
                    update(OutboundMessage)
                    .where(OutboundMessage.id == o.row_id)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
                if o.status == "blocked" and o.employee_id is not None:
                    await s.execute(
                        update(Employee)
                        .where(Employee.id == o.employee_id)
                        .values(is_active=False)
                        .execution_options(synchronize_session=False)
                    )
