"""Benchmark of the reminder scheduler and the outbound sender.

- tick: N registered learners in SQLite, 20% of them due in the same minute; the time the minute
  tick takes to select and enqueue them, and how much the process's RSS grows meanwhile. The
  baseline in the same run is a tick with nothing due, which must stay flat as N grows.
- send rate: the outbox drained through the real python-telegram-bot transport into the fake Bot
  API, whose rate limit and the sender's are both set to the same rate. Reports the achieved rate,
  the 429s the fake answered, and checks that every message went out exactly once.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.learning_loop import TOKEN, Figure, spawn  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.content_loader import load_catalog  # noqa: E402
from bot.emulator import FakeBotApi  # noqa: E402
from bot.services import Services  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Employee, OutboundMessage, Reminder  # noqa: E402
from db.session import Database  # noqa: E402

DUE = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 19:30 WIB, a Wednesday
FIRST_CHAT = 500_000


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


async def seed(db: Database, users: int, due: int, due_at: datetime = DUE) -> None:
    """``users`` learners; ``due`` of them due at ``due_at``, the rest in the next ten hours."""
    now = due_at - timedelta(hours=9)
    batch = 20_000
    for start in range(0, users, batch):
        rows = range(start, min(start + batch, users))
        async with db.transaction() as s:
            await s.execute(
                insert(Employee),
                [
                    {
                        "id": i + 1,
                        "telegram_id": FIRST_CHAT + i,
                        "nip": str(198_609_262_015_050_000 + i),
                        "name": f"Pegawai {i}",
                        "opd_code": "3328",
                        "kind": "PNS",
                        "is_active": True,
                        "consent_at": now,
                        "created_at": now,
                        "updated_at": now,
                        "streak_days": 0,
                    }
                    for i in rows
                ],
            )
            await s.execute(
                insert(Reminder),
                [
                    {
                        "employee_id": i + 1,
                        "enabled": True,
                        "minute_of_day": 19 * 60 + 30 if i < due else 6 * 60 + (i % 600),
                        "weekdays_only": True,
                        "next_due_at": due_at
                        if i < due
                        else due_at + timedelta(minutes=60 + i % 600),
                        "updated_at": now,
                    }
                    for i in rows
                ],
            )


def settings_for(url: str, base_url: str = "http://127.0.0.1:1/bot", rate: float = 30) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_URL=url,
        SINAU_CONTENT_DIR=ROOT / "content",
        SINAU_SEND_RATE=rate,
        _env_file=None,
    )


async def tick_figures(users: int) -> list[Figure]:
    due = users // 5
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        db = Database(url)
        await upgrade_to_head(db.engine)
        await seed(db, users, due)
        catalog = load_catalog(ROOT / "content")
        clock_now = [DUE - timedelta(minutes=1)]
        svc = Services.build(settings_for(url), db, catalog, clock=lambda: clock_now[0])
        # Baseline: a tick with nothing due (the cost every other minute of the day).
        start = time.perf_counter()
        idle = await svc.reminders.tick()
        idle_ms = (time.perf_counter() - start) * 1000
        assert idle.enqueued == 0
        gc.collect()
        clock_now[0] = DUE + timedelta(seconds=20)
        before = rss_mb()
        start = time.perf_counter()
        report = await svc.reminders.tick()
        took = time.perf_counter() - start
        grown = rss_mb() - before
        async with db.transaction() as s:
            queued = await s.scalar(select(func.count()).select_from(OutboundMessage))
        await db.dispose()
    assert report.enqueued == due == queued, (report, due, queued)
    label = f"{users // 1000}k users"
    return [
        Figure(f"tick, nothing due ({label})", idle_ms, "ms", "baseline"),
        Figure(f"tick, {due:,} due ({label})", took, "s", "target < 2 s"),
        Figure(f"tick RSS growth ({label})", grown, "MB", "target < 50 MB"),
    ]


async def rated_fake(rate: float, users: int) -> FakeBotApi:
    """A started fake Bot API with Telegram's limits on and ``users`` chats that can be messaged."""
    fake = FakeBotApi(token=TOKEN, rate_limit_per_second=rate, per_chat_per_second=1)
    await fake.start()
    for i in range(users):
        fake.user(FIRST_CHAT + i, first_name=f"Pegawai{i}", started=True)
    return fake


async def send_figures(messages: int, rate: float) -> list[Figure]:
    """The real bot process (``python -m bot run``) sends ``messages`` due reminders."""
    fake = await rated_fake(rate, messages)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/send.db"
            db = Database(url)
            await upgrade_to_head(db.engine)
            await seed(db, messages, messages, due_at=datetime.now(UTC) - timedelta(seconds=30))
            await db.dispose()
            env = {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "DATABASE_URL": url,
                "SINAU_LOG_LEVEL": "WARNING",
                "SINAU_SEND_RATE": str(rate),
                "SINAU_PAID_BROADCAST": "true" if rate > 30 else "false",
                "SINAU_TICK_SECONDS": "1",
                "SINAU_QUIET_HOURS": "00:00-00:00",  # whatever the hour the bench runs at
            }
            proc = spawn([sys.executable, "-m", "bot", "run"], env)
            try:
                sent = await wait_sends(fake, messages, limit=messages / rate * 6 + 30)
                await asyncio.sleep(2)  # anything extra (a duplicate) would arrive now
                sent = [c for c in fake.calls if c.method == "sendMessage" and c.response_ok]
            finally:
                proc.terminate()
                await asyncio.to_thread(proc.wait, 20)
            db = Database(url)
            async with db.transaction() as s:
                statuses = dict(
                    (
                        await s.execute(
                            select(OutboundMessage.status, func.count()).group_by(
                                OutboundMessage.status
                            )
                        )
                    ).all()
                )
            await db.dispose()
        per_chat: dict[object, int] = {}
        for c in sent:
            per_chat[c.params["chat_id"]] = per_chat.get(c.params["chat_id"], 0) + 1
        exactly_once = len(per_chat) == messages and set(per_chat.values()) == {1}
        span = max(c.ts for c in sent) - min(c.ts for c in sent)
        achieved = (len(sent) - 1) / span if span > 0 else float("nan")
        return [
            Figure(
                f"send rate (limit {rate:g}/s)",
                achieved,
                "msg/s",
                f"{achieved / rate:.0%} of limit, target >= 90%",
            ),
            Figure("429s answered by the fake", fake.rate_limited, "count", "target: a handful"),
            Figure(
                "delivered exactly once",
                float(exactly_once),
                "bool",
                f"{len(sent)} sends to {len(per_chat)} chats; outbox {statuses}",
            ),
        ]
    finally:
        await fake.stop()


async def wait_sends(fake: FakeBotApi, count: int, limit: float) -> list[object]:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        sent = [c for c in fake.calls if c.method == "sendMessage" and c.response_ok]
        if len(sent) >= count:
            return sent
        await asyncio.sleep(0.2)
    raise TimeoutError("the reminders did not all arrive")


async def main(users: list[int], messages: int, rate: float) -> list[Figure]:
    figures: list[Figure] = []
    for n in users:
        figures += await tick_figures(n)
    figures += await send_figures(messages, rate)
    return figures


if __name__ == "__main__":
    for f in asyncio.run(main([10_000, 100_000], 3000, 300)):
        print(f"{f.name:40} {f.value:10.2f} {f.unit:6} {f.note}")
