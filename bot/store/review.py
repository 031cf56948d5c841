"""The review schedule's SQL, inside the caller's transaction.

The answer path's statements are prepared Core, built once at import (as ``bot/store/quiz.py``):
answering a review poll is a hot path like a quiz answer. A learner's due questions are read
through ``ix_review_cards_due`` (employee, due day), so a province of schedules costs a reminder
only the rows of the learners it renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.content import Module
from bot.core.review import DueQuestion, ReviewScheduler, fingerprint
from db.dialects import cast_table
from db.models import (
    Employee,
    QuizAnswer,
    QuizAttempt,
    ReviewAnswer,
    ReviewCard,
    ReviewPoll,
    ReviewSession,
)

cards = cast_table(ReviewCard)
sessions = cast_table(ReviewSession)
polls = cast_table(ReviewPoll)
answers = cast_table(ReviewAnswer)
REVIEW = "review"
PRACTICE = "practice"

# --- Answering a poll (the hot path) ------------------------------------------------------------
ANSWER_STATE = (
    select(
        polls.c.session_id,
        polls.c.position,
        polls.c.chat_id,
        polls.c.message_id,
        polls.c.closed_at,
        sessions.c.employee_id,
        sessions.c.kind,
        sessions.c.attempt_id,
        sessions.c.plan,
        sessions.c.current_index,
        sessions.c.started_at,
        sessions.c.finished_at,
        Employee.telegram_id,
    )
    .join(sessions, sessions.c.id == polls.c.session_id)
    .join(Employee, Employee.id == sessions.c.employee_id)
    .where(polls.c.poll_id == bindparam("poll_id"))
)
INSERT_ANSWER = insert(answers)
REGISTER_POLL = insert(polls)
ADVANCE = (
    update(sessions)
    .where(
        sessions.c.id == bindparam("session_id"),
        sessions.c.current_index == bindparam("expected"),
        sessions.c.finished_at.is_(None),
    )
    .values(
        current_index=sessions.c.current_index + 1,
        correct_count=sessions.c.correct_count + bindparam("right"),
    )
    .returning(sessions.c.correct_count)
)
FINISH = (
    update(sessions)
    .where(sessions.c.id == bindparam("session_id"), sessions.c.finished_at.is_(None))
    .values(finished_at=bindparam("now"))
)
_card_key = (
    cards.c.employee_id == bindparam("k_employee"),
    cards.c.module_id == bindparam("k_module"),
    cards.c.question_id == bindparam("k_question"),
)
CARD_STATE = select(cards.c.card, cards.c.content_version, cards.c.fingerprint).where(*_card_key)
MOVE_CARD = (
    update(cards)
    .where(*_card_key)
    .values(
        card=bindparam("c_card", type_=cards.c.card.type),
        due_at=bindparam("c_due", type_=cards.c.due_at.type),
        content_version=bindparam("version"),
        reviews=cards.c.reviews + 1,
        lapses=cards.c.lapses + bindparam("wrong"),
        last_reviewed_at=bindparam("now", type_=cards.c.last_reviewed_at.type),
    )
)
DROP_CARD = delete(cards).where(*_card_key)
NEXT_DUE = select(func.min(cards.c.due_at)).where(
    cards.c.employee_id == bindparam("employee_id"), cards.c.due_at > bindparam("after")
)
REVIEWED_SINCE = select(func.count()).where(
    answers.c.employee_id == bindparam("employee_id"),
    answers.c.answered_at >= bindparam("since"),
    answers.c.kind == REVIEW,
)
DAY_ANSWERS = select(
    answers.c.session_id, answers.c.module_id, answers.c.question_id, answers.c.answered_at
).where(
    answers.c.employee_id == bindparam("employee_id"),
    answers.c.answered_at >= bindparam("since"),
    answers.c.kind == REVIEW,
)
SESSION_ANSWERS = select(answers.c.position, answers.c.is_correct).where(
    answers.c.session_id == bindparam("session_id")
)
SESSION_STARTS = select(sessions.c.id, sessions.c.started_at).where(
    sessions.c.id.in_(bindparam("ids", expanding=True))
)


def next_due_sync(conn: Connection, employee_id: int, after: datetime) -> datetime | None:
    value: datetime | None = conn.execute(
        NEXT_DUE, {"employee_id": employee_id, "after": after}
    ).scalar()
    return value


def reviewed_since_sync(conn: Connection, employee_id: int, since: datetime) -> int:
    return int(
        conn.execute(REVIEWED_SINCE, {"employee_id": employee_id, "since": since}).scalar() or 0
    )


# --- Entering the schedule ----------------------------------------------------------------------
_ANSWERED_IN_VERSION = (
    select(QuizAnswer.question_id, QuizAnswer.question_ref, QuizAnswer.is_correct)
    .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
    .where(
        QuizAttempt.employee_id == bindparam("employee_id"),
        QuizAttempt.module_id == bindparam("module_id"),
        QuizAttempt.content_version == bindparam("version"),
    )
)
_CARDS_OF_MODULE = select(cards.c.question_id, cards.c.fingerprint, cards.c.content_version).where(
    cards.c.employee_id == bindparam("employee_id"), cards.c.module_id == bindparam("module_id")
)
_RESET_CARD = (
    update(cards)
    .where(*_card_key)
    .values(
        content_version=bindparam("version"),
        fingerprint=bindparam("fp"),
        card=bindparam("c_card", type_=cards.c.card.type),
        due_at=bindparam("c_due", type_=cards.c.due_at.type),
        reviews=0,
        lapses=0,
        last_reviewed_at=None,
        created_at=bindparam("now", type_=cards.c.created_at.type),
    )
)
_BUMP_VERSION = update(cards).where(*_card_key).values(content_version=bindparam("version"))


def enter_schedule(
    conn: Connection,
    employee_id: int,
    module: Module,
    now: datetime,
    scheduler: ReviewScheduler,
) -> int:
    """A passed module's answered questions join the learner's schedule; how many joined.

    Every question answered in any attempt of this version enters, rated ``Again`` if it was
    ever answered wrong. A question already scheduled keeps its schedule (passing again is no
    review); one scheduled from a different text of the question starts over.
    """
    params = {"employee_id": employee_id, "module_id": module.id, "version": module.version}
    by_id = {q.id: q for q in reversed(module.quiz)}  # as Module.question: the first id wins
    missed: dict[str, bool] = {}
    for question_id, ref, right in conn.execute(_ANSWERED_IN_VERSION, params):
        qid = question_id or (module.quiz[ref].id if 0 <= ref < len(module.quiz) else None)
        if qid is None or qid not in by_id:
            continue
        missed[qid] = missed.get(qid, False) or not right
    existing = {
        row.question_id: row for row in conn.execute(_CARDS_OF_MODULE, params)
    }  # at most a pool
    new_rows: list[dict[str, Any]] = []
    for qid, was_missed in missed.items():
        fp = fingerprint(by_id[qid])
        old = existing.get(qid)
        if old is not None and old.fingerprint == fp:
            if old.content_version != module.version:
                conn.execute(_BUMP_VERSION, {**card_key(employee_id, module.id, qid), **params})
            continue
        scheduled = scheduler.enter(was_missed, now)
        values = {
            "c_card": scheduled.card,
            "c_due": scheduled.due_at,
            "version": module.version,
            "fp": fp,
            "now": now,
        }
        if old is not None:
            conn.execute(_RESET_CARD, {**card_key(employee_id, module.id, qid), **values})
            continue
        new_rows.append(
            {
                "employee_id": employee_id,
                "module_id": module.id,
                "question_id": qid,
                "content_version": module.version,
                "fingerprint": fp,
                "card": scheduled.card,
                "due_at": scheduled.due_at,
                "reviews": 0,
                "lapses": 0,
                "created_at": now,
            }
        )
    if new_rows:
        conn.execute(insert(cards), new_rows)
    return len(new_rows)


def card_key(employee_id: int, module_id: str, question_id: str) -> dict[str, Any]:
    """The parameters naming one scheduled question in the statements above."""
    return {"k_employee": employee_id, "k_module": module_id, "k_question": question_id}


# --- A learner's due questions ------------------------------------------------------------------
async def due_questions(
    s: AsyncSession, employee_id: int, now: datetime, limit: int = 200
) -> list[DueQuestion]:
    rows = await s.execute(
        select(
            cards.c.module_id,
            cards.c.question_id,
            cards.c.content_version,
            cards.c.fingerprint,
            cards.c.due_at,
        )
        .where(cards.c.employee_id == employee_id, cards.c.due_at <= now)
        .order_by(cards.c.due_at)
        .limit(limit)
    )
    return [DueQuestion(*row) for row in rows]


async def drop(s: AsyncSession, employee_id: int, rows: Sequence[DueQuestion]) -> None:
    for row in rows:
        await s.execute(DROP_CARD, card_key(employee_id, row.module_id, row.question_id))


async def carry(
    s: AsyncSession, employee_id: int, rows: Sequence[DueQuestion], modules: Mapping[str, Module]
) -> None:
    for row in rows:
        version = modules[row.module_id].version
        await s.execute(
            _BUMP_VERSION,
            {**card_key(employee_id, row.module_id, row.question_id), "version": version},
        )


async def due_counts(s: AsyncSession, employee_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """How many questions each employee has due at ``now``: one GROUP BY through the index."""
    if not employee_ids:
        return {}
    rows = await s.execute(
        select(cards.c.employee_id, func.count())
        .where(cards.c.employee_id.in_(employee_ids), cards.c.due_at <= now)
        .group_by(cards.c.employee_id)
    )
    return {employee_id: int(count) for employee_id, count in rows}


async def reviewed_counts(
    s: AsyncSession, employee_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """Questions reviewed since ``since`` (the local midnight), per employee."""
    if not employee_ids:
        return {}
    rows = await s.execute(
        select(answers.c.employee_id, func.count())
        .where(
            answers.c.employee_id.in_(employee_ids),
            answers.c.answered_at >= since,
            answers.c.kind == REVIEW,
        )
        .group_by(answers.c.employee_id)
    )
    return {employee_id: int(count) for employee_id, count in rows}


async def next_due(s: AsyncSession, employee_id: int, after: datetime) -> datetime | None:
    value: datetime | None = await s.scalar(NEXT_DUE, {"employee_id": employee_id, "after": after})
    return value


async def open_session(s: AsyncSession, employee_id: int) -> ReviewSession | None:
    return await s.scalar(
        select(ReviewSession).where(
            ReviewSession.employee_id == employee_id, ReviewSession.finished_at.is_(None)
        )
    )


async def waiting_poll(s: AsyncSession, session_id: int, position: int) -> int | None:
    """The message of the session's poll at ``position`` still waiting for an answer."""
    message: int | None = await s.scalar(
        select(polls.c.message_id).where(
            polls.c.session_id == session_id,
            polls.c.position == position,
            polls.c.closed_at.is_(None),
        )
    )
    return message


# --- Content changes -----------------------------------------------------------------------------
async def reconcile(s: AsyncSession, modules: Mapping[str, Module]) -> int:
    """Bring every schedule to the loaded content; how many questions left it.

    Through ``ix_review_cards_module`` (module, version), only rows of another version than the
    loaded one are read, so a start-up with unchanged content costs one index probe per module.
    A question whose text is unchanged moves to the new version with its schedule; one that
    changed or was removed leaves. (Modules removed from the catalog leave lazily, when their
    questions come due: see ``ReviewService``.)
    """
    dropped = 0
    for module in modules.values():
        for other in (
            cards.c.content_version < module.version,
            cards.c.content_version > module.version,
        ):
            in_module = (cards.c.module_id == module.id, other)
            if await s.scalar(select(cards.c.due_at).where(*in_module).limit(1)) is None:
                continue
            for question in module.quiz:
                await s.execute(
                    update(cards)
                    .where(
                        *in_module,
                        cards.c.question_id == question.id,
                        cards.c.fingerprint == fingerprint(question),
                    )
                    .values(content_version=module.version)
                )
            result = await s.execute(delete(cards).where(*in_module))
            dropped += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return dropped
