"""Queueing into the outbox from a query: one INSERT ... SELECT, each row once.

Reminders and announcements both decide "who gets a message" in SQL; this builds the statement
that turns those rows into ``outbound_messages`` rows, so the columns every queued message needs
are written in one place. ``dedup_key`` is unique: rows already queued are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, FromClause, Integer, String, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialects import cast_table, insert_for
from db.models import OutboundMessage, UtcDateTime


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
