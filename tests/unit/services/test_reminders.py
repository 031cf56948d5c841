"""Reminder settings and the minute tick (bot/services/reminders.py), on a real database."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest
from sqlalchemy import update

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.outgoing import MessageKind
from bot.services import Services
from bot.services.reminders import STEP_PANEL, TimeOutcome
from db.models import Employee
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import at_wib, nip, outbox, register, reminder_of


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
    # Back at the panel, which takes a typed time (and nothing else: see close_panel).
    state = await svc.registration.state(1)
    assert state is not None and (state.flow, state.step) == ("reminder", STEP_PANEL)
    await svc.reminders.close_panel(1)
    assert await svc.registration.state(1) is None
    assert not await svc.reminders.begin_typing(999)
    assert (await svc.reminders.submit_time(1, "١٢:٣٠"))[0] is TimeOutcome.INVALID


async def test_a_reminder_due_inside_quiet_hours_is_skipped_not_moved(
    svc: Services, clock: FakeClock
) -> None:
    """After downtime: a reminder whose moment fell into quiet hours is dropped, and the next
    one (not one at the end of quiet hours) scheduled. The README says the same."""
    await register(svc, 1, nip(1))
    await svc.reminders.set_time(1, time(20, 45))
    clock.now = at_wib(2026, 11, 25, 21, 5)  # 20 minutes late, inside the catch-up window
    report = await svc.reminders.tick()
    assert (report.enqueued, report.skipped_late) == (0, 1)
    assert await outbox(svc.db) == []
    assert (await reminder_of(svc.db, 1)).next_due_at == at_wib(2026, 11, 26, 20, 45)
    clock.now = at_wib(2026, 11, 26, 6, 0)  # the end of quiet hours: nothing is waiting
    assert (await svc.reminders.tick()).enqueued == 0


async def test_a_chosen_time_that_quiet_hours_now_cover_sends_nothing_and_says_so(
    settings: Settings, db: Database, catalog: Catalog, clock: FakeClock
) -> None:
    """The deployer widened the quiet hours after a learner chose 20:30."""
    svc = Services.build(settings, db, catalog, clock=clock)
    await register(svc, 1, nip(1))
    await svc.reminders.set_time(1, time(20, 30))
    wider = settings.model_copy(update={"quiet_hours": (time(20), time(6))})
    svc = Services.build(wider, db, catalog, clock=clock)
    await svc.reminders.schedule_missing()
    view = await svc.reminders.set_weekdays_only(1, False)  # any change reschedules
    assert view is not None and view.quiet and view.next_due_at is None
    for hour in (6, 20, 21):
        clock.now = at_wib(2026, 11, 26, hour, 30)
        assert (await svc.reminders.tick()).enqueued == 0
    view = await svc.reminders.set_time(1, time(19, 0))
    assert view is not None and not view.quiet and view.next_due_at is not None
