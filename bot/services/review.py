"""Spaced review (``/ulas``) and the practice of a failed attempt's mistakes ("latihan kesalahan").

Both are sessions of native quiz polls, one open at a time per learner (a partial unique index:
two taps start one session). A review session draws up to the day's remaining questions
(``SINAU_REVIEW_MAX_PER_DAY``) from the learner's due ones, across modules; each answer moves
that question's FSRS card in the same transaction (right: Good, wrong: Again). A practice
session asks the questions an attempt missed and changes nothing but the streak: it neither
grades the attempt nor credits minutes. Everything lives in the database, so a restart between
two polls loses nothing. The rules are in ``bot.core.review``.

This module selects the due questions and opens, resumes and ends sessions; recording a vote is
``bot.services.review_answers``, and the outcomes and the poll's shape are
``bot.services.review_outcomes``.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.content import Catalog
from bot.core.review import (
    DueQuestion,
    ReviewScheduler,
    Standing,
    draw,
    local_midnight,
    plan_step,
    standing,
    tomorrow,
)
from bot.core.schedule import current_streak
from bot.services.activity import RecentActivity
from bot.services.review_answers import ReviewAnswers
from bot.services.review_outcomes import (
    PRACTICE,
    REVIEW,
    AnswerOutcome,
    AnswerResult,
    ReviewPollSpec,
    ReviewStatus,
    StartOutcome,
    StartResult,
    poll_spec,
)
from bot.store import employees
from bot.store import review as store
from bot.store.batch import GroupInsert
from db.dialects import cast_table, insert_for
from db.models import QuizAnswer, QuizAttempt, ReviewPoll, ReviewSession
from db.session import Database


class SpacedReviewService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        scheduler: ReviewScheduler,
        rng: random.Random,
        activity: RecentActivity,
        *,
        max_per_day: int = 5,
        minutes_per_question: int = 0,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz = scheduler.tz
        self.rng = rng
        self.max_per_day = max_per_day
        self._polls = GroupInsert(db, store.REGISTER_POLL)
        self._answers = ReviewAnswers(
            catalog,
            scheduler,
            activity,
            max_per_day=max_per_day,
            minutes_per_question=minutes_per_question,
        )
        # A hint, not state: the review polls this process sent lately, so their votes skip
        # the quiz's lookup (a poll it does not know still finds its way: quiz, then review).
        self._sent: OrderedDict[str, None] = OrderedDict()
        self._sent_capacity = 100_000

    def sent_here(self, poll_id: str) -> bool:
        """True if this process sent review poll ``poll_id`` lately."""
        return poll_id in self._sent

    # --- status ------------------------------------------------------------------------------
    async def status(self, telegram_id: int) -> ReviewStatus | None:
        now = self.clock()
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            midnight = local_midnight(now, self.tz)
            due = (await store.due_counts(s, [employee.id], now)).get(employee.id, 0)
            done = (await store.reviewed_counts(s, [employee.id], midnight)).get(employee.id, 0)
            following = await store.next_due(s, employee.id, now)
        today = now.astimezone(self.tz).date()
        return ReviewStatus(
            due=due,
            goal=max(0, min(due, self.max_per_day - done)),
            reviewed_today=done,
            streak=current_streak(employee.streak_days, employee.streak_day, today),
            next_day=following.astimezone(self.tz).date() if following else None,
        )

    # --- starting ----------------------------------------------------------------------------
    async def start(self, telegram_id: int) -> StartResult:
        """``/ulas``: a session of the due questions, or why not."""
        now = self.clock()
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return StartResult(StartOutcome.NOT_REGISTERED)
            opened = await store.open_session(s, employee.id)
            if opened is not None:
                return await self._resume(s, opened, REVIEW)
            midnight = local_midnight(now, self.tz)
            done = (await store.reviewed_counts(s, [employee.id], midnight)).get(employee.id, 0)
            remaining = self.max_per_day - done
            if remaining <= 0:
                waiting = (await store.due_counts(s, [employee.id], now)).get(employee.id, 0)
                following = now if waiting else await store.next_due(s, employee.id, now)
                return StartResult(StartOutcome.DONE_TODAY, next_day=self._after_today(following))
            due = await self._usable(s, employee.id, await store.due_questions(s, employee.id, now))
            chosen = draw(due, remaining)
            if not chosen:
                following = await store.next_due(s, employee.id, now)
                return StartResult(StartOutcome.NOTHING_DUE, next_day=self._day(following))
            plan = [
                plan_step(self.catalog.modules[q.module_id], q.question_id, self.rng)
                for q in chosen
            ]
            return await self._open(s, employee.id, REVIEW, plan, now, attempt_id=None)

    async def practice(self, telegram_id: int, attempt_id: int) -> StartResult:
        """ "Latihan kesalahan": the questions a failed attempt of the caller missed."""
        now = self.clock()
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return StartResult(StartOutcome.NOT_REGISTERED, kind=PRACTICE)
            attempt = await s.get(QuizAttempt, attempt_id)
            if (
                attempt is None
                or attempt.employee_id != employee.id
                or attempt.passed is not False  # only a graded fail has mistakes to practise
            ):
                return StartResult(StartOutcome.NOT_FOUND, kind=PRACTICE)
            module = self.catalog.module(attempt.module_id)
            if module is None or module.version != attempt.content_version:
                return StartResult(StartOutcome.OUTDATED, kind=PRACTICE)
            opened = await store.open_session(s, employee.id)
            if opened is not None:
                return await self._resume(s, opened, PRACTICE)
            missed = (
                await s.scalars(
                    select(QuizAnswer.question_id)
                    .where(QuizAnswer.attempt_id == attempt.id, QuizAnswer.is_correct.is_(False))
                    .order_by(QuizAnswer.question_index)
                )
            ).all()
            ids = [qid for qid in missed if qid and module.question(qid) is not None]
            if not ids:
                return StartResult(StartOutcome.NOT_FOUND, kind=PRACTICE)
            plan = [plan_step(module, qid, self.rng) for qid in ids]
            return await self._open(s, employee.id, PRACTICE, plan, now, attempt_id=attempt.id)

    async def _open(
        self,
        s: AsyncSession,
        employee_id: int,
        kind: str,
        plan: list[dict[str, Any]],
        now: datetime,
        attempt_id: int | None,
    ) -> StartResult:
        """Insert the session unless one is open (the conditional insert two taps race on)."""
        table = cast_table(ReviewSession)
        statement = (
            insert_for(s, table)
            .values(
                employee_id=employee_id,
                kind=kind,
                attempt_id=attempt_id,
                day=now.astimezone(self.tz).date(),
                plan=plan,
                current_index=0,
                correct_count=0,
                started_at=now,
            )
            .on_conflict_do_nothing()
            .returning(table.c.id)
        )
        session_id = await s.scalar(statement)
        if session_id is None:  # another tap opened one in the meantime: it sends the poll
            return StartResult(StartOutcome.ALREADY_STARTED, kind=kind)
        spec = poll_spec(self.catalog, session_id, kind, plan, 0)
        return StartResult(StartOutcome.STARTED, poll=spec, kind=kind)

    async def _resume(self, s: AsyncSession, opened: ReviewSession, kind: str) -> StartResult:
        if opened.kind != kind:
            return StartResult(StartOutcome.OTHER_OPEN, kind=opened.kind)
        spec = poll_spec(self.catalog, opened.id, opened.kind, opened.plan, opened.current_index)
        if spec is None:  # its question left the content: end it, and start afresh next time
            await s.execute(
                update(ReviewSession)
                .where(ReviewSession.id == opened.id, ReviewSession.finished_at.is_(None))
                .values(finished_at=self.clock())
            )
            return StartResult(StartOutcome.NOTHING_DUE, kind=kind)
        waiting = await store.waiting_poll(s, opened.id, opened.current_index)
        return StartResult(StartOutcome.RESUMED, poll=spec, open_poll=waiting, kind=kind)

    async def _usable(
        self, s: AsyncSession, employee_id: int, due: Sequence[DueQuestion]
    ) -> list[DueQuestion]:
        """The due questions that still stand in the content; the others are cleaned up."""
        modules = self.catalog.modules
        gone = [q for q in due if standing(q, modules) == Standing.GONE]
        carried = [q for q in due if standing(q, modules) == Standing.CARRIED]
        if gone:
            await store.drop(s, employee_id, gone)
        if carried:
            await store.carry(s, employee_id, carried, modules)
        return [q for q in due if standing(q, modules) != Standing.GONE]

    def _day(self, at: datetime | None) -> date | None:
        return at.astimezone(self.tz).date() if at is not None else None

    def _after_today(self, at: datetime | None) -> date:
        """The next day a review is possible once today's maximum is reached."""
        floor = tomorrow(self.clock(), self.tz)
        return (max(at, floor) if at is not None else floor).astimezone(self.tz).date()

    # --- polls -------------------------------------------------------------------------------
    async def register_poll(
        self, spec: ReviewPollSpec, poll_id: str, chat_id: int, message_id: int
    ) -> None:
        self._sent[poll_id] = None
        if len(self._sent) > self._sent_capacity:
            self._sent.popitem(last=False)
        await self._polls.add(
            {
                "poll_id": poll_id,
                "session_id": spec.session_id,
                "position": spec.position,
                "chat_id": chat_id,
                "message_id": message_id,
                "sent_at": self.clock(),
            }
        )

    async def answer(
        self, poll_id: str, telegram_id: int, option_ids: Sequence[int]
    ) -> AnswerResult:
        """A vote on a review or practice poll: one transaction, prepared statements."""
        if not option_ids:
            return AnswerResult(AnswerOutcome.IGNORED)
        try:
            return await self.db.run(
                self._answers.record, poll_id, telegram_id, option_ids, self.clock()
            )
        except IntegrityError:  # the same vote twice at once; the first one won
            return AnswerResult(AnswerOutcome.IGNORED)

    # --- ending ------------------------------------------------------------------------------
    async def abandon(self, telegram_id: int) -> tuple[str, list[tuple[int, int]]] | None:
        """``/batal``: end the caller's open session; its kind and the polls left open."""
        now = self.clock()
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            opened = await store.open_session(s, employee.id)
            if opened is None:
                return None
            ended = await s.execute(
                update(ReviewSession)
                .where(ReviewSession.id == opened.id, ReviewSession.finished_at.is_(None))
                .values(finished_at=now)
            )
            if not ended.rowcount:  # type: ignore[attr-defined]
                return None
            open_polls = (
                await s.execute(
                    select(ReviewPoll.poll_id, ReviewPoll.chat_id, ReviewPoll.message_id).where(
                        ReviewPoll.session_id == opened.id,
                        ReviewPoll.closed_at.is_(None),
                        ReviewPoll.position >= opened.current_index,
                    )
                )
            ).all()
            if open_polls:
                await s.execute(
                    update(ReviewPoll)
                    .where(ReviewPoll.poll_id.in_([p.poll_id for p in open_polls]))
                    .values(closed_at=now)
                )
            return opened.kind, [(p.chat_id, p.message_id) for p in open_polls]

    async def reconcile(self) -> int:
        """At start-up: every schedule follows the loaded content (see ``store.reconcile``)."""
        async with self.db.transaction() as s:
            return await store.reconcile(s, self.catalog.modules)
