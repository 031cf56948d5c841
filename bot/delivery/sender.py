"""The one outbound sender: every bulk message (reminders, announcements, notices) goes here.

It drains the ``outbound_messages`` table (the outbox), so nothing queued is lost on a restart,
and it keeps within Telegram's limits: an overall rate (30 messages per second by default) and one
message per second per chat. Errors are sorted into what Telegram meant:

- 429 ``retry_after``: everyone waits that long, and the message goes back to the queue;
- 403, or 400 "chat not found": the learner blocked the bot or is gone, so they are marked
  inactive and the row ``blocked``;
- network errors before the request left, and 5xx: retried with backoff, a bounded number of
  times, then ``failed``;
- a timeout, or a connection lost after the request was written: Telegram may have delivered
  it, so the row is ``unknown`` ("mungkin terkirim") and never sent again.

Delivery is at most once, and the accounting survives a crash. A row is claimed (``sending``)
in a batch; just before its request goes out, its attempt is marked (committed); its outcome is
recorded as soon as it is known. A row holds one of the sender's in-flight slots from its mark
to its committed outcome, so after a crash at most the in-flight limit of rows "may have been
delivered" (closed as ``unknown``); claimed rows never tried go back to ``pending``. The worker
that takes the lease takes over the dead one's claims at once (``OutboxStore.take_over``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
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
from bot.delivery.outbox_store import TIMED_OUT, UNKNOWN, DeliveryOutcome, OutboxStore
from bot.observability import metrics
from db.models import OutboundMessage
from db.session import Database

log = logging.getLogger(__name__)

CLAIM_BATCH_MIN = 50
IDLE_POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300
RECOVERY_SECONDS = 10.0  # how often the lease holder looks for claims of dead workers


class SendStatus(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"
    BLOCKED = "blocked"
    TRANSIENT = "transient"  # did not reach Telegram, or a 5xx: safe to try again
    UNCERTAIN = "uncertain"  # may have been delivered (timed out): never again
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
    uncertain: int = 0
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
        holder: str | None = None,
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
        # Sends whose attempt is marked and whose outcome is not yet committed never exceed
        # this: after a crash, at most this many rows are "may have been delivered".
        self.in_flight_limit = max(4, min(int(rate * 2), 200))
        self._in_flight = asyncio.Semaphore(self.in_flight_limit)
        self._chat_last: dict[int, float] = {}
        self._chat_turns: KeyedLock[int] = KeyedLock()
        self._paused_until = 0.0
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self.stats = SenderStats()
        self.store = OutboxStore(db, clock, holder or f"sender:{secrets.token_hex(6)}")

    # --- lifecycle ------------------------------------------------------------------------------
    def wake(self) -> None:
        """New work was queued: look now instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def _may_go_on(self) -> bool:
        return not self._stopping.is_set() and self.may_send()

    async def run(self) -> None:
        """Drain the outbox until stopped. Survives database and network errors.

        Each batch is claimed and rendered, and each of its rows started in turn (an in-flight
        slot, its turn within the limits, its attempt mark, the request); the next batch is
        claimed as soon as the last row of this one has started, while the tail is in flight.
        On taking the lease, and every ``RECOVERY_SECONDS`` while holding it, the claims of
        workers that died are taken over: no two-minute wait.
        """
        held = False
        last_recovery = 0.0
        while not self._stopping.is_set():
            try:
                if not self.may_send():
                    held = False
                    raise _Idle
                if not held or time.monotonic() - last_recovery > RECOVERY_SECONDS:
                    await self.store.take_over()
                    held, last_recovery = True, time.monotonic()
                batch = await self._prepare()
                if batch.rows:
                    await self._start(batch)
                    continue
            except _Idle:
                pass
            except Exception:  # keep going; claims left behind are taken over
                log.exception("outbound sender: batch failed; retrying shortly")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
        await self._finish_in_flight()

    async def _finish_in_flight(self) -> None:
        """The sends that started get their answer and their outcome recorded."""
        while self._sending:
            await asyncio.gather(*list(self._sending), return_exceptions=True)

    # --- one batch ------------------------------------------------------------------------------
    async def drain_once(self) -> int:
        """Claim a batch of due rows, send them within the limits, record every outcome."""
        batch = await self._prepare()
        if batch.rows:
            await self._start(batch)
            await self._finish_in_flight()
        return len(batch.rows)

    async def _prepare(self) -> _Batch:
        rows = await self.store.claim(max(CLAIM_BATCH_MIN, int(self.rate * 2)))
        try:
            return _Batch(rows, await self._render(rows) if rows else {})
        except BaseException:
            with contextlib.suppress(Exception):
                await self.store.release(rows)
            raise

    async def _start(self, batch: _Batch) -> None:
        """Start every row of the batch in order; hand back the rest when told to stop."""
        rows = batch.rows
        for index, row in enumerate(rows):
            if not self._may_go_on():
                await self.store.release(rows[index:])
                return
            message = batch.messages.get(row.id)
            if message is None or isinstance(message, Skip):
                reason = message.reason if isinstance(message, Skip) else "no renderer"
                self.stats.skipped += 1
                await self.store.record_one(DeliveryOutcome(row.id, "skipped", error=reason))
                continue
            await self._in_flight.acquire()
            task = asyncio.create_task(self._send_one(row, message))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

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

    async def _send_one(self, row: OutboundMessage, message: Outgoing) -> None:
        """Holds an in-flight slot from before the mark until the outcome is committed."""
        try:
            await self._wait_for_turn(row.chat_id)
            if not self._may_go_on():
                await self.store.record_one(DeliveryOutcome(row.id, "release"))
                return
            if not await self.store.mark_attempt(row.id):
                return  # the claim was taken over: another worker has the row now
            try:
                result = await self.transport.send(row.chat_id, message)
            except Exception as exc:  # a transport bug: it may have sent, so never again
                log.exception("outbound sender: transport failed for row %s", row.id)
                result = SendResult(SendStatus.UNCERTAIN, error=type(exc).__name__)
            await self.store.record_one(self._outcome(row, result))
        except Exception:  # the row stays claimed; recovery closes or requeues it
            log.exception("outbound sender: row %s not recorded", row.id)
        finally:
            self._in_flight.release()

    async def _wait_for_turn(self, chat_id: int) -> None:
        # One waiter per chat at a time, in arrival order: two messages to one chat in the same
        # batch then go in order and ``chat_interval`` apart, also across a 429 pause (checking
        # the interval without the lock let both pass the check and go out together).
        async with self._chat_turns(chat_id):
            while True:  # the wait can grow while sleeping (a 429 pauses everyone)
                wait = self._next_turn(chat_id) - time.monotonic()
                if wait <= 0 or self._stopping.is_set():
                    break
                await asyncio.sleep(min(wait, 0.5))
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
        if result.status is SendStatus.UNCERTAIN:
            self.stats.uncertain += 1
            error = TIMED_OUT if not result.error else f"{TIMED_OUT}: {result.error}"
            return DeliveryOutcome(row.id, UNKNOWN, attempts=row.attempts + 1, error=error[:200])
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
