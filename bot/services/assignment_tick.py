"""The daily tick of required learning: top up the audiences' newcomers, queue the day's
reminders and move each member on to their next reminder day (a recurring completion to its
next cycle). Its own module: the scheduler's side of the service, apart from the requests."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.assignments import add_months, next_reminder
from bot.services.assignment_base import _utc
from bot.services.assignment_completions import AssignmentCompletions
from bot.services.assignment_types import SOON_DAYS, TickReport
from bot.store import assignment_reminders as reminders_store
from bot.store import assignments as store
from db.dialects import cast_table
from db.models import Assignment, AssignmentMember

log = logging.getLogger(__name__)


@lru_cache(maxsize=8192)
def next_cycle(member_due: date, completed: date, months: int, today: date) -> tuple[date, date]:
    """A recurring completion's next cycle: its due date (the expiry, never before the
    member's own) and the next reminder day. Within a week of the expiry the refresher is
    reminded today (kept due); otherwise on the first reminder day before the expiry. Cached:
    a province's members share a few due dates and completion days."""
    cycle = max(member_due, add_months(completed, months))
    if (cycle - today).days <= SOON_DAYS:
        return cycle, today
    return cycle, next_reminder(cycle, today + timedelta(days=1))


class AssignmentTick(AssignmentCompletions):
    # --- the tick -------------------------------------------------------------------------------
    async def tick(self) -> TickReport:
        """Once a day, from ``SINAU_ASSIGNMENT_REMINDER_TIME`` and outside quiet hours: add the
        people who joined an audience, then queue one reminder per person due one today and
        move each member on to their next reminder day, in one transaction (a restart or a
        second instance decides nothing twice: the rows moved on, and the outbox key is unique
        per person and day)."""
        now = self.clock()
        local = now.astimezone(self.tz)
        report = TickReport()
        if self.quiet.contains(local.time()) or local.time() < self.send_time:
            return report
        async with self._tick_lock:
            async with self.db.transaction() as s:
                report = await self._tick(s, now)
        if report.enqueued or report.members_added:
            log.info(
                "assignment tick: %d members added, %d reminders queued, %d rows written",
                report.members_added,
                report.enqueued,
                report.rows_written,
            )
        return report

    async def _tick(self, s: AsyncSession, now: datetime) -> TickReport:
        report = TickReport(ran=True)
        today = now.astimezone(self.tz).date()
        report.rows_written += await self.refresh(s)
        if self._synced_on != today:
            report.members_added = await self.top_up(s, today, now)
            report.rows_written += report.members_added
        for assignment_id in await reminders_store.due_assignments(s, today):
            assignment = await s.get(Assignment, assignment_id)
            if assignment is None:
                continue
            report.assignments_due += 1
            m = cast_table(AssignmentMember)
            if assignment.status != store.ACTIVE:  # cancelled: nothing more to remind
                result = await s.execute(
                    update(m)
                    .where(m.c.assignment_id == assignment.id, m.c.next_remind_on.is_not(None))
                    .values(next_remind_on=None)
                )
                report.rows_written += int(result.rowcount or 0)  # type: ignore[attr-defined]
                continue
            report.rows_written += await self._move_completed(s, assignment, today)
            queued = await reminders_store.enqueue_reminders(s, assignment, today, now)
            report.enqueued += queued
            report.rows_written += queued
            report.rows_written += await reminders_store.move_reminded(s, assignment.id, today)
        self._synced_on = today
        return report

    async def top_up(self, s: AsyncSession, today: date, now: datetime) -> int:
        """Dynamic membership: everyone who entered an active assignment's audience since the
        last top-up, due ``join_days`` later. Only employees created or changed since then
        can have entered one (everyone in it when it was created is a member already), so
        after a start the bound is each assignment's creation: no scan of everyone."""
        found = await store.active(s)
        margin = timedelta(hours=1)
        if not found:
            self._synced_at = now
            return 0
        oldest = min(_utc(a.created_at) for a in found)
        watermark = max(oldest, self._synced_at) if self._synced_at else oldest
        if not await store.changed_since(s, watermark - margin):
            self._synced_at = now
            return 0
        added = 0
        for assignment in found:
            due = max(assignment.due_on, today + timedelta(days=assignment.join_days))
            bound = _utc(assignment.created_at)
            if self._synced_at is not None:
                bound = max(bound, self._synced_at)
            added += await self._add_members(
                s, assignment, due, today, now, changed_since=bound - margin
            )
        self._synced_at = now
        return added

    async def _move_completed(self, s: AsyncSession, assignment: Assignment, today: date) -> int:
        """Members due a reminder who completed: nothing left to remind (one-off), or on to
        their next cycle (recurring). Read from the stored completions (``refresh`` ran first
        in the same transaction), not the ledger."""
        if not store.target_modules(self.catalog, assignment):
            return 0
        months = assignment.recurrence_months
        if months is None:  # one set-based UPDATE: nothing left to remind those who completed
            return await reminders_store.stop_completed(s, assignment.id, today)
        since = self.since(months, today)
        assert since is not None
        moves: dict[tuple[date, date | None], list[int]] = {}
        for employee_id, member_due, completed in await reminders_store.completed_due(
            s, assignment.id, today, since
        ):
            day = _utc(completed).astimezone(self.tz).date()
            key = next_cycle(member_due, day, months, today)
            moves.setdefault(key, []).append(employee_id)
        return await reminders_store.move_completed(s, assignment.id, moves)
