"""The reminder of required learning, rendered at send time from the person's assignments as
they are then: a cancelled assignment or a completion since the tick leaves nothing to say, and
the message is skipped. One message lists everything due within a week or overdue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from bot.core.assignments import Standing, days_left
from bot.core.callbacks import ModuleButton, PathButton
from bot.core.nip import sex_digit
from bot.core.outgoing import Button, Outgoing, Skip
from bot.core.telegram_html import escape
from bot.services.assignments import SOON_DAYS, AssignmentService, LearnerItem
from bot.texts import SALUTATIONS
from bot.texts import assignments as t
from db.models import Employee, OutboundMessage
from db.session import Database


def day_text(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def when_text(item: LearnerItem, today: date) -> str:
    """ "tenggat 10-12-2026 (5 hari lagi)", "tenggat hari ini", "terlambat 3 hari", "selesai"."""
    left = days_left(item.status.due, today)
    due = day_text(item.status.due)
    if item.status.standing is Standing.COMPLETED:
        if item.recurring and left <= SOON_DAYS:
            return t.REQUIRED_RENEW.format(date=due, days=left)
        return t.REQUIRED_DONE
    if left > 0:
        return t.REQUIRED_DUE_IN.format(date=due, days=left)
    if left == 0:
        return t.REQUIRED_DUE_TODAY.format(date=due)
    return t.REQUIRED_OVERDUE.format(date=due, days=-left)


def open_button(item: LearnerItem) -> ModuleButton | PathButton:
    if item.next_module is not None:
        return ModuleButton(item.next_module)
    if item.target_kind == "path":
        return PathButton(item.target_id)
    return ModuleButton(item.target_id)


def needs_reminder(item: LearnerItem, today: date) -> bool:
    """Due within a week or overdue; a recurring completion that expires within a week too."""
    if item.status.standing is Standing.COMPLETED and not item.recurring:
        return False
    return days_left(item.status.due, today) <= SOON_DAYS


class AssignmentRenderer:
    def __init__(self, db: Database, service: AssignmentService) -> None:
        self.db = db
        self.service = service

    async def render(self, rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        today = self.service.today()
        result: dict[int, Outgoing | Skip] = {}
        ids = {r.employee_id for r in rows if r.employee_id is not None}
        async with self.db.transaction() as s:
            found = await s.scalars(select(Employee).where(Employee.id.in_(ids)))
            people = {e.id: e for e in found}
            messages: dict[int, Outgoing | Skip] = {}
            for employee_id, employee in people.items():
                if not employee.is_active or employee.telegram_id is None:
                    messages[employee_id] = Skip("inactive")
                    continue
                items = [
                    i for i in await self.service.items_for(s, employee) if needs_reminder(i, today)
                ]
                messages[employee_id] = self.render_one(employee, items, today)
        for row in rows:
            result[row.id] = messages.get(row.employee_id or 0, Skip("no employee"))
        return result

    def render_one(
        self, employee: Employee, items: Sequence[LearnerItem], today: date
    ) -> Outgoing | Skip:
        if not items:
            return Skip("nothing due")
        lines = [
            t.REMINDER_HEAD.format(
                salutation=SALUTATIONS[sex_digit(employee.nip)], name=escape(employee.name)
            )
        ]
        for item in items[:10]:
            lines.append(
                t.REMINDER_ITEM.format(title=escape(item.title), when=when_text(item, today))
            )
        if len(items) > 10:
            lines.append(t.REQUIRED_MORE.format(count=len(items) - 10))
        lines.append(t.REMINDER_TAIL)
        first = items[0]
        button = Button(
            t.BTN_REMINDER_OPEN.format(title=first.title[:40]),
            callback_data=open_button(first).pack(),
        )
        return Outgoing("\n".join(lines), ((button,),))
