"""The outbound sender (bot/delivery/sender.py): outcomes sorted, interrupted deliveries closed,
one chat's messages in order and spaced."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import func, insert, select, update

from bot.core.outgoing import MessageKind, Outgoing, Skip
from bot.delivery.sender import OutboundSender, SendResult, SendStatus
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


async def test_an_interrupted_delivery_is_closed_not_repeated(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    await svc.reminders.tick()
    async with svc.db.transaction() as s:  # a process claimed it, then died
        await s.execute(update(OutboundMessage).values(status="sending", claimed_at=clock.now))
    transport = ScriptedTransport({})
    sender = OutboundSender(svc.db, clock, transport, {}, rate=10)
    assert await sender.store.close_interrupted() == 0  # it may still be in flight elsewhere
    clock.advance(minutes=3)
    assert await sender.store.close_interrupted() == 1
    assert await sender.drain_once() == 0
    assert transport.sent == []
    async with svc.db.transaction() as s:
        statuses = (await s.scalars(select(OutboundMessage.status))).all()
        count = await s.scalar(select(func.count()).select_from(OutboundMessage))
    assert list(statuses) == ["failed"] and count == 1


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
