"""Delivery accounting after a crash, the way it was found: two instances of the real bot
(``python -m bot run``) on one database, an announcement to 150, and the lease holder killed
with SIGKILL mid-broadcast.

The survivor takes the lease over within the lease time, takes over the dead instance's claims
at once (no two-minute wait), sends what was never tried, and closes as "unknown" only the rows
whose request may have left the dead process. Recipients = delivered + failed + blocked +
uncertain, uncertain is at most the sender's in-flight limit, and nobody gets two copies.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.config import Settings
from bot.delivery.outbox_store import INTERRUPTED
from bot.emulator import FakeBotApi
from db.models import Broadcast, Employee, Lease, OutboundMessage, Reminder
from db.session import Database
from tests.e2e.test_production import free_port
from tests.support import ROOT, TEST_TOKEN

RECIPIENTS = 150
KILL_AFTER = 85
LEASE_SECONDS = 3
SEND_RATE = 30
IN_FLIGHT_LIMIT = max(4, min(SEND_RATE * 2, 200))  # OutboundSender.in_flight_limit
ADMIN = 9900
FIRST = 880_000
TEXT = "Pengumuman uji kill -9"


async def seed(db: Database, fake: FakeBotApi) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(RECIPIENTS):
        fake.user(FIRST + i, first_name=f"P{i}", started=True)
    fake.user(ADMIN, first_name="Admin", started=True)
    async with db.transaction() as s:
        ids = (
            await s.scalars(
                insert(Employee).returning(Employee.id),
                [
                    {
                        "telegram_id": FIRST + i,
                        "nip": str(197_001_012_000_010_000 + i),
                        "name": f"Pegawai {i}",
                        "opd_code": "3328",
                        "kind": "PNS",
                        "is_active": True,
                        "consent_at": now,
                        "created_at": now,
                        "updated_at": now,
                        "streak_days": 0,
                    }
                    for i in range(RECIPIENTS)
                ],
            )
        ).all()
        # Reminders off: only the announcement goes out, whatever the time of day.
        await s.execute(
            insert(Reminder),
            [{"employee_id": i, "enabled": False, "minute_of_day": 0} for i in ids],
        )
        await s.execute(
            insert(Broadcast).values(
                created_by=ADMIN,
                text=TEXT,
                audience={},
                status="queued",
                status_chat_id=ADMIN,
                created_at=now,
                recipients=0,
            )
        )


def start(settings: Settings, fake: FakeBotApi, log_path: Path) -> subprocess.Popen[bytes]:
    """An instance in webhook mode, as production runs several (two long pollers would
    conflict at Telegram): the updates do not matter here, the background work does."""
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": settings.database_url,
        "SINAU_CONTENT_DIR": str(ROOT / "content"),
        "SINAU_ADMIN_IDS": str(ADMIN),  # the announcement's creator, checked when it starts
        "SINAU_LEASE_SECONDS": str(LEASE_SECONDS),
        "SINAU_SEND_RATE": str(SEND_RATE),
        "SINAU_LOG_LEVEL": "INFO",
        "SINAU_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "SINAU_WEBHOOK_LISTEN": "127.0.0.1",
        "SINAU_WEBHOOK_PORT": str(port),
        "SINAU_WEBHOOK_SECRET": "kill-9-test-secret",
    }
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--webhook"],
            cwd=log_path.parent,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def delivered(fake: FakeBotApi) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"])
        for c in fake.calls_to("sendMessage")
        if c.response_ok and str(c.params.get("text", "")).endswith(TEXT)  # under its sender line
    )


async def lease_holder(db: Database) -> str | None:
    async with db.transaction() as s:
        return await s.scalar(select(Lease.holder))


async def statuses(db: Database) -> dict[str, int]:
    async with db.transaction() as s:
        rows = await s.execute(
            select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
        )
        return {status: int(n) for status, n in rows}


async def test_kill_9_of_the_lease_holder_mid_broadcast_loses_and_doubles_nothing(
    fake: FakeBotApi, settings: Settings, db: Database, tmp_path: Path
) -> None:
    await seed(db, fake)
    # Every request takes a while at "Telegram", so several are in flight when the kill comes
    # (the fake still delivers those, as Telegram would: the requests had arrived).
    fake.delay_next("sendMessage", 0.25, count=10_000)
    first = start(settings, fake, tmp_path / "first.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        await fake.wait_for(lambda: bool(delivered(fake)), 60)
        holder = await lease_holder(db)
        assert holder is not None and f":{first.pid}:" in holder
        second = start(settings, fake, tmp_path / "second.log")
        await fake.wait_for(lambda: sum(delivered(fake).values()) >= KILL_AFTER, 60)
        first.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        first.wait(10)
        at_kill = sum(delivered(fake).values())
        assert at_kill < RECIPIENTS, "the broadcast finished before the kill"

        async def finished() -> bool:
            counts = await statuses(db)
            return not counts.get("pending") and not counts.get("sending")

        while not await finished():
            assert time.monotonic() - killed_at < LEASE_SECONDS + 15, await statuses(db)
            await asyncio.sleep(0.2)
        took = time.monotonic() - killed_at
        holder = await lease_holder(db)
        assert holder is not None and f":{second.pid}:" in holder
        # The survivor's status message ends with the final report, counts adding up.
        await fake.wait_for(
            lambda: any(
                "Laporan pengumuman #1" in (m.text or "") for m in fake.chat(ADMIN).messages
            ),
            15,
        )
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    logs = "\n".join(p.read_text() for p in sorted(tmp_path.glob("*.log")))  # noqa: ASYNC240
    counts = await statuses(db)
    per_chat = delivered(fake)
    async with db.transaction() as s:
        rows = (
            await s.execute(
                select(OutboundMessage.chat_id, OutboundMessage.status, OutboundMessage.error)
            )
        ).all()
    sent = {chat for chat, status, _ in rows if status == "sent"}
    unknown = {chat for chat, status, _ in rows if status == "unknown"}

    print(f"kill -9 after {at_kill} deliveries; finished {took:.1f} s later; {counts}")
    assert took < LEASE_SECONDS + 10, (took, logs[-3000:])
    assert sum(counts.values()) == RECIPIENTS, counts
    assert (
        counts.get("sent", 0) + counts.get("failed", 0) + counts.get("blocked", 0) + len(unknown)
        == RECIPIENTS
    ), counts
    assert len(unknown) <= IN_FLIGHT_LIMIT, counts
    assert all(error == INTERRUPTED for _, status, error in rows if status == "unknown")
    assert set(per_chat.values()) == {1}, "nobody gets two copies"
    assert sent <= set(per_chat), "every row recorded as sent was delivered"
    assert set(per_chat) <= sent | unknown, "every delivery is either recorded or uncertain"
    assert len(set(per_chat)) >= RECIPIENTS - len(unknown)
    report = next(
        m.text or "" for m in fake.chat(ADMIN).messages if "Laporan pengumuman #1" in (m.text or "")
    )
    assert f"Penerima: {RECIPIENTS}" in report and f"Terkirim: {counts.get('sent', 0)}" in report
    assert f"mungkin terkirim): {len(unknown)}" in report, report
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 500 :][:3000]
    assert fake.violations == []
