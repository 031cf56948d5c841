"""The due-date and recurrence arithmetic of assignments: month ends, leap days, expiry on
the day, and the reminder days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.assignments import (
    DueCheck,
    Standing,
    add_months,
    cycle_due,
    is_reminder_day,
    is_valid,
    next_reminder,
    parse_due,
    status,
    valid_from,
    valid_recurrence,
)


def test_month_ends_clamp_and_leap_days() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2028, 2, 29), 48) == date(2032, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_completion_expires_on_the_day() -> None:
    done = date(2026, 3, 15)
    assert is_valid(done, 12, date(2027, 3, 14))
    assert not is_valid(done, 12, date(2027, 3, 15))  # the anniversary: due again that day
    assert cycle_due(date(2026, 6, 30), done, 12) == date(2027, 3, 15)
    assert is_valid(done, None, date(2040, 1, 1))  # without recurrence it never expires
    assert not is_valid(None, 12, date(2026, 1, 1))
    on_day = status(date(2026, 6, 30), done, 12, False, date(2027, 3, 15))
    assert on_day.standing is Standing.NOT_STARTED and on_day.due == date(2027, 3, 15)
    late = status(date(2026, 6, 30), done, 12, True, date(2027, 3, 16))
    assert late.standing is Standing.OVERDUE
    # A leap-day completion expires on 28 February.
    assert not is_valid(date(2028, 2, 29), 12, date(2029, 2, 28))
    assert is_valid(date(2028, 2, 29), 12, date(2029, 2, 27))


def test_a_completion_before_the_assignment_counts_while_in_its_window() -> None:
    due = date(2026, 12, 31)
    assert status(due, date(2026, 2, 1), 12, True, date(2026, 12, 1)).done
    expired = status(due, date(2025, 2, 1), 12, True, date(2026, 12, 1))
    assert expired.standing is Standing.IN_PROGRESS and expired.due == due
    assert status(due, date(2020, 2, 1), None, True, date(2026, 12, 1)).done


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=-800, max_value=800),
)
def test_valid_from_is_the_exact_bound(today: date, months: int, offset: int) -> None:
    done = today + timedelta(days=offset)
    if done > today:
        return
    assert is_valid(done, months, today) == (done >= valid_from(today, months))


def test_reminder_days_seven_and_one_before_on_the_day_then_weekly() -> None:
    due = date(2026, 3, 20)
    days = [due + timedelta(days=d) for d in range(-20, 40)]
    reminded = [(d - due).days for d in days if is_reminder_day(due, d)]
    assert reminded == [-7, -1, 0, 7, 14, 21, 28, 35]
    assert next_reminder(due, date(2026, 3, 1)) == date(2026, 3, 13)
    assert next_reminder(due, date(2026, 3, 14)) == date(2026, 3, 19)
    assert next_reminder(due, date(2026, 3, 21)) == date(2026, 3, 27)
    assert next_reminder(due, date(2026, 3, 27)) == date(2026, 3, 27)


@given(st.dates(), st.integers(min_value=-30, max_value=400))
def test_next_reminder_is_the_first_reminder_day(due: date, offset: int) -> None:
    try:
        start = due + timedelta(days=offset)
        found = next_reminder(due, start)
    except OverflowError:
        return
    assert found >= start and is_reminder_day(due, found)
    day = start
    while day < found:
        assert not is_reminder_day(due, day)
        day += timedelta(days=1)


def test_due_dates_in_the_past_or_beyond_two_years_and_zero_months_are_refused() -> None:
    today = date(2026, 12, 1)
    assert parse_due("30/11/2026", today) == (DueCheck.PAST, None)
    assert parse_due("01/12/2026", today) == (DueCheck.OK, today)
    assert parse_due("1-12-2028", today) == (DueCheck.OK, date(2028, 12, 1))
    assert parse_due("02/12/2028", today) == (DueCheck.TOO_FAR, None)
    assert parse_due("31/02/2027", today)[0] is DueCheck.INVALID
    assert parse_due("٣١/١٢/٢٠٢٦", today)[0] is DueCheck.INVALID
    assert not valid_recurrence(0) and valid_recurrence(12) and valid_recurrence(None)
