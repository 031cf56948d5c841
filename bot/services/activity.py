"""Which learners this process recorded as active a moment ago."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo


class RecentActivity:
    """Remembers when this process last wrote an employee's learning activity.

    Every card and quiz answer is learning activity (``employees.TOUCH``: the last activity,
    the daily streak, the active flag). What reads it works by the day: the reminders skip
    whoever learned today, the streak counts days, announcements target "inactive for 7 days".
    Rewriting the employee's row on every tap cost the hot paths a statement and a page write
    per update, so the taps of one sitting write it once, then again after ``window`` or on a
    new local day (which the streak needs).

    A hint, not state: the database holds the truth, and a skipped write only leaves
    ``last_activity_at`` up to ``window`` behind. A restart, or another instance, that does
    not know an employee writes once more. A learner marked inactive because they blocked the
    bot is marked active again by the unblock (``my_chat_member``), not by this.
    """

    def __init__(
        self, tz: tzinfo, *, window: timedelta = timedelta(minutes=5), capacity: int = 100_000
    ) -> None:
        self.tz = tz
        self.window = window
        self.capacity = capacity
        self._written: dict[int, tuple[datetime, date]] = {}

    def due(self, employee_id: int, now: datetime) -> bool:
        """True if the activity of ``employee_id`` at ``now`` should be written."""
        last = self._written.get(employee_id)
        if last is None:
            return True
        at, day = last
        return not (timedelta(0) <= now - at < self.window) or now.astimezone(self.tz).date() != day

    def written(self, employee_id: int, now: datetime) -> None:
        """Note that the activity at ``now`` was written, in a transaction about to commit."""
        if len(self._written) >= self.capacity:
            self._written.clear()  # forgetting only costs one more write per learner
        self._written[employee_id] = (now, now.astimezone(self.tz).date())
