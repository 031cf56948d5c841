"""Required learning (assignments): the date arithmetic, as pure functions.

All dates are local (WIB) calendar dates; a due date means "by 23:59 WIB that day".

- **Recurrence.** A completion on day ``d`` of an assignment that recurs every ``N`` months
  expires on ``add_months(d, N)`` (a month end clamps: 31 January + 1 month is 28 or 29
  February; 29 February + 12 months is 28 February). On that day it no longer counts, and it
  is the due date of the next cycle: the person is assigned again, due that day.
- **A completion before the assignment** counts while it has not expired (always, without a
  recurrence).
- **Reminders:** 7 days and 1 day before the due date, on the due date, then every 7 days
  while overdue (``reminder_days``); at most one message per person per day (the outbox key).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

BEFORE = (7, 1)  # days before the due date with a reminder
OVERDUE_EVERY = 7  # days between reminders while overdue
MAX_AHEAD_MONTHS = 24  # a due date at most 2 years ahead
MAX_RECURRENCE_MONTHS = 60
DEFAULT_JOIN_DAYS = 30
MAX_JOIN_DAYS = 365  # a later joiner's due date: at most a year after they join


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def valid_from(today: date, months: int) -> date:
    """The earliest completion day that has not expired today: ``d`` counts exactly when
    ``d >= valid_from(today, months)`` (``add_months`` is monotonic, so one bound serves SQL)."""
    guess = add_months(today, -months) - timedelta(days=4)
    while add_months(guess, months) <= today:
        guess += timedelta(days=1)
    return guess


def expires_on(completed: date, months: int | None) -> date | None:
    return None if months is None else add_months(completed, months)


def is_valid(completed: date | None, months: int | None, today: date) -> bool:
    """A completion that still counts today."""
    if completed is None:
        return False
    expiry = expires_on(completed, months)
    return expiry is None or today < expiry


def cycle_due(member_due: date, completed: date | None, months: int | None) -> date:
    """The due date of the person's current cycle: their own due date, or, once a recurring
    completion exists, its expiry (never before their own due date)."""
    if completed is None or months is None:
        return member_due
    return max(member_due, add_months(completed, months))


def reminder_days(due: date) -> tuple[date, ...]:
    """The reminder days before and on the due date (the weekly ones follow, see
    ``next_reminder``)."""
    return (*(due - timedelta(days=d) for d in BEFORE), due)


def is_reminder_day(due: date, today: date) -> bool:
    if today in reminder_days(due):
        return True
    late = (today - due).days
    return late > 0 and late % OVERDUE_EVERY == 0


def next_reminder(due: date, on_or_after: date) -> date:
    """The first reminder day of ``due`` that is ``on_or_after`` the given day."""
    for day in reminder_days(due):
        if day >= on_or_after:
            return day
    late = (on_or_after - due).days
    weeks = -(-late // OVERDUE_EVERY)
    return due + timedelta(days=weeks * OVERDUE_EVERY)


def due_at(due: date, tz: tzinfo) -> datetime:
    """The moment a due date ends: 23:59:59 local time."""
    return datetime.combine(due, time(23, 59, 59), tzinfo=tz)


def days_left(due: date, today: date) -> int:
    """Days until the due date (0 on the day, negative when overdue)."""
    return (due - today).days


class DueCheck(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    PAST = "past"
    TOO_FAR = "too_far"


def parse_due(text: str, today: date) -> tuple[DueCheck, date | None]:
    """ "31/12/2026" (also with - or .; ASCII digits only): today or later, at most 2 years."""
    cleaned = text.strip().replace("-", "/").replace(".", "/")
    if not cleaned.isascii():
        return DueCheck.INVALID, None
    for pattern in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            day = datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if day < today:
            return DueCheck.PAST, None
        if day > add_months(today, MAX_AHEAD_MONTHS):
            return DueCheck.TOO_FAR, None
        return DueCheck.OK, day
    return DueCheck.INVALID, None


def valid_recurrence(months: int | None) -> bool:
    return months is None or 1 <= months <= MAX_RECURRENCE_MONTHS


def valid_join_days(days: int | None) -> bool:
    """A later joiner's due date, in days after they join (None: the configured default)."""
    return days is None or 1 <= days <= MAX_JOIN_DAYS


class Standing(StrEnum):
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class MemberStatus:
    standing: Standing
    due: date  # the current cycle's due date
    completed: date | None  # the completion that counts, if any

    @property
    def done(self) -> bool:
        return self.standing is Standing.COMPLETED


def status(
    member_due: date,
    completed: date | None,
    months: int | None,
    started: bool,
    today: date,
) -> MemberStatus:
    """Where a person stands on one assignment today. ``completed`` is the day the target
    was last completed (a path: the oldest of its modules' latest passes), if ever."""
    due = cycle_due(member_due, completed, months)
    if is_valid(completed, months, today):
        return MemberStatus(Standing.COMPLETED, due, completed)
    if today > due:
        return MemberStatus(Standing.OVERDUE, due, None)
    return MemberStatus(Standing.IN_PROGRESS if started else Standing.NOT_STARTED, due, None)
