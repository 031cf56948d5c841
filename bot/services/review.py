"""Spaced review (``/ulas``) and the practice of a failed attempt's mistakes ("latihan kesalahan").

Both are sessions of native quiz polls, one open at a time per learner (a partial unique index:
two taps start one session). A review session draws up to the day's remaining questions
(``SINAU_REVIEW_MAX_PER_DAY``) from the learner's due ones, across modules; each answer moves
that question's FSRS card in the same transaction (right: Good, wrong: Again). A practice
session asks the questions an attempt missed and changes nothing but the streak: it neither
grades the attempt nor credits minutes. Everything lives in the database, so a restart between
two polls loses nothing. The rules are in ``bot.core.review``.
"""

from __future__ import annotations

import random
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.content import Catalog, Module, Question
from bot.core.grading import is_correct
from bot.core.review import (
    DueQuestion,
    ReviewScheduler,
    Standing,
    draw,
    fingerprint,
    local_midnight,
    plan_step,
    reviewed_minutes,
    standing,
    tomorrow,
)
from bot.core.schedule import current_streak
from bot.services.activity import RecentActivity
from bot.store import employees, ledger
from bot.store import review as store
from bot.store.batch import GroupInsert
from bot.texts import ORGANISER
from bot.texts import review as rt
from db.dialects import cast_table, insert_for
from db.models import QuizAnswer, QuizAttempt, ReviewPoll, ReviewSession
from db.session import Database

REVIEW, PRACTICE = store.REVIEW, store.PRACTICE


@dataclass(frozen=True, slots=True)
class ReviewPollSpec:
    """One question of a session as it is shown (the shape ``handlers.quiz.send_poll`` sends)."""

    session_id: int
    kind: str
    position: int
    count: int
    module: Module
    question: str
    options: list[str]
    correct_option_ids: list[int]
    explanation: str
    scenario: str | None = None


class StartOutcome(StrEnum):
    STARTED = "started"
    RESUMED = "resumed"  # a session of this kind is open: its poll is waiting (or is re-sent)
    ALREADY_STARTED = "already"  # a parallel tap started it a moment ago: that one sends
    NOTHING_DUE = "nothing_due"
    DONE_TODAY = "done_today"  # the day's maximum is reviewed
    OTHER_OPEN = "other_open"  # a session of the other kind is open
    NOT_FOUND = "not_found"  # practice: not the caller's failed attempt, or nothing missed
    OUTDATED = "outdated"  # practice: the module changed since the attempt
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class StartResult:
    outcome: StartOutcome
    poll: ReviewPollSpec | None = None
    open_poll: int | None = None  # RESUMED: the message of the poll waiting for an answer
    next_day: date | None = None  # NOTHING_DUE / DONE_TODAY: when the next review is due
    kind: str = REVIEW


class AnswerOutcome(StrEnum):
    UNKNOWN = "unknown"  # not a review poll
    IGNORED = "ignored"  # a retracted vote, a repeat, someone else's poll
    STALE = "stale"  # a vote on a poll of an ended session
    NEXT = "next"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Missed:
    module: Module
    question: Question


@dataclass(frozen=True, slots=True)
class SessionResult:
    kind: str
    correct: int
    count: int
    missed: tuple[Missed, ...]
    next_day: date | None  # review: the next question due
    credited_minutes: int = 0  # review with minutes: the day's credit now
    attempt_module: Module | None = None  # practice: the module of the attempt


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    chat_id: int = 0
    poll: ReviewPollSpec | None = None
    result: SessionResult | None = None
    stale_message: int | None = None
    changed: bool = False  # the question changed since it was scheduled: it left the schedule


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """The main menu's line: today's goal and the streak."""

    due: int  # questions due now
    goal: int  # what /ulas would ask today (due, within the day's remaining maximum)
    reviewed_today: int
    streak: int
    next_day: date | None = None


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
        self.scheduler = scheduler
        self.tz = scheduler.tz
        self.rng = rng
        self.activity = activity
        self.max_per_day = max_per_day
        self.minutes_per_question = minutes_per_question
        self._polls = GroupInsert(db, store.REGISTER_POLL)
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
        spec = self._spec(session_id, kind, plan, 0)
        return StartResult(StartOutcome.STARTED, poll=spec, kind=kind)

    async def _resume(self, s: AsyncSession, opened: ReviewSession, kind: str) -> StartResult:
        if opened.kind != kind:
            return StartResult(StartOutcome.OTHER_OPEN, kind=opened.kind)
        spec = self._spec(opened.id, opened.kind, opened.plan, opened.current_index)
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
            return await self.db.run(self._record, poll_id, telegram_id, option_ids, self.clock())
        except IntegrityError:  # the same vote twice at once; the first one won
            return AnswerResult(AnswerOutcome.IGNORED)

    def _record(
        self,
        conn: Connection,
        poll_id: str,
        telegram_id: int,
        option_ids: Sequence[int],
        now: datetime,
    ) -> AnswerResult:
        row = conn.execute(store.ANSWER_STATE, {"poll_id": poll_id}).first()
        if row is None:
            return AnswerResult(AnswerOutcome.UNKNOWN)
        if row.telegram_id != telegram_id:
            return AnswerResult(AnswerOutcome.IGNORED)
        if row.position < row.current_index and row.finished_at is None:
            return AnswerResult(AnswerOutcome.IGNORED)  # answered already (a repeat)
        if (
            row.finished_at is not None
            or row.closed_at is not None
            or row.position != row.current_index
        ):
            return AnswerResult(
                AnswerOutcome.STALE, chat_id=row.chat_id, stale_message=row.message_id
            )
        plan: list[dict[str, Any]] = row.plan
        step = plan[row.position]
        module = self.catalog.module(step["m"])
        question = module.question(step["q"]) if module is not None else None
        perm: list[int] = step["perm"]
        if any(not 0 <= i < len(perm) for i in option_ids):
            return AnswerResult(AnswerOutcome.IGNORED)
        key = store.card_key(row.employee_id, step["m"], step["q"])
        changed = False
        right = False
        if module is None or question is None:
            changed = True
        elif module.version != step["v"]:
            state = conn.execute(store.CARD_STATE, key).first()
            known = state.fingerprint if state is not None else None
            changed = known != fingerprint(question) if row.kind == REVIEW else True
        if not changed:
            assert question is not None
            right = is_correct(question, sorted(perm[i] for i in option_ids))
        correct = conn.execute(
            store.ADVANCE,
            {"session_id": row.session_id, "expected": row.position, "right": int(right)},
        ).scalar_one_or_none()
        if correct is None:  # another process moved the session on
            raise IntegrityError("review session advanced concurrently", None, Exception())
        if changed:
            if row.kind == REVIEW:
                conn.execute(store.DROP_CARD, key)
        else:
            assert module is not None
            conn.execute(
                store.INSERT_ANSWER,
                {
                    "session_id": row.session_id,
                    "position": row.position,
                    "employee_id": row.employee_id,
                    "kind": row.kind,
                    "module_id": module.id,
                    "question_id": step["q"],
                    "is_correct": right,
                    "answered_at": now,
                },
            )
            if row.kind == REVIEW:
                self._move_card(conn, key, module, right, now)
        if self.activity.due(row.employee_id, now):
            conn.execute(employees.TOUCH, employees.touch_params(row.employee_id, now, self.tz))
            self.activity.written(row.employee_id, now)
        position = row.position + 1
        spec = (
            self._spec(row.session_id, row.kind, plan, position) if position < len(plan) else None
        )
        while spec is None and position < len(plan):  # a question that left the content
            conn.execute(
                store.ADVANCE, {"session_id": row.session_id, "expected": position, "right": 0}
            )
            position += 1
            spec = (
                self._spec(row.session_id, row.kind, plan, position)
                if position < len(plan)
                else None
            )
        if spec is not None:
            return AnswerResult(AnswerOutcome.NEXT, chat_id=row.chat_id, poll=spec, changed=changed)
        conn.execute(store.FINISH, {"session_id": row.session_id, "now": now})
        result = self._result(conn, row, plan, correct, now)
        return AnswerResult(
            AnswerOutcome.FINISHED, chat_id=row.chat_id, result=result, changed=changed
        )

    def _move_card(
        self, conn: Connection, key: dict[str, Any], module: Module, right: bool, now: datetime
    ) -> None:
        state = conn.execute(store.CARD_STATE, key).first()
        if state is None:  # left the schedule meanwhile (a content change): nothing to move
            return
        moved = self.scheduler.review(state.card, right, now)
        conn.execute(
            store.MOVE_CARD,
            {
                **key,
                "c_card": moved.card,
                "c_due": moved.due_at,
                "version": module.version,
                "wrong": 0 if right else 1,
                "now": now,
            },
        )

    def _result(
        self, conn: Connection, row: Any, plan: list[dict[str, Any]], correct: int, now: datetime
    ) -> SessionResult:
        missed: list[Missed] = []
        answered = conn.execute(store.SESSION_ANSWERS, {"session_id": row.session_id}).all()
        for position, right in sorted(answered):
            if right:
                continue
            step = plan[position]
            module = self.catalog.module(step["m"])
            question = module.question(step["q"]) if module is not None else None
            if module is not None and question is not None:
                missed.append(Missed(module, question))
        if row.kind == PRACTICE:
            module = self.catalog.module(plan[0]["m"]) if plan else None
            return SessionResult(
                PRACTICE, correct, len(answered), tuple(missed), None, attempt_module=module
            )
        following = store.next_due_sync(conn, row.employee_id, now)
        credited = self._credit_day(conn, row.employee_id, now)
        return SessionResult(
            REVIEW,
            correct,
            len(answered),
            tuple(missed),
            following.astimezone(self.tz).date() if following else None,
            credited_minutes=credited,
        )

    def _credit_day(self, conn: Connection, employee_id: int, now: datetime) -> int:
        """``SINAU_REVIEW_MINUTES_PER_QUESTION`` > 0: the day's review time, once per day.

        The day's credit is one ledger row (source ``review``, the local date): its minutes grow
        with the questions reviewed that day, up to the daily maximum, and never shrink.
        """
        if self.minutes_per_question <= 0:
            return 0
        midnight = local_midnight(now, self.tz)
        rows = conn.execute(
            store.DAY_ANSWERS, {"employee_id": employee_id, "since": midnight}
        ).all()
        minutes = reviewed_minutes(len(rows), self.minutes_per_question, self.max_per_day)
        if minutes <= 0:
            return 0
        session_ids = sorted({r.session_id for r in rows})
        starts = dict(conn.execute(store.SESSION_STARTS, {"ids": session_ids}).all())
        seconds = 0
        for sid in session_ids:
            last = max(r.answered_at for r in rows if r.session_id == sid)
            seconds += int((last - starts[sid]).total_seconds())
        categories = Counter(
            m.category.value for r in rows if (m := self.catalog.module(r.module_id)) is not None
        )
        local = now.astimezone(self.tz)
        ledger.credit_or_raise_sync(
            conn,
            ledger.Credit(
                employee_id=employee_id,
                year=local.year,
                minutes=minutes,
                source_kind="review",
                source_id=local.date().isoformat(),
                title=rt.REVIEW_CREDIT_TITLE.format(day=local.strftime("%d-%m-%Y")),
                category=categories.most_common(1)[0][0] if categories else None,
                activity_kind=rt.ACTIVITY_KIND_REVIEW,
                organiser=ORGANISER,
                started_on=local.date(),
                ended_on=local.date(),
                evidence={
                    "day": local.date().isoformat(),
                    "questions": len(rows),
                    "question_ids": [f"{r.module_id}/{r.question_id}" for r in rows],
                    "sessions": session_ids,
                    "seconds": seconds,
                    "minutes_per_question": self.minutes_per_question,
                    "max_per_day": self.max_per_day,
                },
                credited_at=now,
            ),
        )
        return minutes

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

    # --- specs -------------------------------------------------------------------------------
    def _spec(
        self, session_id: int, kind: str, plan: list[dict[str, Any]], position: int
    ) -> ReviewPollSpec | None:
        """The poll of ``position``; None if its question left the content (or changed)."""
        step = plan[position]
        module = self.catalog.module(step["m"])
        if module is None:
            return None
        question = module.question(step["q"])
        if question is None:
            return None
        perm: list[int] = step["perm"]
        if sorted(perm) != list(range(len(question.options))):
            return None  # the options changed under the stored shuffle
        return ReviewPollSpec(
            session_id=session_id,
            kind=kind,
            position=position,
            count=len(plan),
            module=module,
            question=question.question,
            options=[question.options[i] for i in perm],
            correct_option_ids=sorted(perm.index(i) for i in question.correct),
            explanation=question.explanation,
            scenario=question.scenario,
        )
