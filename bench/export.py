"""Benchmark of the province SIASN export at 300,000 employees, with the bot under load.

The real bot (``python -m bot run``) on a synthetic SQLite province (60 OPDs, ten ledger rows
per employee, eight of them in the exported year: 2.4 million course records at 300,000),
driven through the fake Bot API. Measured in one run:

- baseline: another user's ``/bantuan`` round trip (the update sent, its reply seen at the
  fake), one after another for a few seconds with nothing else going on: p50 and p99;
- the same ``/bantuan`` loop while a superadmin's province SIASN export runs: p50 and p99;
- the export: from the button press to the last file at the fake, its rows, files and sizes;
- the peak RSS of the bot together with its children (the export runs in a child process),
  sampled every 20 ms, and of the bot alone.

Targets: export < 60 s, peak RSS < 300 MB, /bantuan p99 during the export < 100 ms.

    .venv/bin/python bench/export.py [--employees 300000] [--dir /tmp/sinau-bench]

The generated database is kept in ``--dir`` and reused; delete it to regenerate.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.emulator import FakeBotApi  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.session import Database  # noqa: E402

TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"
OPDS = 60
ROWS_PER_EMPLOYEE = 10
YEAR = 2026
ADMIN = 42
HELPER = 1_000_001  # employee 1, who asks for /bantuan


def generate(path: Path, employees: int) -> float:
    started = time.perf_counter()
    db = Database(f"sqlite+aiosqlite:///{path}")

    async def migrate() -> None:
        await upgrade_to_head(db.engine)
        await db.dispose()

    asyncio.run(migrate())
    connection = sqlite3.connect(path)
    connection.executescript(
        f"""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees})
        INSERT INTO employees (id, telegram_id, nip, name, opd_code, unit_kerja, jabatan, golongan,
                               kind, is_active, consent_at, verified_at, verified_via,
                               streak_days, created_at, updated_at)
        SELECT i, 1000000 + i, printf('%018d', 198000000000000000 + i),
               'Pegawai ' || printf('%06d', (i * 7919) % {employees}),
               'opd-' || printf('%02d', i % {OPDS}),
               'Unit ' || (i % 12), 'Analis', 'III/a', 'PNS', 1,
               '2026-01-05 00:00:00', '2026-01-05 00:00:00', 'admin',
               0, '2026-01-05 00:00:00', '2026-01-05 00:00:00'
        FROM n;
        INSERT INTO reminders (employee_id, enabled, minute_of_day, weekdays_only, updated_at)
        SELECT id, 0, 1170, 1, '2026-01-05 00:00:00' FROM employees;
        WITH RECURSIVE n(i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {employees * ROWS_PER_EMPLOYEE})
        INSERT INTO jp_ledger (employee_id, year, minutes, source_kind, source_id, title,
                               category, activity_kind, organiser, started_on, ended_on,
                               certificate_no, evidence, credited_at)
        SELECT (i - 1) / {ROWS_PER_EMPLOYEE} + 1,
               CASE WHEN i % 5 = 0 THEN {YEAR - 1} ELSE {YEAR} END,
               15 + (i * 37) % 120,
               CASE WHEN i % 7 = 0 THEN 'external' ELSE 'module' END,
               'm' || (i % {ROWS_PER_EMPLOYEE}),
               'Modul ' || (i % 40) || ' pengembangan kompetensi ASN',
               CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN 'teknis'
                    WHEN i % 3 = 1 THEN 'manajerial' ELSE 'sosial_kultural' END,
               'E-learning (mikro)', 'BPSDMD Provinsi Jawa Tengah', '2026-03-02', '2026-03-04',
               CASE WHEN i % 7 = 0 THEN 'SRT/2026/' || i ELSE NULL END, '{{}}',
               '2026-03-04 03:00:00'
        FROM n;
        """
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return time.perf_counter() - started


class PeakRss:
    """The largest RSS of a process and its children seen meanwhile, every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_total = self.peak_bot = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            bot = self.process.memory_info().rss
            children = sum(c.memory_info().rss for c in self.process.children(recursive=True))
        except psutil.Error:
            return
        self.peak_bot = max(self.peak_bot, bot / 2**20)
        self.peak_total = max(self.peak_total, (bot + children) / 2**20)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def exported_rows(upload: Any) -> int:
    """Data rows of an uploaded XLSX, CSV or zipped CSV (its header not counted)."""
    data: bytes = upload.data
    if upload.filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(archive.read(name).count(b"\n") - 1 for name in archive.namelist())
    if upload.filename.endswith(".csv"):
        return data.count(b"\n") - 1
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    # Rows that start with a NIP: not the header, nor a totals row.
    return sum(1 for (nip,) in sheet.iter_rows(max_col=1, values_only=True) if str(nip).isdigit())


async def help_round_trip(fake: FakeBotApi, chat_id: int) -> float:
    user = fake.user(chat_id)
    chat = fake.chat(chat_id)
    before = len(chat.messages)
    started = time.perf_counter()
    user.send_text("/bantuan")
    while len(chat.messages) == before:  # noqa: ASYNC110 - the fake has no event for it
        await asyncio.sleep(0.001)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def reset(path: Path) -> None:
    """What a previous run left: handled update ids (a new fake numbers its updates from the
    same start, so they would be dropped as duplicates), cooldowns, sent files, flows."""
    connection = sqlite3.connect(path)
    for table in ("processed_updates", "cooldowns", "sent_files", "chat_sessions"):
        connection.execute(f"DELETE FROM {table}")
    connection.commit()
    connection.close()


async def measure(path: Path, employees: int) -> dict[str, object]:
    reset(path)
    async with FakeBotApi(token=TOKEN) as fake:
        fake.user(HELPER, first_name="Siti", started=True)
        admin = fake.user(ADMIN, first_name="Admin", started=True)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{path}",
            "SINAU_ADMIN_IDS": str(ADMIN),
            "SINAU_LOG_LEVEL": "WARNING",
        }
        log_path = path.with_suffix(".log")
        with log_path.open("wb") as log_file:  # a pipe nobody reads could block the bot
            proc = subprocess.Popen(  # noqa: ASYNC220 - started once, before the measurements
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            await fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls), 120)
            await asyncio.sleep(1.0)
            for _ in range(20):  # warm up
                await help_round_trip(fake, HELPER)
            baseline: list[float] = []
            until = time.perf_counter() + 8
            while time.perf_counter() < until:
                baseline.append(await help_round_trip(fake, HELPER))
                await asyncio.sleep(0.02)
            idle_rss = psutil.Process(proc.pid).memory_info().rss / 2**20

            admin.send_text("/laporan")
            await admin.wait_for_reply(lambda m: bool(m.buttons), timeout=60)
            before_docs = len(fake.calls_to("sendDocument"))
            during: list[float] = []
            with PeakRss(proc.pid) as rss:
                started = time.perf_counter()
                admin.press_button("SIASN")

                def done() -> bool:
                    sent = fake.calls_to("sendDocument")[before_docs:]
                    if not sent:
                        return False
                    caption = str(sent[-1].params.get("caption") or "")
                    return "bagian" not in caption or (
                        caption.split("bagian ")[-1].split(" dari ")[0]
                        == caption.split(" dari ")[-1].rstrip(".")
                    )

                while not done():
                    during.append(await help_round_trip(fake, HELPER))
                    await asyncio.sleep(0.02)
                    if time.perf_counter() - started > 600:
                        raise TimeoutError(f"no export in 10 minutes; see {log_path}")
                export_s = time.perf_counter() - started
            docs = fake.calls_to("sendDocument")[before_docs:]
            sizes = [len(c.params["document"].data) for c in docs if c.response_ok]
            captions = [str(c.params.get("caption")) for c in docs]
            assert fake.violations == [], fake.violations[:3]
            # Not timed: every course record arrived (a bench that exports nothing measures
            # nothing).
            rows = sum(exported_rows(c.params["document"]) for c in docs if c.response_ok)
            expected = employees * ROWS_PER_EMPLOYEE * 4 // 5
            assert rows == expected, f"{rows} rows exported, {expected} expected"
        finally:
            proc.terminate()
            try:
                await asyncio.to_thread(proc.wait, 20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {
        "employees": employees,
        "course_records": employees * ROWS_PER_EMPLOYEE * 4 // 5,
        "export_s": round(export_s, 1),
        "files": len(sizes),
        "file_mb": [round(s / 2**20, 1) for s in sizes],
        "caption": captions[0] if captions else "",
        "peak_rss_mb_bot_and_export": round(rss.peak_total),
        "peak_rss_mb_bot": round(rss.peak_bot),
        "idle_rss_mb_bot": round(idle_rss),
        "bantuan_baseline_ms": {
            "n": len(baseline),
            "p50": round(statistics.median(baseline), 1),
            "p99": round(percentile(baseline, 0.99), 1),
        },
        "bantuan_during_export_ms": {
            "n": len(during),
            "p50": round(statistics.median(during), 1) if during else None,
            "p99": round(percentile(during, 0.99), 1) if during else None,
            "max": round(max(during), 1) if during else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=300_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sinau-bench"))
    parser.add_argument("--json", action="store_true", help="one JSON line (for bench/run.py)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"export-{args.employees}.db"
    generated = generate(path, args.employees) if not path.exists() else 0.0
    figures = asyncio.run(measure(path, args.employees))
    figures["generate_s"] = round(generated, 1)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print("targets: export_s < 60, peak RSS (bot and export) < 300 MB, /bantuan p99 < 100 ms")


if __name__ == "__main__":
    main()
