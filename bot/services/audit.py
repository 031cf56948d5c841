"""Audited views of personal data: who opened which employee's records (UU 27/2022).

Every admin screen or file that shows an employee's personal data calls ``audit_view`` in the
transaction that read the data, as ``bot.services.roles.record`` records actions:

    await audit_view(s, self.clock, actor, employee.id, "training_report", report_id=report.id)

One entry per employee named (action ``view.<what>``, ``params.employee_id``), so ``/dataku``
finds them by employee; a file of a whole OPD or of the province (too many people to name each)
is one entry with its scope (``opd`` or ``scope="province"``), which ``/dataku`` matches by the
person's OPD. Entries carry ids, never names or NIPs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from db.models import AuditEntry

OPERATOR = 0  # the actor of the command line (``python -m bot ...``): the server's operator
VIEW_PREFIX = "view."


class HasTelegramId(Protocol):
    """An ``Actor`` (``bot.services.roles``), or anything else that names its Telegram id."""

    @property
    def telegram_id(self) -> int: ...


async def audit_view(
    s: AsyncSession,
    clock: Clock,
    actor: HasTelegramId | int,
    employee_ids: int | Iterable[int] | None,
    what: str,
    *,
    opd: str | None = None,
    **details: Any,
) -> None:
    """Record that ``actor`` saw the personal data of ``employee_ids`` (``what``: the screen or
    file, e.g. ``"training_report"``, ``"export.siasn"``).

    With ``employee_ids`` None the view is a list too long to name: pass its ``opd``, or leave
    it None for the whole province (``opd`` is ignored when employees are named).
    """
    actor_id = actor if isinstance(actor, int) else actor.telegram_id
    action = VIEW_PREFIX + what
    if employee_ids is None:
        scope: dict[str, Any] = {"opd": opd} if opd is not None else {"scope": "province"}
        _add(s, clock, actor_id, action, {**scope, **details})
        return
    ids = [employee_ids] if isinstance(employee_ids, int) else sorted(set(employee_ids))
    for employee_id in ids:
        _add(s, clock, actor_id, action, {**details, "employee_id": employee_id})


def _add(s: AsyncSession, clock: Clock, actor_id: int, action: str, params: dict[str, Any]) -> None:
    # As ``bot.services.roles.record`` writes it (that module imports this one, not back).
    s.add(AuditEntry(actor_telegram_id=actor_id, action=action, params=params, created_at=clock()))
