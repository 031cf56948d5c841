"""Quizzes: attempts drawn from a pool, answers from poll updates, grading and the credit.

One question is open at a time (one poll on screen is easier on a phone than a wall of polls).
An attempt starts only when the rules of ``bot.core.quiz_rules`` allow it; each draws its own
questions, and a question is never sent twice: resuming points to the poll still open.
Everything about an attempt lives in the database, so a restart mid-quiz loses nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.content import Catalog, Module
from bot.core.grading import is_correct, make_plan, unshuffle
from bot.core.quiz_rules import Gate, GateResult, QuizRules, Standing, gate, pending_reading
from bot.core.review import ReviewScheduler
from bot.services.activity import RecentActivity
from bot.services.learning import passed_modules, progress_for
from bot.services.learning_rules import ModuleState, suggest
from bot.services.quiz_outcomes import (
    Abandoned,
    AnswerOutcome,
    AnswerResult,
    PollSpec,
    StartOutcome,
    StartResult,
)
from bot.store import employees
from bot.store.batch import GroupInsert
from bot.store.progress import progress_of
from bot.store.quiz import (
    ADVANCE_ATTEMPT,
    ANSWER_STATE,
    INSERT_ANSWER,
    REGISTER_POLL,
)
from bot.store.quiz_grading import Finished, finish_attempt
from bot.store.review import enter_schedule
from db.models import Employee, QuizAnswer, QuizAttempt, QuizPoll
from db.session import Database


class QuizService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        tz: ZoneInfo,
        rng: random.Random,
        activity: RecentActivity | None = None,
        rules: QuizRules | None = None,
        review: ReviewScheduler | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.rng = rng
        self.activity = activity or RecentActivity(tz)
        self.rules = rules or QuizRules()
        # A pass puts the module's answered questions into the learner's review schedule.
        self.review = review or ReviewScheduler(0.9, tz)
        # Each quiz answer sends the next poll and records it: one group commit for many users.
        self._polls = GroupInsert(db, REGISTER_POLL)

    async def open_attempt_module(self, telegram_id: int) -> Module | None:
        """The module whose quiz this user has open, if any (to answer stray text helpfully)."""
        async with self.db.transaction() as s:
            attempt = await _running(s, telegram_id)
        return self.catalog.module(attempt.module_id) if attempt else None

    async def start(self, telegram_id: int, module_id: str, version: int) -> StartResult:
        """Open an attempt if the rules allow it (or resume the open one)."""
        module = self.catalog.module(module_id)
        if module is None:
            return StartResult(StartOutcome.NO_MODULE)
        if version != module.version:
            return StartResult(StartOutcome.OUTDATED, module=module)
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return StartResult(StartOutcome.NOT_REGISTERED, module=module)
            progress = await progress_for(s, employee.id, module.id)
            if progress is None and module.id in self.catalog.requires:
                passed = await passed_modules(s, employee.id, self.catalog.requires[module.id])
                locked = self.catalog.locked_by(module.id, passed)
                if locked:
                    return StartResult(StartOutcome.LOCKED, module=module, locked_by=locked)
            if progress is None or not ModuleState(module, progress).read_all_cards:
                return StartResult(StartOutcome.NOT_READY, module=module)
            now = self.clock()
            # Leaving the cards for the quiz: the open card's time counts now.
            progress.reading_seconds += pending_reading(
                module, progress.current_card, progress.card_shown_ts, now
            )
            progress.card_shown_ts = None
            attempt = await self._open_attempt(s, employee.id, module)
            if attempt is not None:
                spec = self._poll_spec(module, attempt.id, attempt.plan, attempt.current_index)
                waiting = await s.scalar(
                    select(QuizPoll.message_id).where(
                        QuizPoll.attempt_id == attempt.id,
                        QuizPoll.question_index == attempt.current_index,
                        QuizPoll.closed_at.is_(None),
                    )
                )
                return StartResult(StartOutcome.RESUMED, module, spec, open_poll=waiting)
            standing = Standing(
                reading_seconds=progress.reading_seconds,
                reread_mask=progress.reread_mask,
                retry_at=progress.retry_at,
                attempts_today=await self._attempts_today(s, employee.id, module, now),
            )
            verdict = gate(module, self.rules, standing, now, self.tz)
            if verdict.gate is not Gate.OPEN:
                return StartResult(StartOutcome.GATED, module=module, gate=verdict)
            attempt = QuizAttempt(
                employee_id=employee.id,
                module_id=module.id,
                content_version=module.version,
                plan=make_plan(module, self.rng, await self._last_drawn(s, employee.id, module)),
                current_index=0,
                correct_count=0,
                started_at=now,
            )
            s.add(attempt)
            await s.flush()
            await employees.touch(s, employee, now, self.tz)
            spec = self._poll_spec(module, attempt.id, attempt.plan, 0)
            return StartResult(StartOutcome.STARTED, module=module, poll=spec)

    async def gate_for(self, telegram_id: int, module: Module) -> GateResult | None:
        """What the rules say now about a new attempt (for the module page), None if unknown."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            progress = await progress_for(s, employee.id, module.id)
            if progress is None or progress.content_version != module.version:
                return None
            now = self.clock()
            pending = pending_reading(module, progress.current_card, progress.card_shown_ts, now)
            standing = Standing(
                reading_seconds=progress.reading_seconds + pending,
                reread_mask=progress.reread_mask,
                retry_at=progress.retry_at,
                attempts_today=await self._attempts_today(s, employee.id, module, now),
            )
            return gate(module, self.rules, standing, now, self.tz)

    async def abandon(self, telegram_id: int) -> Abandoned | None:
        """End the caller's open attempt unfinished (``/batal``); the polls left to close."""
        async with self.db.transaction() as s:
            attempt = await _running(s, telegram_id)
            if attempt is None:
                return None
            now = self.clock()
            ended = await s.execute(
                update(QuizAttempt)
                .where(QuizAttempt.id == attempt.id, QuizAttempt.finished_at.is_(None))
                .values(finished_at=now)
            )
            if not ended.rowcount:  # type: ignore[attr-defined]  # it just finished otherwise
                return None
            answered = select(QuizAnswer.poll_id).where(QuizAnswer.attempt_id == attempt.id)
            open_polls = (
                await s.execute(
                    select(QuizPoll.poll_id, QuizPoll.chat_id, QuizPoll.message_id).where(
                        QuizPoll.attempt_id == attempt.id,
                        QuizPoll.closed_at.is_(None),
                        QuizPoll.poll_id.not_in(answered),
                    )
                )
            ).all()
            if open_polls:
                await s.execute(
                    update(QuizPoll)
                    .where(QuizPoll.poll_id.in_([p.poll_id for p in open_polls]))
                    .values(closed_at=now)
                )
            polls = [(p.chat_id, p.message_id) for p in open_polls]
            return Abandoned(self.catalog.module(attempt.module_id), polls)

    async def _attempts_today(
        self, s: AsyncSession, employee_id: int, module: Module, now: datetime
    ) -> int:
        local = now.astimezone(self.tz)
        midnight = datetime.combine(local.date(), time(0), tzinfo=self.tz)
        count = await s.scalar(
            select(func.count(QuizAttempt.id)).where(
                QuizAttempt.employee_id == employee_id,
                QuizAttempt.module_id == module.id,
                QuizAttempt.started_at >= midnight,
            )
        )
        return int(count or 0)

    @staticmethod
    async def _last_drawn(s: AsyncSession, employee_id: int, module: Module) -> list[int]:
        """The pool indexes the previous attempt of this version asked."""
        plan = await s.scalar(
            select(QuizAttempt.plan)
            .where(
                QuizAttempt.employee_id == employee_id,
                QuizAttempt.module_id == module.id,
                QuizAttempt.content_version == module.version,
            )
            .order_by(QuizAttempt.id.desc())
            .limit(1)
        )
        return [int(step["q"]) for step in plan or []]

    async def register_poll(
        self, spec: PollSpec, poll_id: str, chat_id: int, message_id: int
    ) -> None:
        """Remember which attempt and question a sent poll belongs to."""
        row = {
            "poll_id": poll_id,
            "attempt_id": spec.attempt_id,
            "question_index": spec.position,
            "chat_id": chat_id,
            "message_id": message_id,
            "sent_at": self.clock(),
        }
        await self._polls.add(row)

    async def answer(
        self, poll_id: str, telegram_id: int, option_ids: Sequence[int]
    ) -> AnswerResult:
        """Record an answer from a poll_answer update.

        Unknown, stale, foreign or repeated answers are ignored. This is the quiz's hot path:
        one read and three writes, as prepared Core statements in one ``Database.run``; the
        last answer of an attempt also grades it and credits the minutes, in the same
        transaction as the answer.
        """
        if not option_ids:  # a retracted vote; quizzes do not allow it, but be safe
            return AnswerResult(AnswerOutcome.IGNORED)
        try:
            return await self.db.run(
                self._record_and_grade, poll_id, telegram_id, option_ids, self.clock()
            )
        except IntegrityError:
            # The same answer arrived twice at once; the first one won.
            return AnswerResult(AnswerOutcome.IGNORED)

    def _record_and_grade(
        self,
        conn: Connection,
        poll_id: str,
        telegram_id: int,
        option_ids: Sequence[int],
        now: datetime,
    ) -> AnswerResult:
        """The answer; after the last one, the grade and the credit (synchronous)."""
        recorded = self._record(conn, poll_id, telegram_id, option_ids, now)
        if recorded.finished is None:
            return recorded
        retry = timedelta(minutes=self.rules.retry_minutes)
        done = recorded.finished
        result = finish_attempt(conn, done, now, self.tz, retry)
        following = None
        if result.passed:
            enter_schedule(conn, done.employee_id, done.module, now, self.review)
            following = suggest(self.catalog, progress_of(conn, done.employee_id))
        return AnswerResult(
            AnswerOutcome.FINISHED,
            chat_id=recorded.chat_id,
            result=result,
            attempt_id=done.attempt_id,
            following=following,
        )

    def _record(
        self,
        conn: Connection,
        poll_id: str,
        telegram_id: int,
        option_ids: Sequence[int],
        now: datetime,
    ) -> AnswerResult:
        """Check and store one answer and move the attempt on (synchronous: see Database.run)."""
        row = conn.execute(ANSWER_STATE, {"poll_id": poll_id}).first()
        if row is None:  # not a quiz poll: a review poll, or not ours (or not any more)
            return AnswerResult(AnswerOutcome.UNKNOWN, chat_id=telegram_id)
        if row.telegram_id != telegram_id:
            return AnswerResult(AnswerOutcome.IGNORED)
        if row.question_index < row.current_index:  # answered already (a repeat)
            return AnswerResult(AnswerOutcome.IGNORED)
        module = self.catalog.module(row.module_id)
        if (
            module is None
            or module.version != row.content_version
            or row.finished_at is not None
            or row.closed_at is not None
            or row.question_index != row.current_index
        ):
            # An unanswered poll of an attempt that ended (abandoned, or a module updated).
            return AnswerResult(
                AnswerOutcome.STALE, chat_id=row.chat_id, stale_message=row.message_id
            )
        plan: list[dict[str, Any]] = row.plan
        step = plan[row.current_index]
        chosen = unshuffle(step["perm"], option_ids)
        if chosen is None:
            return AnswerResult(AnswerOutcome.IGNORED)
        position = row.current_index + 1
        right = is_correct(module.quiz[step["q"]], chosen)
        # The unique (attempt, question) constraint stops a repeat here (IntegrityError).
        conn.execute(
            INSERT_ANSWER,
            {
                "attempt_id": row.attempt_id,
                "question_index": row.current_index,
                "question_ref": step["q"],
                "question_id": step.get("id"),
                "poll_id": poll_id,
                "chosen": chosen,
                "is_correct": right,
                "answered_at": now,
            },
        )
        correct = conn.execute(
            ADVANCE_ATTEMPT,
            {"attempt_id": row.attempt_id, "expected": row.current_index, "right": int(right)},
        ).scalar_one_or_none()
        if correct is None:  # another process moved the attempt on in the meantime
            raise IntegrityError("quiz attempt advanced concurrently", None, Exception())
        if self.activity.due(row.employee_id, now):
            conn.execute(employees.TOUCH, employees.touch_params(row.employee_id, now, self.tz))
            # Noted before the commit: if the transaction fails after all, the activity is
            # written by a later tap, at most RecentActivity.window late.
            self.activity.written(row.employee_id, now)
        if position == len(plan):
            finished = Finished(
                row.attempt_id,
                row.employee_id,
                module,
                correct,
                len(plan),
                row.started_at,
                tuple(str(step.get("id", "")) for step in plan),
                row.kind,
            )
            return AnswerResult(AnswerOutcome.FINISHED, chat_id=row.chat_id, finished=finished)
        spec = self._poll_spec(module, row.attempt_id, plan, position)
        return AnswerResult(AnswerOutcome.NEXT, chat_id=row.chat_id, poll=spec)

    @staticmethod
    async def _open_attempt(
        s: AsyncSession, employee_id: int, module: Module
    ) -> QuizAttempt | None:
        return await s.scalar(
            select(QuizAttempt)
            .where(
                QuizAttempt.employee_id == employee_id,
                QuizAttempt.module_id == module.id,
                QuizAttempt.content_version == module.version,
                QuizAttempt.finished_at.is_(None),
            )
            .order_by(QuizAttempt.id.desc())
            .limit(1)
        )

    @staticmethod
    def _poll_spec(
        module: Module, attempt_id: int, plan: list[dict[str, Any]], position: int
    ) -> PollSpec:
        step = plan[position]
        question = module.quiz[step["q"]]
        perm: list[int] = step["perm"]
        return PollSpec(
            attempt_id=attempt_id,
            position=position,
            count=len(plan),
            question=question.question,
            options=[question.options[i] for i in perm],
            correct_option_ids=sorted(perm.index(i) for i in question.correct),
            explanation=question.explanation,
            scenario=question.scenario,
        )


async def _running(s: AsyncSession, telegram_id: int) -> QuizAttempt | None:
    """The caller's attempt still open (any module), the newest if there were several."""
    return await s.scalar(
        select(QuizAttempt)
        .join(Employee, Employee.id == QuizAttempt.employee_id)
        .where(Employee.telegram_id == telegram_id, QuizAttempt.finished_at.is_(None))
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )
