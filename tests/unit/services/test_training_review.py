"""Deciding outside-training reports (bot/services/training_review.py): nobody reviews their own
report, and of two admins deciding at once exactly one decides."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.services import Services
from bot.services.training_review import ReviewService
from bot.services.trainings import Review, TrainingService, UploadedFile, Withdrawal
from db.models import AdminRole, Employee, ExternalTraining, JpLedgerEntry, OutboundMessage
from db.session import Database
from tests.unit.helpers import USER, register

ADMIN_A, ADMIN_B, SUPER = 2001, 2002, 2003


async def _admins(svc: Services) -> None:
    await register(svc)
    for uid, nip, name in (
        (ADMIN_A, "199001012018012003", "Budi Santoso"),
        (ADMIN_B, "198505052010011002", "Rina Lestari"),
        (SUPER, "198003032005011004", "Joko Widodo"),
    ):
        await register(svc, uid, nip)
        async with svc.db.transaction() as s:
            employee = await s.scalar(select(Employee).where(Employee.telegram_id == uid))
            assert employee is not None
            employee.name = name
            role = "superadmin" if uid == SUPER else "opd_admin"
            s.add(
                AdminRole(
                    employee_id=employee.id,
                    role=role,
                    opd_code=None if uid == SUPER else "3328",
                    granted_by=1,
                    granted_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )


async def _report(db: Database, uid: int) -> int:
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == uid))
        assert employee is not None
        report = ExternalTraining(
            employee_id=employee.id,
            opd_code=employee.opd_code,
            title="Diklat PIM",
            organiser="BPSDMD",
            activity_kind="diklat",
            started_on=date(2026, 11, 2),
            ended_on=date(2026, 11, 3),
            jp_centi=800,
            certificate_no="X/1",
            certificate_key="x1",
            file_id="f",
            file_unique_id="u",
            file_kind="photo",
            status="pending",
        )
        s.add(report)
        await s.flush()
        return report.id


async def test_an_admin_never_reviews_their_own_report(svc: Services) -> None:
    """An OPD admin's report goes to the other admins of the OPD; a superadmin's to the other
    superadmins; whoever filed it is refused on every path, whatever the button says."""
    await _admins(svc)
    own = await _report(svc.db, ADMIN_A)
    assert (await svc.reviews.approve(ADMIN_A, own)).outcome is Review.OWN
    assert await svc.reviews.begin_reject(ADMIN_A, own) is Review.OWN
    assert [r.id for r, _ in await svc.reviews.pending(ADMIN_A)] == []
    assert [r.id for r, _ in await svc.reviews.pending(ADMIN_B)] == [own]
    # The superadmin's own report: an OPD admin may not decide it, the superadmin neither.
    top = await _report(svc.db, SUPER)
    assert (await svc.reviews.approve(SUPER, top)).outcome is Review.OWN
    with pytest.raises(Exception, match="not_reviewer"):
        await svc.reviews.approve(ADMIN_B, top)
    decided = await svc.reviews.approve(ADMIN_B, own)
    assert decided.outcome is Review.OK and decided.credited
    again = await svc.reviews.approve(ADMIN_B, own)
    assert again.outcome is Review.ALREADY and again.decided_by == "Rina Lestari"


async def test_reviewers_are_the_others(svc: Services) -> None:
    """Who gets the report to review: never the one who filed it; nobody, when nobody else."""
    await _admins(svc)
    upload = UploadedFile("photo", "file", "unique", 1000)

    async def reviewers_of_a_report_by(uid: int) -> tuple[list[int], bool]:
        await svc.trainings.begin(uid)
        for answer in ("Diklat", "BPSDMD"):
            step = await svc.trainings.answer(uid, answer)
        assert step.state is not None
        await svc.trainings.choose_kind(uid, step.state.token, "diklat")
        for answer in ("02-11-2026", "03-11-2026", "8", f"NO/{uid}"):
            await svc.trainings.answer(uid, answer)
        attached = await svc.trainings.attach(uid, upload)
        assert attached.state is not None and attached.state.step == "confirm"
        submitted = await svc.trainings.send(uid, attached.state.token)
        assert submitted.report is not None
        async with svc.db.transaction() as s:
            chats = await s.scalars(
                select(func.distinct(OutboundMessage.chat_id)).where(
                    OutboundMessage.payload["report"].as_integer() == submitted.report.id
                )
            )
            return sorted(chats), submitted.no_reviewer

    assert await reviewers_of_a_report_by(USER) == ([ADMIN_A, ADMIN_B], False)
    assert await reviewers_of_a_report_by(ADMIN_A) == ([ADMIN_B], False)
    assert await reviewers_of_a_report_by(SUPER) == ([], True)  # no other superadmin


async def test_approve_and_reject_at_once_one_decides(
    svc: Services, db: Database, settings: Settings
) -> None:
    """Two admins, two instances: one approves while the other rejects. Both read the report
    as pending; the conditional update lets exactly one decide, the other is told who did, and
    the ledger holds a credit only if the approval won."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await _admins(svc)
    report_id = await _report(db, USER)
    other = Database(settings.database_url)
    first = ReviewService(db, svc.clock, settings.admin_ids, settings.scale)
    second = ReviewService(other, svc.clock, settings.admin_ids, settings.scale)
    assert await second.begin_reject(ADMIN_B, report_id) is Review.OK
    both_read = asyncio.Barrier(2)

    def before_update(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("UPDATE external_trainings"):
            await_only(asyncio.wait_for(both_read.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_update)
    try:
        approved, rejected = await asyncio.gather(
            first.approve(ADMIN_A, report_id),
            second.reject_with_reason(ADMIN_B, "Sertifikat tidak terbaca"),
        )
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_update)
        await other.dispose()
    outcomes = sorted([approved.outcome, rejected.outcome])
    assert outcomes == sorted([Review.OK, Review.ALREADY])
    loser = approved if approved.outcome is Review.ALREADY else rejected
    winner_name = "Budi Santoso" if loser is rejected else "Rina Lestari"
    assert loser.decided_by == winner_name
    async with db.transaction() as s:
        report = await s.get(ExternalTraining, report_id)
        credits = await s.scalar(select(func.count()).select_from(JpLedgerEntry))
    assert report is not None
    if approved.outcome is Review.OK:
        assert (report.status, report.reviewed_by, credits) == ("approved", ADMIN_A, 1)
    else:
        assert (report.status, report.reviewed_by, credits) == ("rejected", ADMIN_B, 0)


async def test_a_withdrawn_report_is_not_decided_and_a_decided_one_not_withdrawn(
    svc: Services,
) -> None:
    """The employee's withdrawal and an admin's decision are conditional UPDATEs from pending:
    whichever comes second changes nothing and is told so."""
    await _admins(svc)
    first = await _report(svc.db, USER)
    outcome, report = await svc.trainings.withdraw(USER, first)
    assert outcome is Withdrawal.OK and report is not None and report.status == "withdrawn"
    assert (await svc.trainings.withdraw(USER, first))[0] is Withdrawal.ALREADY
    assert (await svc.reviews.approve(ADMIN_A, first)).outcome is Review.ALREADY
    assert await svc.reviews.begin_reject(ADMIN_A, first) is Review.ALREADY
    assert [r.id for r, _ in await svc.reviews.pending(ADMIN_A)] == []

    second = await _report(svc.db, USER)
    assert (await svc.trainings.withdraw(ADMIN_A, second))[0] is Withdrawal.NOT_FOUND  # not theirs
    assert (await svc.reviews.approve(ADMIN_A, second)).outcome is Review.OK
    outcome, report = await svc.trainings.withdraw(USER, second)
    assert outcome is Withdrawal.ALREADY and report is not None and report.status == "approved"
    async with svc.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(JpLedgerEntry)) == 1
    # Only a rejected or withdrawn report of one's own is corrected from its data.
    assert (await svc.trainings.correct(USER, second)).state is None
    assert (await svc.trainings.correct(ADMIN_A, first)).state is None
    draft = (await svc.trainings.correct(USER, first)).state
    assert draft is not None and draft.step == "confirm" and draft.data["corrects"] == first


async def test_withdraw_and_approve_at_once_one_wins(
    svc: Services, db: Database, settings: Settings
) -> None:
    """Both read the report as pending; exactly one of the two UPDATEs changes it."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await _admins(svc)
    report_id = await _report(db, USER)
    other = Database(settings.database_url)
    reviews = ReviewService(db, svc.clock, settings.admin_ids, settings.scale)
    trainings = TrainingService(other, svc.clock, settings)
    both_read = asyncio.Barrier(2)

    def before_update(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("UPDATE external_trainings"):
            await_only(asyncio.wait_for(both_read.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_update)
    try:
        approved, (withdrawn, _) = await asyncio.gather(
            reviews.approve(ADMIN_A, report_id), trainings.withdraw(USER, report_id)
        )
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_update)
        await other.dispose()
    assert (approved.outcome is Review.OK) != (withdrawn is Withdrawal.OK)
    async with db.transaction() as s:
        report = await s.get(ExternalTraining, report_id)
        credits = await s.scalar(select(func.count()).select_from(JpLedgerEntry))
    assert report is not None
    if approved.outcome is Review.OK:
        assert (report.status, credits) == ("approved", 1)
    else:
        assert (report.status, credits) == ("withdrawn", 0)


async def test_the_queue_lists_the_oldest_and_counts_every_waiting_report(svc: Services) -> None:
    """A long queue is shown a page at a time, but its count is the whole queue's, in scope."""
    await _admins(svc)
    ids = [await _report(svc.db, USER) for _ in range(5)]
    own = await _report(svc.db, ADMIN_A)  # not in ADMIN_A's queue: nobody reviews their own
    page = await svc.reviews.queue(ADMIN_A, limit=3)
    assert [r.id for r, _ in page.items] == ids[:3]
    assert page.total == 5
    whole = await svc.reviews.queue(SUPER, limit=10)
    assert [r.id for r, _ in whole.items] == [*ids, own] and whole.total == 6
