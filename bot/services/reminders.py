"""Reminder settings and the minute tick that turns due reminders into outbox rows.

Scale: the scheduler runs one tick a minute, whatever the number of users. Each tick reads only
rows whose persisted ``next_due_at`` has passed, through its index, so users with nothing due cost
nothing. Deciding to send (an outbox row, unique per learner and due time) and moving
``next_due_at`` on happen in one transaction: overlapping ticks, a second instance or a restart
mid-tick can record a decision only once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

from sqlalchemy import Row, String, and_, case, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.flows import Flow
from bot.core.outgoing import MessageKind
from bot.core.schedule import QuietHours, ReminderChoice, next_due, parse_clock_time
from bot.observability import metrics
from bot.store import employees, sessions
from bot.store.outbox import enqueue_from
from bot.store.sessions import FlowState
from db.dialects import cast_table
from db.models import Employee, Reminder
from db.session import Database

log = logging.getLogger(__name__)

STEP_TIME = "time"  # after "⌨️ Jam lain": whatever is typed is read as a time
# While the /pengingat panel is the latest thing shown (and no other flow is under way): a
# typed time is taken, anything that is not one goes to the usual free-text replies.
STEP_PANEL = "panel"
PAUSE_CHOICES = (3, 7, 14)


@dataclass(frozen=True, slots=True)
class ReminderView:
    """A learner's reminder settings, as /pengingat shows them."""

    enabled: bool
    at: time
    weekdays_only: bool
    paused_until: datetime | None
    next_due_at: datetime | None
    quiet: bool = False  # the chosen time lies inside quiet hours (widened since): none is sent
    typing: bool = False  # the panel takes a typed time right away (see ``STEP_PANEL``)


class TimeOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"  # not a time of day
    QUIET = "quiet"  # inside quiet hours
    STALE = "stale"  # not registered (any more)


@dataclass(slots=True)
class TickReport:
    enqueued: int = 0
    skipped_late: int = 0
    parked: int = 0


def minute_of_day(at: time) -> int:
    return at.hour * 60 + at.minute


def time_of(minute: int) -> time:
    return time(minute // 60, minute % 60)


def choice_of(row: Reminder | Row[tuple]) -> ReminderChoice:
    return ReminderChoice(
        enabled=row.enabled,
        at=time_of(row.minute_of_day),
        weekdays_only=row.weekdays_only,
        paused_until=row.paused_until,
    )


class ReminderService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.tz: tzinfo = settings.tz
        self.quiet = QuietHours(*settings.quiet_hours)
        self.default_time = settings.reminder_default_time
        self.catch_up = timedelta(minutes=settings.reminder_catch_up_minutes)
        self._tick_lock = asyncio.Lock()
        # Set when a tick enqueued something, so the sender wakes at once instead of polling.
        self.enqueued = asyncio.Event()

    # --- settings -------------------------------------------------------------------------------
    def in_quiet_hours(self, at: time) -> bool:
        return self.quiet.contains(at)

    async def create_default(
        self, s: AsyncSession, employee_id: int, *, enabled: bool = True
    ) -> Reminder:
        """Every new learner starts with a daily weekday reminder, on if they agreed to
        reminders at registration (they rest on consent); /pengingat changes it."""
        reminder = await s.get(Reminder, employee_id)
        if reminder is None:
            reminder = Reminder(
                employee_id=employee_id,
                enabled=enabled,
                minute_of_day=minute_of_day(self.default_time),
                weekdays_only=True,
            )
            s.add(reminder)
        self._reschedule(reminder)
        return reminder

    async def view(self, telegram_id: int) -> ReminderView | None:
        return await self._change(telegram_id)

    async def set_time(self, telegram_id: int, at: time) -> ReminderView | None:
        """A chosen time (a preset or typed); inside quiet hours it is refused (QUIET), by
        ``submit_time`` for typed times and by the caller for buttons."""
        return await self._change(telegram_id, minute_of_day=minute_of_day(at), enabled=True)

    async def set_weekdays_only(self, telegram_id: int, weekdays_only: bool) -> ReminderView | None:
        return await self._change(telegram_id, weekdays_only=weekdays_only)

    async def set_enabled(self, telegram_id: int, enabled: bool) -> ReminderView | None:
        return await self._change(telegram_id, enabled=enabled, paused_until=None)

    async def pause(self, telegram_id: int, days: int) -> ReminderView | None:
        if days not in PAUSE_CHOICES:
            raise ValueError(f"pause of {days} days is not offered")
        until = self.clock() + timedelta(days=days)
        return await self._change(telegram_id, enabled=True, paused_until=until)

    async def begin_typing(self, telegram_id: int) -> bool:
        """Wait for a typed time (the /pengingat "other time" button). False if not registered."""
        async with self.db.transaction() as s:
            if await employees.by_telegram_id(s, telegram_id) is None:
                return False
            await sessions.set_state(s, telegram_id, FlowState(Flow.REMINDER, STEP_TIME))
        return True

    async def submit_time(
        self, telegram_id: int, text: str
    ) -> tuple[TimeOutcome, ReminderView | None]:
        """A typed time: saved and the flow closed, or refused with the reason."""
        try:
            at = parse_clock_time(text)
        except ValueError:
            return TimeOutcome.INVALID, None
        if self.quiet.contains(at):
            return TimeOutcome.QUIET, None
        view = await self.set_time(telegram_id, at)  # the flow goes back to the panel
        return (TimeOutcome.OK if view else TimeOutcome.STALE), view

    async def close_panel(self, telegram_id: int) -> None:
        """Typed text that is not a time: the panel stops waiting for one."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if state is not None and state.flow == Flow.REMINDER:
                await sessions.clear_state(s, telegram_id)

    async def reactivate(self, s: AsyncSession, employee_id: int) -> None:
        """A learner came back (unblocked the bot): schedule their parked reminder again."""
        reminder = await s.get(Reminder, employee_id)
        if reminder is not None and reminder.enabled and reminder.next_due_at is None:
            self._reschedule(reminder)

    async def _change(self, telegram_id: int, **values: object) -> ReminderView | None:
        """Apply ``values`` and return the panel's view. Showing the panel opens it for typing
        (``STEP_PANEL``) unless another flow is under way, which a glance at /pengingat must
        not discard: then the panel does not invite typing."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            reminder = await s.get(Reminder, employee.id)
            if reminder is None:  # registered before reminders existed
                reminder = await self.create_default(s, employee.id)
            for name, value in values.items():
                setattr(reminder, name, value)
            if values:
                self._reschedule(reminder)
            state = await sessions.get_state(s, telegram_id)
            typing = state is None or state.flow == Flow.REMINDER
            if typing and (state is None or state.step != STEP_PANEL):
                await sessions.set_state(s, telegram_id, FlowState(Flow.REMINDER, STEP_PANEL))
            return self._view(reminder, typing=typing)

    def _reschedule(self, reminder: Reminder) -> None:
        reminder.next_due_at = next_due(choice_of(reminder), self.clock(), self.tz, self.quiet)

    def _view(self, reminder: Reminder, *, typing: bool = False) -> ReminderView:
        paused = reminder.paused_until
        if paused is not None and paused <= self.clock():
            paused = None
        at = time_of(reminder.minute_of_day)
        return ReminderView(
            enabled=reminder.enabled,
            at=at,
            weekdays_only=reminder.weekdays_only,
            paused_until=paused,
            next_due_at=reminder.next_due_at,
            quiet=reminder.enabled and self.quiet.contains(at),
            typing=typing,
        )

    # --- the tick -------------------------------------------------------------------------------
    async def tick(self) -> TickReport:
        """Enqueue every due reminder once and schedule the next one. Overlapping calls wait.

        Set-based SQL, not a loop over rows: the decision (an outbox row per due learner) is one
        INSERT ... SELECT, and moving the due times on is one UPDATE per distinct choice among the
        due rows (learners due in the same minute mostly chose the same time). A province's
        20,000 reminders in one minute then cost a handful of statements, not 20,000 round trips.
        """
        async with self._tick_lock:
            now = self.clock()
            async with self.db.transaction() as s:
                report = await self._tick(s, now)
        if report.enqueued:
            self.enqueued.set()
            metrics.REMINDERS_ENQUEUED.inc(report.enqueued)
        if report.enqueued or report.skipped_late or report.parked:
            log.info(
                "reminder tick: %d enqueued, %d skipped as too late, %d parked",
                report.enqueued,
                report.skipped_late,
                report.parked,
            )
        return report

    async def _tick(self, s: AsyncSession, now: datetime) -> TickReport:
        report = TickReport()
        r, e = cast_table(Reminder), cast_table(Employee)
        due = r.c.next_due_at <= now
        fresh = r.c.next_due_at >= now - self.catch_up
        inactive = r.c.employee_id.in_(select(e.c.id).where(e.c.is_active.is_(False)))
        quiet_now = self.quiet.contains(now.astimezone(self.tz).time())

        # 1. The send decisions, at most one per learner and due time (dedup_key is unique).
        if not quiet_now:
            dedup_key = (
                literal(f"{MessageKind.REMINDER}:", String)
                + cast(r.c.employee_id, String)
                + literal(":", String)
                + cast(r.c.next_due_at, String)
            )
            statement = enqueue_from(
                s,
                kind=MessageKind.REMINDER,
                dedup_key=dedup_key,
                employee_id=r.c.employee_id,
                chat_id=e.c.telegram_id,
                source=r.join(e, e.c.id == r.c.employee_id),
                where=[due, fresh, e.c.is_active.is_(True)],
                now=now,
            )
            result = await s.execute(statement)
            report.enqueued = max(int(result.rowcount or 0), 0)  # type: ignore[attr-defined]

        # 2. Learners who blocked the bot leave the tick's range until they come back.
        parked = await s.execute(update(r).where(due, inactive).values(next_due_at=None))
        report.parked = int(parked.rowcount or 0)  # type: ignore[attr-defined]

        # 3. Everyone left moves on to their next due time, one UPDATE per distinct choice.
        groups = (
            await s.execute(
                select(r.c.minute_of_day, r.c.weekdays_only, func.count())
                .where(due)
                .group_by(r.c.minute_of_day, r.c.weekdays_only)
            )
        ).all()
        for minute, weekdays_only, _count in groups:
            # Due rows are never inside a pause: a pause moves the due time past its end.
            choice = ReminderChoice(True, time_of(minute), weekdays_only, None)
            following = next_due(choice, now, self.tz, self.quiet)
            sent = and_(fresh, literal(not quiet_now))
            await s.execute(
                update(r)
                .where(due, r.c.minute_of_day == minute, r.c.weekdays_only.is_(weekdays_only))
                .values(
                    next_due_at=following,
                    paused_until=None,
                    last_sent_at=case((sent, now), else_=r.c.last_sent_at),
                )
            )
        skipped = sum(count for _m, _w, count in groups) - report.enqueued
        report.skipped_late = max(skipped, 0)
        return report

    async def schedule_missing(self) -> int:
        """At start-up: give learners without a row their default, and schedule parked rows of
        active learners (e.g. after an upgrade, or an unblock the bot missed while down)."""
        async with self.db.transaction() as s:
            missing = (
                await s.scalars(
                    select(Employee.id).where(
                        ~select(Reminder.employee_id)
                        .where(Reminder.employee_id == Employee.id)
                        .exists()
                    )
                )
            ).all()
            for employee_id in missing:
                await self.create_default(s, employee_id)
            parked = (
                await s.scalars(
                    select(Reminder)
                    .join(Employee, Employee.id == Reminder.employee_id)
                    .where(
                        Reminder.enabled.is_(True),
                        Reminder.next_due_at.is_(None),
                        Employee.is_active.is_(True),
                    )
                )
            ).all()
            for reminder in parked:
                self._reschedule(reminder)
        return len(missing) + len(parked)
