"""Assignments (bot/services/assignments.py): the rules of creating one, dynamic membership,
completion within the recurrence window, and one reminder per person per day."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.core.assignments import Standing
from bot.core.errors import NotAllowed
from bot.core.outgoing import MessageKind
from bot.services import Services
from bot.services.assignments import AssignmentService, Counts, CreateOutcome, Spec
from bot.store.audience import Audience
from db.models import (
    AdminRole,
    Assignment,
    AssignmentMember,
    AssignmentPending,
    AuditEntry,
    Employee,
    OutboundMessage,
)
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import USER, at_wib, read_all, register, take_quiz, verify

OFFICER, SUPER, OTHER, NEWCOMER = 2001, 2003, 2005, 2007
TODAY = date(2026, 11, 25)  # the test clock: 10:00 WIB


async def _admins(svc: Services) -> None:
    await register(svc)  # a learner of 3328
    await register(svc, OFFICER, "199001012018012003")
    await register(svc, SUPER, "198003032005011004")
    await register(svc, OTHER, "198504042010012005", opd="3374")
    async with svc.db.transaction() as s:
        for uid, role, opd in ((OFFICER, "opd_admin", "3328"), (SUPER, "superadmin", None)):
            employee = await s.scalar(select(Employee).where(Employee.telegram_id == uid))
            assert employee is not None
            s.add(
                AdminRole(
                    employee_id=employee.id,
                    role=role,
                    opd_code=opd,
                    granted_by=1,
                    granted_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )


def _spec(**changes: object) -> Spec:
    values: dict[str, object] = {
        "target_kind": "module",
        "target_id": "gratifikasi",
        "audience": Audience(opd="3328"),
        "due_on": TODAY + timedelta(days=20),
    }
    values.update(changes)
    return Spec(**values)  # type: ignore[arg-type]


async def _assignment_rows(svc: Services) -> list[OutboundMessage]:
    async with svc.db.transaction() as s:
        rows = await s.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.kind == MessageKind.ASSIGNMENT)
            .order_by(OutboundMessage.id)
        )
        return list(rows)


async def test_bad_input_changes_nothing(svc: Services) -> None:
    await _admins(svc)
    bad = [
        (_spec(due_on=TODAY - timedelta(days=1)), CreateOutcome.PAST),
        (_spec(due_on=date(2028, 11, 26)), CreateOutcome.TOO_FAR),
        (_spec(target_id="tidak-ada"), CreateOutcome.NO_TARGET),
        (_spec(target_kind="path", target_id="tidak-ada"), CreateOutcome.NO_TARGET),
        (_spec(recurrence_months=0), CreateOutcome.BAD_RECURRENCE),
        (_spec(audience=Audience(opd="3301")), CreateOutcome.EMPTY),  # nobody registered there
        (_spec(audience=Audience(kind="PPPK")), CreateOutcome.EMPTY),
    ]
    for spec, outcome in bad:
        assert (await svc.assignments.create(SUPER, spec)).outcome is outcome, spec
    with pytest.raises(NotAllowed):
        await svc.assignments.create(USER, _spec())
    async with svc.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(AssignmentMember)) == 0
        audits = await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("assign%"))
        )
        assert audits == 0


async def test_an_opd_admins_forged_audience_stays_in_their_opd(svc: Services) -> None:
    await _admins(svc)
    created = await svc.assignments.create(OFFICER, _spec(audience=Audience()))
    assert created.outcome is CreateOutcome.OK and created.assignment is not None
    assert created.assignment.audience == {"opd": "3328"}
    assert created.assignment.scope_opd == "3328"
    other = await svc.assignments.create(OFFICER, _spec(audience=Audience(opd="3374")))
    assert other.assignment is not None and other.assignment.audience == {"opd": "3328"}
    assert await svc.assignments.for_learner(OTHER) == []
    items = await svc.assignments.for_learner(USER)
    assert items is not None and len(items) == 2
    province = await svc.assignments.create(SUPER, _spec(audience=Audience()))
    assert province.members == 4


async def test_people_who_join_the_audience_later_are_assigned_with_their_own_due_date(
    svc: Services,
) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    created = await svc.assignments.create(SUPER, _spec(due_on=TODAY + timedelta(days=3)))
    assert created.members == 3  # USER, OFFICER and SUPER in 3328
    clock.advance(days=1)
    await register(svc, NEWCOMER, "199105052019032006")  # joins 3328 after the assignment
    report = await svc.assignments.tick()
    assert report.ran and report.members_added == 1
    items = await svc.assignments.for_learner(NEWCOMER)
    assert items is not None and len(items) == 1
    assert items[0].status.due == TODAY + timedelta(days=1 + 30)  # join date + join days
    # Someone who moves out of the audience is no longer counted.
    async with svc.db.transaction() as s:
        await s.execute(
            update(Employee).where(Employee.telegram_id == OTHER).values(opd_code="3328")
        )
    items = await svc.assignments.for_learner(OTHER)  # joined at once, on the learner's view
    assert items is not None and items[0].status.due == TODAY + timedelta(days=31)
    async with svc.db.transaction() as s:
        await s.execute(
            update(Employee).where(Employee.telegram_id == OTHER).values(opd_code="3374")
        )
    assert created.assignment is not None
    summary = await svc.assignments.detail(SUPER, created.assignment.id)
    assert summary is not None and summary.counts.members == 4


async def test_one_reminder_per_person_per_day_with_several_assignments_due(
    svc: Services,
) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    due = TODAY + timedelta(days=8)
    for target in ("gratifikasi", "kearsipan"):
        created = await svc.assignments.create(SUPER, _spec(target_id=target, due_on=due))
        assert created.outcome is CreateOutcome.OK
    clock.now = at_wib(2026, 11, 26, 8, 59)  # 7 days before, before the reminder time
    assert not (await svc.assignments.tick()).ran
    clock.now = at_wib(2026, 11, 26, 9, 0)
    report = await svc.assignments.tick()
    rows = await _assignment_rows(svc)
    assert report.enqueued == 3 and len(rows) == 3  # each of 3328's three, once
    assert sorted(r.dedup_key for r in rows) == sorted(
        f"assignment:{r.employee_id}:2026-11-26" for r in rows
    )
    clock.advance(hours=3)
    assert (await svc.assignments.tick()).enqueued == 0  # the same day: nothing again
    clock.now = at_wib(2026, 11, 27, 9, 30)
    assert (await svc.assignments.tick()).enqueued == 0  # not a reminder day
    clock.now = at_wib(2026, 12, 2, 21, 30)  # the day before, but inside quiet hours
    assert not (await svc.assignments.tick()).ran
    # The due date; the bot was down for the day-before reminder: one message today, not two.
    clock.now = at_wib(2026, 12, 3, 10, 0)
    assert (await svc.assignments.tick()).enqueued == 3
    assert len(await _assignment_rows(svc)) == 6
    clock.now = at_wib(2026, 12, 4, 10, 0)
    assert (await svc.assignments.tick()).enqueued == 0
    clock.now = at_wib(2026, 12, 10, 10, 0)  # a week overdue
    assert (await svc.assignments.tick()).enqueued == 3


async def test_a_completion_before_the_assignment_counts_within_the_window(
    svc: Services,
) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    module = svc.catalog.modules["gratifikasi"]
    await read_all(svc, module)
    assert (await take_quiz(svc, module, module.ask)).passed
    clock.advance(days=40)
    created = await svc.assignments.create(
        SUPER, _spec(recurrence_months=1, due_on=TODAY + timedelta(days=60))
    )
    assert created.outcome is CreateOutcome.OK
    items = await svc.assignments.for_learner(USER)
    assert items is not None
    assert items[0].status.standing is not Standing.COMPLETED  # 40 days > 1 month: expired
    yearly = await svc.assignments.create(
        SUPER, _spec(recurrence_months=12, due_on=TODAY + timedelta(days=60))
    )
    assert yearly.assignment is not None
    items = await svc.assignments.for_learner(USER)
    assert items is not None
    done = next(i for i in items if i.assignment_id == yearly.assignment.id)
    assert done.status.standing is Standing.COMPLETED
    assert done.status.due == date(2027, 11, 25)  # the completion's anniversary


async def test_cancel_extend_and_the_overdue_list_are_audited_and_conditional(
    svc: Services,
) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    created = await svc.assignments.create(SUPER, _spec(due_on=TODAY + timedelta(days=2)))
    assert created.assignment is not None
    aid = created.assignment.id
    clock.advance(days=4)  # two days overdue
    title, rows = await svc.assignments.overdue(SUPER, aid)
    assert title and len(rows) == 3 and rows[0].opd_name == "Kabupaten Tegal"
    assert rows[0].days_late == 2
    with pytest.raises(NotAllowed):  # another OPD's admin
        await svc.assignments.overdue(USER, aid)
    outcome, extended = await svc.assignments.extend(SUPER, aid, TODAY + timedelta(days=1))
    assert outcome.value == "not_later"
    outcome, extended = await svc.assignments.extend(SUPER, aid, TODAY + timedelta(days=30))
    assert outcome.value == "ok" and extended is not None
    assert (await svc.assignments.overdue(SUPER, aid))[1] == []
    assert (await svc.assignments.cancel(SUPER, aid))[0].value == "ok"
    assert (await svc.assignments.cancel(SUPER, aid))[0].value == "already_cancelled"
    assert await svc.assignments.for_learner(USER) == []
    async with svc.db.transaction() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("%assignment%"))
                .order_by(AuditEntry.id)
            )
        )
        reminders = await s.scalar(
            select(func.count())
            .select_from(AssignmentMember)
            .where(AssignmentMember.next_remind_on.is_not(None))
        )
    assert actions == [
        "assignment.create",
        "view.assignment_overdue",
        "assignment.extend",
        "view.assignment_overdue",
        "assignment.cancel",
    ]
    assert reminders == 0  # cancelling stopped every reminder at once


async def _agree(svc: Services, aid: int) -> Counts:
    """The stored completions' counts, which must equal those derived from the ledger."""
    async with svc.db.transaction() as s:
        await svc.assignments.refresh(s)
        assignment = await s.get(Assignment, aid)
        assert assignment is not None
        stored = await svc.assignments.counts(s, assignment, by_opd=True)
        derived = await svc.assignments.counts_from_ledger(s, assignment, by_opd=True)
    assert {k: replace(v, on_time=0) for k, v in stored.items()} == derived
    return stored[None]


async def test_stored_completions_agree_with_the_ledger_and_say_who_was_on_time(
    svc: Services,
) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    gratifikasi = svc.catalog.modules["gratifikasi"]
    await read_all(svc, gratifikasi, OTHER)  # passed before the assignment existed
    assert (await take_quiz(svc, gratifikasi, gratifikasi.ask, OTHER)).passed
    due = TODAY + timedelta(days=5)
    once = await svc.assignments.create(SUPER, _spec(audience=Audience(), due_on=due))
    yearly = await svc.assignments.create(
        SUPER, _spec(audience=Audience(), due_on=due, recurrence_months=1)
    )
    path = await svc.assignments.create(
        SUPER, _spec(target_kind="path", target_id="integritas", due_on=due)
    )
    ids = [a.assignment.id for a in (once, yearly, path) if a.assignment is not None]
    assert len(ids) == 3
    assert await _agree(svc, ids[0]) == Counts(4, 1, 0, 0, 1)  # OTHER's earlier pass counts
    await read_all(svc, gratifikasi)  # USER passes on time
    assert (await take_quiz(svc, gratifikasi, gratifikasi.ask)).passed
    started = await _agree(svc, ids[2])
    assert started.in_progress == 1 and started.completed == 0  # a path: one of four modules
    clock.advance(days=8)  # past the due date: OFFICER passes late
    await read_all(svc, gratifikasi, OFFICER)
    assert (await take_quiz(svc, gratifikasi, gratifikasi.ask, OFFICER)).passed
    assert await _agree(svc, ids[0]) == Counts(4, 3, 0, 1, 2)
    for module_id in svc.catalog.path("integritas").module_ids:  # type: ignore[union-attr]
        module = svc.catalog.modules[module_id]
        await read_all(svc, module)
        assert (await take_quiz(svc, module, module.ask)).passed, module_id
    path_counts = await _agree(svc, ids[2])
    assert (path_counts.completed, path_counts.on_time) == (1, 0)  # finished after the due date
    # 38 days on, the monthly one has expired for OTHER (passed before it existed) but not
    # for USER (passed gratifikasi again with the path 30 days ago: still the on-time
    # completion of that cycle) nor OFFICER (late).
    clock.advance(days=30)
    monthly = await _agree(svc, ids[1])
    assert (monthly.completed, monthly.on_time, monthly.overdue) == (2, 1, 2)
    await svc.assignments.tick()  # the next cycles begin; still in agreement
    await _agree(svc, ids[1])
    rows = await svc.assignments.compliance()
    assert [a.id for a, _ in rows] == ids


async def test_the_quiz_pass_marks_only_members_for_a_refresh(svc: Services) -> None:
    await _admins(svc)
    created = await svc.assignments.create(SUPER, _spec())
    assert created.members == 3
    gratifikasi = svc.catalog.modules["gratifikasi"]
    for uid in (USER, OTHER):  # OTHER (3374) is no member
        await read_all(svc, gratifikasi, uid)
        assert (await take_quiz(svc, gratifikasi, gratifikasi.ask, uid)).passed
    async with svc.db.transaction() as s:
        pending = list(await s.scalars(select(AssignmentPending.employee_id)))
        user = await s.scalar(select(Employee.id).where(Employee.telegram_id == USER))
        assert pending == [user]
        assert await svc.assignments.refresh(s) == 2  # USER started, then completed
        assert await s.scalar(select(func.count()).select_from(AssignmentPending)) == 0


async def test_only_verified_people_are_assigned_and_counted(svc: Services) -> None:
    await _admins(svc)
    await register(svc, NEWCOMER, "199105052019032006", verified=False)
    created = await svc.assignments.create(SUPER, _spec())
    assert created.members == 3 and created.assignment is not None  # not the unverified one
    assert await svc.assignments.count(SUPER, Audience(opd="3328")) == 3
    assert await svc.assignments.for_learner(NEWCOMER) == []
    assert (await svc.assignments.tick()).members_added == 0
    async with svc.db.transaction() as s:
        newcomer = await s.scalar(select(Employee.id).where(Employee.telegram_id == NEWCOMER))
    assert newcomer is not None
    await verify(svc, newcomer)  # confirmed: assigned from then on, due later
    items = await svc.assignments.for_learner(NEWCOMER)
    assert items is not None and len(items) == 1
    summary = await svc.assignments.detail(SUPER, created.assignment.id)
    assert summary is not None and summary.counts.members == 4


async def test_join_days_are_chosen_per_assignment(svc: Services) -> None:
    await _admins(svc)
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    for bad in (0, 366):
        outcome = (await svc.assignments.create(SUPER, _spec(join_days=bad))).outcome
        assert outcome is CreateOutcome.BAD_JOIN_DAYS
    created = await svc.assignments.create(SUPER, _spec(join_days=45))
    assert created.assignment is not None and created.assignment.join_days == 45
    clock.advance(days=2)
    await register(svc, NEWCOMER, "199105052019032006")
    items = await svc.assignments.for_learner(NEWCOMER)
    assert items is not None and items[0].status.due == TODAY + timedelta(days=2 + 45)


async def test_an_opd_admin_sees_a_superadmins_assignment_to_their_opd_read_only(
    svc: Services,
) -> None:
    await _admins(svc)
    theirs = await svc.assignments.create(SUPER, _spec())  # targets 3328
    province = await svc.assignments.create(SUPER, _spec(audience=Audience()))
    elsewhere = await svc.assignments.create(SUPER, _spec(audience=Audience(opd="3374")))
    own = await svc.assignments.create(OFFICER, _spec(target_id="kearsipan"))
    assert theirs.assignment and province.assignment and elsewhere.assignment and own.assignment
    _actor, listed = await svc.assignments.listing(OFFICER)
    assert [(x.assignment.id, x.editable) for x in listed] == [
        (theirs.assignment.id, False),
        (own.assignment.id, True),
    ]
    detail = await svc.assignments.detail(OFFICER, theirs.assignment.id)
    assert detail is not None and not detail.editable and detail.counts.members == 3
    assert (await svc.assignments.overdue(OFFICER, theirs.assignment.id))[0]
    for change in (
        svc.assignments.cancel(OFFICER, theirs.assignment.id),
        svc.assignments.extend(OFFICER, theirs.assignment.id, TODAY + timedelta(days=40)),
        svc.assignments.detail(OFFICER, elsewhere.assignment.id),
    ):
        with pytest.raises(NotAllowed):
            await change
    async with svc.db.transaction() as s:
        cancelled = await s.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.status != "active")
        )
    assert cancelled == 0


async def test_a_revoked_admins_assignment_stays_and_is_listed_to_the_superadmins(
    svc: Services,
) -> None:
    await _admins(svc)
    created = await svc.assignments.create(OFFICER, _spec())
    await svc.assignments.create(SUPER, _spec(target_id="kearsipan", due_on=TODAY))
    assert created.assignment is not None
    async with svc.db.transaction() as s:
        officer = await s.scalar(select(Employee.id).where(Employee.telegram_id == OFFICER))
        await s.execute(delete(AdminRole).where(AdminRole.employee_id == officer))
    _actor, listed = await svc.assignments.listing(SUPER)
    assert (listed[0].assignment.id, listed[0].creator_is_admin) == (
        created.assignment.id,
        False,
    )  # the orphan first, still active, its members still counted
    assert listed[0].counts.members == 3 and listed[0].assignment.status == "active"
    with pytest.raises(NotAllowed):
        await svc.assignments.listing(OFFICER)


async def test_two_admins_cancelling_at_once_cancel_once(
    svc: Services, db: Database, settings: Settings
) -> None:
    """The confirmed cancel is a conditional UPDATE of an active assignment: of two admins on
    two instances who both read it active, exactly one cancels (and is audited), the other is
    told it was cancelled already."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await _admins(svc)
    created = await svc.assignments.create(OFFICER, _spec())
    assert created.assignment is not None
    aid = created.assignment.id
    other = Database(settings.database_url)
    first = svc.assignments
    second = AssignmentService(other, svc.catalog, svc.clock, svc.settings)
    both_read = asyncio.Barrier(2)

    def before_update(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("UPDATE assignments"):
            await_only(asyncio.wait_for(both_read.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_update)
    try:
        outcomes = await asyncio.gather(first.cancel(OFFICER, aid), second.cancel(SUPER, aid))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_update)
        await other.dispose()
    assert sorted(o.value for o, _title in outcomes) == ["already_cancelled", "ok"]
    async with db.transaction() as s:
        audits = await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "assignment.cancel")
        )
    assert audits == 1
