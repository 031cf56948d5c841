"""Whether a learner can be reached: Telegram says so when they block or unblock the bot.

A blocked chat answers every send with 403, so the learner is marked inactive and their reminder
is parked; unblocking marks them active again and schedules the parked reminder.
"""

from __future__ import annotations

from bot.services.reminders import ReminderService
from bot.store import employees
from db.session import Database


class PresenceService:
    def __init__(self, db: Database, reminders: ReminderService) -> None:
        self.db = db
        self.reminders = reminders

    async def set_reachable(self, telegram_id: int, reachable: bool) -> bool:
        """Record a block (False) or an unblock (True); True if the learner's state changed."""
        async with self.db.transaction() as s:
            changed = await employees.set_active(s, telegram_id, reachable)
            employee = await employees.by_telegram_id(s, telegram_id) if reachable else None
            if employee is not None:
                await self.reminders.reactivate(s, employee.id)
        return changed
