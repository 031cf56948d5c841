"""Production modes: webhook with health and metrics; two instances on one database."""

from __future__ import annotations

import asyncio
import random
import socket
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import insert
from telegram.ext import Application

from bot.app.application import (
    build_application,
    on_shutdown,
    on_startup,
    on_stop,
    services_of,
    worker_of,
)
from bot.app.application import polling as polling_mode
from bot.app.webhook import SECRET_HEADER, serving
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import Broadcast, Employee
from tests.e2e.helpers import say
from tests.support import FakeClock

WIB = ZoneInfo("Asia/Jakarta")
SECRET = "s3cret-Token_for-tests"
FIRST = 700_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_serves_updates_health_and_metrics(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    port = free_port()
    settings = settings.model_copy(
        update={
            "telegram_api_base_url": fake.base_url,
            "webhook_url": f"http://127.0.0.1:{port}/telegram/sinau",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr(SECRET),
        }
    )
    app = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    user = fake.user(9301, first_name="Siti", last_name="Aminah")
    base = f"http://127.0.0.1:{port}"
    async with serving(app, settings), aiohttp.ClientSession() as http:
        hook = fake.calls_to("setWebhook")[-1].params
        assert hook["url"].endswith("/telegram/sinau") and hook["secret_token"] == SECRET
        await say(user, "/start", "Pemberitahuan Privasi")  # delivered as a webhook POST
        assert all(d.status == 200 for d in fake.webhook_deliveries)

        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "chat": {"id": 9301, "type": "private"},
                "from": {"id": 9301, "is_bot": False, "first_name": "X"},
            },
        }
        replies = len(fake.calls_to("sendMessage"))
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with http.post(f"{base}/telegram/sinau", json=update, headers=headers) as r:
                assert r.status == 403
        # With the secret but not JSON, or not an update: refused, and the bot goes on.
        for body in (b"not json", b"[1, 2]", b'{"message": 1}'):
            async with http.post(
                f"{base}/telegram/sinau", data=body, headers={SECRET_HEADER: SECRET}
            ) as r:
                assert r.status == 400
        await asyncio.sleep(0.3)
        assert len(fake.calls_to("sendMessage")) == replies  # nothing was processed
        async with http.get(f"{base}/healthz") as r:
            body = await r.json()
            assert r.status == 200, body
            assert body["database"] == "ok" and body["scheduler"] == "running"
        async with http.get(f"{base}/metrics") as r:
            page = await r.text()
            assert r.status == 200 and "sinau_outbox_depth" in page
    assert fake.violations == []


@asynccontextmanager
async def background_only(app: Application) -> AsyncIterator[Application]:
    """A second instance that takes no updates (the first one polls): its jobs and sender."""
    async with app:
        await on_startup(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
            await on_stop(app)
    await on_shutdown(app)


def copies(fake: FakeBotApi, needle: str) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"])
        for c in fake.calls_to("sendMessage")
        if c.response_ok and needle in str(c.params.get("text"))
    )


async def test_two_instances_send_each_message_once_and_take_over(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    # The announcement's creator (Telegram id 1) is a superadmin: a start re-checks the role.
    settings = settings.model_copy(
        update={
            "telegram_api_base_url": fake.base_url,
            "lease_seconds": 3.0,
            "admin_ids": frozenset({1}),
        }
    )

    def instance() -> Application:
        return build_application(
            settings, catalog=catalog, clock=clock, rng=random.Random(1), run_ticks=False
        )

    people = [fake.user(FIRST + i, first_name=f"P{i}", started=True) for i in range(20)]
    first, second = instance(), instance()
    async with polling_mode(first, poll_timeout=1), background_only(second):
        a, b = worker_of(first), worker_of(second)
        assert a.lease.held and not b.lease.held
        services = services_of(first)
        now = datetime(2026, 11, 1, tzinfo=UTC)
        async with services.db.transaction() as s:
            await s.execute(
                insert(Employee),
                [
                    {
                        "telegram_id": p.id,
                        "nip": str(199_001_012_018_010_000 + i),
                        "name": f"Pegawai {i}",
                        "opd_code": "3328",
                        "kind": "PNS",
                        "is_active": True,
                        "consent_at": now,
                        "created_at": now,
                        "updated_at": now,
                        "streak_days": 0,
                    }
                    for i, p in enumerate(people)
                ],
            )
            s.add(
                Broadcast(
                    created_by=1,
                    text="Pengumuman uji",
                    audience={},
                    status="queued",
                    created_at=now,
                    recipients=0,
                )
            )
        for worker in (a, b):
            await worker.services.reminders.schedule_missing()

        # Both instances tick the same minute and queue the same announcement.
        clock.now = datetime(2026, 11, 25, 19, 30, tzinfo=WIB).astimezone(UTC)
        await asyncio.gather(
            a.services.reminders.tick(),
            b.services.reminders.tick(),
            a.services.broadcasts.queue_due(),
            b.services.broadcasts.queue_due(),
        )
        a.sender.wake()
        b.sender.wake()
        await fake.wait_for(lambda: len(copies(fake, "Atur pengingat")) == 20, timeout=20)
        await fake.wait_for(lambda: len(copies(fake, "Pengumuman uji")) == 20, timeout=20)
        await asyncio.sleep(0.5)
        assert set(copies(fake, "Atur pengingat").values()) == {1}
        assert set(copies(fake, "Pengumuman uji").values()) == {1}
        assert b.sender.stats.sent == 0  # the standby instance sent nothing

        # The worker instance dies without a goodbye: its lease expires, the other takes over.
        for task in a._tasks:
            task.cancel()
        a._tasks = []
        a.lease.held = False
        clock.advance(seconds=4)
        await fake.wait_for(lambda: b.lease.held, timeout=5)
        clock.now = datetime(2026, 11, 26, 19, 30, tzinfo=WIB).astimezone(UTC)
        await b.services.reminders.tick()
        b.sender.wake()
        await fake.wait_for(lambda: b.sender.stats.sent == 20, timeout=20)
        assert set(copies(fake, "Atur pengingat").values()) == {2}
    assert fake.violations == []


async def test_health_goes_unhealthy_when_the_database_is_down(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("takes a SQLite file away; PostgreSQL is stopped in the runbook, not here")
    port = free_port()
    folder = tmp_path / "db"
    folder.mkdir()
    settings = settings.model_copy(
        update={
            "telegram_api_base_url": fake.base_url,
            "database_url": f"sqlite+aiosqlite:///{folder}/bot.db",
            "webhook_url": f"http://127.0.0.1:{port}/hook",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr(SECRET),
        }
    )
    app = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    async with serving(app, settings), aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert r.status == 200
        # The database goes away: its connections close and its folder disappears.
        await services_of(app).db.engine.dispose()
        folder.rename(tmp_path / "gone")
        async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
            body = await r.json()
            assert r.status == 503 and body["database"].startswith("error")
        (tmp_path / "gone").rename(folder)  # back, so the shutdown can finish cleanly
        async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert r.status == 200


async def test_a_graceful_stop_under_load_loses_no_update(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    """Updates arrive while the bot stops; a new process answers what the old one did not,
    and nothing is answered twice (handled updates are confirmed or dropped as duplicates)."""
    # Two updates at a time and at most eight fetched ahead: most of the burst is still at
    # "Telegram" when the first process stops.
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "concurrent_updates": 2}
    )
    users = [fake.user(FIRST + 500 + i, first_name=f"U{i}") for i in range(60)]
    first = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    async with polling_mode(first, poll_timeout=1):
        for round_ in range(5):
            for user in users:
                user.send_text(f"halo {round_}")
        await asyncio.sleep(0.2)  # some handled, many still in flight or not yet fetched
    by_first = len(replies(fake))
    assert 0 < by_first < 300
    second = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    async with polling_mode(second, poll_timeout=1):
        await fake.wait_for(lambda: len(replies(fake)) >= 300, timeout=30)
        await asyncio.sleep(0.5)
    per_chat = Counter(chat for chat in replies(fake))
    assert per_chat == {user.id: 5 for user in users}
    assert fake.violations == []


def replies(fake: FakeBotApi) -> list[int]:
    """Chats of the hints sent for free text from unregistered users."""
    return [
        int(c.params["chat_id"])
        for c in fake.calls_to("sendMessage")
        if c.response_ok and "daftarkan NIP" in str(c.params.get("text"))
    ]
