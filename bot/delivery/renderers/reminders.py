"""What a reminder says: the learner's next step, their pace toward the target, their streak.

Rendered when the sender is about to send, not when the tick decides, so the text is current
(a learner who studied in between is not told stale news), and rendered for a batch of learners
with a handful of queries, so a province-wide reminder minute stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import select

from bot.config import Settings
from bot.core.callbacks import CardButton, ModuleButton, QuizButton
from bot.core.clock import Clock
from bot.core.content import Catalog, Module
from bot.core.jp import format_jp, to_centi
from bot.core.outgoing import Button, Outgoing, Skip
from bot.core.schedule import current_streak, is_pacing_day, weeks_to_target
from bot.core.telegram_html import escape
from bot.services.hours import days_left_in_year
from bot.store import ledger
from bot.texts import reminders as t
from db.models import Employee, ModuleProgress
from db.session import Database

YEAR_END_LIST = 5


@dataclass(frozen=True, slots=True)
class NextStep:
    module: Module
    card: int | None  # the card to resume, None for a module not started
    quiz: bool = False  # every card read: the quiz is what is left


@dataclass(frozen=True, slots=True)
class Standing:
    """Everything a reminder needs to know about one learner, loaded in bulk."""

    employee: Employee
    progress: dict[str, ModuleProgress]
    jp_centi: int


class NudgeRenderer:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz: tzinfo = settings.tz
        self.target_centi = to_centi(settings.jp_target)
        self.pacing_start = settings.pacing_start
        self.pacing_weekday = settings.pacing_weekday
        jps = [to_centi(m.jp) for m in catalog.modules.values()]
        self.average_module_centi = sum(jps) // len(jps) if jps else 100

    async def render(self, employee_ids: Sequence[int]) -> dict[int, Outgoing | Skip]:
        """The reminder for each employee, or why none should go out now."""
        now = self.clock()
        today = now.astimezone(self.tz).date()
        standings = await self._load(employee_ids, today.year)
        result: dict[int, Outgoing | Skip] = {}
        for employee_id in employee_ids:
            standing = standings.get(employee_id)
            if standing is None or not standing.employee.is_active:
                result[employee_id] = Skip("inactive")
                continue
            result[employee_id] = self.render_one(standing, now)
        return result

    def render_one(self, standing: Standing, now: datetime) -> Outgoing | Skip:
        local = now.astimezone(self.tz)
        today = local.date()
        below = standing.jp_centi < self.target_centi
        if below and is_pacing_day(today, self.pacing_start, self.pacing_weekday):
            return self._year_end(standing, today)
        employee = standing.employee
        if employee.streak_day == today:
            return Skip("learned today")
        step = self.next_step(standing)
        if step is None:
            return Skip("nothing left to learn")
        variant = (employee.id + today.toordinal()) % len(t.GREETINGS)
        greeting = t.GREETINGS[variant].format(
            name=escape(first_name(employee.name)), part_of_day=part_of_day(local.hour)
        )
        lines = [greeting, "", self._step_line(step), self._pace_line(standing, today)]
        lines.append(self._streak_line(employee, today))
        lines += ["", t.FOOTER]
        return Outgoing("\n".join(lines), ((self._step_button(step),),))

    # --- parts ----------------------------------------------------------------------------------
    def next_step(self, standing: Standing) -> NextStep | None:
        """The module in progress (most recently touched), else the first one not started."""
        in_progress = [
            p
            for p in standing.progress.values()
            if p.completed_at is None and self.catalog.module(p.module_id) is not None
        ]
        if in_progress:
            latest = max(in_progress, key=lambda p: p.updated_at)
            module = self.catalog.modules[latest.module_id]
            if latest.content_version != module.version:
                return NextStep(module, card=0)
            last = len(module.cards) - 1
            if latest.furthest_card >= last:
                return NextStep(module, card=None, quiz=True)
            return NextStep(module, card=min(latest.current_card + 1, last))
        for module in self.unfinished(standing):
            return NextStep(module, card=None)
        return None

    def unfinished(self, standing: Standing) -> list[Module]:
        return [
            m
            for m in self.catalog.modules.values()
            if (p := standing.progress.get(m.id)) is None or p.completed_at is None
        ]

    def _step_line(self, step: NextStep) -> str:
        title = escape(step.module.title)
        if step.quiz:
            return t.NEXT_QUIZ.format(title=title)
        if step.card is not None:
            return t.NEXT_RESUME.format(
                title=title, card=step.card + 1, total=len(step.module.cards)
            )
        return t.NEXT_NEW.format(
            title=title, minutes=step.module.minutes, jp=format_jp(step.module.jp)
        )

    def _step_button(self, step: NextStep) -> Button:
        module = step.module
        if step.quiz:
            return Button(t.BTN_OPEN_QUIZ, QuizButton(module.id, module.version).pack())
        if step.card is not None:
            return Button(
                t.BTN_OPEN_CARD.format(card=step.card + 1),
                CardButton(module.id, module.version, step.card).pack(),
            )
        return Button(t.BTN_OPEN_MODULE, ModuleButton(module.id).pack())

    def _pace_line(self, standing: Standing, today: date) -> str:
        have, target = format_jp(standing.jp_centi), format_jp(self.target_centi)
        remaining = self.target_centi - standing.jp_centi
        if remaining <= 0:
            return t.PACE_DONE.format(target=target)
        # "One module a week" at the catalog's average JP per module: new modules and outside
        # trainings keep coming, so the forecast is about pace, not about today's catalog.
        weeks = weeks_to_target(remaining, self.average_module_centi)
        reached = today + timedelta(weeks=weeks - 1)
        if reached.year != today.year:
            return t.PACE_LATE.format(have=have, target=target)
        return t.PACE_FORECAST.format(
            have=have, target=target, month=t.MONTHS_LONG[reached.month - 1], year=reached.year
        )

    def _streak_line(self, employee: Employee, today: date) -> str:
        days = current_streak(employee.streak_days, employee.streak_day, today)
        return t.STREAK.format(days=days) if days > 0 else t.STREAK_NONE

    def quickest(self, standing: Standing, gap_centi: int) -> tuple[list[Module], bool]:
        """Unfinished modules, least minutes per JP first, until they close the gap."""
        ranked = sorted(self.unfinished(standing), key=lambda m: (m.minutes / m.jp, m.minutes))
        chosen: list[Module] = []
        total = 0
        for module in ranked:
            if total >= gap_centi:
                break
            chosen.append(module)
            total += to_centi(module.jp)
        return chosen, total >= gap_centi

    def _year_end(self, standing: Standing, today: date) -> Outgoing:
        gap = self.target_centi - standing.jp_centi
        modules, enough = self.quickest(standing, gap)
        listed = "\n".join(
            t.YEAR_END_MODULE.format(title=escape(m.title), minutes=m.minutes, jp=format_jp(m.jp))
            for m in modules[:YEAR_END_LIST]
        )
        text = t.YEAR_END.format(
            year=today.year,
            days=days_left_in_year(today),
            have=format_jp(standing.jp_centi),
            target=format_jp(self.target_centi),
            gap=format_jp(gap),
            modules=listed or "—",
        )
        if not enough:
            text += "\n" + t.YEAR_END_SHORT
        text += "\n\n" + self._streak_line(standing.employee, today) + "\n\n" + t.FOOTER
        step = self.next_step(standing)
        buttons = ((self._step_button(step),),) if step is not None else ()
        return Outgoing(text, buttons)

    # --- loading --------------------------------------------------------------------------------
    async def _load(self, employee_ids: Sequence[int], year: int) -> dict[int, Standing]:
        async with self.db.transaction() as s:
            people = (await s.scalars(select(Employee).where(Employee.id.in_(employee_ids)))).all()
            progress_rows = (
                await s.scalars(
                    select(ModuleProgress).where(ModuleProgress.employee_id.in_(employee_ids))
                )
            ).all()
            totals = await ledger.year_totals(s, employee_ids, year)
        progress: dict[int, dict[str, ModuleProgress]] = {}
        for row in progress_rows:
            progress.setdefault(row.employee_id, {})[row.module_id] = row
        return {e.id: Standing(e, progress.get(e.id, {}), totals.get(e.id, 0)) for e in people}


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def part_of_day(hour: int) -> str:
    for until, label in t.PARTS_OF_DAY:
        if hour < until:
            return label
    return t.PARTS_OF_DAY[-1][1]
