"""A learner's module progress, read inside the caller's synchronous transaction.

Why Core here: the quiz's last answer grades, credits and offers the next module in one
``Database.run`` (see ``QuizService._record_last``); reading the progress there, as plain rows,
costs one statement instead of a second transaction through the ORM after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Connection, bindparam, select

from db.dialects import cast_table
from db.models import ModuleProgress


class Progress(Protocol):
    """What the suggestion rules (``bot.services.learning``) read of a learner's row for a
    module: a ``ModuleProgress``, or a Core row of these columns."""

    @property
    def module_id(self) -> str: ...
    @property
    def completed_at(self) -> datetime | None: ...
    @property
    def updated_at(self) -> datetime: ...


_table = cast_table(ModuleProgress)
_PROGRESS_OF = select(_table.c.module_id, _table.c.completed_at, _table.c.updated_at).where(
    _table.c.employee_id == bindparam("employee_id")
)


def progress_of(conn: Connection, employee_id: int) -> dict[str, Progress]:
    """The learner's rows by module id, with what the suggestion rules read."""
    rows = conn.execute(_PROGRESS_OF, {"employee_id": employee_id})
    return {row.module_id: cast(Progress, row) for row in rows}
