"""Benchmark of required learning (assignments) on SQLite, with a synthetic province.

300,000 employees in 35 OPDs, three module credits each in the ledger (each with its
``module_progress`` row, and a third of them have also started gratifikasi), and 50 assignments: 10
province-wide and 40 for one OPD each, 3.3 million member rows. Their due dates are spread so
that on the measured day one province-wide assignment is 7 days ahead (300,000 first
reminders), one province-wide is 14 days overdue (its weekly reminder), and four OPD ones are
due tomorrow or today; the rest have no reminder that day. Measured, each beside a baseline of
the same run (these machines are noisy):

- the assignment tick of that day (``AssignmentService.tick``: the daily top-up of new members,
  who is completed, one outbox row per person, everyone moved on) with the rows it wrote and
  the RSS growth; baselines: ``COUNT(*)`` over employees and over the member rows, and the same
  tick again the same day (nothing left to do). Targets: < 5 s, RSS growth < 100 MB.
- the compliance report per OPD of all 50 assignments (``AssignmentService.compliance``: a
  GROUP BY over the members' stored completions), first and warm; baselines: the same report
  derived from the ledger as it was before the completions were stored
  (``compliance_from_ledger``, whose counts it must equal) and the province recap of the
  ledger (``reports.opd_recap``). Target < 3 s warm.
- bringing the stored completions up to date after 5,000 people passed a module
  (``AssignmentService.refresh``, run before each report and by the tick).

The members are added by ``store.add_members`` itself (as creating each assignment does, with
the completions found in the ledger at membership time); the time of the province-wide ones is
reported as ``add_members``.

    .venv/bin/python bench/assignments.py [--employees 300000] [--dir /tmp/sinau-bench]

The generated database is kept in ``--dir`` and copied for each run (the tick changes it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hours import PeakRss  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.content_loader import load_catalog  # noqa: E402
from bot.core.jp import Targets  # noqa: E402
from bot.services.assignments import AssignmentService  # noqa: E402
from bot.store import assignments as store  # noqa: E402
from bot.store import reports  # noqa: E402
from bot.store.assignment_completions import mark_passed  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Assignment  # noqa: E402
from db.session import Database  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=WIB).astimezone(UTC)
OPDS = 35
PROVINCE, PER_OPD = 10, 40
CREDITS = 3
MODULES = (
    "gratifikasi",
    "berakhlak",
    "kode-etik-asn",
    "pelindungan-data-pribadi",
    "keamanan-informasi",
    "netralitas-asn",
    "disiplin-pns",
    "kearsipan",
)


def plan(opds: list[str]) -> list[tuple[int, str | None, str, date, int | None]]:
    """(id, OPD or None, module, due date, recurrence) of the 50 assignments."""
    rows: list[tuple[int, str | None, str, date, int | None]] = []
    province_offsets = [7, -14, 3, 11, 20, 30, -5, -9, 45, 60]  # days from TODAY
    for i, offset in enumerate(province_offsets):
        months = 12 if i % 2 else None
        rows.append((i + 1, None, MODULES[i % len(MODULES)], TODAY + timedelta(offset), months))
    for j in range(PER_OPD):
        offset = (1, 0, 1, 0)[j] if j < 4 else 2 + (j * 3) % 50
        rows.append(
            (
                PROVINCE + j + 1,
                opds[j % len(opds)],
                MODULES[j % len(MODULES)],
                TODAY + timedelta(offset),
                None,
            )
        )
    return rows


def generate(path: Path, employees: int, opds: list[str]) -> float:
    started = time.perf_counter()
    db = Database(f"sqlite+aiosqlite:///{path}")
    asyncio.run(_migrate(db))
    c = sqlite3.connect(path)
    opd_case = " ".join(f"WHEN {k} THEN '{code}'" for k, code in enumerate(opds))
    module_case = " ".join(f"WHEN {k} THEN '{m}'" for k, m in enumerate(MODULES))
    c.executescript(
        f"""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees})
        INSERT INTO employees (id, telegram_id, nip, name, opd_code, unit_kerja, jabatan,
                               golongan, kind, is_active, consent_at, verified_at, verified_via,
                               streak_days, announcements_opt_out, created_at, updated_at)
        SELECT i, 1000000 + i, printf('%018d', i), 'Pegawai ' || i,
               CASE i % {OPDS} {opd_case} END, 'Unit ' || (i % 12), 'Analis', 'III/a',
               CASE WHEN i % 5 = 0 THEN 'PPPK' ELSE 'PNS' END, 1,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00', 'admin', 0, 0,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00'
        FROM n;
        WITH RECURSIVE n(i) AS (
            SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {employees * CREDITS - 1})
        INSERT INTO jp_ledger (employee_id, year, minutes, source_kind, source_id, title,
                               category, activity_kind, organiser, started_on, ended_on,
                               certificate_no, evidence, credited_at)
        SELECT i / {CREDITS} + 1, 2026, 20, 'module',
               CASE ((i / {CREDITS}) * 5 + (i % {CREDITS}) * 3) % {len(MODULES)} {module_case} END,
               'Modul', 'teknis', 'E-learning (mikro)', 'BPSDMD', '2026-03-02', '2026-03-04',
               NULL, '{{}}',
               CASE WHEN i % 4 = 0 THEN '2025-06-04 03:00:00' ELSE '2026-03-04 03:00:00' END
        FROM n;
        INSERT INTO module_progress (employee_id, module_id, content_version, current_card,
                                     furthest_card, started_at, completed_at, best_score,
                                     attempts, reading_seconds, reread_mask, updated_at)
        SELECT employee_id, source_id, 1, 5, 5, credited_at, credited_at, 90, 1, 300, 0,
               credited_at
        FROM jp_ledger;
        INSERT OR IGNORE INTO module_progress (employee_id, module_id, content_version,
                                               current_card, furthest_card, started_at,
                                               attempts, reading_seconds, reread_mask,
                                               updated_at)
        SELECT id, 'gratifikasi', 1, 1, 1, '2026-11-01 00:00:00', 0, 60, 0,
               '2026-11-01 00:00:00'
        FROM employees WHERE id % 3 = 0;
        -- Migration 0014 wrote the mark (of an empty table); the rows above are history.
        UPDATE assignment_marks SET value = (SELECT MAX(id) FROM module_progress)
        WHERE name = 'started';
        """
    )
    for aid, opd, module, due, months in plan(opds):
        audience = json.dumps({"opd": opd} if opd else {})
        c.execute(
            "INSERT INTO assignments (id, created_by, scope_opd, target_kind, target_id, title,"
            " audience, due_on, recurrence_months, join_days, status, created_at)"
            " VALUES (?, 1, ?, 'module', ?, ?, ?, ?, ?, 30, 'active', '2026-10-01 00:00:00')",
            (aid, opd, module, f"Wajib {module}", audience, due.isoformat(), months),
        )
    c.commit()
    c.close()
    add_members = asyncio.run(_add_members(path, opds))
    c = sqlite3.connect(path)
    c.execute("ANALYZE")
    c.commit()
    c.close()
    return time.perf_counter() - started, add_members


async def _add_members(path: Path, opds: list[str]) -> float:
    """Every assignment's members by ``store.add_members``, with their completions (the
    next reminder as the daily ticks before today left it); the province-wide ones timed."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    catalog = load_catalog(ROOT / "content")
    province = 0.0
    try:
        for aid, opd, _module, due, _months in plan(opds):
            started = time.perf_counter()
            async with db.transaction() as s:
                assignment = await s.get(Assignment, aid)
                assert assignment is not None
                await store.add_members(
                    s,
                    assignment,
                    due,
                    TODAY,
                    datetime(2026, 10, 1, tzinfo=UTC),
                    modules=store.target_modules(catalog, assignment),
                    tz=WIB,
                )
            if opd is None:
                province += time.perf_counter() - started
    finally:
        await db.dispose()
    return province / PROVINCE


async def _migrate(db: Database) -> None:
    await upgrade_to_head(db.engine)
    await db.dispose()


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


async def measure(path: Path, employees: int) -> dict[str, float]:
    url = f"sqlite+aiosqlite:///{path}"
    settings = Settings(
        TELEGRAM_BOT_TOKEN="123456:BENCH-abcdefghijklmnopqrstuvwxyz", DATABASE_URL=url
    )
    catalog = load_catalog(ROOT / "content")
    db = Database(url)
    figures: dict[str, float] = {}
    try:
        service = AssignmentService(db, catalog, lambda: NOW, settings)
        for name, sql in (
            ("count_employees", "SELECT COUNT(*) FROM employees"),
            ("count_members", "SELECT COUNT(*) FROM assignment_members"),
        ):
            from sqlalchemy import text

            started = time.perf_counter()
            async with db.transaction() as s:
                figures[name + "_rows"] = float((await s.execute(text(sql))).scalar_one())
            figures[name] = time.perf_counter() - started

        before = rss_mb()
        with PeakRss() as peak:
            started = time.perf_counter()
            report = await service.tick()
            figures["tick"] = time.perf_counter() - started
        figures["tick_rss_growth_mb"] = peak.peak / 2**20 - before
        figures["tick_enqueued"] = float(report.enqueued)
        figures["tick_rows_written"] = float(report.rows_written)
        figures["tick_assignments_due"] = float(report.assignments_due)
        started = time.perf_counter()
        again = await service.tick()
        figures["tick_again"] = time.perf_counter() - started
        figures["tick_again_rows"] = float(again.rows_written)

        runs = []
        for _ in range(2):
            started = time.perf_counter()
            found = await service.compliance()
            runs.append(time.perf_counter() - started)
        assert len(found) == PROVINCE + PER_OPD
        figures["compliance_first"], figures["compliance_warm"] = runs
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            baseline = await service.compliance_from_ledger()
            runs.append(time.perf_counter() - started)
        figures["ledger_first"], figures["ledger_warm"] = runs
        stored = {(a.id, opd): replace(c, on_time=0) for a, by in found for opd, c in by.items()}
        derived = {(a.id, opd): c for a, by in baseline for opd, c in by.items()}
        assert stored == derived, "the stored completions disagree with the ledger"
        figures["completed"] = float(sum(c.completed for a, by in found for c in [by[None]]))
        figures["on_time"] = float(sum(c.on_time for a, by in found for c in [by[None]]))

        async with db.transaction() as s:  # 5,000 people passed a module since the last one
            for employee_id in range(1, employees + 1, max(employees // 5000, 1)):
                await mark_passed(s, employee_id)
        started = time.perf_counter()
        async with db.transaction() as s:
            figures["refresh_rows"] = float(await service.refresh(s))
        figures["refresh"] = time.perf_counter() - started
        started = time.perf_counter()
        async with db.transaction() as s:
            await reports.opd_recap(s, 2026, Targets(900, 900))
        figures["recap_baseline"] = time.perf_counter() - started
    finally:
        await db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=300_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sinau-bench"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    opds = sorted(load_catalog(ROOT / "content").opds)[:OPDS]
    source = args.dir / f"assignments-{args.employees}-v3.db"
    generated, add_members = 0.0, 0.0
    if not source.exists():
        generated, add_members = generate(source, args.employees, opds)
    work = args.dir / f"assignments-{args.employees}-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, work)
    figures = asyncio.run(measure(work, args.employees))
    figures["generate_s"] = generated
    figures["add_members_province"] = add_members
    if args.json:
        print(json.dumps(figures))
        return
    f = figures
    members = f["count_members_rows"]
    print(f"\n{args.employees:,} employees, {members:,.0f} member rows, 50 assignments")
    print(f"baseline COUNT(*) employees         {f['count_employees']:8.3f} s")
    print(f"baseline COUNT(*) assignment members {f['count_members']:8.3f} s")
    print(
        f"assignment tick                      {f['tick']:8.3f} s  "
        f"({f['tick_assignments_due']:.0f} assignments due, {f['tick_enqueued']:,.0f} "
        f"reminders queued, {f['tick_rows_written']:,.0f} rows written, "
        f"RSS +{f['tick_rss_growth_mb']:.0f} MB)  target < 5 s, < 100 MB"
    )
    print(
        f"the same tick again (nothing to do)  {f['tick_again']:8.3f} s  "
        f"({f['tick_again_rows']:.0f} rows written)"
    )
    print(
        f"compliance per OPD, first            {f['compliance_first']:8.3f} s  "
        f"({f['completed']:,.0f} completed, {f['on_time']:,.0f} on time)"
    )
    print(f"compliance per OPD, warm             {f['compliance_warm']:8.3f} s  target < 3 s")
    print(f"baseline: from the ledger, first     {f['ledger_first']:8.3f} s")
    print(f"baseline: from the ledger, warm      {f['ledger_warm']:8.3f} s  (same counts)")
    print(
        f"refresh after 5,000 passes           {f['refresh']:8.3f} s  "
        f"({f['refresh_rows']:,.0f} member rows changed)"
    )
    if f["add_members_province"]:
        print(
            f"add_members, one province-wide      {f['add_members_province']:8.3f} s  "
            "(creating it, with completions found in the ledger)"
        )
    print(f"baseline province JP recap           {f['recap_baseline']:8.3f} s")


if __name__ == "__main__":
    main()
