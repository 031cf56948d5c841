"""The outbound sender (bot/delivery/sender.py): outcomes sorted and recorded as they come, a
dead worker's claims taken over (untried rows requeued, rows that may have gone out closed as
unknown), timeouts never retried, one chat's messages in order and spaced."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import insert, select, update

from bot.core.outgoing import MessageKind, Outgoing, Skip
from bot.delivery.outbox_store import INTERRUPTED, Recovery
from bot.delivery.sender import OutboundSender, Renderer, SendResult, SendStatus
from bot.services import Services
from db.models import Employee, OutboundMessage
from tests.support import FakeClock
from tests.unit.helpers import at_wib, employee_of, nip, nudges, outbox, register


class ScriptedTransport:
    """Telegram's side of a send, scripted per chat (the boundary, not our code)."""

    def __init__(self, script: dict[int, list[SendResult]]) -> None:
        self.script = script
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        results = self.script.get(chat_id) or [SendResult(SendStatus.SENT, message_id=77)]
        result = results.pop(0) if len(results) > 1 else results[0]
        if result.status is SendStatus.SENT:
            self.sent.append((chat_id, message.text))
        return result


def reminder_renderer(svc: Services) -> dict[str, Renderer]:
    async def render(rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        by_employee = await nudges(svc).render([employee_of(r) for r in rows])
        return {r.id: by_employee[employee_of(r)] for r in rows}

    return {MessageKind.REMINDER: render}


async def test_the_sender_sorts_outcomes(svc: Services, clock: FakeClock) -> None:
    for n in range(1, 6):
        await register(svc, n, nip(n))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    assert (await svc.reminders.tick()).enqueued == 5
    transport = ScriptedTransport(
        {
            2: [SendResult(SendStatus.BLOCKED, error="Forbidden: bot was blocked by the user")],
            3: [SendResult(SendStatus.TRANSIENT, error="Bad Gateway")],
            4: [
                SendResult(SendStatus.RETRY_AFTER, retry_after=0.5),
                SendResult(SendStatus.SENT, message_id=78),
            ],
            5: [SendResult(SendStatus.FAILED, error="Bad Request: can't parse entities")],
        }
    )

    async def render(rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        by_employee = await nudges(svc).render([employee_of(r) for r in rows])
        return {r.id: by_employee[employee_of(r)] for r in rows}

    sender = OutboundSender(
        svc.db,
        clock,
        transport,
        {MessageKind.REMINDER: render},
        rate=100,
        chat_interval=0,
        max_attempts=2,
    )
    assert await sender.drain_once() == 5
    by_chat = {r.chat_id: r for r in await outbox(svc.db)}
    assert by_chat[1].status == "sent" and by_chat[1].telegram_message_id == 77
    assert by_chat[2].status == "blocked"
    assert (by_chat[3].status, by_chat[3].attempts) == ("pending", 1)
    assert by_chat[3].not_before > clock.now
    assert (by_chat[4].status, by_chat[4].attempts) == ("pending", 0)  # 429 costs no attempt
    assert by_chat[5].status == "failed"
    async with svc.db.transaction() as s:
        blocked = await s.scalar(select(Employee.is_active).where(Employee.telegram_id == 2))
    assert blocked is False
    # Nothing is due until the backoff and the retry_after pass.
    assert await sender.drain_once() == 0
    clock.advance(seconds=5)
    assert await sender.drain_once() == 2
    by_chat = {r.chat_id: r for r in await outbox(svc.db)}
    assert (by_chat[3].status, by_chat[3].attempts) == ("failed", 2)  # bounded retries
    assert by_chat[4].status == "sent"
    assert [chat for chat, _ in transport.sent] == [1, 4]
    assert (sender.stats.sent, sender.stats.blocked, sender.stats.failed) == (2, 1, 2)


async def test_a_dead_workers_claims_go_back_unless_they_may_have_gone_out(
    svc: Services, clock: FakeClock
) -> None:
    """Claimed by a worker that died: the rows it never tried are sent by the survivor, the
    one whose request had started is closed as unknown ("mungkin terkirim"), never repeated."""
    for n in range(1, 4):
        await register(svc, n, nip(n))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    await svc.reminders.tick()
    async with svc.db.transaction() as s:  # a process claimed them, started one, then died
        await s.execute(
            update(OutboundMessage).values(
                status="sending", claimed_at=clock.now, claimed_by="dead:1"
            )
        )
        await s.execute(
            update(OutboundMessage)
            .where(OutboundMessage.chat_id == 1)
            .values(attempt_started_at=clock.now)
        )
    transport = ScriptedTransport({})
    sender = OutboundSender(svc.db, clock, transport, reminder_renderer(svc), rate=10)
    assert await sender.drain_once() == 0  # claims of another worker are not touched...
    recovery = await sender.store.take_over()  # ...until the lease says it is gone
    assert (recovery.requeued, recovery.uncertain) == (2, 1)
    assert await sender.drain_once() == 2
    assert sorted(chat for chat, _ in transport.sent) == [2, 3]
    by_chat = {r.chat_id: r for r in await outbox(svc.db)}
    assert (by_chat[1].status, by_chat[1].error) == ("unknown", INTERRUPTED)
    assert by_chat[2].status == by_chat[3].status == "sent"
    assert await sender.store.take_over() == Recovery(0, 0)  # nothing left to take


async def test_a_timed_out_send_is_uncertain_and_never_retried(
    svc: Services, clock: FakeClock
) -> None:
    """A sendMessage without an answer may have been delivered: "unknown", at most once."""
    await register(svc, 1, nip(1))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    await svc.reminders.tick()
    transport = ScriptedTransport({1: [SendResult(SendStatus.UNCERTAIN, error="Timed out")]})
    sender = OutboundSender(svc.db, clock, transport, reminder_renderer(svc), rate=10)
    assert await sender.drain_once() == 1
    clock.advance(minutes=10)
    assert await sender.drain_once() == 0
    [row] = await outbox(svc.db)
    assert row.status == "unknown" and row.error is not None and "mungkin terkirim" in row.error
    assert sender.stats.uncertain == 1 and sender.stats.retried == 0


async def test_each_outcome_is_recorded_as_soon_as_it_is_known(
    svc: Services, clock: FakeClock
) -> None:
    """Not when the whole batch is done: a send still waiting for Telegram holds no other
    row's outcome back, and its own row shows that its request may have gone out."""
    for n in range(1, 3):
        await register(svc, n, nip(n))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    await svc.reminders.tick()
    answer = asyncio.Event()

    class SlowForChat2(ScriptedTransport):
        async def send(self, chat_id: int, message: Outgoing) -> SendResult:
            if chat_id == 2:
                await answer.wait()
            return await super().send(chat_id, message)

    sender = OutboundSender(
        svc.db, clock, SlowForChat2({}), reminder_renderer(svc), rate=10, chat_interval=0
    )
    drain = asyncio.create_task(sender.drain_once())
    for _ in range(200):
        by_chat = {r.chat_id: r for r in await outbox(svc.db)}
        if by_chat[1].status == "sent" and by_chat[2].attempt_started_at is not None:
            break
        await asyncio.sleep(0.01)
    assert by_chat[1].status == "sent"
    assert by_chat[2].status == "sending" and by_chat[2].attempt_started_at is not None
    answer.set()
    assert await drain == 2
    assert {r.status for r in await outbox(svc.db)} == {"sent"}


async def test_a_worker_that_lost_its_claims_sends_none_of_them(
    svc: Services, clock: FakeClock
) -> None:
    """The lease moved while a worker still had claimed rows: the new holder takes them over
    and the old one's attempt marks fail, so it starts none of them (no second copy)."""
    for n in range(1, 4):
        await register(svc, n, nip(n))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    await svc.reminders.tick()
    old_transport, new_transport = ScriptedTransport({}), ScriptedTransport({})
    old = OutboundSender(svc.db, clock, old_transport, reminder_renderer(svc), rate=10)
    new = OutboundSender(svc.db, clock, new_transport, reminder_renderer(svc), rate=10)
    rows = await old.store.claim(10)
    assert len(rows) == 3
    assert (await new.store.take_over()).requeued == 3
    assert not any([await old.store.mark_attempt(row.id) for row in rows])
    assert await new.drain_once() == 3
    assert old_transport.sent == [] and len(new_transport.sent) == 3


class TimedTransport(ScriptedTransport):
    """Also notes when each message went out."""

    def __init__(self) -> None:
        super().__init__({})
        self.times: list[float] = []

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        self.times.append(asyncio.get_running_loop().time())
        return await super().send(chat_id, message)


async def test_messages_to_one_chat_in_one_batch_go_in_order_and_spaced(
    svc: Services, clock: FakeClock
) -> None:
    """A chat gets at most one message per ``chat_interval``, in the order they were queued,
    even when several of its messages are claimed in the same batch."""
    now = clock.now
    async with svc.db.transaction() as s:
        await s.execute(
            insert(OutboundMessage),
            [
                {
                    "kind": "reminder",
                    "dedup_key": f"same-chat:{i}",
                    "broadcast_id": None,
                    "chat_id": 4242,
                    "payload": {"n": i},
                    "status": "pending",
                    "attempts": 0,
                    "not_before": now,
                    "created_at": now.astimezone(UTC),
                }
                for i in range(3)
            ],
        )

    async def render(rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        return {row.id: Outgoing(text=f"pesan {row.payload['n']}") for row in rows}

    transport = TimedTransport()
    sender = OutboundSender(
        svc.db, clock, transport, {"reminder": render}, rate=30, chat_interval=0.2
    )
    assert await sender.drain_once() == 3
    assert [text for _, text in transport.sent] == ["pesan 0", "pesan 1", "pesan 2"]
    gaps = [b - a for a, b in zip(transport.times, transport.times[1:], strict=False)]
    assert all(gap >= 0.19 for gap in gaps), gaps
