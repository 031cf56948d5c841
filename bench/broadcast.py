"""Benchmark of announcements: the real bot process queues and sends one to many recipients.

- rate: N recipients, the fake Bot API limited to R messages/s and the sender set to R/s;
  the achieved rate (first to last send), duplicates and losses.
- memory: with 100,000 delivery rows pending, the bot's RSS above its idle RSS.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.learning_loop import TOKEN, Figure, rss_mb, spawn  # noqa: E402
from bench.reminders import rated_fake, seed  # noqa: E402
from bot.emulator import FakeBotApi  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Broadcast, OutboundMessage  # noqa: E402
from db.session import Database  # noqa: E402

TEXT = "Pengumuman: webinar SPBE hari Jumat pukul 09.00 WIB."


async def prepare(url: str, users: int) -> None:
    db = Database(url)
    await upgrade_to_head(db.engine)
    # Learners whose reminders are far away, so only the announcement is sent.
    await seed(db, users, 0, due_at=datetime.now(UTC) + timedelta(days=2))
    await db.dispose()


async def queue_announcement(url: str) -> None:
    db = Database(url)
    async with db.transaction() as s:
        await s.execute(
            insert(Broadcast).values(
                created_by=1,
                text=TEXT,
                audience={},
                status="queued",
                recipients=0,
                created_at=datetime.now(UTC),
            )
        )
    await db.dispose()


async def outbox_counts(url: str) -> dict[str, int]:
    db = Database(url)
    async with db.transaction() as s:
        rows = (
            await s.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            )
        ).all()
    await db.dispose()
    return {status: int(n) for status, n in rows}


def bot_env(fake: FakeBotApi, url: str, rate: float) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": url,
        "SINAU_LOG_LEVEL": "WARNING",
        "SINAU_SEND_RATE": str(rate),
        "SINAU_PAID_BROADCAST": "true" if rate > 30 else "false",
    }


def sends(fake: FakeBotApi) -> list[object]:
    return [c for c in fake.calls if c.method == "sendMessage" and c.response_ok]


async def rate_figures(recipients: int, rate: float) -> list[Figure]:
    fake = await rated_fake(rate, recipients)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/b.db"
            await prepare(url, recipients)
            proc = spawn([sys.executable, "-m", "bot", "run"], bot_env(fake, url, rate))
            try:
                await asyncio.sleep(2)
                await queue_announcement(url)
                limit = recipients / rate * 4 + 30
                await fake.wait_for(lambda: len(sends(fake)) >= recipients, timeout=limit)
                await asyncio.sleep(2)  # a duplicate would arrive now
            finally:
                proc.terminate()
                await asyncio.to_thread(proc.wait, 20)
            counts = await outbox_counts(url)
    finally:
        await fake.stop()
    # Each copy starts with the sender line (SINAU_SENDER_NAME), then the text.
    sent = [c for c in sends(fake) if str(c.params.get("text", "")).endswith(TEXT)]  # type: ignore[attr-defined]
    chats = {c.params["chat_id"] for c in sent}  # type: ignore[attr-defined]
    duplicates = len(sent) - len(chats)
    lost = recipients - len(chats)
    span = max(c.ts for c in sent) - min(c.ts for c in sent)  # type: ignore[attr-defined]
    achieved = (len(sent) - 1) / span if span else float("nan")
    return [
        Figure(
            f"broadcast rate ({recipients:,}, limit {rate:g}/s)",
            achieved,
            "msg/s",
            f"{achieved / rate:.0%} of limit, target >= 90%",
        ),
        Figure("broadcast 429s from the fake", fake.rate_limited, "count", ""),
        Figure(
            "broadcast duplicates / lost",
            duplicates + lost,
            "count",
            f"{duplicates} duplicates, {lost} lost; outbox {counts}",
        ),
    ]


async def memory_figures(pending: int) -> list[Figure]:
    fake = await rated_fake(30, pending)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/m.db"
            await prepare(url, pending)
            proc = spawn([sys.executable, "-m", "bot", "run"], bot_env(fake, url, 30))
            try:
                await asyncio.sleep(4)
                idle = rss_mb(proc.pid)
                await queue_announcement(url)
                peak = idle
                for _ in range(60):  # 30 s: queueing, then sending in batches
                    await asyncio.sleep(0.5)
                    peak = max(peak, rss_mb(proc.pid))
                counts = await outbox_counts(url)
            finally:
                proc.terminate()
                await asyncio.to_thread(proc.wait, 20)
    finally:
        await fake.stop()
    return [
        Figure("bot RSS idle", idle, "MB", ""),
        Figure(
            f"RSS growth, {pending:,} deliveries pending",
            peak - idle,
            "MB",
            f"target < 50 MB; outbox after 30 s {counts}",
        ),
    ]


async def main(recipients: int, rate: float, pending: int) -> list[Figure]:
    return await rate_figures(recipients, rate) + await memory_figures(pending)


if __name__ == "__main__":
    for f in asyncio.run(main(10_000, 300, 100_000)):
        print(f"{f.name:45} {f.value:10.2f} {f.unit:6} {f.note}")
