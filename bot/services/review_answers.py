"""Recording one vote on a review or practice poll, in one synchronous transaction on the
connection (``Database.run``, prepared statements): the session moves on, the answer is kept,
the question's FSRS card moves (review only), and a finished review credits the day's minutes.

It exists apart from ``bot.services.review`` (which selects the due questions and opens, resumes
and ends sessions) because this is the hot path of every vote, with its own statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from bot.core.content import Catalog, Module
from bot.core.grading import is_correct, unshuffle
from bot.core.review import ReviewScheduler, fingerprint, local_midnight, reviewed_minutes
from bot.services.activity import RecentActivity
from bot.services.review_outcomes import (
    PRACTICE,
    REVIEW,
    AnswerOutcome,
    AnswerResult,
    Missed,
    SessionResult,
    poll_spec,
)
from bot.store import employees, ledger
from bot.store import review as store
from bot.texts import ORGANISER
from bot.texts import review as rt


class ReviewAnswers:
    """The answer's rules, bound to the content, the scheduler and the day's limits."""

    def __init__(
        self,
        catalog: Catalog,
        scheduler: ReviewScheduler,
        activity: RecentActivity,
        *,
        max_per_day: int,
        minutes_per_question: int,
    ) -> None:
        self.catalog = catalog
        self.scheduler = scheduler
        self.tz = scheduler.tz
        self.activity = activity
        self.max_per_day = max_per_day
        self.minutes_per_question = minutes_per_question

    def record(
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
        chosen = unshuffle(step["perm"], option_ids)
        if chosen is None:
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
            right = is_correct(question, chosen)
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
            poll_spec(self.catalog, row.session_id, row.kind, plan, position)
            if position < len(plan)
            else None
        )
        while spec is None and position < len(plan):  # a question that left the content
            conn.execute(
                store.ADVANCE, {"session_id": row.session_id, "expected": position, "right": 0}
            )
            position += 1
            spec = (
                poll_spec(self.catalog, row.session_id, row.kind, plan, position)
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
