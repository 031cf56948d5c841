"""The quiz's answer path as prepared Core statements, built once at import.

Each answer then skips SQL construction and finds its compiled form in SQLAlchemy's cache
(see ``QuizService._record``).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from bot.services import employees
from db.dialects import cast_table
from db.models import Employee, QuizAnswer, QuizAttempt, QuizPoll

attempts = cast_table(QuizAttempt)
ANSWER_STATE = (
    select(
        QuizPoll.attempt_id,
        QuizPoll.question_index,
        QuizPoll.chat_id,
        QuizAttempt.employee_id,
        QuizAttempt.module_id,
        QuizAttempt.content_version,
        QuizAttempt.plan,
        QuizAttempt.current_index,
        QuizAttempt.finished_at,
        Employee.telegram_id,
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
)
TOUCH_EMPLOYEE = employees.TOUCH
