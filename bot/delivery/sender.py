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
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from aiolimiter import AsyncLimiter

from bot.core.clock import Clock
from bot.core.keyed_lock import KeyedLock
from bot.core.outgoing import Outgoing, Skip
from bot.delivery.outbox_store import STALE_CLAIM, DeliveryOutcome, OutboxStore
from bot.observability import metrics
from db.models import OutboundMessage
from db.session import Database

log = logging.getLogger(__name__)

CLAIM_BATCH_MIN = 50
IDLE_POLL_SECONDS = 1.0
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
        self._chat_turns: KeyedLock[int] = KeyedLock()
        self._paused_until = 0.0
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.stats = SenderStats()
        self.store = OutboxStore(db, clock)

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
                    await self.store.close_interrupted()
                batch = await (prepared or self._prepare())
                prepared = None
                if batch.rows:
                    prepared = asyncio.create_task(self._prepare())
                    outcomes = await self._send_batch(batch)
                    if recording is not None:
                        await recording
                    recording = asyncio.create_task(self.store.record(outcomes))
                    continue
            except _Idle:  # the lease moved: hand back a batch claimed in advance
                if prepared is not None:
                    with contextlib.suppress(Exception):
                        await self.store.release((await prepared).rows)
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
            await self.store.release(prepared.result().rows)

    # --- one batch ------------------------------------------------------------------------------
    async def drain_once(self) -> int:
        """Claim a batch of due rows, send them within the limits, record every outcome."""
        batch = await self._prepare()
        if batch.rows:
            await self.store.record(await self._send_batch(batch))
        return len(batch.rows)

    async def _prepare(self) -> _Batch:
        rows = await self.store.claim(max(CLAIM_BATCH_MIN, int(self.rate * 2)))
        return _Batch(rows, await self._render(rows) if rows else {})

    async def _send_batch(self, batch: _Batch) -> list[DeliveryOutcome]:
        outcomes: list[DeliveryOutcome] = []
        tasks = []
        for row in batch.rows:
            message = batch.messages.get(row.id)
            if message is None or isinstance(message, Skip):
                reason = message.reason if isinstance(message, Skip) else "no renderer"
                self.stats.skipped += 1
                outcomes.append(DeliveryOutcome(row.id, "skipped", error=reason))
                continue
            await self._in_flight.acquire()
            tasks.append(asyncio.create_task(self._send_one(row, message)))
        for task in tasks:
            outcomes.append(await task)
        return outcomes

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

    async def _send_one(self, row: OutboundMessage, message: Outgoing) -> DeliveryOutcome:
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
        # One waiter per chat at a time, in arrival order: two messages to one chat in the same
        # batch then go in order and ``chat_interval`` apart, also across a 429 pause (checking
        # the interval without the lock let both pass the check and go out together).
        async with self._chat_turns(chat_id):
            while True:  # the wait can grow while sleeping (a 429 pauses everyone)
                wait = self._next_turn(chat_id) - time.monotonic()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            await self._limiter.acquire()
            self._chat_last[chat_id] = time.monotonic()
        if len(self._chat_last) > 10_000:
            horizon = time.monotonic() - self.chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}

    def _next_turn(self, chat_id: int) -> float:
        return max(self._paused_until, self._chat_last.get(chat_id, -1e9) + self.chat_interval)

    def _outcome(self, row: OutboundMessage, result: SendResult) -> DeliveryOutcome:
        kind_count = self.stats.by_kind
        if result.status is not SendStatus.SENT:
            metrics.SEND_ERRORS.labels(result.status.value).inc()
        if result.status is SendStatus.SENT:
            metrics.MESSAGES_SENT.labels(row.kind).inc()
            self.stats.sent += 1
            kind_count[row.kind] = kind_count.get(row.kind, 0) + 1
            return DeliveryOutcome(row.id, "sent", message_id=result.message_id)
        if result.status is SendStatus.BLOCKED:
            self.stats.blocked += 1
            return DeliveryOutcome(
                row.id, "blocked", employee_id=row.employee_id, error=result.error
            )
        if result.status is SendStatus.RETRY_AFTER:
            # Telegram said the whole bot must wait: pause everyone, requeue without penalty.
            self.stats.rate_limited += 1
            self._paused_until = max(self._paused_until, time.monotonic() + result.retry_after)
            later = self.clock() + timedelta(seconds=result.retry_after)
            return DeliveryOutcome(row.id, "pending", not_before=later, error="429")
        attempts = row.attempts + 1
        if result.status is SendStatus.TRANSIENT and attempts < self.max_attempts:
            self.stats.retried += 1
            backoff = min(2**attempts, MAX_BACKOFF_SECONDS)
            later = self.clock() + timedelta(seconds=backoff)
            return DeliveryOutcome(
                row.id, "pending", not_before=later, attempts=attempts, error=result.error
            )
        self.stats.failed += 1
        return DeliveryOutcome(row.id, "failed", attempts=attempts, error=result.error)
