"""Quizzes (bot/services/quiz.py): credit once, best scores, ignored answers, lost progress rows."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.core.content import Catalog, reading_seconds
from bot.services import Services
from bot.services.quiz_outcomes import AnswerOutcome, StartOutcome
from db.models import JpLedgerEntry, ModuleProgress
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, read_all, register, take_quiz


async def test_pass_credits_once_and_retake_improves_best_score(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    count = module.ask

    failed = await take_quiz(svc, module, right=1)
    assert not failed.passed and not failed.credited and failed.year_minutes == 0
    assert failed.best_score == failed.score

    clock.advance(hours=1)
    passed_at = clock.now
    first = await take_quiz(svc, module, right=count - 1)
    assert first.passed and first.credited
    assert first.year_minutes == module.minutes
    assert first.best_score == first.score > failed.score

    clock.advance(hours=1)
    second = await take_quiz(svc, module, right=count)
    assert second.passed and not second.credited
    assert second.best_score == 100
    assert second.year_minutes == module.minutes

    clock.advance(days=1)  # three attempts a day
    third = await take_quiz(svc, module, right=1)  # a bad retake lowers nothing
    assert not third.passed and third.best_score == 100

    async with db.transaction() as s:
        progress = await s.scalar(select(ModuleProgress))
    assert progress is not None
    assert progress.attempts == 4 and progress.best_score == 100
    assert progress.completed_at == passed_at  # the first pass, not a later one

    async with db.transaction() as s:
        rows = await s.scalar(select(func.count()).select_from(JpLedgerEntry))
        entry = await s.scalar(select(JpLedgerEntry))
    assert rows == 1
    assert entry is not None and entry.source_kind == "module" and entry.year == 2026
    assert entry.minutes == module.minutes
    evidence = entry.evidence
    assert evidence["score"] == first.score and evidence["minutes"] == module.minutes
    assert evidence["content_version"] == module.version and evidence["attempts"] == 2
    assert len(evidence["question_ids"]) == module.ask
    assert {q.id for q in module.quiz} >= set(evidence["question_ids"])
    # Read at the estimated pace, card by card: that time, to the second, and nothing more
    # from the later sittings (the cards were not opened again).
    assert evidence["reading_seconds"] == sum(reading_seconds(c.words) for c in module.cards)
    assert evidence["quiz_seconds"] == 0  # the fake clock stood still during the quiz


async def test_stale_foreign_and_repeated_poll_answers_are_ignored(
    svc: Services, catalog: Catalog
) -> None:
    await register(svc)
    await register(svc, uid=2002, nip="19900115 201803 2 004")
    module = catalog.modules["berakhlak"]
    await read_all(svc, module)
    started = await svc.quiz.start(USER, module.id, module.version)
    assert started.outcome is StartOutcome.STARTED and started.poll is not None
    await svc.quiz.register_poll(started.poll, "p0", USER, 10)
    right = started.poll.correct_option_ids
    # A poll not the quiz's (never registered, or a review poll) is left to the review, whose
    # handler answers it as stale in the voter's own chat when it is not one either.
    unknown = await svc.quiz.answer("unknown", USER, right)
    assert unknown.outcome is AnswerOutcome.UNKNOWN and unknown.chat_id == USER
    assert (await svc.quiz.answer("p0", 2002, right)).outcome is AnswerOutcome.IGNORED
    assert (await svc.quiz.answer("p0", USER, [99])).outcome is AnswerOutcome.IGNORED
    assert (await svc.quiz.answer("p0", USER, right)).outcome is AnswerOutcome.NEXT
    assert (await svc.quiz.answer("p0", USER, right)).outcome is AnswerOutcome.IGNORED
    # Resuming names the second question, and no poll is waiting for it yet (none was sent).
    resumed = await svc.quiz.start(USER, module.id, module.version)
    assert resumed.outcome is StartOutcome.RESUMED and resumed.poll is not None
    assert resumed.poll.position == 1 and resumed.open_poll is None
    await svc.quiz.register_poll(resumed.poll, "p1", USER, 11)
    again = await svc.quiz.start(USER, module.id, module.version)
    assert again.outcome is StartOutcome.RESUMED and again.open_poll == 11  # point to it


async def test_a_pass_without_a_progress_row_still_keeps_the_books(
    svc: Services, catalog: Catalog, db: Database
) -> None:
    """Progress is made by reading, so a quiz without it cannot happen through the bot; if
    the row went missing anyway (a manual fix in the database), grading recreates it."""
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    started = await svc.quiz.start(USER, module.id, module.version)
    assert started.poll is not None
    async with db.transaction() as s:
        await s.execute(delete(ModuleProgress))
    spec = started.poll
    for position in range(spec.count):
        poll_id = f"poll-{position}"
        await svc.quiz.register_poll(spec, poll_id, USER, 100 + position)
        result = await svc.quiz.answer(poll_id, USER, spec.correct_option_ids)
        if result.poll is not None:
            spec = result.poll
    assert result.result is not None and result.result.credited
    async with db.transaction() as s:
        progress = await s.scalar(select(ModuleProgress))
    assert progress is not None and progress.attempts == 1 and progress.best_score == 100
    assert progress.completed_at is not None
