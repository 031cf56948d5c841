"""When is a reminder due? Pure functions of the learner's choice, the clock and the time zone.

Kept free of I/O so the tricky cases (midnight, month ends, weekends, pauses, quiet hours,
downtime) are unit-tested with plain datetimes. All instants are aware UTC datetimes; the
learner's choices are local times in the deployment's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

CLOCK_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")  # ASCII digits only
# A pause of 14 days plus a weekend is the longest gap between two reminders.
_SEARCH_DAYS = 8


def parse_clock_time(raw: str) -> time:
    """``"19:30"``, or ``"19.30"`` (the way Indonesians write it), -> ``time(19, 30)``."""
    match = CLOCK_TIME.match(raw.strip())
    if match is None:
        raise ValueError(f"{raw!r} is not a time of day (HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{raw!r} is not a time of day (HH:MM)")
    return time(hour, minute)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A local window with no reminders. ``start > end`` wraps midnight (21:00-06:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class ReminderChoice:
    """What the learner chose in /pengingat."""

    enabled: bool
    at: time
    weekdays_only: bool
    paused_until: datetime | None = None


def next_due(
    choice: ReminderChoice, after: datetime, tz: tzinfo, quiet: QuietHours
) -> datetime | None:
    """The first moment strictly after ``after``, and not inside a pause, when a reminder is due.

    None when reminders are off, and when the learner's time lies inside quiet hours (the
    deployer widened them after the learner chose it). Quiet hours skip, never move: a
    reminder at a time the learner did not choose (06:00 instead of 21:30) is noise at best,
    so none is sent until the learner picks another time, as /pengingat tells them.
    """
    if not choice.enabled or quiet.contains(choice.at):
        return None
    at = choice.at
    floor = after
    if choice.paused_until is not None and choice.paused_until > floor:
        floor = choice.paused_until
    first_day = floor.astimezone(tz).date()
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if choice.weekdays_only and day.weekday() >= 5:
            continue
        candidate = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
        if candidate > after and (choice.paused_until is None or candidate >= choice.paused_until):
            return candidate
    raise AssertionError("unreachable: a week always has a weekday")  # pragma: no cover


def should_send_late(
    due_at: datetime, now: datetime, catch_up: timedelta, tz: tzinfo, quiet: QuietHours
) -> bool:
    """A due reminder found at ``now``: send it, or skip it as too late or as too quiet now?

    Skipped, not postponed: after downtime, a reminder whose moment fell into quiet hours is
    dropped and the next one scheduled (the same rule as the tick's)."""
    if now - due_at > catch_up:
        return False
    return not quiet.contains(now.astimezone(tz).time())


def pacing_starts(year: int, month_day: str) -> date:
    """``"10-01"`` in 2026 -> 1 October 2026 (29 February falls back to the 28th)."""
    month, day = (int(part) for part in month_day.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)


def is_pacing_day(today: date, month_day: str, weekday: int) -> bool:
    """The weekly year-end push goes out on one weekday, from the configured date on."""
    return today >= pacing_starts(today.year, month_day) and today.weekday() == weekday


def streak_grace(today: date) -> date:
    """The earliest last day of learning that keeps a streak alive on ``today``: the working
    day (Monday to Friday) before it. Saturdays and Sundays freeze a streak: a weekend without
    learning breaks nothing (a Monday continues Friday's streak), and learning on one counts.
    There is no repair: a working day missed starts the count again."""
    back = {0: 3, 6: 2}.get(today.weekday(), 1)  # Monday and Sunday look back to Friday
    return today - timedelta(days=back)


def current_streak(streak_days: int, last_day: date | None, today: date) -> int:
    """Days with learning in a row, weekends frozen (see ``streak_grace``).

    The streak is written by ``bot.store.employees.TOUCH``: alive here is exactly what that
    statement extends (learning on ``last_day`` or up to the working day after it).
    """
    if last_day is None or not streak_grace(today) <= last_day <= today:
        return 0
    return streak_days
