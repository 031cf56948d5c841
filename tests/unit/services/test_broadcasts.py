"""Scheduled announcements (bot/services/broadcasts.py, roles.py): a revoked admin's never goes
out, and cancelling and starting are conditional updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from bot.services import Services
from bot.services.broadcast_drafts import DraftOutcome
from bot.services.roles import GrantOutcome
from db.models import AdminRole, AuditEntry, Broadcast, Employee, OutboundMessage
from tests.support import FakeClock
from tests.unit.helpers import register

OFFICER, SUPER = 2001, 2003


async def _setup(svc: Services) -> int:
    await register(svc)  # a learner of 3328, the audience
    await register(svc, OFFICER, "199001012018012003")
    await register(svc, SUPER, "198003032005011004")
    async with svc.db.transaction() as s:
        officer = await s.scalar(select(Employee).where(Employee.telegram_id == OFFICER))
        top = await s.scalar(select(Employee).where(Employee.telegram_id == SUPER))
        assert officer is not None and top is not None
        for employee, role, opd in ((officer, "opd_admin", "3328"), (top, "superadmin", None)):
            s.add(
                AdminRole(
                    employee_id=employee.id,
                    role=role,
                    opd_code=opd,
                    granted_by=1,
                    granted_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
        return officer.id


async def _schedule(svc: Services, at: datetime) -> int:
    async with svc.db.transaction() as s:
        broadcast = Broadcast(
            created_by=OFFICER,
            scope_opd="3328",
            text="Webinar SPBE besok",
            audience={"opd": "3328"},
            status="scheduled",
            scheduled_at=at,
            recipients=0,
        )
        s.add(broadcast)
        await s.flush()
        return broadcast.id


async def _status(svc: Services, broadcast_id: int) -> str:
    async with svc.db.transaction() as s:
        broadcast = await s.get(Broadcast, broadcast_id)
        assert broadcast is not None
        return broadcast.status


async def _queued(svc: Services) -> int:
    async with svc.db.transaction() as s:
        return int(
            await s.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.broadcast_id.is_not(None))
            )
            or 0
        )


async def test_revoking_a_role_cancels_the_admins_schedules_and_tells_the_superadmins(
    svc: Services,
) -> None:
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    officer = await _setup(svc)
    broadcast_id = await _schedule(svc, clock() + timedelta(hours=2))
    _, target = await svc.roles.find(SUPER, "199001012018012003")
    assert target is not None and target.employee_id == officer
    result = await svc.roles.grant(SUPER, officer, None, token=target.token)
    assert result.outcome is GrantOutcome.OK and result.cancelled == [broadcast_id]
    assert await _status(svc, broadcast_id) == "cancelled"
    async with svc.db.transaction() as s:
        audit = await s.scalar(
            select(AuditEntry).where(AuditEntry.action == "broadcast.cancel_role")
        )
        told = list(
            await s.scalars(
                select(OutboundMessage.chat_id).where(OutboundMessage.kind == "account")
            )
        )
    assert audit is not None and audit.params["broadcast_ids"] == [broadcast_id]
    assert told == [SUPER]
    clock.advance(hours=3)
    assert await svc.broadcasts.queue_due() == []
    assert await _queued(svc) == 0


async def test_a_schedule_whose_creator_lost_the_role_never_starts(svc: Services) -> None:
    """Even when the role disappears some other way, the start re-checks the creator."""
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    await _setup(svc)
    broadcast_id = await _schedule(svc, clock() + timedelta(minutes=5))
    async with svc.db.transaction() as s:
        officer = await s.scalar(select(Employee.id).where(Employee.telegram_id == OFFICER))
        await s.execute(delete(AdminRole).where(AdminRole.employee_id == officer))
    clock.advance(minutes=10)
    assert await svc.broadcasts.queue_due() == []
    assert await _status(svc, broadcast_id) == "cancelled"
    assert await _queued(svc) == 0


async def test_cancel_and_start_each_act_only_on_a_schedule_still_scheduled(
    svc: Services,
) -> None:
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    await _setup(svc)
    started = await _schedule(svc, clock() + timedelta(minutes=1))
    cancelled = await _schedule(svc, clock() + timedelta(minutes=1))
    assert await svc.broadcasts.cancel(OFFICER, cancelled) is DraftOutcome.OK
    assert await svc.broadcasts.cancel(OFFICER, cancelled) is DraftOutcome.STALE
    clock.advance(minutes=2)
    assert [b.id for b in await svc.broadcasts.queue_due()] == [started]
    assert await svc.broadcasts.cancel(OFFICER, started) is DraftOutcome.STALE  # it has started
    assert await _status(svc, cancelled) == "cancelled"
    assert await _queued(svc) == 3  # the three people of 3328, for the one that started
