"""Confirming people (bot/services/identity.py): who decides, what each decision changes, the
people told, and two admins deciding at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.core.errors import NotAllowed
from bot.services import Services
from bot.services.identity import Decision, IdentityService, PersonAction
from bot.services.registration import RegistrationOutcome, RegistrationStep
from bot.services.roles import OPERATOR_ID
from bot.store import reports
from bot.texts.privacy import NOTICE_VERSION
from db.models import (
    AdminRole,
    AuditEntry,
    Employee,
    IdentityRequest,
    JpLedgerEntry,
    OutboundMessage,
)
from db.session import Database
from tests.unit.helpers import USER, flow_token, register
from tests.unit.seeds import seed_province

ADMIN, OTHER_ADMIN, SUPER = 2001, 2002, 2003
NIP = "198609262015051001"


async def _grant(svc: Services, uid: int, role: str, opd: str | None) -> None:
    async with svc.db.transaction() as s:
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


async def _setup(svc: Services) -> None:
    await register(svc, ADMIN, "199001012018012003")
    await _grant(svc, ADMIN, "opd_admin", "3328")
    await register(svc, SUPER, "198003032005011004")
    await _grant(svc, SUPER, "superadmin", None)


async def _request(svc: Services) -> IdentityRequest:
    async with svc.db.transaction() as s:
        request = await s.scalar(
            select(IdentityRequest)
            .where(IdentityRequest.status == "pending")
            .order_by(IdentityRequest.id.desc())
        )
    assert request is not None
    return request


async def _notices(svc: Services, chat_id: int) -> list[str]:
    async with svc.db.transaction() as s:
        rows = await s.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.kind == "account", OutboundMessage.chat_id == chat_id)
            .order_by(OutboundMessage.id)
        )
        return [str(r.payload.get("text")) for r in rows]


async def test_an_opd_admin_confirms_a_registration_and_the_learner_is_told(
    svc: Services,
) -> None:
    await _setup(svc)
    await register(svc, verified=False)
    request = await _request(svc)
    review = [text for text in await _notices(svc, ADMIN) if NIP in text]
    assert len(review) == 1 and "Siti Aminah" in review[0]
    assert await _notices(svc, SUPER) == []  # the OPD has an admin: they review it
    # The superadmin may not confirm while the OPD has its own admin; the learner never.
    with pytest.raises(NotAllowed) as refused:
        await svc.identity.approve(SUPER, request.id)
    assert refused.value.refusal.value == "opd_has_admin"
    with pytest.raises(NotAllowed):
        await svc.identity.approve(USER, request.id)
    decided = await svc.identity.approve(ADMIN, request.id)
    assert decided.outcome is Decision.OK and decided.employee is not None
    assert decided.employee.verified_at is not None and decided.employee.verified_by == ADMIN
    assert any("diverifikasi" in text for text in await _notices(svc, USER))
    again = await svc.identity.approve(ADMIN, request.id)
    assert again.outcome is Decision.ALREADY and again.decided_by == "Siti Aminah"


async def test_a_refused_registration_is_undone_and_the_reason_told(svc: Services) -> None:
    await _setup(svc)
    await register(svc, verified=False)
    request = await _request(svc)
    assert (await svc.identity.begin_refuse(ADMIN, request.id)).outcome is Decision.OK
    decided = await svc.identity.refuse_with_reason(ADMIN, "Bukan pegawai kami")
    assert decided.outcome is Decision.OK
    assert await svc.learning.employee(USER) is None  # the claim is gone, the NIP is free
    assert any("Bukan pegawai kami" in t for t in await _notices(svc, USER))
    await svc.registration.begin(4444)
    await svc.registration.acknowledge_privacy(4444, NOTICE_VERSION)
    assert (await svc.registration.submit_nip(4444, NIP)).outcome is RegistrationOutcome.OK


async def test_a_superadmin_confirms_where_the_opd_has_no_admin(svc: Services) -> None:
    await _setup(svc)
    await register(svc, 3001, "199505052020121001", verified=False, opd="3374")
    request = await _request(svc)
    assert request.opd_code == "3374"
    assert await _notices(svc, SUPER) != []
    with pytest.raises(NotAllowed):
        await svc.identity.approve(ADMIN, request.id)  # another OPD's admin
    assert (await svc.identity.approve(SUPER, request.id)).outcome is Decision.OK


async def test_a_transfer_moves_the_account_and_keeps_the_hours(svc: Services) -> None:
    """A new account asks for a NIP bound to another: once the admin approves, the hours are
    the employee's under the new account, and the old account is told and has no access."""
    await _setup(svc)
    await register(svc)
    async with svc.db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == USER))
        assert employee is not None
        s.add(
            JpLedgerEntry(
                employee_id=employee.id,
                year=2026,
                minutes=90,
                source_kind="module",
                source_id="m",
                title="M",
                activity_kind="Pembelajaran mikro (e-learning)",
                organiser="BPSDMD",
                started_on=datetime(2026, 3, 1).date(),
                ended_on=datetime(2026, 3, 1).date(),
                evidence={},
            )
        )
    new = 5005
    await svc.registration.begin(new)
    await svc.registration.acknowledge_privacy(new, NOTICE_VERSION)
    taken = await svc.registration.submit_nip(new, NIP)
    assert taken.outcome is RegistrationOutcome.TAKEN
    asked = await svc.registration.begin_transfer(new, await flow_token(svc.registration, new))
    assert asked.state is not None and asked.state.step == RegistrationStep.TRANSFER_NAME
    filed = await svc.registration.submit_transfer(new, "Siti Aminah")
    assert filed.outcome is RegistrationOutcome.PENDING and filed.request is not None
    assert await svc.learning.employee(new) is None  # nothing bound before the decision
    decided = await svc.identity.approve(ADMIN, filed.request.id)
    assert decided.outcome is Decision.OK
    moved = await svc.learning.employee(new)
    assert moved is not None and moved.nip == NIP and moved.verified_at is not None
    assert await svc.learning.employee(USER) is None  # the old account lost access
    assert (await svc.hours.year_minutes(new))[0] == 90
    assert any("tidak lagi terhubung" in t for t in await _notices(svc, USER))
    assert any("Pemindahan disetujui" in t for t in await _notices(svc, new))


async def test_pegawai_unbind_deactivate_and_the_operator(svc: Services) -> None:
    await _setup(svc)
    await register(svc)
    card = await svc.identity.card(ADMIN, NIP)
    assert card is not None
    employee_id = card.employee.id
    unbound = await svc.identity.act(ADMIN, employee_id, PersonAction.UNBIND)
    assert unbound is not None and unbound.telegram_id is None
    assert await svc.identity.act(ADMIN, employee_id, PersonAction.UNBIND) is None  # stale
    assert await svc.learning.employee(USER) is None
    off = await svc.identity.act(OPERATOR_ID, employee_id, PersonAction.DEACTIVATE)
    assert off is not None and off.deactivated_at is not None
    await svc.registration.begin(USER)
    await svc.registration.acknowledge_privacy(USER, NOTICE_VERSION)
    assert (await svc.registration.submit_nip(USER, NIP)).outcome is RegistrationOutcome.DEACTIVATED
    back = await svc.identity.act(OPERATOR_ID, employee_id, PersonAction.REACTIVATE)
    assert back is not None and back.deactivated_at is None
    async with svc.db.transaction() as s:
        actions = list(
            await s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("employee.%")))
        )
    assert actions == [
        "employee.view",
        "employee.unbound",
        "employee.deactivated",
        "employee.reactivated",
    ]
    # An OPD admin sees only their own OPD's people.
    await register(svc, 3001, "199505052020121001", opd="3374")
    with pytest.raises(NotAllowed):
        await svc.identity.card(ADMIN, "199505052020121001")


async def test_deactivated_people_leave_the_reports(db: Database, svc: Services) -> None:
    await seed_province(db)
    async with db.transaction() as s:
        c1 = await s.scalar(select(Employee.id).where(Employee.name == "c1"))
    assert c1 is not None
    await svc.identity.act(OPERATOR_ID, c1, PersonAction.DEACTIVATE)
    async with db.transaction() as s:
        recap = {r.opd_code: r for r in await reports.opd_recap(s, 2026, svc.settings.targets)}
    assert (recap["C"].employees, recap["C"].total_minutes) == (1, 1125)


async def test_confirm_and_refuse_at_once_one_decides(
    svc: Services, db: Database, settings: Settings
) -> None:
    """Two admins of the OPD, two instances: one confirms while the other refuses; exactly one
    decision holds and the other admin is told who decided."""
    if db.is_sqlite:
        pytest.skip("two writers at once need PostgreSQL (SQLite takes them one at a time)")
    await _setup(svc)
    await register(svc, OTHER_ADMIN, "198505052010011002")
    await _grant(svc, OTHER_ADMIN, "opd_admin", "3328")
    await register(svc, verified=False)
    request = await _request(svc)
    other = Database(settings.database_url)
    first = IdentityService(db, svc.catalog, svc.clock, settings.admin_ids)
    second = IdentityService(other, svc.catalog, svc.clock, settings.admin_ids)
    assert (await second.begin_refuse(OTHER_ADMIN, request.id)).outcome is Decision.OK
    both_read = asyncio.Barrier(2)

    def before_update(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("UPDATE identity_requests SET status"):
            await_only(asyncio.wait_for(both_read.wait(), 5))

    engines = [db.engine.sync_engine, other.engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_update)
    try:
        confirmed, refused = await asyncio.gather(
            first.approve(ADMIN, request.id),
            second.refuse_with_reason(OTHER_ADMIN, "Tidak dikenal"),
        )
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before_update)
        await other.dispose()
    assert sorted([confirmed.outcome, refused.outcome]) == sorted([Decision.OK, Decision.ALREADY])
    async with db.transaction() as s:
        row = await s.get(IdentityRequest, request.id)
        employees = await s.scalar(
            select(func.count()).select_from(Employee).where(Employee.telegram_id == USER)
        )
    if confirmed.outcome is Decision.OK:
        assert row is not None and row.status == "approved" and employees == 1
    else:
        assert employees == 0  # refused: the claim was undone, the request with it
