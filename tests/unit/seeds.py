"""Databases filled by hand for the report and operator tests: a small province whose report
numbers were computed by hand, and the rows an operator's counts are checked against."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot import texts
from bot.store import ledger
from db.models import (
    Broadcast,
    Employee,
    ExternalTraining,
    JpLedgerEntry,
    OutboundMessage,
    Reminder,
)
from db.session import Database


async def seed_province(db: Database) -> None:
    """Three OPDs. Credits in minutes (45 a JP; the PNS target of 20 JP is 900) in 2026 unless
    said otherwise:

    A: a1 675 (teknis) + 270 (external) = 945 -> reached; a2 900 (manajerial, a PPPK) -> reached
       at a PPPK target of 20 JP; a3 877 (teknis) -> not; a4 nothing in 2026, 1350 in 2025 ->
       not. A's total is 2722 minutes.
    B: b1 225 (sosial_kultural) -> not.
    C: c1 1125 (teknis) -> reached; c2 1125 (teknis) -> reached.
    """
    people: list[tuple[str, str, list[tuple[int, str | None, int, str]]]] = [
        ("A", "a1", [(675, "teknis", 2026, "module"), (270, None, 2026, "external")]),
        ("A", "a2", [(900, "manajerial", 2026, "module")]),
        ("A", "a3", [(877, "teknis", 2026, "module")]),
        ("A", "a4", [(1350, "teknis", 2025, "module")]),
        ("B", "b1", [(225, "sosial_kultural", 2026, "module")]),
        ("C", "c1", [(1125, "teknis", 2026, "module")]),
        ("C", "c2", [(1125, "teknis", 2026, "module")]),
    ]
    async with db.transaction() as s:
        for number, (opd, name, credits) in enumerate(people, start=1):
            employee = Employee(
                telegram_id=1000 + number,
                nip=f"1990010120180120{number:02d}",
                name=name,
                opd_code=opd,
                kind="PPPK" if name == "a2" else "PNS",
                consent_at=datetime(2026, 1, 1, tzinfo=UTC),
                verified_at=datetime(2026, 1, 2, tzinfo=UTC),
            )
            s.add(employee)
            await s.flush()
            for index, (minutes, category, year, kind) in enumerate(credits):
                await ledger.credit(
                    s,
                    ledger.Credit(
                        employee_id=employee.id,
                        year=year,
                        minutes=minutes,
                        source_kind=kind,
                        source_id=f"s{index}",
                        title=f"Kursus {index}",
                        category=category,
                        activity_kind=(
                            "webinar" if kind == "external" else texts.ACTIVITY_KIND_MODULE
                        ),
                        organiser="Penyelenggara",
                        started_on=date(year, 5, 1),
                        ended_on=date(year, 5, 2),
                        certificate_no="C-1" if kind == "external" else None,
                        evidence={},
                        credited_at=datetime(year, 5, 2, tzinfo=UTC),
                    ),
                )


TZ = ZoneInfo("Asia/Jakarta")

# 10:00 WIB on 25 November 2026; the month began (local time) at 2026-10-31 17:00 UTC.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def employee_row(i: int, created: datetime, active: bool = True) -> dict[str, object]:
    return {
        "telegram_id": 5000 + i,
        "nip": f"1986092620150510{i:02d}",
        "name": f"Pegawai {i}",
        "opd_code": "3328",
        "kind": "PNS",
        "is_active": active,
        "consent_at": created,
        "created_at": created,
        "updated_at": created,
    }


def credit_row(
    employee_id: int, year: int, kind: str, source: str, minutes: int
) -> dict[str, object]:
    day = date(year, 3, 1)
    return {
        "employee_id": employee_id,
        "year": year,
        "minutes": minutes,
        "source_kind": kind,
        "source_id": source,
        "title": "Modul",
        "activity_kind": "e-learning (mikro)",
        "organiser": "BPSDMD",
        "started_on": day,
        "ended_on": day,
    }


async def seed_operations(db: Database) -> None:
    # The local month starts at 2026-11-01 00:00 WIB = 2026-10-31 17:00 UTC.
    month_start = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    async with db.transaction() as s:
        await s.execute(
            insert(Employee),
            [
                employee_row(1, month_start - timedelta(minutes=1)),  # last month, by local time
                employee_row(2, month_start),
                employee_row(3, NOW - timedelta(days=1), active=False),
                employee_row(4, NOW - timedelta(days=400)),
            ],
        )
    async with db.transaction() as s:
        await s.execute(
            insert(JpLedgerEntry),
            [
                credit_row(1, 2026, "module", "berakhlak", 68),
                credit_row(2, 2026, "module", "berakhlak", 68),
                credit_row(2, 2026, "external", "1", 360),
                credit_row(1, 2025, "module", "literasi-digital", 90),
            ],
        )
        await s.execute(
            insert(Reminder),
            [
                {"employee_id": 1, "enabled": True, "minute_of_day": 600, "next_due_at": NOW},
                {
                    "employee_id": 2,
                    "enabled": True,
                    "minute_of_day": 600,
                    "next_due_at": NOW + timedelta(minutes=59),
                },
                {
                    "employee_id": 3,
                    "enabled": True,
                    "minute_of_day": 600,
                    "next_due_at": NOW + timedelta(hours=2),
                },
                {"employee_id": 4, "enabled": False, "minute_of_day": 600, "next_due_at": None},
            ],
        )
        await s.execute(
            insert(Broadcast),
            [
                {"created_by": 1, "text": "a", "status": "done", "audience": {}},
                {"created_by": 1, "text": "b", "status": "done", "audience": {}},
                {"created_by": 1, "text": "c", "status": "scheduled", "audience": {}},
            ],
        )
        await s.execute(
            insert(OutboundMessage),
            [
                {"kind": "reminder", "dedup_key": f"k{i}", "chat_id": 5001, "status": status}
                for i, status in enumerate(["pending", "pending", "sent", "failed", "sent"])
            ],
        )
        await s.execute(
            insert(ExternalTraining),
            [
                {
                    "employee_id": 1,
                    "opd_code": "3328",
                    "title": "Diklat",
                    "organiser": "LAN",
                    "activity_kind": "pelatihan",
                    "started_on": date(2026, 11, 2),
                    "ended_on": date(2026, 11, 3),
                    "jp_centi": 800,
                    "certificate_no": f"C-{i}",
                    "certificate_key": f"c{i}",
                    "file_id": "f",
                    "file_unique_id": f"u{i}",
                    "file_kind": "photo",
                    "status": status,
                }
                for i, status in enumerate(["pending", "approved", "pending"])
            ],
        )
