"""A small province for the Mini App's tests (API and browser): two OPDs, every role, credits
in minutes (a PNS's target of 20 JP is 900 minutes), and initData signed as Telegram signs it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from sqlalchemy import select

from bot.core.webapp_auth import sign
from bot.store import ledger
from db.models import AdminRole, Employee, ExternalTraining
from db.session import Database
from tests.support import TEST_TOKEN

P, Q = "prov-setda", "prov-bappeda"
SUPER, ADMIN, LEARNER, BEHIND, OTHER, STRANGER = 1, 2, 3, 4, 6, 99


def nip(n: int) -> str:
    return f"1990010120180120{n:02d}"


async def seed(db: Database) -> None:
    """P: a superadmin (1), an OPD admin (2), a learner at target (3: 900 minutes), one behind
    (4: 300). Q: one waiting for verification (5: 100 minutes, counted nowhere), one verified
    with nothing (6). A PNS's target is 20 JP = 900 minutes."""
    people = [
        (SUPER, P, "Bu Super", True, []),
        (ADMIN, P, "Pak Admin", True, []),
        (LEARNER, P, "Sri Rahayu", True, [(600, "module", 3), (300, "external", 7)]),
        (BEHIND, P, "Budi Santoso", True, [(300, "module", 8)]),
        (5, Q, "Tono Menunggu", False, [(100, "module", 4)]),
        (OTHER, Q, "Wati Lain", True, []),
    ]
    async with db.transaction() as s:
        for number, opd, name, verified, credits in people:
            employee = Employee(
                telegram_id=number,
                nip=nip(number),
                name=name,
                opd_code=opd,
                kind="PNS",
                consent_at=datetime(2026, 1, 1, tzinfo=UTC),
                verified_at=datetime(2026, 1, 2, tzinfo=UTC) if verified else None,
            )
            s.add(employee)
            await s.flush()
            if number == SUPER:
                s.add(AdminRole(employee_id=employee.id, role="superadmin", granted_by=0))
            if number == ADMIN:
                s.add(
                    AdminRole(employee_id=employee.id, role="opd_admin", opd_code=P, granted_by=0)
                )
            for index, (minutes, kind, month) in enumerate(credits):
                await ledger.credit(
                    s,
                    ledger.Credit(
                        employee_id=employee.id,
                        year=2026,
                        minutes=minutes,
                        source_kind=kind,
                        source_id=f"s{index}",
                        title=f"Kursus {index}",
                        category="teknis" if kind == "module" else None,
                        activity_kind="E-learning (mikro)",
                        organiser="BPSDMD",
                        started_on=date(2026, month, 1),
                        ended_on=date(2026, month, 2),
                        evidence={"score": 90, "attempts": 1, "reading_seconds": 600},
                        credited_at=datetime(2026, month, 2, tzinfo=UTC),
                    ),
                )


def signed(uid: int, auth_date: float, token: str = TEST_TOKEN) -> str:
    fields = {
        "auth_date": str(int(auth_date)),
        "query_id": "AAQ",
        "user": json.dumps({"id": uid, "first_name": "X"}, separators=(",", ":")),
    }
    fields["hash"] = sign(fields, token)
    return urlencode(fields)


async def add_report(db: Database, telegram_id: int, jp_centi: int = 400) -> int:
    """A pending outside-training report of the employee with ``telegram_id``."""
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        report = ExternalTraining(
            employee_id=employee.id,
            opd_code=employee.opd_code,
            title="Webinar Literasi Digital",
            organiser="Kominfo",
            activity_kind="webinar",
            started_on=date(2026, 11, 10),
            ended_on=date(2026, 11, 10),
            jp_centi=jp_centi,
            certificate_no=f"KOM/{telegram_id}/2026",
            certificate_key=f"kom{telegram_id}2026",
            file_id=f"file-{telegram_id}",
            file_unique_id=f"u{telegram_id}",
            file_kind="photo",
            submitted_at=datetime(2026, 11, 11, tzinfo=UTC),
        )
        s.add(report)
        await s.flush()
        return report.id
