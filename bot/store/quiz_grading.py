"""Grading a finished quiz attempt: the score, the learner's progress and the JP credit.

Runs inside the transaction that recorded the attempt's last answer (``QuizService``), as
prepared Core statements: this is part of the quiz's hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Connection

from bot import texts
from bot.core.content import Module
from bot.core.grading import passed, score_percent
from bot.store import ledger
from bot.store.quiz import ATTEMPT_STARTED, FINISH_ATTEMPT, FINISH_PROGRESS, INSERT_PROGRESS


@dataclass(frozen=True, slots=True)
class QuizResult:
    module: Module
    correct: int
    count: int
    score: int
    passed: bool
    credited: bool
    best_score: int
    year: int
    year_total_centi: int


@dataclass(frozen=True, slots=True)
class Finished:
    """A quiz attempt whose last answer was just recorded: what grading needs."""

    attempt_id: int
    employee_id: int
    module: Module
    correct: int
    count: int


def finish_attempt(conn: Connection, done: Finished, now: datetime, tz: tzinfo) -> QuizResult:
    """Grade the attempt, move the learner's progress on and credit a pass's JP once."""
    module = done.module
    score = score_percent(done.correct, done.count)
    ok = passed(score, module.pass_percent)
    conn.execute(
        FINISH_ATTEMPT,
        {"attempt_id": done.attempt_id, "f_now": now, "f_score": score, "f_passed": ok},
    )
    progress_params = {
        "p_employee": done.employee_id,
        "p_module": module.id,
        "score": score,
        "completed": now if ok else None,
    }
    progress = conn.execute(FINISH_PROGRESS, progress_params).first()
    if progress is None:  # cannot happen through the bot, but keep the books straight
        started_at = conn.execute(ATTEMPT_STARTED, {"attempt_id": done.attempt_id}).scalar_one()
        conn.execute(
            INSERT_PROGRESS,
            {
                "employee_id": done.employee_id,
                "module_id": module.id,
                "content_version": module.version,
                "started_at": started_at,
                "current_card": 0,
                "furthest_card": len(module.cards) - 1,
                "attempts": 1,
                "best_score": score,
                "completed_at": now if ok else None,
            },
        )
        started_on, best_score = started_at, score
    else:
        started_on, best_score = progress.started_at, progress.best_score
    local_now = now.astimezone(tz)
    credited = False
    if ok:
        credited = ledger.credit_sync(
            conn,
            ledger.Credit(
                employee_id=done.employee_id,
                year=local_now.year,
                jp_centi=module.jp_centi,
                source_kind="module",
                source_id=module.id,
                title=module.title,
                category=module.category.value,
                activity_kind=texts.ACTIVITY_KIND_MODULE,
                organiser=texts.ORGANISER,
                started_on=started_on.astimezone(tz).date(),
                ended_on=local_now.date(),
                evidence={
                    "attempt_id": done.attempt_id,
                    "score": score,
                    "correct": done.correct,
                    "questions": done.count,
                    "content_version": module.version,
                    "completed_at": now.isoformat(),
                },
                credited_at=now,
            ),
        )
    total = ledger.year_total_sync(conn, done.employee_id, local_now.year)
    return QuizResult(
        module=module,
        correct=done.correct,
        count=done.count,
        score=score,
        passed=ok,
        credited=credited,
        best_score=best_score,
        year=local_now.year,
        year_total_centi=int(total * 100),
    )
