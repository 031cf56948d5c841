"""The quiz's answer path as prepared Core statements, built once at import.

Each answer then skips SQL construction and finds its compiled form in SQLAlchemy's cache
(see ``QuizService._record``).
"""

from __future__ import annotations

from sqlalchemy import Integer, bindparam, case, func, insert, or_, select, update

from db.dialects import cast_table
from db.models import Employee, ModuleProgress, QuizAnswer, QuizAttempt, QuizPoll

attempts = cast_table(QuizAttempt)
ANSWER_STATE = (
    select(
        QuizPoll.attempt_id,
        QuizPoll.question_index,
        QuizPoll.chat_id,
        QuizPoll.message_id,
        QuizPoll.closed_at,
        QuizAttempt.employee_id,
        QuizAttempt.module_id,
        QuizAttempt.content_version,
        QuizAttempt.plan,
        QuizAttempt.current_index,
        QuizAttempt.started_at,
        QuizAttempt.finished_at,
        Employee.telegram_id,
        Employee.kind,
    )
    .join(QuizAttempt, QuizAttempt.id == QuizPoll.attempt_id)
    .join(Employee, Employee.id == QuizAttempt.employee_id)
    .where(QuizPoll.poll_id == bindparam("poll_id"))
)
INSERT_ANSWER = insert(cast_table(QuizAnswer))
REGISTER_POLL = insert(cast_table(QuizPoll))
ADVANCE_ATTEMPT = (
    update(attempts)
    .where(
        attempts.c.id == bindparam("attempt_id"),
        attempts.c.current_index == bindparam("expected"),
    )
    .values(
        current_index=attempts.c.current_index + 1,
        correct_count=attempts.c.correct_count + bindparam("right"),
    )
    .returning(attempts.c.correct_count)
)

# The last answer: grade the attempt, then the learner's progress in the module.
FINISH_ATTEMPT = (
    update(attempts)
    .where(attempts.c.id == bindparam("attempt_id"))
    .values(
        finished_at=bindparam("f_now"), score=bindparam("f_score"), passed=bindparam("f_passed")
    )
)
progress = cast_table(ModuleProgress)
FINISH_PROGRESS = (
    update(progress)
    .where(
        progress.c.employee_id == bindparam("p_employee"),
        progress.c.module_id == bindparam("p_module"),
    )
    .values(
        attempts=progress.c.attempts + 1,
        best_score=case(
            (
                or_(
                    progress.c.best_score.is_(None),
                    progress.c.best_score < bindparam("score", type_=Integer),
                ),
                bindparam("score", type_=Integer),
            ),
            else_=progress.c.best_score,
        ),
        # "completed" is the time of a pass (None for a fail): the first pass stays.
        completed_at=func.coalesce(
            progress.c.completed_at, bindparam("completed", type_=progress.c.completed_at.type)
        ),
        # After a fail: the cards to re-read, or when a retry opens anyway (a pass clears both).
        reread_mask=bindparam("reread", type_=progress.c.reread_mask.type),
        retry_at=bindparam("retry_at", type_=progress.c.retry_at.type),
    )
    .returning(
        progress.c.started_at,
        progress.c.best_score,
        progress.c.reading_seconds,
        progress.c.attempts,
    )
)
ATTEMPT_STARTED = select(attempts.c.started_at).where(attempts.c.id == bindparam("attempt_id"))
answers = cast_table(QuizAnswer)
MISSED = select(answers.c.question_id, answers.c.question_ref).where(
    answers.c.attempt_id == bindparam("attempt_id"), answers.c.is_correct.is_(False)
)
INSERT_PROGRESS = insert(progress)
