"""Benchmark of the Mini App dashboard's API, through HTTP, on SQLite with a synthetic province.

At 300,000 employees (ten ledger rows each, four in five in the reported year) in the 77 agencies
of ``content/opd.yaml``, one of them with 5,000 employees, the real ``/app/`` server (aiohttp,
the dashboard service, signed ``initData``) is timed, warm (the median of the runs after a first
one that reads the file into the page cache):

- province: ``POST /app/api/province`` (every agency's recap), target < 500 ms;
- agency: ``POST /app/api/agency`` of the 5,000-employee agency (its recap, its people's states
  and the first page), target < 300 ms;
- the page's first load: ``/app/``, ``app.js`` and ``app.css`` as transferred (gzip, as the
  reverse proxy serves them; uncompressed beside it), target < 300 KB.

Two active assignments are added on first use (one to the whole province, one to the big
agency: 305,000 members), so the province's compliance column, the agency's compliance and its
people's overdue assignments are in the figures. The province's figures and the compliance
report are kept a minute per process (the answer says when they were computed): "first" is a
cold computation, "warm" what a superadmin gets after it.

Same-run baselines: ``me`` (authentication, the role read and the HTTP round trip: the floor of
every request), and the chat's ``/laporan`` queries called directly (``reports.opd_recap`` for the
province and for that agency), which the API must not add much to.

    .venv/bin/python bench/webapp.py [--employees 300000] [--dir /tmp/sinau-bench-webapp]

The generated database is kept in ``--dir`` and reused; delete it to regenerate.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.hours import ROWS_PER_EMPLOYEE, YEAR, ledger_sql  # noqa: E402
from bot.app import webapp  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.content_loader import load_catalog  # noqa: E402
from bot.core.webapp_auth import sign  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.services.assignments import Spec  # noqa: E402
from bot.store import reports  # noqa: E402
from bot.store.audience import Audience  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Assignment  # noqa: E402
from db.session import Database  # noqa: E402

TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"
BIG = 5000  # employees of the agency drilled into
SUPERADMIN = 999_999_999
RUNS = 7


def generate(path: Path, employees: int, codes: list[str]) -> float:
    """Employees 1..N: the first ``BIG`` in the first agency, the rest spread over the others;
    ten credits each; a superadmin. Returns the seconds it took."""
    started = time.perf_counter()
    db = Database(f"sqlite+aiosqlite:///{path}")

    async def migrate() -> None:
        await upgrade_to_head(db.engine)
        await db.dispose()

    asyncio.run(migrate())
    connection = sqlite3.connect(path)
    connection.execute("CREATE TEMP TABLE codes (n INTEGER PRIMARY KEY, code TEXT)")
    connection.executemany("INSERT INTO codes VALUES (?, ?)", list(enumerate(codes)))
    others = len(codes) - 1
    connection.executescript(
        f"""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees})
        INSERT INTO employees (id, telegram_id, nip, name, opd_code, unit_kerja, jabatan, golongan,
                               kind, is_active, consent_at, verified_at, verified_via,
                               streak_days, created_at, updated_at)
        SELECT i, 1000000 + i, printf('%018d', i),
               'Pegawai ' || printf('%06d', (i * 7919) % {employees}),
               (SELECT code FROM codes WHERE n = CASE WHEN i <= {BIG} THEN 0
                                                      ELSE 1 + i % {others} END),
               'Unit ' || (i % 12), 'Analis', 'III/a', 'PNS', 1,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00', 'admin', 0,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00'
        FROM n;
        {ledger_sql(employees)}
        """
    )
    connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def init_data(uid: int) -> str:
    fields = {
        "auth_date": str(int(time.time())),
        "user": json.dumps({"id": uid, "first_name": "Bench"}),
    }
    fields["hash"] = sign(fields, TOKEN)
    return urlencode(fields)


async def timed(step, runs: int = RUNS) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first run, median of the warm runs after it), in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await step()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:])


async def measure(path: Path, employees: int, big: str) -> dict[str, float]:
    settings = Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{path}",
        SINAU_ADMIN_IDS=str(SUPERADMIN),
        SINAU_WEBAPP_RATE_PER_MINUTE=10000,
        _env_file=None,
    )
    db = Database(settings.database_url)
    await upgrade_to_head(db.engine)  # a database kept from an older tree gets the new tables
    services = Services.build(settings, db, load_catalog(ROOT / "content"))
    async with db.transaction() as s:
        assigned = await s.scalar(select(func.count()).select_from(Assignment))
    if not assigned:
        due = date.today() + timedelta(days=60)
        for audience in (Audience(), Audience(opd=big)):
            spec = Spec("module", "gratifikasi", audience, due)
            created = await services.assignments.create(SUPERADMIN, spec)
            assert created.assignment is not None, created.outcome
    server = web.Application()
    webapp.mount(server, services)
    figures: dict[str, float] = {}
    auth = init_data(SUPERADMIN)
    async with TestClient(TestServer(server)) as client:

        async def post(view: str, **params: object) -> dict:
            response = await client.post(f"/app/api/{view}", json={"init_data": auth, **params})
            assert response.status == 200, (view, response.status, await response.text())
            return await response.json()

        async def province() -> None:
            body = await post("province", year=YEAR)
            assert sum(a["employees"] for a in body["agencies"]) == employees

        async def agency() -> None:
            body = await post("agency", opd=big, year=YEAR, limit=50)
            assert body["matched"] == BIG and len(body["employees"]) == 50

        async def chat_province() -> None:
            async with db.transaction() as s:
                await reports.opd_recap(s, YEAR, settings.targets)

        async def chat_agency() -> None:
            async with db.transaction() as s:
                await reports.opd_recap(s, YEAR, settings.targets, big)

        async def me() -> None:
            await post("me")

        for name, step in (
            ("province", province),
            ("chat_province", chat_province),
            ("agency", agency),
            ("chat_agency", chat_agency),
            ("me", me),
        ):
            first, warm = await timed(step)
            figures[f"{name}_first_ms"], figures[f"{name}_ms"] = first, warm

        raw = gzipped = 0
        for name in ("", "app.js", "app.css"):
            response = await client.get(f"/app/{name}")
            body = await response.read()
            raw += len(body)
            gzipped += len(gzip.compress(body))
        figures["page_kb"], figures["page_gzip_kb"] = raw / 1024, gzipped / 1024
    await db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=300_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sinau-bench-webapp"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    codes = sorted(load_catalog(ROOT / "content").opds)
    path = args.dir / f"webapp-{args.employees}.db"
    generated = generate(path, args.employees, codes) if not path.exists() else 0.0
    f = asyncio.run(measure(path, args.employees, codes[0]))
    if args.json:
        print(json.dumps({"employees": args.employees, "generate_s": generated, **f}))
        return
    print(f"\n{args.employees:,} employees, {args.employees * ROWS_PER_EMPLOYEE:,} ledger rows")
    print(f"{'':28} {'first ms':>9} {'warm ms':>9}")
    for key, label in (
        ("province", "API province"),
        ("chat_province", "  baseline: /laporan query"),
        ("agency", f"API agency ({BIG:,})"),
        ("chat_agency", "  baseline: /laporan query"),
        ("me", "API me (floor)"),
    ):
        print(f"{label:28} {f[key + '_first_ms']:>9.0f} {f[key + '_ms']:>9.0f}")
    print(f"page first load: {f['page_gzip_kb']:.1f} KB gzip ({f['page_kb']:.1f} KB raw)")
    print("targets: province < 500 ms warm, agency of 5,000 < 300 ms, first load < 300 KB")


if __name__ == "__main__":
    main()
