"""Services against a real, migrated database: registration, learning, quiz, ledger."""

from __future__ import annotations

import asyncio
import random
from datetime import date

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.core.content import Catalog, Module
from bot.core.grading import is_correct, make_plan, passed, score_percent
from bot.core.outgoing import Outgoing, Skip
from bot.delivery.renderers import notices as training_notices
from bot.services import Services
from bot.services.certificates import CertificateService
from bot.services.learning import CardOutcome
from bot.services.quiz import AnswerOutcome, StartOutcome
from bot.services.registration import RegistrationOutcome
from bot.store import ledger, outbox
from db.models import (
    Certificate,
    Employee,
    ExternalTraining,
    JpLedgerEntry,
    ModuleProgress,
    OutboundMessage,
)
from db.session import Database
from tests.support import FakeClock

NIP = "19860926 201505 1 001"
USER = 1001


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return Services.build(settings, db, catalog, clock=clock, rng=random.Random(7))


async def register(svc: Services, uid: int = USER, nip: str = NIP) -> None:
    await svc.registration.begin(uid)
    assert (await svc.registration.submit_nip(uid, nip)).outcome is RegistrationOutcome.OK
    assert (
        await svc.registration.submit_name(uid, "Siti Aminah")
    ).outcome is RegistrationOutcome.OK
    assert (await svc.registration.choose_opd(uid, "3328")).outcome is RegistrationOutcome.OK
    assert (await svc.registration.consent(uid, True)).outcome is RegistrationOutcome.OK


async def read_all(svc: Services, module: Module, uid: int = USER) -> None:
    for index in range(len(module.cards)):
        view = await svc.learning.open_card(uid, module.id, module.version, index)
        assert view.outcome is CardOutcome.OK


async def take_quiz(svc: Services, module: Module, right: int, uid: int = USER):  # type: ignore[no-untyped-def]
    started = await svc.quiz.start(uid, module.id, module.version)
    assert started.poll is not None
    spec = started.poll
    result = None
    for position in range(spec.count):
        poll_id = f"poll-{spec.attempt_id}-{position}"
        await svc.quiz.register_poll(spec, poll_id, uid, 100 + position)
        wrong = [i for i in range(len(spec.options)) if i not in spec.correct_option_ids][:1]
        choice = spec.correct_option_ids if position < right else wrong
        result = await svc.quiz.answer(poll_id, uid, choice)
        if result.poll is not None:
            spec = result.poll
    assert result is not None and result.outcome is AnswerOutcome.FINISHED
    return result.result


def test_grading_rules() -> None:
    assert score_percent(4, 5) == 80
    assert score_percent(2, 3) == 66  # rounded down, never up
    assert score_percent(0, 0) == 0
    assert passed(70, 70) and not passed(69, 70)


def test_plan_shuffles_options_but_keeps_the_right_answer(catalog: Catalog) -> None:
    module = next(iter(catalog.modules.values()))
    plan = make_plan(module, random.Random(1))
    for step in plan:
        question = module.quiz[step["q"]]
        assert sorted(step["perm"]) == list(range(len(question.options)))
        shown_correct = [
            slot for slot, original in enumerate(step["perm"]) if original in question.correct
        ]
        assert is_correct(question, [step["perm"][s] for s in shown_correct])


async def test_registration_refuses_a_nip_bound_to_another_account(svc: Services) -> None:
    await register(svc)
    await svc.registration.begin(2002)
    result = await svc.registration.submit_nip(2002, "198609262015051001")
    assert result.outcome is RegistrationOutcome.TAKEN


async def test_cards_cannot_be_skipped_or_forged(svc: Services, catalog: Catalog) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    assert (await svc.learning.open_card(USER, module.id, module.version, 3)).outcome is (
        CardOutcome.OUT_OF_RANGE
    )
    assert (
        await svc.learning.open_card(USER, module.id, module.version, 0)
    ).outcome is CardOutcome.OK
    assert (await svc.learning.open_card(USER, module.id, module.version + 1, 1)).outcome is (
        CardOutcome.OUTDATED
    )
    assert (await svc.learning.open_card(USER, "tidak-ada", 1, 0)).outcome is CardOutcome.NO_MODULE
    assert (await svc.learning.open_card(9999, module.id, module.version, 0)).outcome is (
        CardOutcome.NOT_REGISTERED
    )
    # The quiz opens only after the last card.
    assert (await svc.quiz.start(USER, module.id, module.version)).outcome is StartOutcome.NOT_READY


async def test_pass_credits_once_and_retake_improves_best_score(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    count = len(module.quiz)

    failed = await take_quiz(svc, module, right=1)
    assert not failed.passed and not failed.credited and failed.year_total_centi == 0
    assert failed.best_score == failed.score

    clock.advance(hours=1)
    passed_at = clock.now
    first = await take_quiz(svc, module, right=count - 1)
    assert first.passed and first.credited
    assert first.year_total_centi == module.jp_centi
    assert first.best_score == first.score > failed.score

    clock.advance(hours=1)
    second = await take_quiz(svc, module, right=count)
    assert second.passed and not second.credited
    assert second.best_score == 100
    assert second.year_total_centi == module.jp_centi

    clock.advance(hours=1)
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
    assert entry.evidence["score"] == first.score


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
    assert (await svc.quiz.answer("unknown", USER, right)).outcome is AnswerOutcome.IGNORED
    assert (await svc.quiz.answer("p0", 2002, right)).outcome is AnswerOutcome.IGNORED
    assert (await svc.quiz.answer("p0", USER, [99])).outcome is AnswerOutcome.IGNORED
    assert (await svc.quiz.answer("p0", USER, right)).outcome is AnswerOutcome.NEXT
    assert (await svc.quiz.answer("p0", USER, right)).outcome is AnswerOutcome.IGNORED
    # Resuming gives the second question again, not the first.
    resumed = await svc.quiz.start(USER, module.id, module.version)
    assert resumed.outcome is StartOutcome.RESUMED and resumed.poll is not None
    assert resumed.poll.position == 1


async def test_ledger_credit_is_idempotent_even_when_racing(svc: Services, db: Database) -> None:
    await register(svc)
    employee = await svc.learning.employee(USER)
    assert employee is not None
    item = ledger.Credit(
        employee_id=employee.id,
        year=2026,
        jp_centi=150,
        source_kind="module",
        source_id="berakhlak",
        title="BerAKHLAK",
        category="sosial_kultural",
        activity_kind="E-learning (mikro)",
        organiser="BPSDMD",
        started_on=date(2026, 11, 1),
        ended_on=date(2026, 11, 2),
        evidence={},
        credited_at=svc.clock(),
    )

    async def once() -> bool:
        async with db.transaction() as s:
            return await ledger.credit(s, item)

    results = await asyncio.gather(*(once() for _ in range(5)))
    assert results.count(True) == 1
    async with db.transaction() as s:
        assert await ledger.year_total(s, employee.id, 2026) == ledger.from_centi(150)


async def test_activity_is_written_once_per_sitting_and_again_after_a_pause_or_a_new_day(
    svc: Services, db: Database, catalog: Catalog, clock: FakeClock
) -> None:
    """Card taps keep last activity and the streak right without rewriting them on every tap."""
    module = catalog.modules["berakhlak"]

    async def activity() -> tuple[object, int, object]:
        async with db.transaction() as s:
            row = (
                await s.execute(
                    select(Employee.last_activity_at, Employee.streak_days, Employee.streak_day)
                )
            ).one()
        return row[0], row[1], row[2]

    await register(svc)
    opened = clock.now
    await svc.learning.open_card(USER, module.id, module.version, 0)  # the general path
    clock.advance(seconds=30)
    assert (await svc.learning.open_card(USER, module.id, module.version, 1)).outcome is (
        CardOutcome.OK
    )
    first, streak, day = await activity()
    assert first == opened and streak == 1 and day == date(2026, 11, 25)

    clock.advance(seconds=40)  # the same sitting: not rewritten
    await svc.learning.open_card(USER, module.id, module.version, 2)
    assert (await activity())[0] == first

    clock.advance(minutes=6)  # after a pause: written again
    await svc.learning.open_card(USER, module.id, module.version, 1)
    assert (await activity())[0] == clock.now

    clock.advance(days=1)  # the next day: the streak grows
    await svc.learning.open_card(USER, module.id, module.version, 2)
    assert await activity() == (clock.now, 2, date(2026, 11, 26))


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


async def test_two_instances_issuing_one_certificate_at_once_agree_on_it(
    svc: Services, catalog: Catalog, db: Database, settings: Settings, clock: FakeClock
) -> None:
    """The unique (employee, module) constraint refuses the slower insert; that instance then
    returns the certificate the other one issued instead of an error."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await register(svc)
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module)
    assert (await take_quiz(svc, module, right=len(module.quiz))).credited
    other = Database(settings.database_url)
    # Make the race certain: each instance's insert waits until both have looked for the
    # certificate and found none (the hook runs inside SQLAlchemy's greenlet, so it may await).
    both_looked = asyncio.Barrier(2)

    def before_insert(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO certificates"):
            await_only(asyncio.wait_for(both_looked.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_insert)
    try:
        first = CertificateService(db, clock, "s" * 32)
        second = CertificateService(other, clock, "s" * 32)
        a, b = await asyncio.gather(first.issue(USER, module.id), second.issue(USER, module.id))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_insert)
        await other.dispose()
    assert a is not None and b is not None
    assert a.fields.certificate_no == b.fields.certificate_no and a.code == b.code
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Certificate)) == 1


async def test_queued_training_notices_render_from_the_report_as_it_is_when_sent(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    """Reviewers get the file and the report while it waits; once decided, their copies are
    skipped, and the employee's notice says the decision."""
    await register(svc)
    async with db.transaction() as s:
        owner = await s.scalar(select(Employee))
        assert owner is not None
        report = ExternalTraining(
            employee_id=owner.id,
            opd_code=owner.opd_code,
            title="Webinar <Literasi> Digital",
            organiser="Kominfo",
            activity_kind="webinar",
            started_on=date(2026, 11, 20),
            ended_on=date(2026, 11, 21),
            jp_centi=400,
            certificate_no="SRT/1",
            certificate_key="srt1",
            file_id="file-1",
            file_unique_id="u1",
            file_kind="document",
            status="pending",
            submitted_at=clock.now,
        )
        s.add(report)
        await s.flush()
        await outbox.queue_training_review(s, report, [501, 502], clock.now)
        await outbox.queue_training_review(s, report, [501], clock.now)  # queued once only
    renderer = training_notices.NoticeRenderer(db, catalog)

    async def rendered() -> dict[tuple[int, str], Outgoing | Skip]:
        async with db.transaction() as s:
            rows = list(await s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))
        out = await renderer.render(rows)
        return {(row.chat_id, row.payload["part"]): out[row.id] for row in rows}

    pending = await rendered()
    assert len(pending) == 4
    file = pending[(501, "file")]
    assert isinstance(file, Outgoing) and file.media_kind == "document"
    assert file.media_file_id == "file-1"
    review = pending[(502, "review")]
    assert isinstance(review, Outgoing) and "Webinar &lt;Literasi&gt; Digital" in review.text
    assert [b.callback_data for b in review.buttons[0]] == [
        f"trv:ok:{report.id}",
        f"trv:no:{report.id}",
    ]

    async with db.transaction() as s:
        row = await s.get(ExternalTraining, report.id)
        assert row is not None and owner is not None
        row.status, row.reason = "rejected", "Sertifikat <buram>"
        await outbox.queue_training_decision(s, row, owner, clock.now)
    decided = await rendered()
    assert all(
        isinstance(decided[(chat, part)], Skip)
        for chat in (501, 502)
        for part in ("file", "review")
    )
    notice = decided[(owner.telegram_id, "decided")]
    assert isinstance(notice, Outgoing) and "Sertifikat &lt;buram&gt;" in notice.text
