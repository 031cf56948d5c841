"""Reminder settings, the minute tick, reminder texts and the outbound sender, on a real DB."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.outgoing import MessageKind, Outgoing, Skip
from bot.delivery.outbox_store import OutboxStore
from bot.delivery.renderers.reminders import NudgeRenderer
from bot.delivery.sender import OutboundSender, SendResult, SendStatus
from bot.services import Services
from bot.services.reminders import TimeOutcome
from db.models import Employee, OutboundMessage, Reminder
from db.session import Database
from tests.support import FakeClock
from tests.unit.test_services import register

WIB = ZoneInfo("Asia/Jakarta")


def nip(n: int) -> str:
    return f"198609262015051{n:03d}"


def at_wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return Services.build(settings, db, catalog, clock=clock, rng=random.Random(7))


def nudges(svc: Services) -> NudgeRenderer:
    return NudgeRenderer(svc.db, svc.catalog, svc.clock, svc.settings)


async def outbox(db: Database) -> list[OutboundMessage]:
    async with db.transaction() as s:
        return list((await s.scalars(select(OutboundMessage).order_by(OutboundMessage.id))).all())


async def reminder_of(db: Database, uid: int) -> Reminder:
    async with db.transaction() as s:
        row = await s.scalar(select(Reminder).join(Employee).where(Employee.telegram_id == uid))
    assert row is not None
    return row


async def test_a_new_learner_gets_a_weekday_reminder_at_the_default_time(svc: Services) -> None:
    await register(svc, 1, nip(1))
    view = await svc.reminders.view(1)
    assert view is not None and view.enabled and view.weekdays_only
    assert view.at == time(19, 30)
    assert view.next_due_at == at_wib(2026, 11, 25, 19, 30)  # the clock is Wednesday 10:00 WIB
    assert await svc.reminders.view(999) is None  # not registered


async def test_overlapping_ticks_and_a_second_instance_enqueue_each_reminder_once(
    svc: Services, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    for n in range(1, 4):
        await register(svc, n, nip(n))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    other_db = Database(settings.database_url)  # another process on the same database
    other = Services.build(settings, other_db, catalog, clock=clock)
    try:
        reports = await asyncio.gather(
            svc.reminders.tick(), svc.reminders.tick(), other.reminders.tick()
        )
    finally:
        await other_db.dispose()
    rows = await outbox(svc.db)
    assert len(rows) == 3
    assert sum(r.enqueued for r in reports) == 3
    assert {r.kind for r in rows} == {MessageKind.REMINDER}
    assert (await reminder_of(svc.db, 1)).next_due_at == at_wib(2026, 11, 26, 19, 30)
    # A tick a minute later, or after a restart, finds nothing new.
    clock.advance(minutes=1)
    assert (await svc.reminders.tick()).enqueued == 0
    assert len(await outbox(svc.db)) == 3


async def test_catch_up_after_downtime_only_inside_the_window(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    await register(svc, 2, nip(2))
    await svc.reminders.set_time(1, time(12, 0))
    await svc.reminders.set_time(2, time(11, 0))
    clock.now = at_wib(2026, 11, 25, 13, 59)  # down since before 11:00: 2 h 59 and 1 h 59 late
    report = await svc.reminders.tick()
    assert (report.enqueued, report.skipped_late) == (1, 1)
    rows = await outbox(svc.db)
    assert [r.chat_id for r in rows] == [1]
    # Skipped or sent, both are scheduled normally for the next day.
    assert (await reminder_of(svc.db, 2)).next_due_at == at_wib(2026, 11, 26, 11, 0)
    assert (await reminder_of(svc.db, 1)).next_due_at == at_wib(2026, 11, 26, 12, 0)


async def test_inactive_learners_are_parked_and_rescheduled_when_they_return(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    async with svc.db.transaction() as s:
        await s.execute(update(Employee).values(is_active=False))
    clock.now = at_wib(2026, 11, 25, 19, 31)
    report = await svc.reminders.tick()
    assert (report.enqueued, report.parked) == (0, 1)
    assert (await reminder_of(svc.db, 1)).next_due_at is None  # no longer in the tick's range
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    async with svc.db.transaction() as s:
        await s.execute(update(Employee).values(is_active=True))
        await svc.reminders.reactivate(s, employee_id)
    assert (await reminder_of(svc.db, 1)).next_due_at == at_wib(2026, 11, 26, 19, 30)


async def test_pause_off_and_on(svc: Services, clock: FakeClock) -> None:
    await register(svc, 1, nip(1))
    view = await svc.reminders.pause(1, 7)
    assert view is not None and view.paused_until == clock.now + timedelta(days=7)
    assert view.next_due_at == at_wib(2026, 12, 2, 19, 30)  # Wednesday a week later
    for day in range(7):
        clock.now = at_wib(2026, 11, 25, 19, 31) + timedelta(days=day)
        assert (await svc.reminders.tick()).enqueued == 0
    view = await svc.reminders.set_enabled(1, False)
    assert view is not None and not view.enabled and view.next_due_at is None
    view = await svc.reminders.set_enabled(1, True)  # on again: the pause is gone too
    assert view is not None and view.paused_until is None and view.next_due_at is not None
    with pytest.raises(ValueError):
        await svc.reminders.pause(1, 5)


async def test_typed_times(svc: Services) -> None:
    await register(svc, 1, nip(1))
    assert await svc.reminders.begin_typing(1)
    assert (await svc.reminders.submit_time(1, "25:00"))[0] is TimeOutcome.INVALID
    assert (await svc.reminders.submit_time(1, "besok"))[0] is TimeOutcome.INVALID
    assert (await svc.reminders.submit_time(1, "22:15"))[0] is TimeOutcome.QUIET
    outcome, view = await svc.reminders.submit_time(1, "7.30")
    assert outcome is TimeOutcome.OK and view is not None and view.at == time(7, 30)
    assert await svc.registration.state(1) is None  # the flow is closed
    assert not await svc.reminders.begin_typing(999)


async def test_a_reminder_names_the_next_card_the_pace_and_the_streak(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    module = next(iter(catalog.modules.values()))
    for index in range(3):
        await svc.learning.open_card(1, module.id, module.version, index)
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    # Learned today: no nudge needed today.
    assert await nudges(svc).render([employee_id]) == {employee_id: Skip("learned today")}
    clock.advance(days=1)
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert module.title in message.text
    assert f"kartu 4 dari {len(module.cards)}" in message.text
    assert "Runtun belajar: <b>1 hari</b>" in message.text
    # 20 one-JP modules from late November end next year: the pace line says so.
    assert "0 dari 20 JP" in message.text and "belum tercapai tahun ini" in message.text
    assert message.buttons[0][0].callback_data == f"card:{module.id}:{module.version}:3"
    # Another day, another opening line.
    clock.advance(days=1)
    other = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(other, Outgoing)
    assert other.text.splitlines()[0] != message.text.splitlines()[0]
    assert "Mulai runtun belajar" in other.text  # the streak broke yesterday


async def test_year_end_pacing_lists_the_quickest_modules(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    clock.now = at_wib(2026, 11, 30, 19, 30)  # a Monday after 1 October
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert "Tahun 2026 tinggal 31 hari" in message.text
    assert "kurang <b>20 JP</b>" in message.text
    quickest = min(catalog.modules.values(), key=lambda m: (m.minutes / m.jp, m.minutes))
    first_listed = message.text.split("• ")[1]
    assert first_listed.startswith(quickest.title)


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

    async def render(rows):  # type: ignore[no-untyped-def]
        by_employee = await nudges(svc).render([r.employee_id for r in rows])
        return {r.id: by_employee[r.employee_id] for r in rows}

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


async def test_the_sender_shares_each_batch_between_reminders_and_announcements(
    svc: Services, clock: FakeClock
) -> None:
    """Two big announcements and a few reminders: every lane is served from the first batch."""
    from datetime import UTC as utc

    from sqlalchemy import insert

    from db.models import Broadcast

    now = clock.now
    async with svc.db.transaction() as s:
        for number in (1, 2):
            s.add(
                Broadcast(
                    id=number,
                    created_by=1,
                    text=f"B{number}",
                    audience={},
                    status="sending",
                    created_at=now,
                    recipients=300,
                )
            )
        await s.flush()
        rows = [
            {
                "kind": "broadcast",
                "dedup_key": f"b:{b}:{i}",
                "broadcast_id": b,
                "chat_id": 10_000 * b + i,
                "payload": {},
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now,
            }
            for b in (1, 2)
            for i in range(300)
        ]
        rows += [
            {
                "kind": "reminder",
                "dedup_key": f"r:{i}",
                "broadcast_id": None,
                "chat_id": 50 + i,
                "payload": {},
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now.astimezone(utc),
            }
            for i in range(5)
        ]
        await s.execute(insert(OutboundMessage), rows)
    batch = await OutboxStore(svc.db, clock).claim(60)
    lanes = [row.broadcast_id for row in batch]
    assert len(batch) == 60
    assert lanes.count(None) == 5  # every waiting reminder, though queued last
    assert abs(lanes.count(1) - lanes.count(2)) <= 1  # the two announcements share the rest
    assert lanes[:3] == [None, 1, 2]  # and the lanes are interleaved from the start


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
