"""Queueing into the outbox, inside the caller's transaction; each message once.

Reminders and announcements decide "who gets a message" in SQL: ``enqueue_from`` turns those
rows into ``outbound_messages`` rows with one INSERT ... SELECT. Notices about a reported training
are queued row by row with the report or the decision. ``dedup_key`` is unique: rows already
queued are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, FromClause, Integer, String, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.outgoing import MessageKind, NoticePart
from db.dialects import cast_table, insert_for
from db.models import Employee, ExternalTraining, OutboundMessage, UtcDateTime


def enqueue_from(
    s: AsyncSession,
    *,
    kind: str,
    dedup_key: ColumnElement[Any],
    employee_id: ColumnElement[Any],
    chat_id: ColumnElement[Any],
    source: FromClause,
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    broadcast_id: int | None = None,
) -> Any:
    """The INSERT ... SELECT ... ON CONFLICT DO NOTHING for one kind of message."""
    values: dict[str, ColumnElement[Any]] = {
        "kind": literal(kind, String),
        "dedup_key": dedup_key,
        "broadcast_id": literal(broadcast_id, Integer),
        "employee_id": employee_id,
        "chat_id": chat_id,
        "payload": literal({}, JSON),
        "status": literal("pending", String),
        "attempts": literal(0, Integer),
        "not_before": literal(now, UtcDateTime()),
        "created_at": literal(now, UtcDateTime()),
    }
    rows = select(*values.values()).select_from(source).where(*where)
    table = cast_table(OutboundMessage)
    return insert_for(s, table).from_select(list(values), rows).on_conflict_do_nothing()


async def queue_training_review(
    s: AsyncSession, report: ExternalTraining, reviewers: Sequence[int], now: datetime
) -> None:
    """Show a new report to each reviewer: its certificate file, then the report itself."""
    rows = []
    for chat_id in reviewers:
        for part in (NoticePart.FILE, NoticePart.REVIEW):
            rows.append(
                _row(f"training:{report.id}:{part}:{chat_id}", chat_id, None, report, part, now)
            )
    await _insert(s, rows)


async def queue_training_decision(
    s: AsyncSession, report: ExternalTraining, owner: Employee, now: datetime
) -> None:
    """Tell the employee what became of their report (once per report: it is decided once);
    an employee whose account was unbound meanwhile reads it in /lapor."""
    if owner.telegram_id is None:
        return
    row = _row(
        f"training:{report.id}:{NoticePart.DECIDED}",
        owner.telegram_id,
        owner.id,
        report,
        NoticePart.DECIDED,
        now,
    )
    await _insert(s, [row])


async def queue_account_notice(
    s: AsyncSession,
    key: str,
    chat_id: int,
    text: str,
    now: datetime,
    *,
    buttons: Sequence[Sequence[tuple[str, str]]] = (),
    request_id: int | None = None,
) -> None:
    """A message about an account (HTML, rendered by the caller), once per ``key``.

    With ``request_id`` it is a request to review (with its buttons), skipped at send time if
    the request was decided meanwhile.
    """
    payload: dict[str, Any] = {"text": text, "buttons": [list(map(list, row)) for row in buttons]}
    if request_id is not None:
        payload["request"] = request_id
    row = {
        "kind": MessageKind.ACCOUNT,
        "dedup_key": f"account:{key}"[:96],
        "broadcast_id": None,
        "employee_id": None,
        "chat_id": chat_id,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "not_before": now,
        "created_at": now,
    }
    await _insert(s, [row])


def _row(
    key: str,
    chat_id: int,
    employee_id: int | None,
    report: ExternalTraining,
    part: NoticePart,
    now: datetime,
) -> dict[str, Any]:
    return {
        "kind": MessageKind.NOTICE,
        "dedup_key": key,
        "broadcast_id": None,
        "employee_id": employee_id,
        "chat_id": chat_id,
        "payload": {"report": report.id, "part": part.value},
        "status": "pending",
        "attempts": 0,
        "not_before": now,
        "created_at": now,
    }


async def _insert(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        statement = insert_for(s, cast_table(OutboundMessage)).on_conflict_do_nothing(
            index_elements=["dedup_key"]
        )
        await s.execute(statement, rows)
