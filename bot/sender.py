"""The one outbound sender: every bulk message (reminders now, announcements later) goes here.

It drains the ``outbound_messages`` table (the outbox), so nothing queued is lost on a restart,
and it keeps within Telegram's limits: an overall rate (30 messages per second by default) and one
message per second per chat. Errors are sorted into what Telegram meant:

- 429 ``retry_after``: everyone waits that long, and the message goes back to the queue;
- 403, or 400 "chat not found": the learner blocked the bot or is gone, so they are marked
  inactive and the row ``blocked``;
- network errors, timeouts and 5xx: retried with backoff, a bounded number of times, then
  ``failed``.

Delivery is at most once. A row is claimed (``sending``) before the call and its outcome recorded
after; if the process dies in between, nobody can know whether Telegram delivered it, so the row
is closed as failed ("interrupted") rather than risking a second copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy import select, update

from bot import metrics
from bot.clock import Clock
from bot.services.outgoing import Outgoing, Skip
from db.models import Broadcast, Employee, OutboundMessage
from db.session import Database

log = logging.getLogger(__name__)

CLAIM_BATCH_MIN = 50
IDLE_POLL_SECONDS = 1.0
STALE_CLAIM = timedelta(minutes=2)
MAX_BACKOFF_SECONDS = 300


class SendStatus(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"
    BLOCKED = "blocked"
    TRANSIENT = "transient"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    message_id: int | None = None
    retry_after: float = 0.0
    error: str | None = None


class Transport(Protocol):
    """Sends one message to one chat; implemented over python-telegram-bot in ``bot.telegram``."""

    async def send(self, chat_id: int, message: Outgoing) -> SendResult: ...


# A renderer turns claimed rows of one kind into messages, or reasons to skip them.
Renderer = Callable[[Sequence[OutboundMessage]], Awaitable[dict[int, Outgoing | Skip]]]


@dataclass(slots=True)
class SenderStats:
    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class _Idle(Exception):
    """Nothing to do in this instance right now (another one is the worker)."""


@dataclass(frozen=True, slots=True)
class _Batch:
    rows: list[OutboundMessage]
    messages: dict[int, Outgoing | Skip]


@dataclass(slots=True)
class _Outcome:
    row_id: int
    status: str
    employee_id: int | None = None
    message_id: int | None = None
    error: str | None = None
    not_before: datetime | None = None
    attempts: int | None = None


class OutboundSender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        transport: Transport,
        renderers: dict[str, Renderer],
        *,
        rate: float,
        chat_interval: float = 1.0,
        max_attempts: int = 5,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.clock = clock
        self.transport = transport
        self.renderers = renderers
        self.rate = rate
        self.chat_interval = chat_interval
        self.max_attempts = max_attempts
        self.may_send = may_send  # False while another instance holds the worker lease
        # A leaky bucket refilled every tenth of a second: the same average without a burst of a
        # whole second's worth of messages at the start.
        period = 0.1 if rate >= 10 else 1.0
        self._limiter = AsyncLimiter(rate * period, period)
        self._in_flight = asyncio.Semaphore(max(4, min(int(rate * 2), 200)))
        self._chat_last: dict[int, float] = {}
        self._paused_until = 0.0
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.stats = SenderStats()

    # --- lifecycle ------------------------------------------------------------------------------
    def wake(self) -> None:
        """New work was queued: look now instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Drain the outbox until stopped. Survives database and network errors.

        A pipeline: while one batch is being sent, the next is claimed and rendered and the
        previous one's outcomes are written, so the database never leaves the sender idle.
        """
        last_recovery = 0.0
        prepared: asyncio.Task[_Batch] | None = None
        recording: asyncio.Task[None] | None = None
        while not self._stopping.is_set():
            try:
                if not self.may_send():
                    raise _Idle
                if time.monotonic() - last_recovery > STALE_CLAIM.total_seconds() / 2:
                    last_recovery = time.monotonic()
                    await self.close_interrupted()
                batch = await (prepared or self._prepare())
                prepared = None
                if batch.rows:
                    prepared = asyncio.create_task(self._prepare())
                    outcomes = await self._send_batch(batch)
                    if recording is not None:
                        await recording
                    recording = asyncio.create_task(self._record(outcomes))
                    continue
            except _Idle:  # the lease moved: hand back a batch claimed in advance
                if prepared is not None:
                    with contextlib.suppress(Exception):
                        await self._release(await prepared)
                    prepared = None
            except Exception:  # keep going; unrecorded rows are closed as interrupted later
                log.exception("outbound sender: batch failed; retrying shortly")
                prepared = None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
        for task in (prepared, recording):
            if task is not None:
                with contextlib.suppress(Exception):
                    await task
        # A batch claimed on the way out is handed back untouched.
        if prepared is not None and not prepared.cancelled() and prepared.exception() is None:
            await self._release(prepared.result())

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

    # --- one batch ------------------------------------------------------------------------------
    async def drain_once(self) -> int:
        """Claim a batch of due rows, send them within the limits, record every outcome."""
        batch = await self._prepare()
        if batch.rows:
            await self._record(await self._send_batch(batch))
        return len(batch.rows)

    async def _prepare(self) -> _Batch:
        rows = await self._claim()
        return _Batch(rows, await self._render(rows) if rows else {})

    async def _send_batch(self, batch: _Batch) -> list[_Outcome]:
        outcomes: list[_Outcome] = []
        tasks = []
        for row in batch.rows:
            message = batch.messages.get(row.id)
            if message is None or isinstance(message, Skip):
                reason = message.reason if isinstance(message, Skip) else "no renderer"
                outcomes.append(_Outcome(row.id, "skipped", error=reason))
                continue
            await self._in_flight.acquire()
            tasks.append(asyncio.create_task(self._send_one(row, message)))
        for task in tasks:
            outcomes.append(await task)
        return outcomes

    async def _release(self, batch: _Batch) -> None:
        if not batch.rows:
            return
        async with self.db.transaction() as s:
            await s.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.id.in_([row.id for row in batch.rows]),
                    OutboundMessage.status == "sending",
                )
                .values(status="pending", claimed_at=None)
                .execution_options(synchronize_session=False)
            )

    async def _claim(self) -> list[OutboundMessage]:
        """Claim the next batch, shared fairly between lanes.

        A lane is the reminders (rows without a broadcast) or one announcement. Each lane gets
        an equal share of the batch, and what a lane leaves unused goes to the others, so two
        announcements progress side by side and reminders keep flowing during a big one.
        """
        now = self.clock()
        limit = max(CLAIM_BATCH_MIN, int(self.rate * 2))
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

    async def _render(self, rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        by_kind: dict[str, list[OutboundMessage]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, []).append(row)
        messages: dict[int, Outgoing | Skip] = {}
        for kind, group in by_kind.items():
            renderer = self.renderers.get(kind)
            if renderer is not None:
                messages.update(await renderer(group))
        return messages

    async def _send_one(self, row: OutboundMessage, message: Outgoing) -> _Outcome:
        try:
            await self._wait_for_turn(row.chat_id)
            try:
                result = await self.transport.send(row.chat_id, message)
            except Exception as exc:  # a transport bug must not lose the row
                log.exception("outbound sender: transport failed for row %s", row.id)
                result = SendResult(SendStatus.TRANSIENT, error=type(exc).__name__)
            return self._outcome(row, result)
        finally:
            self._in_flight.release()

    async def _wait_for_turn(self, chat_id: int) -> None:
        while True:
            now = time.monotonic()
            wait = max(
                self._paused_until - now,
                self._chat_last.get(chat_id, -1e9) + self.chat_interval - now,
            )
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        await self._limiter.acquire()
        self._chat_last[chat_id] = time.monotonic()
        if len(self._chat_last) > 10_000:
            horizon = time.monotonic() - self.chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}

    def _outcome(self, row: OutboundMessage, result: SendResult) -> _Outcome:
        kind_count = self.stats.by_kind
        if result.status is not SendStatus.SENT:
            metrics.SEND_ERRORS.labels(result.status.value).inc()
        if result.status is SendStatus.SENT:
            metrics.MESSAGES_SENT.labels(row.kind).inc()
            self.stats.sent += 1
            kind_count[row.kind] = kind_count.get(row.kind, 0) + 1
            return _Outcome(row.id, "sent", message_id=result.message_id)
        if result.status is SendStatus.BLOCKED:
            self.stats.blocked += 1
            return _Outcome(row.id, "blocked", employee_id=row.employee_id, error=result.error)
        if result.status is SendStatus.RETRY_AFTER:
            # Telegram said the whole bot must wait: pause everyone, requeue without penalty.
            self.stats.rate_limited += 1
            self._paused_until = max(self._paused_until, time.monotonic() + result.retry_after)
            later = self.clock() + timedelta(seconds=result.retry_after)
            return _Outcome(row.id, "pending", not_before=later, error="429")
        attempts = row.attempts + 1
        if result.status is SendStatus.TRANSIENT and attempts < self.max_attempts:
            self.stats.retried += 1
            backoff = min(2**attempts, MAX_BACKOFF_SECONDS)
            later = self.clock() + timedelta(seconds=backoff)
            return _Outcome(
                row.id, "pending", not_before=later, attempts=attempts, error=result.error
            )
        self.stats.failed += 1
        return _Outcome(row.id, "failed", attempts=attempts, error=result.error)

    async def _record(self, outcomes: list[_Outcome]) -> None:
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
                if o.status == "skipped":
                    self.stats.skipped += 1
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
