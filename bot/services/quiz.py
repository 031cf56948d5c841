"""Quizzes: attempts with shuffled options, answers from poll updates, grading and the JP credit.

One question is open at a time (one poll on screen is easier on a phone than a wall of polls).
Everything about an attempt lives in the database, so a restart mid-quiz loses nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.content import Catalog, Module
from bot.core.grading import is_correct, make_plan
from bot.services.activity import RecentActivity
from bot.services.learning import ModuleState, progress_for
from bot.store import employees
from bot.store.batch import GroupInsert
from bot.store.quiz import (
    ADVANCE_ATTEMPT,
    ANSWER_STATE,
    INSERT_ANSWER,
    REGISTER_POLL,
)
from bot.store.quiz_grading import Finished, QuizResult, finish_attempt
from db.models import QuizAttempt
from db.session import Database


@dataclass(frozen=True, slots=True)
class PollSpec:
    """One question as it is shown: options in the attempt's shuffled order."""

    attempt_id: int
    position: int
    count: int
    question: str
    options: list[str]
    correct_option_ids: list[int]
    explanation: str


class StartOutcome(StrEnum):
    STARTED = "started"
    RESUMED = "resumed"
    NO_MODULE = "no_module"
    OUTDATED = "outdated"
    NOT_READY = "not_ready"
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class StartResult:
    outcome: StartOutcome
    module: Module | None = None
    poll: PollSpec | None = None


class AnswerOutcome(StrEnum):
    IGNORED = "ignored"
    NEXT = "next"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    chat_id: int = 0
    poll: PollSpec | None = None
    result: QuizResult | None = None
    finished: Finished | None = None  # what grading needs, from ``_record``


class _LastAnswer(Exception):
    """The answer is the attempt's last one: it takes the path that also grades the attempt."""


class QuizService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        tz: ZoneInfo,
        rng: random.Random,
        activity: RecentActivity | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.rng = rng
        self.activity = activity or RecentActivity(tz)
        # Each quiz answer sends the next poll and records it: one group commit for many users.
        self._polls = GroupInsert(db, REGISTER_POLL)

    async def open_attempt_module(self, telegram_id: int) -> Module | None:
        """The module whose quiz this user has open, if any (to answer stray text helpfully)."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            attempt = await s.scalar(
                select(QuizAttempt)
                .where(QuizAttempt.employee_id == employee.id, QuizAttempt.finished_at.is_(None))
                .order_by(QuizAttempt.id.desc())
                .limit(1)
            )
        return self.catalog.module(attempt.module_id) if attempt else None

    async def start(self, telegram_id: int, module_id: str, version: int) -> StartResult:
        """Open an attempt (or resume the open one) and return the question to ask now."""
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
            if not ModuleState(module, progress).read_all_cards:
                return StartResult(StartOutcome.NOT_READY, module=module)
            attempt = await self._open_attempt(s, employee.id, module)
            outcome = StartOutcome.RESUMED
            if attempt is None:
                attempt = QuizAttempt(
                    employee_id=employee.id,
                    module_id=module.id,
                    content_version=module.version,
                    plan=make_plan(module, self.rng),
                    current_index=0,
                    correct_count=0,
                    started_at=self.clock(),
                )
                s.add(attempt)
                await s.flush()
                outcome = StartOutcome.STARTED
            await employees.touch(s, employee, self.clock(), self.tz)
            spec = self._poll_spec(module, attempt.id, attempt.plan, attempt.current_index)
            return StartResult(outcome, module=module, poll=spec)

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
        one read and three writes, as prepared Core statements in one ``Database.run``. The
        last answer of an attempt instead takes the general path, which also grades the attempt
        and credits the JP, all in the same transaction as the answer.
        """
        if not option_ids:  # a retracted vote; quizzes do not allow it, but be safe
            return AnswerResult(AnswerOutcome.IGNORED)
        try:
            try:
                return await self.db.run(
                    self._record, poll_id, telegram_id, option_ids, self.clock(), last=False
                )
            except _LastAnswer:  # raised before any write; nothing to undo
                return await self._answer_last(poll_id, telegram_id, option_ids)
        except IntegrityError:
            # The same answer arrived twice at once; the first one won.
            return AnswerResult(AnswerOutcome.IGNORED)

    async def _answer_last(
        self, poll_id: str, telegram_id: int, option_ids: Sequence[int]
    ) -> AnswerResult:
        return await self.db.run(self._record_last, poll_id, telegram_id, option_ids, self.clock())

    def _record_last(
        self,
        conn: Connection,
        poll_id: str,
        telegram_id: int,
        option_ids: Sequence[int],
        now: datetime,
    ) -> AnswerResult:
        """The last answer, the grade and the credit, in one transaction (synchronous)."""
        recorded = self._record(conn, poll_id, telegram_id, option_ids, now, last=True)
        if recorded.finished is None:
            return recorded
        result = finish_attempt(conn, recorded.finished, now, self.tz)
        return AnswerResult(AnswerOutcome.FINISHED, chat_id=recorded.chat_id, result=result)

    def _record(
        self,
        conn: Connection,
        poll_id: str,
        telegram_id: int,
        option_ids: Sequence[int],
        now: datetime,
        *,
        last: bool,
    ) -> AnswerResult:
        """Check and store one answer and move the attempt on (synchronous: see Database.run).

        Raises ``_LastAnswer`` (before writing) for the attempt's last question unless ``last``.
        """
        row = conn.execute(ANSWER_STATE, {"poll_id": poll_id}).first()
        if row is None or row.telegram_id != telegram_id:
            return AnswerResult(AnswerOutcome.IGNORED)
        module = self.catalog.module(row.module_id)
        if (
            module is None
            or module.version != row.content_version
            or row.finished_at is not None
            or row.question_index != row.current_index
        ):
            return AnswerResult(AnswerOutcome.IGNORED)
        plan: list[dict[str, Any]] = row.plan
        step = plan[row.current_index]
        perm: list[int] = step["perm"]
        if any(not 0 <= i < len(perm) for i in option_ids):
            return AnswerResult(AnswerOutcome.IGNORED)
        position = row.current_index + 1
        if position == len(plan) and not last:
            raise _LastAnswer
        chosen = sorted(perm[i] for i in option_ids)
        right = is_correct(module.quiz[step["q"]], chosen)
        # The unique (attempt, question) constraint stops a repeat here (IntegrityError).
        conn.execute(
            INSERT_ANSWER,
            {
                "attempt_id": row.attempt_id,
                "question_index": row.current_index,
                "question_ref": step["q"],
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
            finished = Finished(row.attempt_id, row.employee_id, module, correct, len(plan))
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
        )
