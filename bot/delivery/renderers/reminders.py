"""What a reminder says: the learner's next step, their pace toward the target, their streak.

Rendered when the sender is about to send, not when the tick decides, so the text is current
(a learner who studied in between is not told stale news), and rendered for a batch of learners
with a handful of queries, so a province-wide reminder minute stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import or_, select

from bot.config import Settings
from bot.core.callbacks import CardButton, ModuleButton, QuizButton, RecallButton
from bot.core.clock import Clock
from bot.core.content import Catalog, Module
from bot.core.nip import sex_digit
from bot.core.outgoing import Button, Outgoing, Skip
from bot.core.review import local_midnight
from bot.core.schedule import current_streak, is_pacing_day
from bot.core.telegram_html import escape
from bot.services.hours import days_left_in_year
from bot.services.learning_rules import next_modules
from bot.store import ledger, review
from bot.texts import SALUTATIONS
from bot.texts import reminders as t
from db.models import Employee, ModuleProgress, Reminder
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
    minutes: int  # credited this year
    reviews: int = 0  # questions to review today (due, within the day's maximum)
    reminders_on: bool = True  # enabled and not paused: consent to reminders still given


class NudgeRenderer:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz: tzinfo = settings.tz
        self.targets = settings.targets
        self.scale = settings.scale
        self.pacing_start = settings.pacing_start
        self.pacing_weekday = settings.pacing_weekday
        self.review_max_per_day = settings.review_max_per_day

    async def render(self, employee_ids: Sequence[int]) -> dict[int, Outgoing | Skip]:
        """The reminder for each employee, or why none should go out now."""
        now = self.clock()
        today = now.astimezone(self.tz).date()
        standings = await self._load(employee_ids, today.year, now)
        result: dict[int, Outgoing | Skip] = {}
        for employee_id in employee_ids:
            standing = standings.get(employee_id)
            if standing is None or not standing.employee.is_active:
                result[employee_id] = Skip("inactive")
                continue
            if not standing.reminders_on:  # turned off (or paused) since it was queued
                result[employee_id] = Skip("reminders off")
                continue
            result[employee_id] = self.render_one(standing, now)
        return result

    def render_one(self, standing: Standing, now: datetime) -> Outgoing | Skip:
        local = now.astimezone(self.tz)
        today = local.date()
        below = standing.minutes < self.targets.of(standing.employee.kind)
        if below and is_pacing_day(today, self.pacing_start, self.pacing_weekday):
            return self._year_end(standing, today)
        employee = standing.employee
        if employee.streak_day == today:
            return Skip("learned today")
        step = self.next_step(standing)
        if step is None and not standing.reviews:
            return Skip("nothing left to learn")
        variant = (employee.id + today.toordinal()) % len(t.GREETINGS)
        greeting = t.GREETINGS[variant].format(
            salutation=SALUTATIONS[sex_digit(employee.nip)], part_of_day=part_of_day(local.hour)
        )
        lines = [greeting, ""]
        # Questions due for review come first, and the one button opens the review.
        if standing.reviews:
            lines.append(t.REVIEW_DUE.format(count=standing.reviews))
        if step is not None:
            lines.append(self._step_line(step))
        lines += [self._pace_line(standing, today), self._streak_line(employee, today)]
        lines += ["", t.FOOTER]
        if standing.reviews or step is None:
            action = Button(t.BTN_OPEN_REVIEW.format(count=standing.reviews), RecallButton().pack())
        else:
            action = self._step_button(step)
        return Outgoing("\n".join(lines), ((action,),))

    # --- parts ----------------------------------------------------------------------------------
    def next_step(self, standing: Standing) -> NextStep | None:
        """The learner's own path: the module in progress, else the next one not started."""
        order = next_modules(self.catalog, standing.progress)
        if not order:
            return None
        module = order[0]
        progress = standing.progress.get(module.id)
        if progress is None:
            return NextStep(module, card=None)
        if progress.content_version != module.version:
            return NextStep(module, card=0)
        last = len(module.cards) - 1
        if progress.furthest_card >= last:
            return NextStep(module, card=None, quiz=True)
        return NextStep(module, card=min(progress.current_card + 1, last))

    def _step_line(self, step: NextStep) -> str:
        title = escape(step.module.title)
        if step.quiz:
            return t.NEXT_QUIZ.format(title=title)
        if step.card is not None:
            return t.NEXT_RESUME.format(
                title=title, card=step.card + 1, total=len(step.module.cards)
            )
        return t.NEXT_NEW.format(title=title, minutes=step.module.minutes)

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
        """The honest forecast: what the remaining modules can still credit, a module a week."""
        target = self.targets.of(standing.employee.kind)
        have, target_jp = self.scale.text(standing.minutes), self.scale.jp_text(target)
        gap = target - standing.minutes
        if gap <= 0:
            return t.PACE_DONE.format(target=target_jp)
        order = next_modules(self.catalog, standing.progress)
        weeks = modules_to_close(order, gap)
        if weeks is None:
            catalog = self.scale.text(sum(m.minutes for m in order))
            return t.PACE_SHORT.format(
                have=have, target=target_jp, catalog=catalog, gap=self.scale.text(gap)
            )
        reached = today + timedelta(weeks=max(weeks - 1, 0))
        if reached.year != today.year:
            return t.PACE_LATE.format(have=have, target=target_jp)
        return t.PACE_FORECAST.format(
            have=have, target=target_jp, month=t.MONTHS_LONG[reached.month - 1], year=reached.year
        )

    def _streak_line(self, employee: Employee, today: date) -> str:
        days = current_streak(employee.streak_days, employee.streak_day, today)
        return t.STREAK.format(days=days) if days > 0 else t.STREAK_NONE

    def _year_end(self, standing: Standing, today: date) -> Outgoing:
        gap = self.targets.of(standing.employee.kind) - standing.minutes
        order = next_modules(self.catalog, standing.progress)
        listed = "\n".join(
            t.YEAR_END_MODULE.format(title=escape(m.title), minutes=m.minutes)
            for m in order[:YEAR_END_LIST]
        )
        text = t.YEAR_END.format(
            year=today.year,
            days=days_left_in_year(today),
            have=self.scale.text(standing.minutes),
            target=self.scale.jp_text(self.targets.of(standing.employee.kind)),
            gap=self.scale.text(gap),
            modules=listed or "—",
        )
        catalog = self.scale.text(sum(m.minutes for m in order))
        enough = modules_to_close(order, gap) is not None
        text += "\n" + (t.YEAR_END_ENOUGH if enough else t.YEAR_END_SHORT).format(catalog=catalog)
        text += "\n\n" + self._streak_line(standing.employee, today) + "\n\n" + t.FOOTER
        step = self.next_step(standing)
        buttons = ((self._step_button(step),),) if step is not None else ()
        return Outgoing(text, buttons)

    # --- loading --------------------------------------------------------------------------------
    async def _load(
        self, employee_ids: Sequence[int], year: int, now: datetime
    ) -> dict[int, Standing]:
        async with self.db.transaction() as s:
            due = await review.due_counts(s, employee_ids, now)
            done = await review.reviewed_counts(s, list(due), local_midnight(now, self.tz))
            people = (await s.scalars(select(Employee).where(Employee.id.in_(employee_ids)))).all()
            progress_rows = (
                await s.scalars(
                    select(ModuleProgress).where(ModuleProgress.employee_id.in_(employee_ids))
                )
            ).all()
            totals = await ledger.year_totals(s, employee_ids, year)  # minutes
            now = self.clock()
            on = set(
                (
                    await s.scalars(
                        select(Reminder.employee_id).where(
                            Reminder.employee_id.in_(employee_ids),
                            Reminder.enabled.is_(True),
                            or_(Reminder.paused_until.is_(None), Reminder.paused_until <= now),
                        )
                    )
                ).all()
            )
        progress: dict[int, dict[str, ModuleProgress]] = {}
        for row in progress_rows:
            progress.setdefault(row.employee_id, {})[row.module_id] = row
        goal = {i: max(0, min(n, self.review_max_per_day - done.get(i, 0))) for i, n in due.items()}
        return {
            e.id: Standing(
                e, progress.get(e.id, {}), totals.get(e.id, 0), goal.get(e.id, 0), e.id in on
            )
            for e in people
        }


def modules_to_close(order: Sequence[Module], gap: int) -> int | None:
    """How many of ``order`` (taken in turn) close ``gap`` minutes; None if all of them do not."""
    total = 0
    for count, module in enumerate(order, start=1):
        total += module.minutes
        if total >= gap:
            return count
    return None


def part_of_day(hour: int) -> str:
    for until, label in t.PARTS_OF_DAY:
        if hour < until:
            return label
    return t.PARTS_OF_DAY[-1][1]
