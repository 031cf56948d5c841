"""Honest minutes: time on task, reading before the quiz, retries, daily attempts, abandoning.

The clock is the tests' own (``FakeClock``): every wait is a step of the clock, never a sleep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.core.content import Catalog, Module, reading_seconds
from bot.core.quiz_rules import Gate, QuizRules, Standing, gate
from bot.services import Services
from bot.services.quiz_outcomes import AnswerOutcome, StartOutcome
from db.models import JpLedgerEntry, ModuleProgress, QuizAttempt, QuizPoll
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, WIB, read_all, register, take_quiz


async def _progress(db: Database) -> ModuleProgress:
    async with db.transaction() as s:
        row = await s.scalar(select(ModuleProgress))
    assert row is not None
    return row


async def test_a_speed_run_earns_nothing(svc: Services, catalog: Catalog, db: Database) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module, pace=0)  # every card tapped through at once
    started = await svc.quiz.start(USER, module.id, module.version)
    assert started.outcome is StartOutcome.GATED and started.gate is not None
    assert started.gate.gate is Gate.READ_MORE
    # Half the module's estimated reading time is still to be read.
    assert started.gate.wait_seconds == -(-module.reading_seconds // 2)
    async with db.transaction() as s:
        assert await s.scalar(select(QuizAttempt)) is None
        assert await s.scalar(select(JpLedgerEntry)) is None


async def test_reading_at_the_pace_earns_exactly_the_modules_minutes(
    svc: Services, catalog: Catalog, db: Database
) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module, pace=0.6)  # a little more than half the estimate
    result = await take_quiz(svc, module, right=module.ask)
    assert result.passed and result.credited and result.year_minutes == module.minutes
    async with db.transaction() as s:
        entries = (await s.scalars(select(JpLedgerEntry))).all()
    assert [(e.minutes, e.source_id) for e in entries] == [(module.minutes, module.id)]


async def test_an_idle_phone_counts_as_no_more_than_a_slow_read(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await svc.learning.open_card(USER, module.id, module.version, 0)
    clock.advance(hours=3)  # the phone lay on the first card
    await svc.learning.open_card(USER, module.id, module.version, 1)
    progress = await _progress(db)
    assert progress.reading_seconds == module.card_cap_seconds(0)
    assert module.card_cap_seconds(0) == max(20, 2 * reading_seconds(module.cards[0].words))
    clock.advance(seconds=5)  # going back: five seconds on card 2 count
    await svc.learning.open_card(USER, module.id, module.version, 0)
    assert (await _progress(db)).reading_seconds == module.card_cap_seconds(0) + 5


async def test_a_clock_moved_back_adds_no_negative_time(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await svc.learning.open_card(USER, module.id, module.version, 0)
    clock.advance(seconds=-60)
    await svc.learning.open_card(USER, module.id, module.version, 1)
    assert (await _progress(db)).reading_seconds == 0


async def _fail_once(svc: Services, module: Module) -> tuple[str, ...]:
    await read_all(svc, module)
    failed = await take_quiz(svc, module, right=0)
    assert not failed.passed and len(failed.missed) == module.ask
    return failed.missed


async def test_an_immediate_retry_is_refused_with_the_cards_to_reread(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    missed = await _fail_once(svc, module)
    cards = sorted({q.card - 1 for q in module.quiz if q.id in missed})
    refused = await svc.quiz.start(USER, module.id, module.version)
    assert refused.outcome is StartOutcome.GATED and refused.gate is not None
    assert refused.gate.gate is Gate.REREAD
    assert list(refused.gate.cards) == cards
    assert refused.gate.until == clock.now + timedelta(minutes=10)
    # Re-reading all but one missed card still refuses, naming the one left.
    for card in cards[:-1]:
        await svc.learning.open_card(USER, module.id, module.version, card)
    still = await svc.quiz.start(USER, module.id, module.version)
    assert still.gate is not None and list(still.gate.cards) == cards[-1:]
    await svc.learning.open_card(USER, module.id, module.version, cards[-1])
    retry = await svc.quiz.start(USER, module.id, module.version)
    assert retry.outcome is StartOutcome.STARTED


async def test_the_retry_opens_anyway_after_the_wait(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await _fail_once(svc, module)
    clock.advance(minutes=9, seconds=59)
    assert (await svc.quiz.start(USER, module.id, module.version)).outcome is StartOutcome.GATED
    clock.advance(seconds=1)
    assert (await svc.quiz.start(USER, module.id, module.version)).outcome is StartOutcome.STARTED


async def test_at_most_three_attempts_a_day_then_from_midnight(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    for _ in range(3):
        await take_quiz(svc, module, right=0)
        clock.advance(minutes=10)
    refused = await svc.quiz.start(USER, module.id, module.version)
    assert refused.gate is not None and refused.gate.gate is Gate.DAILY_LIMIT
    local = clock.now.astimezone(WIB)
    midnight = datetime(local.year, local.month, local.day, tzinfo=WIB) + timedelta(days=1)
    assert refused.gate.until == midnight
    clock.now = midnight
    assert (await svc.quiz.start(USER, module.id, module.version)).outcome is StartOutcome.STARTED


async def test_two_attempts_in_a_row_ask_different_questions(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    assert len(module.quiz) >= 2 * module.ask
    await _fail_once(svc, module)
    clock.advance(minutes=10)
    await take_quiz(svc, module, right=0)
    async with db.transaction() as s:
        plans = (await s.scalars(select(QuizAttempt.plan).order_by(QuizAttempt.id))).all()
    first, second = ({step["id"] for step in plan} for plan in plans)
    assert len(first) == len(second) == module.ask and not first & second


async def test_abandoning_closes_the_open_poll_and_a_vote_on_it_is_stale(
    svc: Services, catalog: Catalog, db: Database
) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module)
    started = await svc.quiz.start(USER, module.id, module.version)
    assert started.poll is not None
    await svc.quiz.register_poll(started.poll, "p0", USER, 40)
    abandoned = await svc.quiz.abandon(USER)
    assert abandoned is not None and abandoned.module is module
    assert abandoned.polls == [(USER, 40)]
    assert await svc.quiz.abandon(USER) is None  # nothing is running any more
    vote = await svc.quiz.answer("p0", USER, started.poll.correct_option_ids)
    assert vote.outcome is AnswerOutcome.STALE and vote.stale_message == 40
    async with db.transaction() as s:
        poll = await s.get(QuizPoll, "p0")
        attempt = await s.scalar(select(QuizAttempt))
    assert poll is not None and poll.closed_at is not None
    assert attempt is not None and attempt.finished_at is not None and attempt.passed is None
    # The abandoned attempt counts; a new one starts with a fresh draw.
    again = await svc.quiz.start(USER, module.id, module.version)
    assert again.outcome is StartOutcome.STARTED


def test_the_gate_rules_in_order(catalog: Catalog) -> None:
    module = catalog.modules["berakhlak"]
    rules = QuizRules(min_reading_share=0.5, retry_minutes=10, attempts_per_day=3)
    now = datetime(2026, 11, 25, 10, tzinfo=WIB)
    needed = -(-module.reading_seconds // 2)
    assert gate(module, rules, Standing(needed), now, WIB).gate is Gate.OPEN
    assert gate(module, rules, Standing(needed - 1), now, WIB).wait_seconds == 1
    later = now + timedelta(minutes=3)
    rereading = gate(module, rules, Standing(needed, 0b101, later), now, WIB)
    assert rereading.gate is Gate.REREAD and rereading.cards == (0, 2)
    assert rereading.wait_seconds == 180
    assert gate(module, rules, Standing(needed, 0, later), now, WIB).gate is Gate.OPEN
    assert gate(module, rules, Standing(needed, 0b1, now), now, WIB).gate is Gate.OPEN
    limit = gate(module, rules, Standing(needed, attempts_today=3), now, WIB)
    assert limit.gate is Gate.DAILY_LIMIT
    assert limit.until == datetime(2026, 11, 26, tzinfo=WIB)
    everything = QuizRules(min_reading_share=0)
    assert gate(module, everything, Standing(0), now, WIB).gate is Gate.OPEN
