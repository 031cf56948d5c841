"""Personal data of one employee: everything stored about them (``/dataku``), and its erasure
(``/hapus``, ``python -m bot erase``), inside the caller's transaction.

Both walk the schema instead of a hand-kept list: every table that refers to ``employees``
(directly or through another such table, e.g. quiz answers through their attempt) is part of a
person's data, so a table added later is exported and erased without touching this module.
Erasure deletes the employee row and lets ``ON DELETE CASCADE`` remove the rest
(``tests/unit/store/test_privacy.py`` checks that every such foreign key cascades); before that,
the ledger is copied to ``retained_records`` in the form the retention policy documents, and the
person's rows of announcements are detached so the announcement's counts still add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.outgoing import MessageKind
from db.models import (
    AuditEntry,
    Base,
    Certificate,
    ChatSession,
    Cooldown,
    Employee,
    JpLedgerEntry,
    OutboundMessage,
    RetainedRecord,
    RosterEntry,
    SentFile,
)

# Sections first in this order, then any other table that refers to employees, by name.
SECTION_ORDER = (
    "employees",
    "reminders",
    "module_progress",
    "quiz_attempts",
    "quiz_answers",
    "quiz_polls",
    "jp_ledger",
    "external_trainings",
    "certificates",
    "admin_roles",
    "chat_sessions",
    "outbound_messages",
    "roster",
    "retained_records",
    "audit_log",
)
# Evidence keys that name a Telegram file: not kept in the retained form.
FILE_KEYS = ("file_id", "file_unique_id", "file_kind", "file_name")
ERASED_CHAT = 0  # the chat id left on detached announcement rows: nobody's


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Every stored row about one person, by table, each row as column -> value."""

    sections: dict[str, list[dict[str, Any]]]

    def count(self, table: str) -> int:
        return len(self.sections.get(table, []))


def personal_tables() -> list[Table]:
    """Tables whose rows belong to one employee: those with a foreign key to ``employees``, or to
    such a table, in dependency order (parents first)."""
    found: set[str] = {Employee.__tablename__}
    ordered: list[Table] = []
    for table in Base.metadata.sorted_tables:
        if table.name in found:
            continue
        if any(fk.column.table.name in found for fk in table.foreign_keys):
            found.add(table.name)
            ordered.append(table)
    return ordered


async def collect(s: AsyncSession, employee: Employee) -> PersonalData:
    """Everything stored about ``employee``."""
    rows: dict[str, list[dict[str, Any]]] = {
        Employee.__tablename__: [_columns(Employee.__table__, employee)]  # type: ignore[arg-type]
    }
    for table in personal_tables():
        conditions: list[ColumnElement[bool]] = []
        for fk in table.foreign_keys:
            parent = rows.get(fk.column.table.name)
            if parent:
                values = {row[fk.column.key] for row in parent}
                conditions.append(fk.parent.in_(values))
        if not conditions:  # its parents hold nothing of this employee, so neither does it
            rows[table.name] = []
            continue
        if table.name == OutboundMessage.__tablename__:  # notices to an admin's own chat too
            conditions.append(table.c.chat_id == employee.telegram_id)
        query = select(table).where(or_(*conditions)).order_by(*table.primary_key.columns)
        rows[table.name] = [dict(r._mapping) for r in await s.execute(query)]
    keyed: list[tuple[str, ColumnElement[bool]]] = [
        (ChatSession.__tablename__, ChatSession.telegram_id == employee.telegram_id),
        (RosterEntry.__tablename__, RosterEntry.nip == employee.nip),
        (RetainedRecord.__tablename__, RetainedRecord.nip == employee.nip),
    ]
    for name, condition in keyed:
        query = select(Base.metadata.tables[name]).where(condition)
        rows[name] = [dict(r._mapping) for r in await s.execute(query)]
    rows[AuditEntry.__tablename__] = await audit_about(s, employee)
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    ranked = sorted(rows, key=lambda name: (order.get(name, len(order)), name))
    return PersonalData({name: rows[name] for name in ranked})


async def audit_about(s: AsyncSession, employee: Employee) -> list[dict[str, Any]]:
    """Audit entries by the person (as an admin) or about them: an entry naming their employee
    id, or a view of a list that covered their OPD or the whole province. Actors are named by
    role and name, not by Telegram id."""
    about = or_(
        AuditEntry.actor_telegram_id == employee.telegram_id,
        AuditEntry.params["employee_id"].as_integer() == employee.id,
        and_(  # a view of a whole list: one entry for the OPD or the province
            AuditEntry.action.like("view.%"),
            AuditEntry.params["employee_id"].as_integer().is_(None),
            or_(
                AuditEntry.params["opd"].as_string() == employee.opd_code,
                AuditEntry.params["scope"].as_string() == "province",
            ),
        ),
    )
    entries = (await s.scalars(select(AuditEntry).where(about).order_by(AuditEntry.id))).all()
    actors = {e.actor_telegram_id for e in entries} - {employee.telegram_id}
    names: dict[int, str] = {}
    if actors:
        found = await s.execute(
            select(Employee.telegram_id, Employee.name).where(Employee.telegram_id.in_(actors))
        )
        names = {tid: name for tid, name in found.all() if tid is not None}
    return [
        {
            "id": e.id,
            "created_at": e.created_at,
            "actor": "self"
            if e.actor_telegram_id == employee.telegram_id
            else names.get(
                e.actor_telegram_id, "operator" if e.actor_telegram_id == 0 else "admin"
            ),
            "action": e.action,
            "params": e.params,
        }
        for e in entries
    ]


def _columns(table: Table, row: object) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in table.columns}


# --- erasure ---------------------------------------------------------------------------------
def retained_evidence(evidence: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (evidence or {}).items() if k not in FILE_KEYS}


async def retain_ledger(
    s: AsyncSession, employee: Employee, now: datetime, keep_until: datetime
) -> int:
    """Copy the employee's ledger to ``retained_records``: under the NIP, without the name, the
    Telegram id or file ids; a module credit keeps the number of its certificate."""
    entries = (
        await s.execute(
            select(JpLedgerEntry, Certificate.certificate_no)
            .outerjoin(Certificate, Certificate.ledger_entry_id == JpLedgerEntry.id)
            .where(JpLedgerEntry.employee_id == employee.id)
            .order_by(JpLedgerEntry.id)
        )
    ).all()
    records = [
        RetainedRecord(
            nip=employee.nip,
            opd_code=employee.opd_code,
            kind=employee.kind,
            year=entry.year,
            minutes=entry.minutes,
            source_kind=entry.source_kind,
            source_id=entry.source_id,
            title=entry.title,
            category=entry.category,
            activity_kind=entry.activity_kind,
            organiser=entry.organiser,
            started_on=entry.started_on,
            ended_on=entry.ended_on,
            certificate_no=entry.certificate_no or certificate_no,
            evidence=retained_evidence(entry.evidence),
            credited_at=entry.credited_at,
            erased_at=now,
            keep_until=keep_until,
        )
        for entry, certificate_no in entries
    ]
    s.add_all(records)
    await s.flush()
    return len(records)


async def ledger_count(s: AsyncSession, employee_id: int) -> int:
    query = select(func.count()).where(JpLedgerEntry.employee_id == employee_id)
    return int(await s.scalar(query) or 0)


async def erase(s: AsyncSession, employee: Employee, now: datetime, keep_until: datetime) -> int:
    """Erase the account: the ledger is retained (its count is returned), everything else goes.

    The employee row is deleted only if it is still the one read (same id, same Telegram id);
    otherwise ``AlreadyErased`` is raised and the caller's transaction changes nothing.
    """
    retained = await retain_ledger(s, employee, now, keep_until)
    # Announcement rows stay, detached, so each announcement's counts keep adding up; what was
    # still waiting will not be sent.
    mine = and_(
        OutboundMessage.employee_id == employee.id,
        OutboundMessage.kind == MessageKind.BROADCAST,
    )
    await s.execute(
        update(OutboundMessage)
        .where(mine, OutboundMessage.status == "pending")
        .values(status="skipped", error="erased")
    )
    await s.execute(
        update(OutboundMessage)
        .where(mine)
        .values(employee_id=None, chat_id=ERASED_CHAT, payload={})
    )
    # Every other message to the chat goes, also those that do not name the employee (the
    # copies of a report sent to a reviewer).
    await s.execute(delete(OutboundMessage).where(OutboundMessage.chat_id == employee.telegram_id))
    await s.execute(delete(ChatSession).where(ChatSession.telegram_id == employee.telegram_id))
    # Keyed by the chat, not the employee: the file_ids of the transcripts and certificates sent
    # to them, and when they may next ask for one.
    await s.execute(delete(SentFile).where(SentFile.owner == employee.telegram_id))
    await s.execute(delete(Cooldown).where(Cooldown.telegram_id == employee.telegram_id))
    result = await s.execute(
        delete(Employee).where(
            Employee.id == employee.id, Employee.telegram_id == employee.telegram_id
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise AlreadyErased
    return retained


class AlreadyErased(Exception):
    """The employee row was gone when the delete ran: the caller's transaction rolls back."""


async def expired_retained(s: AsyncSession, now: datetime) -> int:
    result = await s.execute(delete(RetainedRecord).where(RetainedRecord.keep_until < now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
