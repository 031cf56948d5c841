"""Spaced review (bot/services/review.py): entering the schedule, sessions, the daily cap,
content changes, parallel starts, stale votes, practice of mistakes, the optional credit."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.content import Catalog, Module
from bot.core.review import fingerprint
from bot.services import Services
from bot.services.review_outcomes import AnswerOutcome, ReviewPollSpec, StartOutcome
from db.models import JpLedgerEntry, ReviewAnswer, ReviewCard, ReviewSession
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, at_wib, read_all, register, take_quiz

MODULE = "gratifikasi"


async def pass_after_a_fail(svc: Services, module: Module, clock: FakeClock) -> None:
    """A failed attempt (every question wrong), then a pass of fresh questions."""
    await register(svc)
    await read_all(svc, module)
    assert not (await take_quiz(svc, module, right=0)).passed
    clock.advance(minutes=11)
    assert (await take_quiz(svc, module, right=module.ask)).passed


async def cards_of(db: Database) -> dict[str, ReviewCard]:
    async with db.transaction() as s:
        return {c.question_id: c for c in (await s.scalars(select(ReviewCard))).all()}


async def answer_all(
    svc: Services, spec: ReviewPollSpec, right: set[int] | None = None, uid: int = USER
) -> list[tuple[str, bool]]:
    """Answer every poll of a session: positions in ``right`` (all when None) right, the rest
    wrong. Returns (question id, right) in order, and the last answer's result is kept."""
    asked = []
    current: ReviewPollSpec | None = spec
    while current is not None:
        poll_id = f"r-{current.session_id}-{current.position}"
        await svc.spaced.register_poll(current, poll_id, uid, 500 + current.position)
        ok = right is None or current.position in right
        wrong = [i for i in range(len(current.options)) if i not in current.correct_option_ids]
        choice = current.correct_option_ids if ok else wrong[:1]
        asked.append((current.question, ok))
        outcome = await svc.spaced.answer(poll_id, uid, choice)
        assert outcome.outcome in (AnswerOutcome.NEXT, AnswerOutcome.FINISHED), outcome
        answer_all.last = outcome  # type: ignore[attr-defined]
        current = outcome.poll
    return asked


async def test_a_pass_schedules_every_answered_question_missed_ones_sooner(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)
    cards = await cards_of(db)
    assert len(cards) == 2 * module.ask  # both attempts' questions, nothing else
    today = clock.now.astimezone(svc.settings.tz).date()
    missed = [
        c
        for c in cards.values()
        if c.due_at.astimezone(svc.settings.tz).date() == today + timedelta(days=1)
    ]
    later = [
        c
        for c in cards.values()
        if c.due_at.astimezone(svc.settings.tz).date() > today + timedelta(days=1)
    ]
    assert len(missed) == module.ask and len(later) == module.ask
    for card in cards.values():
        question = module.question(card.question_id)
        assert question is not None and card.fingerprint == fingerprint(question)
        assert card.content_version == module.version and card.card["last_review"] is not None
    # Due from the start of the local day: 00:00 WIB.
    assert all(c.due_at.astimezone(svc.settings.tz).hour == 0 for c in cards.values())

    # Passing again schedules nothing twice and resets nothing.
    clock.advance(hours=1)
    before = {q: c.due_at for q, c in cards.items()}
    assert (await take_quiz(svc, module, right=module.ask)).passed
    assert {q: c.due_at for q, c in (await cards_of(db)).items()} == before


async def test_nothing_due_then_a_session_that_moves_the_schedule(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    module = catalog.modules[MODULE]
    assert (await svc.spaced.start(USER)).outcome is StartOutcome.NOT_REGISTERED
    await pass_after_a_fail(svc, module, clock)
    nothing = await svc.spaced.start(USER)
    tomorrow = clock.now.astimezone(svc.settings.tz).date() + timedelta(days=1)
    assert nothing.outcome is StartOutcome.NOTHING_DUE and nothing.next_day == tomorrow

    clock.now = at_wib(2026, 11, 26, 19, 30)  # the next evening: the missed six are due
    status = await svc.spaced.status(USER)
    assert status is not None and status.due == module.ask and status.goal == 5
    started = await svc.spaced.start(USER)
    assert started.outcome is StartOutcome.STARTED and started.poll is not None
    assert started.poll.count == svc.settings.review_max_per_day == 5
    asked = await answer_all(svc, started.poll, right={0, 1, 2})
    result = answer_all.last.result  # type: ignore[attr-defined]
    assert result is not None and (result.correct, result.count) == (3, 5)
    assert len(result.missed) == 2 and result.next_day is not None
    cards = await cards_of(db)
    by_text = {module.question(q).question: c for q, c in cards.items()}  # type: ignore[union-attr]
    right_due = [by_text[q].due_at for q, ok in asked if ok]
    wrong_due = [by_text[q].due_at for q, ok in asked if not ok]
    assert max(wrong_due) < min(right_due)  # a wrong answer comes back sooner
    assert all(by_text[q].reviews == 1 for q, _ in asked)
    assert sum(by_text[q].lapses for q, _ in asked) == 2


async def test_the_daily_cap_and_the_next_day(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)
    clock.now = at_wib(2026, 11, 28, 8)  # all twelve due
    first = await svc.spaced.start(USER)
    assert first.poll is not None and first.poll.count == 5
    await answer_all(svc, first.poll)
    done = await svc.spaced.start(USER)
    assert done.outcome is StartOutcome.DONE_TODAY
    assert done.next_day == at_wib(2026, 11, 29).astimezone(svc.settings.tz).date()
    status = await svc.spaced.status(USER)
    assert status is not None and status.goal == 0 and status.reviewed_today == 5
    clock.now = at_wib(2026, 11, 29, 0, 1)  # just after midnight WIB: a new day
    again = await svc.spaced.start(USER)
    assert again.outcome is StartOutcome.STARTED and again.poll is not None
    assert again.poll.count == 5  # seven left due, five a day
    # Modules are taken in turn: one module here, so the most overdue come first.
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewAnswer)) == 5


async def test_a_content_change_keeps_unchanged_questions_and_drops_changed_ones(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock, settings: Settings
) -> None:
    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)
    kept, changed, removed = module.quiz[0].id, module.quiz[1].id, module.quiz[2].id
    quiz = [q for q in module.quiz if q.id != removed]
    quiz = [
        q.model_copy(update={"question": q.question + " (revisi)"}) if q.id == changed else q
        for q in quiz
    ]
    updated = module.model_copy(update={"version": module.version + 1, "quiz": quiz})
    new_catalog = Catalog.build(
        [updated if m.id == MODULE else m for m in catalog.modules.values()], catalog.opds.values()
    )
    redeployed = Services.build(settings, db, new_catalog, clock=clock, rng=random.Random(3))
    assert await redeployed.spaced.reconcile() == 2
    cards = await cards_of(db)
    assert kept in cards and changed not in cards and removed not in cards
    assert {c.content_version for c in cards.values()} == {updated.version}
    assert await redeployed.spaced.reconcile() == 0  # nothing left to do


async def test_a_vote_on_a_poll_whose_question_changed_counts_nothing(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock, settings: Settings
) -> None:
    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)
    clock.now = at_wib(2026, 11, 28, 8)
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    await svc.spaced.register_poll(started.poll, "r0", USER, 700)
    async with db.transaction() as s:
        session = await s.scalar(select(ReviewSession))
        assert session is not None
        asked = session.plan[0]["q"]
    quiz = [
        q.model_copy(update={"question": q.question + " (revisi)"}) if q.id == asked else q
        for q in module.quiz
    ]
    updated = module.model_copy(update={"version": module.version + 1, "quiz": quiz})
    new_catalog = Catalog.build(
        [updated if m.id == MODULE else m for m in catalog.modules.values()], catalog.opds.values()
    )
    redeployed = Services.build(settings, db, new_catalog, clock=clock, rng=random.Random(3))
    outcome = await redeployed.spaced.answer("r0", USER, started.poll.correct_option_ids)
    assert outcome.changed and outcome.outcome is AnswerOutcome.NEXT
    assert asked not in await cards_of(db)
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewAnswer)) == 0


async def test_two_taps_start_one_session(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await pass_after_a_fail(svc, catalog.modules[MODULE], clock)
    clock.now = at_wib(2026, 11, 28, 8)
    outcomes = await asyncio.gather(svc.spaced.start(USER), svc.spaced.start(USER))
    kinds = sorted(o.outcome for o in outcomes)
    assert StartOutcome.STARTED in kinds
    assert kinds.count(StartOutcome.STARTED) == 1, kinds
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewSession)) == 1
    # A third tap resumes the open session rather than starting another.
    third = await svc.spaced.start(USER)
    assert third.outcome is StartOutcome.RESUMED


async def test_stale_foreign_and_repeated_votes(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await pass_after_a_fail(svc, catalog.modules[MODULE], clock)
    clock.now = at_wib(2026, 11, 28, 8)
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    spec = started.poll
    await svc.spaced.register_poll(spec, "r0", USER, 700)
    right = spec.correct_option_ids
    assert (await svc.spaced.answer("nope", USER, right)).outcome is AnswerOutcome.UNKNOWN
    assert (await svc.spaced.answer("r0", 2002, right)).outcome is AnswerOutcome.IGNORED
    assert (await svc.spaced.answer("r0", USER, [99])).outcome is AnswerOutcome.IGNORED
    assert (await svc.spaced.answer("r0", USER, [])).outcome is AnswerOutcome.IGNORED
    first = await svc.spaced.answer("r0", USER, right)
    assert first.outcome is AnswerOutcome.NEXT and first.poll is not None
    assert (await svc.spaced.answer("r0", USER, right)).outcome is AnswerOutcome.IGNORED
    await svc.spaced.register_poll(first.poll, "r1", USER, 701)
    ended = await svc.spaced.abandon(USER)
    assert ended is not None and ended[1] == [(USER, 701)]
    stale = await svc.spaced.answer("r1", USER, first.poll.correct_option_ids)
    assert stale.outcome is AnswerOutcome.STALE and stale.stale_message == 701
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewAnswer)) == 1


async def test_practice_of_mistakes_grades_and_credits_nothing(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    module = catalog.modules[MODULE]
    await register(svc)
    await read_all(svc, module)
    failed = await take_quiz(svc, module, right=2)
    assert not failed.passed
    async with db.transaction() as s:
        from db.models import QuizAttempt

        attempt = await s.scalar(select(QuizAttempt.id))
    assert attempt is not None
    assert (await svc.spaced.practice(USER, attempt + 99)).outcome is StartOutcome.NOT_FOUND
    assert (await svc.spaced.practice(2002, attempt)).outcome is StartOutcome.NOT_REGISTERED
    started = await svc.spaced.practice(USER, attempt)
    assert started.outcome is StartOutcome.STARTED and started.poll is not None
    assert started.poll.count == len(failed.missed) == module.ask - 2
    # /ulas meanwhile: the practice is open.
    assert (await svc.spaced.start(USER)).outcome is StartOutcome.OTHER_OPEN
    await answer_all(svc, started.poll)
    result = answer_all.last.result  # type: ignore[attr-defined]
    assert result is not None and result.kind == "practice" and result.correct == result.count
    assert result.attempt_module == module
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewCard)) == 0
        assert await s.scalar(select(func.count()).select_from(JpLedgerEntry)) == 0
    # A passed attempt has no mistakes to practise.
    clock.advance(minutes=11)
    assert (await take_quiz(svc, module, right=module.ask)).passed
    async with db.transaction() as s:
        from db.models import QuizAttempt

        passed_id = await s.scalar(select(func.max(QuizAttempt.id)))
    assert passed_id is not None
    assert (await svc.spaced.practice(USER, passed_id)).outcome is StartOutcome.NOT_FOUND


async def test_review_minutes_are_credited_once_a_day_capped(
    db: Database, catalog: Catalog, clock: FakeClock, settings: Settings
) -> None:
    crediting = settings.model_copy(update={"review_minutes_per_question": 2})
    svc = Services.build(crediting, db, catalog, clock=clock, rng=random.Random(7))
    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)
    clock.now = at_wib(2026, 11, 28, 8)
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    await answer_all(svc, started.poll, right={0})
    result = answer_all.last.result  # type: ignore[attr-defined]
    assert result is not None and result.credited_minutes == 10  # 5 questions x 2 minutes
    async with db.transaction() as s:
        rows = (
            await s.scalars(select(JpLedgerEntry).where(JpLedgerEntry.source_kind == "review"))
        ).all()
    assert len(rows) == 1 and rows[0].minutes == 10 and rows[0].source_id == "2026-11-28"
    assert rows[0].evidence["questions"] == 5 and rows[0].evidence["seconds"] >= 0
    assert (await svc.spaced.start(USER)).outcome is StartOutcome.DONE_TODAY  # capped

    clock.now = at_wib(2026, 11, 29, 8)
    again = await svc.spaced.start(USER)
    assert again.poll is not None
    await answer_all(svc, again.poll)
    async with db.transaction() as s:
        days = (
            await s.execute(
                select(JpLedgerEntry.source_id, JpLedgerEntry.minutes)
                .where(JpLedgerEntry.source_kind == "review")
                .order_by(JpLedgerEntry.source_id)
            )
        ).all()
    assert [tuple(d) for d in days] == [("2026-11-28", 10), ("2026-11-29", 10)]


async def test_a_restart_between_two_polls_loses_nothing(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock, settings: Settings
) -> None:
    await pass_after_a_fail(svc, catalog.modules[MODULE], clock)
    clock.now = at_wib(2026, 11, 28, 8)
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    await svc.spaced.register_poll(started.poll, "r0", USER, 700)
    first = await svc.spaced.answer("r0", USER, started.poll.correct_option_ids)
    assert first.poll is not None
    restarted = Services.build(settings, db, catalog, clock=clock, rng=random.Random(9))
    resumed = await restarted.spaced.start(USER)
    assert resumed.outcome is StartOutcome.RESUMED and resumed.poll is not None
    assert resumed.poll.position == 1 and resumed.poll.question == first.poll.question


async def test_reviewing_counts_for_the_streak_across_midnight_wib(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    from db.models import Employee

    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)  # Wednesday 25 November: day 1
    clock.now = at_wib(2026, 11, 26, 23, 58)  # Thursday, two minutes before midnight WIB
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    await svc.spaced.register_poll(started.poll, "m0", USER, 800)
    nxt = await svc.spaced.answer("m0", USER, started.poll.correct_option_ids)
    assert nxt.poll is not None
    clock.now = at_wib(2026, 11, 27, 0, 1)  # Friday, just after midnight WIB: the next poll
    await svc.spaced.register_poll(nxt.poll, "m1", USER, 801)
    await svc.spaced.answer("m1", USER, nxt.poll.correct_option_ids)
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee))
    assert employee is not None
    assert (employee.streak_days, employee.streak_day) == (
        3,
        at_wib(2026, 11, 27, 1).astimezone(svc.settings.tz).date(),
    )
    status = await svc.spaced.status(USER)
    assert status is not None and status.streak == 3
    clock.now = at_wib(2026, 11, 30, 8)  # Monday: the weekend froze the streak
    status = await svc.spaced.status(USER)
    assert status is not None and status.streak == 3
    clock.now = at_wib(2026, 12, 1, 8)  # Tuesday: Monday was missed
    status = await svc.spaced.status(USER)
    assert status is not None and status.streak == 0


async def test_reports_count_reviewers_and_the_questions_missed_most(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    from bot.store import reports
    from tests.support import active_sheet
    from tests.unit.helpers import nip

    module = catalog.modules[MODULE]
    await pass_after_a_fail(svc, module, clock)  # six questions missed once each
    await register(svc, 2002, nip(2))  # a second learner of the OPD who never reviews
    clock.now = at_wib(2026, 11, 28, 8)
    started = await svc.spaced.start(USER)
    assert started.poll is not None
    await answer_all(svc, started.poll, right=set())  # all five wrong again
    since = clock.now - timedelta(days=30)
    async with db.transaction() as s:
        assert await reports.review_participation(s, since) == {"3328": 1}
        assert await reports.review_participation(s, since, "3301") == {}
        missed = await reports.most_missed(s, since, "3328")
        assert await reports.review_participation(s, clock.now + timedelta(seconds=1)) == {}
    assert len(missed) == 5
    assert [m.misses for m in missed] == [2, 2, 2, 2, 2]  # the quiz's miss and the review's
    assert all(m.module_id == MODULE and m.answers == 2 for m in missed)
    # A superadmin's view and the recap file carry the participation.
    admin = 999
    settings = svc.settings.model_copy(update={"admin_ids": frozenset({admin})})
    as_admin = Services.build(settings, db, catalog, clock=clock)
    view = await as_admin.reports.recap(admin, 2026, "3328")
    assert view.reviewers == {"3328": 1} and view.missed == missed
    names = {code: opd.name for code, opd in catalog.opds.items()}
    recap = await as_admin.reports.file(admin, "recap", None, 2026, names)
    assert recap is not None
    sheet = active_sheet(recap.files[0][1])
    header = [cell.value for cell in sheet[1]]
    column = header.index("Mengulas (30 hari)") + 1
    assert sheet.cell(row=2, column=column).value == 1


async def test_two_instances_starting_one_review_at_once_start_one_session(
    svc: Services, catalog: Catalog, db: Database, settings: Settings, clock: FakeClock
) -> None:
    """Both find no open session, both insert: the partial unique index lets one in, and the
    other learns that the review started (it sends nothing)."""
    import pytest
    from sqlalchemy import event
    from sqlalchemy.util import await_only

    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await pass_after_a_fail(svc, catalog.modules[MODULE], clock)
    clock.now = at_wib(2026, 11, 28, 8)
    other_db = Database(settings.database_url)
    both_looked = asyncio.Barrier(2)

    def before_insert(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO review_sessions"):
            await_only(asyncio.wait_for(both_looked.wait(), 5))

    engines = [db.engine.sync_engine, other_db.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_insert)
    try:
        other = Services.build(settings, other_db, catalog, clock=clock, rng=random.Random(4))
        a, b = await asyncio.gather(svc.spaced.start(USER), other.spaced.start(USER))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_insert)
        await other_db.dispose()
    assert sorted([a.outcome, b.outcome]) == sorted(
        [StartOutcome.STARTED, StartOutcome.ALREADY_STARTED]
    )
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewSession)) == 1
