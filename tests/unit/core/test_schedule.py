"""Due times, quiet hours, catch-up, streaks and pacing: the pure reminder arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.schedule import (
    QuietHours,
    ReminderChoice,
    current_streak,
    is_pacing_day,
    next_due,
    parse_clock_time,
    should_send_late,
    streak_grace,
)

WIB = ZoneInfo("Asia/Jakarta")
QUIET = QuietHours(time(21), time(6))


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def daily(
    at: str, weekdays_only: bool = False, paused_until: datetime | None = None
) -> ReminderChoice:
    return ReminderChoice(True, parse_clock_time(at), weekdays_only, paused_until)


def due(choice: ReminderChoice, after: datetime) -> datetime:
    result = next_due(choice, after.astimezone(UTC), WIB, QUIET)
    assert result is not None
    return result.astimezone(WIB)


def test_later_today_then_tomorrow() -> None:
    assert due(daily("19:30"), wib(2026, 11, 25, 10, 0)) == wib(2026, 11, 25, 19, 30)
    # Exactly at the due time, the next one is tomorrow: "strictly after".
    assert due(daily("19:30"), wib(2026, 11, 25, 19, 30)) == wib(2026, 11, 26, 19, 30)


def test_across_midnight_and_month_and_year_ends() -> None:
    assert due(daily("06:30"), wib(2026, 11, 30, 23, 59)) == wib(2026, 12, 1, 6, 30)
    assert due(daily("06:30"), wib(2026, 12, 31, 7, 0)) == wib(2027, 1, 1, 6, 30)
    assert due(daily("12:00"), wib(2028, 2, 28, 13, 0)) == wib(2028, 2, 29, 12, 0)
    # 18:00 UTC on 30 November is 01:00 on 1 December in WIB: the day is the local one.
    late_utc = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    assert due(daily("06:30"), late_utc) == wib(2026, 12, 1, 6, 30)


def test_weekdays_only_skips_the_weekend() -> None:
    friday_evening = wib(2026, 11, 27, 20, 0)
    assert due(daily("19:30", weekdays_only=True), friday_evening) == wib(2026, 11, 30, 19, 30)
    assert due(daily("19:30"), friday_evening) == wib(2026, 11, 28, 19, 30)


def test_pause_then_resume() -> None:
    now = wib(2026, 11, 25, 10, 0)
    paused = daily("12:00", paused_until=now + timedelta(days=3))
    # Paused until Saturday 10:00: Saturday's 12:00 is the first one after the pause.
    assert due(paused, now) == wib(2026, 11, 28, 12, 0)
    weekdays = daily("12:00", weekdays_only=True, paused_until=now + timedelta(days=14))
    assert due(weekdays, now) == wib(2026, 12, 9, 12, 0)
    # A pause that has ended is no pause.
    assert due(daily("12:00", paused_until=now - timedelta(days=1)), now) == wib(2026, 11, 25, 12)


def test_off_means_never() -> None:
    off = ReminderChoice(False, time(12), False)
    assert next_due(off, wib(2026, 11, 25, 10).astimezone(UTC), WIB, QUIET) is None


def test_a_time_inside_quiet_hours_is_skipped_not_moved() -> None:
    # The deployer widened the quiet hours after the learner chose 22:00: no reminder at a
    # time they never chose (not 06:00 instead); /pengingat asks them to pick another time.
    after = wib(2026, 11, 25, 10, 0).astimezone(UTC)
    assert next_due(daily("22:00"), after, WIB, QUIET) is None
    assert next_due(daily("05:59"), after, WIB, QUIET) is None
    assert due(daily("06:00"), wib(2026, 11, 25, 10, 0)) == wib(2026, 11, 26, 6, 0)
    assert QUIET.contains(time(21, 0)) and QUIET.contains(time(5, 59))
    assert not QUIET.contains(time(6, 0)) and not QUIET.contains(time(20, 59))
    assert not QuietHours(time(0), time(0)).contains(time(3))
    assert QuietHours(time(13), time(14)).contains(time(13, 30))


def test_catch_up_window_and_quiet_hours() -> None:
    window = timedelta(hours=2)
    due_at = wib(2026, 11, 25, 12, 0).astimezone(UTC)
    assert should_send_late(due_at, due_at, window, WIB, QUIET)
    assert should_send_late(due_at, due_at + timedelta(minutes=119), window, WIB, QUIET)
    assert not should_send_late(due_at, due_at + timedelta(minutes=121), window, WIB, QUIET)
    evening = wib(2026, 11, 25, 20, 30).astimezone(UTC)
    # Back up at 21:10: inside the window but inside quiet hours, so not now.
    assert not should_send_late(evening, evening + timedelta(minutes=40), window, WIB, QUIET)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("07:15", time(7, 15)), ("7.30", time(7, 30)), (" 19.30 ", time(19, 30)), ("0:00", time(0))],
)
def test_times_people_type(raw: str, expected: time) -> None:
    assert parse_clock_time(raw) == expected


@pytest.mark.parametrize(
    "raw", ["25:00", "12:60", "besok", "", "7", "07:5", "1930", "-1:00", "١٢:٣٠", "¹²:³⁰"]
)
def test_times_that_are_not_times(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_clock_time(raw)


@given(
    minute=st.integers(0, 24 * 60 - 1),
    weekdays_only=st.booleans(),
    pause_hours=st.none() | st.integers(0, 14 * 24),
    after=st.datetimes(datetime(2025, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),
)
def test_next_due_properties(
    minute: int, weekdays_only: bool, pause_hours: int | None, after: datetime
) -> None:
    paused = after + timedelta(hours=pause_hours) if pause_hours is not None else None
    choice = ReminderChoice(True, time(minute // 60, minute % 60), weekdays_only, paused)
    result = next_due(choice, after, WIB, QUIET)
    if QUIET.contains(choice.at):  # skipped, never moved to another time
        assert result is None
        return
    assert result is not None and result > after
    local = result.astimezone(WIB)
    assert not QUIET.contains(local.time())
    assert local.time() == choice.at
    if weekdays_only:
        assert local.weekday() < 5
    if paused is not None:
        assert result >= paused
    # Nothing valid was skipped: the day before is either before the floor or not allowed.
    earlier = result - timedelta(days=1)
    floor = max(after, paused) if paused else after
    assert earlier <= floor or (weekdays_only and earlier.astimezone(WIB).weekday() >= 5)


def test_streaks() -> None:
    # Writing a streak is SQL (employees.TOUCH): see tests/unit/store/test_employees.py.
    today = date(2026, 11, 25)
    assert current_streak(4, today, today) == 4
    assert current_streak(4, today - timedelta(days=1), today) == 4  # alive until today ends
    assert current_streak(4, today - timedelta(days=2), today) == 0
    assert current_streak(4, today + timedelta(days=1), today) == 0  # the zone changed since
    assert current_streak(0, None, today) == 0
    # Weekends freeze a streak: Friday's carries over to Monday, not to Tuesday.
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert current_streak(3, friday, monday) == 3
    assert current_streak(3, friday, date(2026, 11, 29)) == 3  # Sunday
    assert current_streak(3, friday, monday + timedelta(days=1)) == 0
    assert current_streak(3, date(2026, 11, 26), date(2026, 11, 28)) == 0  # Thursday, Saturday
    assert streak_grace(monday) == friday and streak_grace(friday) == date(2026, 11, 26)


def test_pacing_days() -> None:
    assert is_pacing_day(date(2026, 10, 5), "10-01", 0)  # a Monday in October
    assert not is_pacing_day(date(2026, 9, 28), "10-01", 0)  # a Monday before the start
    assert not is_pacing_day(date(2026, 10, 6), "10-01", 0)  # a Tuesday
