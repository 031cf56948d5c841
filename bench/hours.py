"""Benchmark of the training-hours reports on SQLite, with a synthetic province.

For each size (default 30,000 and 300,000 employees in 60 OPDs, ten ledger rows each, four in
five of them in the reported year) it generates the database with set-based SQL (recursive CTEs,
seconds, not minutes), then times, in a fresh process state:

- recap: the province-wide per-OPD recap for a year (``reports.opd_recap``), target < 3 s;
- xlsx: the per-employee XLSX export of the largest OPD (1/30 of all employees: 10,000 at
  300,000), query + workbook, target < 10 s;
- the peak RSS of this process throughout (sampled every 20 ms), target < 300 MB.

    .venv/bin/python bench/hours.py [--sizes 30000,300000] [--dir /tmp/sinau-bench]

Generated databases are kept in ``--dir`` and reused; delete them to regenerate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.jp import JpScale, Targets  # noqa: E402
from bot.documents import columns as report_columns  # noqa: E402
from bot.services import reports as report_files  # noqa: E402
from bot.store import reports  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.session import Database  # noqa: E402

OPDS = 60
ROWS_PER_EMPLOYEE = 10
YEAR = 2026
TARGET = Targets(pns=900, pppk=900)  # 20 JP of 45 minutes, in minutes


class PeakRss:
    """The largest RSS seen while the block runs, sampled in a background thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def big_opd(employees: int) -> int:
    return employees // 30


def ledger_sql(employees: int) -> str:
    """Ten credits (in minutes) for each of employees 1..N, a fifth of them last year: the
    synthetic ledger of the report benchmarks (this one and ``bench/webapp.py``)."""
    return f"""
        WITH RECURSIVE n(i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees * ROWS_PER_EMPLOYEE})
        INSERT INTO jp_ledger (employee_id, year, minutes, source_kind, source_id, title,
                               category, activity_kind, organiser, started_on, ended_on,
                               certificate_no, evidence, credited_at)
        SELECT (i - 1) / {ROWS_PER_EMPLOYEE} + 1,
               CASE WHEN i % 5 = 0 THEN {YEAR - 1} ELSE {YEAR} END,
               15 + (i * 37) % 180,
               CASE WHEN i % 7 = 0 THEN 'external' ELSE 'module' END,
               'm' || (i % {ROWS_PER_EMPLOYEE}),
               'Modul ' || (i % 40),
               CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN 'teknis'
                    WHEN i % 3 = 1 THEN 'manajerial' ELSE 'sosial_kultural' END,
               'E-learning (mikro)', 'BPSDMD', '2026-03-02', '2026-03-04',
               NULL, '{{}}', '2026-03-04 03:00:00'
        FROM n;
        """


def generate(path: Path, employees: int) -> float:
    """Employees 1..N (the first N/30 in OPD ``opd-00``, the rest spread over 59 others) and
    ten credits each; returns the seconds it took."""
    started = time.perf_counter()
    db = Database(f"sqlite+aiosqlite:///{path}")
    asyncio.run(_migrate(db))
    connection = sqlite3.connect(path)
    connection.executescript(
        f"""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees})
        INSERT INTO employees (id, telegram_id, nip, name, opd_code, unit_kerja, jabatan, golongan,
                               kind, is_active, consent_at, verified_at, verified_via,
                               streak_days,
                               created_at, updated_at)
        SELECT i, 1000000 + i, printf('%018d', i),
               'Pegawai ' || printf('%06d', (i * 7919) % {employees}),
               CASE WHEN i <= {big_opd(employees)} THEN 'opd-00'
                    ELSE 'opd-' || printf('%02d', 1 + i % {OPDS - 1}) END,
               'Unit ' || (i % 12), 'Analis', 'III/a', 'PNS', 1,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00', 'admin', 0,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00'
        FROM n;
        {ledger_sql(employees)}
        """
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return time.perf_counter() - started


async def _migrate(db: Database) -> None:
    await upgrade_to_head(db.engine)
    await db.dispose()


async def measure(path: Path, employees: int) -> dict[str, float]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        # Twice: the first query may read the file from disk (how much depends on what the
        # machine's page cache holds), the second shows the query itself.
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            async with db.transaction() as s:
                recap = await reports.opd_recap(s, YEAR, TARGET)
            runs.append(time.perf_counter() - started)
            assert len(recap) == OPDS and sum(r.employees for r in recap) == employees
        recap_s, recap_again_s = runs

        started = time.perf_counter()
        async with db.transaction() as s:
            table = await report_files.employee_table(s, YEAR, TARGET, "opd-00")
        data = await asyncio.to_thread(
            report_files.xlsx, report_columns.EMPLOYEE_COLUMNS, table, "x", JpScale(45)
        )
        xlsx_s = time.perf_counter() - started
        assert len(table) == big_opd(employees) and data[:2] == b"PK"
    finally:
        await db.dispose()
    return {
        "recap": recap_s,
        "recap_again": recap_again_s,
        "xlsx": xlsx_s,
        "xlsx_rows": len(table),
        "xlsx_kb": len(data) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30000,300000")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sinau-bench"))
    parser.add_argument("--json", action="store_true", help="one JSON line (for bench/run.py)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for employees in (int(s) for s in args.sizes.split(",")):
        path = args.dir / f"hours-{employees}.db"
        generated = generate(path, employees) if not path.exists() else 0.0
        with PeakRss() as rss:
            figures = asyncio.run(measure(path, employees))
        results.append((employees, generated, figures, rss.peak / 2**20))

    if args.json:
        print(
            json.dumps(
                [{"employees": e, "generate_s": g, "peak_rss_mb": p, **f} for e, g, f, p in results]
            )
        )
        return
    print()
    print(
        f"{'employees':>10} {'ledger rows':>12} {'generate s':>10} {'recap s':>8} "
        f"{'xlsx rows':>9} {'xlsx s':>7} {'xlsx KB':>8} {'peak RSS MB':>11}"
    )
    for employees, generated, f, peak in results:
        print(
            f"{employees:>10,} {employees * ROWS_PER_EMPLOYEE:>12,} {generated:>10.1f} "
            f"{f['recap']:>8.2f} {f['xlsx_rows']:>9,.0f} {f['xlsx']:>7.2f} {f['xlsx_kb']:>8.0f} "
            f"{peak:>11.0f}"
        )
    print("targets at 300,000: recap < 3 s, xlsx (10,000 rows) < 10 s, RSS < 300 MB")


if __name__ == "__main__":
    main()
