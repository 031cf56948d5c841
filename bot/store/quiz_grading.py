"""Grading a finished quiz attempt: the score, the learner's progress and the minutes credited.

Runs inside the transaction that recorded the attempt's last answer (``QuizService``), as
prepared Core statements: this is part of the quiz's hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import Connection

from bot import texts
from bot.core.content import Module
from bot.core.grading import passed, score_percent
from bot.core.quiz_rules import missed_cards_mask
from bot.store import ledger
from bot.store.assignment_completions import mark_passed_sync
from bot.store.quiz import ATTEMPT_STARTED, FINISH_ATTEMPT, FINISH_PROGRESS, INSERT_PROGRESS, MISSED


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
    year_minutes: int
    missed: tuple[str, ...] = ()  # ids of the questions answered wrong
    kind: str = "PNS"


@dataclass(frozen=True, slots=True)
class Finished:
    """A quiz attempt whose last answer was just recorded: what grading needs."""

    attempt_id: int
    employee_id: int
    module: Module
    correct: int
    count: int
    started_at: datetime
    question_ids: tuple[str, ...]
    kind: str = "PNS"  # the employee's kind, whose target the result shows


def finish_attempt(
    conn: Connection, done: Finished, now: datetime, tz: tzinfo, retry_delay: timedelta
) -> QuizResult:
    """Grade the attempt, move the learner's progress on and credit a pass's minutes once.

    The credit's evidence is what an auditor asks for: the time on task (reading, capped per
    card, and the quiz), the attempts, the content version, the score and the questions asked.
    """
    module = done.module
    score = score_percent(done.correct, done.count)
    ok = passed(score, module.pass_percent)
    conn.execute(
        FINISH_ATTEMPT,
        {"attempt_id": done.attempt_id, "f_now": now, "f_score": score, "f_passed": ok},
    )
    missed = tuple(
        row.question_id or module.quiz[row.question_ref].id
        for row in conn.execute(MISSED, {"attempt_id": done.attempt_id})
        if row.question_id or 0 <= row.question_ref < len(module.quiz)
    )
    progress_params = {
        "p_employee": done.employee_id,
        "p_module": module.id,
        "score": score,
        "completed": now if ok else None,
        "reread": 0 if ok else missed_cards_mask(module, missed),
        "retry_at": None if ok else now + retry_delay,
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
        started_on, best_score, reading, attempts = started_at, score, 0, 1
    else:
        started_on, best_score = progress.started_at, progress.best_score
        reading, attempts = progress.reading_seconds, progress.attempts
    local_now = now.astimezone(tz)
    credited = False
    if ok:
        credited = ledger.credit_sync(
            conn,
            ledger.Credit(
                employee_id=done.employee_id,
                year=local_now.year,
                minutes=module.minutes,
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
                    "question_ids": list(done.question_ids),
                    "content_version": module.version,
                    "minutes": module.minutes,
                    "reading_seconds": reading,
                    "quiz_seconds": int((now - done.started_at).total_seconds()),
                    "attempts": attempts,
                    "completed_at": now.isoformat(),
                },
                credited_at=now,
            ),
        )
        mark_passed_sync(conn, done.employee_id)  # required learning: one INSERT
    total = ledger.year_minutes_sync(conn, done.employee_id, local_now.year)
    return QuizResult(
        module=module,
        correct=done.correct,
        count=done.count,
        score=score,
        passed=ok,
        credited=credited,
        best_score=best_score,
        year=local_now.year,
        year_minutes=total,
        missed=missed,
        kind=done.kind,
    )
