"""Benchmarks of the production set-up: webhook against polling, PostgreSQL against SQLite.

Measured in one run, so the machine's noise hits all figures alike:
- the quiz-answer hot path (and "next card") of the bot process on SQLite, by long polling and
  by webhook (the fake Bot API POSTs the updates, up to 40 at a time);
- the same hot paths by long polling on PostgreSQL (a fresh database, migrated to head);
- the province recap (``reports.opd_recap``) at 300,000 employees with ten ledger rows each,
  on SQLite (``bench/hours.py``'s generated file) and on PostgreSQL (the same synthetic data,
  generated with ``generate_series``, then ``ANALYZE``): the first run and the warm second run.

PostgreSQL comes from ``SINAU_BENCH_POSTGRES_URL`` or ``SINAU_TEST_DATABASE_URL`` (a server
URL such as ``postgresql+asyncpg://postgres@127.0.0.1:5432/sinau``; each part of the benchmark
creates its own database there and drops it afterwards). Without either, the PostgreSQL figures
are skipped with a note:

    ./scripts/with-postgres .venv/bin/python bench/production.py
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import hours  # noqa: E402
from bench.learning_loop import TOKEN, Figure, bot_run  # noqa: E402
from bot.emulator import FakeBotApi  # noqa: E402
from bot.store import reports  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.session import Database  # noqa: E402

SKIPPED = "skipped: set SINAU_BENCH_POSTGRES_URL or SINAU_TEST_DATABASE_URL"


def postgres_server_url() -> str | None:
    return os.environ.get("SINAU_BENCH_POSTGRES_URL") or os.environ.get("SINAU_TEST_DATABASE_URL")


def _plain(url: str) -> str:
    """The asyncpg DSN of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards."""
    name = f"sinau_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_plain(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _rate(figures: list[Figure], name: str) -> float:
    return next(f.value for f in figures if f.name == name)


async def hot_paths(
    users: int, presses_per_user: int, database_url: str | None, webhook: bool
) -> dict[str, float]:
    """Updates/s of "next card" and "answer a quiz poll" in one bot run (its own fake API)."""
    async with FakeBotApi(token=TOKEN) as fake:
        figures = await bot_run(fake, users, presses_per_user, database_url, webhook=webhook)
        bad = [f for f in figures if f.name == "Bot API violations"]
        if bad:
            raise RuntimeError(f"Bot API violations: {bad[0].note}")
    return {"next card": _rate(figures, "next card"), "quiz": _rate(figures, "answer a quiz poll")}


def _ratio(value: float, base: float, of: str) -> str:
    return f"{value / base:.2f}x {of}"


async def learning_figures(users: int, presses_per_user: int, postgres: str | None) -> list[Figure]:
    polling = await hot_paths(users, presses_per_user, None, webhook=False)
    hook = await hot_paths(users, presses_per_user, None, webhook=True)
    figures = [
        Figure("quiz answer: polling, SQLite", polling["quiz"], "updates/s"),
        Figure(
            "quiz answer: webhook, SQLite",
            hook["quiz"],
            "updates/s",
            _ratio(hook["quiz"], polling["quiz"], "polling"),
        ),
        Figure("next card: polling, SQLite", polling["next card"], "updates/s"),
        Figure(
            "next card: webhook, SQLite",
            hook["next card"],
            "updates/s",
            _ratio(hook["next card"], polling["next card"], "polling"),
        ),
    ]
    if postgres is None:
        return [
            *figures,
            Figure("next card: polling, PostgreSQL", math.nan, "updates/s", SKIPPED),
            Figure("quiz answer: polling, PostgreSQL", math.nan, "updates/s", SKIPPED),
        ]
    async with fresh_database(postgres) as url:
        pg = await hot_paths(users, presses_per_user, url, webhook=False)
    return [
        *figures,
        Figure(
            "next card: polling, PostgreSQL",
            pg["next card"],
            "updates/s",
            _ratio(pg["next card"], polling["next card"], "SQLite"),
        ),
        Figure(
            "quiz answer: polling, PostgreSQL",
            pg["quiz"],
            "updates/s",
            _ratio(pg["quiz"], polling["quiz"], "SQLite"),
        ),
    ]


def generate_sql(employees: int) -> str:
    """``bench/hours.py``'s synthetic province, in PostgreSQL: the same rows, set-based."""
    opds, rows, year = hours.OPDS, hours.ROWS_PER_EMPLOYEE, hours.YEAR
    return f"""
        INSERT INTO employees (id, telegram_id, nip, name, opd_code, unit_kerja, jabatan, golongan,
                               kind, is_active, consent_at, verified_at, verified_via,
                               streak_days,
                               created_at, updated_at)
        SELECT i, 1000000 + i, lpad(i::text, 18, '0'),
               'Pegawai ' || lpad(((i * 7919) % {employees})::text, 6, '0'),
               CASE WHEN i <= {hours.big_opd(employees)} THEN 'opd-00'
                    ELSE 'opd-' || lpad((1 + i % {opds - 1})::text, 2, '0') END,
               'Unit ' || (i % 12), 'Analis', 'III/a', 'PNS', true,
               '2026-01-05 00:00:00+00', '2026-01-05 00:00:00+00', 'admin', 0,
               '2026-01-05 00:00:00+00', '2026-01-05 00:00:00+00'
        FROM generate_series(1::bigint, {employees}) AS i;
        INSERT INTO jp_ledger (employee_id, year, minutes, source_kind, source_id, title,
                               category, activity_kind, organiser, started_on, ended_on,
                               certificate_no, evidence, credited_at)
        SELECT (i - 1) / {rows} + 1,
               CASE WHEN i % 5 = 0 THEN {year - 1} ELSE {year} END,
               15 + (i * 37) % 180,
               CASE WHEN i % 7 = 0 THEN 'external' ELSE 'module' END,
               'm' || (i % {rows}),
               'Modul ' || (i % 40),
               CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN 'teknis'
                    WHEN i % 3 = 1 THEN 'manajerial' ELSE 'sosial_kultural' END,
               'E-learning (mikro)', 'BPSDMD', '2026-03-02', '2026-03-04',
               NULL, '{{}}', '2026-03-04 03:00:00+00'
        FROM generate_series(1::bigint, {employees * rows}) AS i;
        SELECT setval(pg_get_serial_sequence('employees', 'id'), {employees});
        SELECT setval(pg_get_serial_sequence('jp_ledger', 'id'), {employees * rows});
        ANALYZE;
    """


async def recap_times(url: str, employees: int) -> tuple[float, float, list[reports.OpdRecap]]:
    """Seconds of the province recap: the first run, then the warm second run; and the recap."""
    db = Database(url)
    times = []
    recap: list[reports.OpdRecap] = []
    try:
        for _ in range(2):
            started = time.perf_counter()
            async with db.transaction() as s:
                recap = await reports.opd_recap(s, hours.YEAR, hours.TARGET)
            times.append(time.perf_counter() - started)
            assert len(recap) == hours.OPDS and sum(r.employees for r in recap) == employees
    finally:
        await db.dispose()
    return times[0], times[1], recap


async def report_figures(employees: int, postgres: str | None) -> list[Figure]:
    label = f"{employees // 1000}k employees"
    path = Path("/tmp/sinau-bench") / f"hours-{employees}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(hours.generate, path, employees)
    lite_first, lite, lite_recap = await recap_times(f"sqlite+aiosqlite:///{path}", employees)
    figures = [
        Figure(f"province recap ({label}), SQLite, first", lite_first, "s"),
        Figure(f"province recap ({label}), SQLite, warm", lite, "s", "target < 3 s"),
    ]
    if postgres is None:
        return [
            *figures,
            Figure(f"province recap ({label}), PostgreSQL, warm", math.nan, "s", SKIPPED),
        ]
    async with fresh_database(postgres) as url:
        db = Database(url)
        await upgrade_to_head(db.engine)
        await db.dispose()
        started = time.perf_counter()
        connection = await asyncpg.connect(_plain(url))
        try:
            await connection.execute(generate_sql(employees))
        finally:
            await connection.close()
        generated = time.perf_counter() - started
        pg_first, pg, pg_recap = await recap_times(url, employees)
    assert pg_recap == lite_recap, "PostgreSQL's synthetic data differs from SQLite's"
    return [
        *figures,
        Figure(
            f"province recap ({label}), PostgreSQL, first",
            pg_first,
            "s",
            f"data generated in {generated:.0f} s",
        ),
        Figure(
            f"province recap ({label}), PostgreSQL, warm",
            pg,
            "s",
            f"{pg / lite:.2f}x SQLite (target < 3 s)",
        ),
    ]


async def main(
    users: int = 1000, presses_per_user: int = 4, employees: int = 300_000
) -> list[Figure]:
    postgres = postgres_server_url()
    figures = await learning_figures(users, presses_per_user, postgres)
    figures += await report_figures(employees, postgres)
    return figures


if __name__ == "__main__":
    for row in asyncio.run(main()):
        print(row)
