"""Benchmark of the learning loop: the bot process driven over HTTP through the fake Bot API.

Measured in one run, so the machine's noise hits all figures alike:
- baseline: a bare python-telegram-bot echo bot (default settings, httpx) answering text;
- "next card": button presses that edit the card message (SQLite, one bot process);
- "answer a quiz poll": poll answers, each answered by the next poll;
- the bot process's CPU time per update on both hot paths;
- start-up: process start to the first getUpdates, with all content loaded;
- memory: the bot's RSS after >= 10,000 updates from 1,000 users.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.core.callbacks import CardButton, QuizButton  # noqa: E402
from bot.core.content_loader import load_catalog  # noqa: E402
from bot.emulator import FakeBotApi  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Employee, ModuleProgress  # noqa: E402
from db.session import Database  # noqa: E402

TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"
MODULE = "berakhlak"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    note: str = ""


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process so far (from /proc, in clock ticks)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def stop(proc: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """SIGTERM and wait, without blocking the event loop: the bot's last call on the way out
    (PTB confirms the fetched updates) goes to the fake in this same loop."""
    proc.terminate()
    try:
        await asyncio.to_thread(proc.wait, seconds)
    except subprocess.TimeoutExpired:
        proc.kill()


async def wait_polling(fake: FakeBotApi, since: int, limit: float = 30) -> None:
    """Wait until the bot is about to poll: deleteWebhook comes right before the first getUpdates.

    (A long poll is recorded by the fake when it returns, with its arrival time as ``ts``.)
    """
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if any(c.method == "deleteWebhook" for c in fake.calls[since:]):
            await asyncio.sleep(0.1)
            return
        await asyncio.sleep(0.005)
    raise TimeoutError("the bot never polled")


def first_poll_at(fake: FakeBotApi, since: int, started: float) -> float:
    """The first getUpdates of the bot started at ``started``; a previous bot's last long poll
    can be recorded after ``since`` (it is recorded when it returns), so it is skipped by time."""
    return min(c.ts for c in fake.calls[since:] if c.method == "getUpdates" and c.ts >= started)


async def wait_count(fake: FakeBotApi, method: str, since: int, count: int, limit: float) -> None:
    start = time.perf_counter()
    seen = 0
    index = since
    while time.perf_counter() - start < limit:
        calls = fake.calls
        while index < len(calls):
            if calls[index].method == method and calls[index].response_ok:
                seen += 1
            index += 1
        if seen >= count:
            return
        await asyncio.sleep(0.002)
    raise TimeoutError(f"only {seen}/{count} {method} calls arrived")


async def seed(database_url: str, users: int) -> None:
    """Registered employees who have read the berakhlak module up to its last card."""
    catalog = load_catalog(ROOT / "content")
    module = catalog.modules[MODULE]
    db = Database(database_url)
    await upgrade_to_head(db.engine)
    now = datetime.now(UTC)
    async with db.transaction() as s:
        await s.execute(
            insert(Employee),
            [
                {
                    "telegram_id": 100_000 + i,
                    "nip": str(198_609_262_015_050_000 + i),
                    "name": f"Pegawai {i}",
                    "opd_code": "3328",
                    "kind": "PNS",
                    "is_active": True,
                    "consent_at": now,
                    "verified_at": now,
                    "verified_via": "admin",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(users)
            ],
        )
    async with db.transaction() as s:
        await s.execute(
            insert(ModuleProgress),
            [
                {
                    "employee_id": i + 1,
                    "module_id": MODULE,
                    "content_version": module.version,
                    "current_card": 0,
                    "furthest_card": len(module.cards) - 1,
                    # Read to the end at a reading pace, so the quiz opens (honest minutes).
                    "reading_seconds": module.minutes * 60,
                    "started_at": now,
                    "attempts": 0,
                    "updated_at": now,
                }
                for i in range(users)
            ],
        )
    await db.dispose()


async def echo_baseline(fake: FakeBotApi, users: int, messages: int) -> tuple[float, float]:
    """Updates per second, and the echo bot's CPU per update in µs."""
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url}
    since = len(fake.calls)
    proc = spawn([sys.executable, "bench/echo_bot.py"], env)
    try:
        await wait_polling(fake, since)
        people = [fake.user(900_000 + i, first_name=f"Echo{i}") for i in range(users)]
        mark = len(fake.calls)
        start = time.perf_counter()
        cpu = cpu_seconds(proc.pid)
        for n in range(messages):
            people[n % users].send_text(f"halo {n}")
        await wait_count(fake, "sendMessage", mark, messages, limit=300)
        rate = messages / (time.perf_counter() - start)
        return rate, (cpu_seconds(proc.pid) - cpu) / messages * 1e6
    finally:
        await stop(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_webhook(fake: FakeBotApi, since: int, limit: float = 30) -> float:
    """Wait until the bot has set its webhook (its server listens by then); returns when."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        for call in fake.calls[since:]:
            if call.method == "setWebhook" and call.response_ok:
                return call.ts
        await asyncio.sleep(0.005)
    raise TimeoutError("the bot never set its webhook")


async def bot_run(
    fake: FakeBotApi,
    users: int,
    presses_per_user: int,
    database_url: str | None = None,
    webhook: bool = False,
) -> list[Figure]:
    """The bot process on ``database_url`` (a fresh, empty database; default: a temporary
    SQLite file), taking updates by long polling or, with ``webhook``, by webhook."""
    figures: list[Figure] = []
    version = load_catalog(ROOT / "content").modules[MODULE].version
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await seed(url, users)
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": url,
            "SINAU_LOG_LEVEL": "WARNING",
        }
        args = [sys.executable, "-m", "bot", "run"]
        if webhook:
            port = free_port()
            env |= {
                "SINAU_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
                "SINAU_WEBHOOK_LISTEN": "127.0.0.1",
                "SINAU_WEBHOOK_PORT": str(port),
                "SINAU_WEBHOOK_SECRET": "bench-webhook-secret",
            }
            args.append("--webhook")
        since = len(fake.calls)
        started = time.time()
        proc = spawn(args, env)
        try:
            if webhook:
                ready_at = await wait_webhook(fake, since)
            else:
                await wait_polling(fake, since)
            idle = rss_mb(proc.pid)
            people = [fake.user(100_000 + i, first_name=f"Pegawai{i}") for i in range(users)]
            updates = 0

            # Each user opens the catalog once: the message their card presses will edit.
            mark = len(fake.calls)
            for person in people:
                person.send_text("/belajar")
            updates += users
            await wait_count(fake, "sendMessage", mark, users, limit=300)
            if webhook:
                figures.append(Figure("start-up to setWebhook", ready_at - started, "s"))
            else:
                startup = first_poll_at(fake, since, started) - started
                figures.append(Figure("start-up to first getUpdates", startup, "s", "target < 3 s"))

            # Each user opens the module's first card from the catalog (not timed): the presses
            # below are made on a card, as a learner presses "Lanjut" on the card they see, so
            # each update carries the card's keyboard, not the catalog's.
            messages = {p.id: p.chat.last_message().message_id for p in people}  # type: ignore[union-attr]
            mark = len(fake.calls)
            for person in people:
                person.press(messages[person.id], CardButton(MODULE, version, 0).pack())
            updates += users
            await wait_count(fake, "editMessageText", mark, users, limit=300)

            # Hot path 1: "next card" presses, alternating cards 2 and 1 so every edit changes.
            total = users * presses_per_user
            mark = len(fake.calls)
            start = time.perf_counter()
            cpu = cpu_seconds(proc.pid)
            for round_ in range(presses_per_user):
                for person in people:
                    data = CardButton(MODULE, version, (round_ + 1) % 2).pack()
                    person.press(messages[person.id], data)
            updates += total
            await wait_count(fake, "editMessageText", mark, total, limit=600)
            figures.append(Figure("next card", total / (time.perf_counter() - start), "updates/s"))
            card_cpu = (cpu_seconds(proc.pid) - cpu) / total * 1e6

            # Hot path 2: quiz poll answers; each answer is followed by the next poll.
            mark = len(fake.calls)
            for person in people:
                person.press(messages[person.id], QuizButton(MODULE, version).pack())
            updates += users
            await wait_count(fake, "sendPoll", mark, users, limit=300)
            answered = 0
            index = len(fake.calls)
            polls_total = users * 6
            start = time.perf_counter()
            cpu = cpu_seconds(proc.pid)
            pending = [c for c in fake.calls[mark:] if c.method == "sendPoll" and c.response_ok]
            deadline = time.perf_counter() + 600
            while answered < polls_total and time.perf_counter() < deadline:
                for call in pending:
                    poll = call.result["poll"]
                    chat = int(call.params["chat_id"])
                    fake.user(chat).answer_poll(poll["id"], poll["correct_option_ids"])
                    answered += 1
                pending = []
                calls = fake.calls
                while index < len(calls):
                    if calls[index].method == "sendPoll" and calls[index].response_ok:
                        pending.append(calls[index])
                    index += 1
                if not pending:
                    await asyncio.sleep(0.002)
            # The last answers produce result messages; wait for all of them.
            await wait_count(fake, "sendMessage", mark, users * 2, limit=300)
            updates += answered
            figures.append(
                Figure("answer a quiz poll", answered / (time.perf_counter() - start), "updates/s")
            )
            quiz_cpu = (cpu_seconds(proc.pid) - cpu) / answered * 1e6
            # The bot's own CPU per update: less sensitive than updates/s to other work on
            # the machine (this is how two variants of the bot compare best).
            figures.append(Figure("next card, bot CPU per update", card_cpu, "µs"))
            figures.append(Figure("answer a quiz poll, bot CPU per update", quiz_cpu, "µs"))
            figures.append(Figure("RSS idle after start-up", idle, "MB"))
            figures.append(
                Figure(f"RSS after {updates} updates from {users} users", rss_mb(proc.pid), "MB")
            )
            bad = list(fake.violations)
            if bad:
                figures.append(Figure("Bot API violations", len(bad), "calls", bad[0][:80]))
        finally:
            await stop(proc)
    return figures


async def main(users: int = 1000, presses_per_user: int = 4) -> list[Figure]:
    async with FakeBotApi(token=TOKEN) as fake:
        echo, echo_cpu = await echo_baseline(fake, users, users * presses_per_user)
        client = os.environ.get("SINAU_JSON_CLIENT", "http11")
        figures = [
            Figure("echo bot baseline (PTB defaults)", echo, "updates/s", f"ours on {client}"),
            Figure("echo bot, CPU per update", echo_cpu, "µs"),
        ]
        ours = await bot_run(fake, users, presses_per_user)
        for figure in ours:
            if figure.unit == "updates/s":
                figure.note = f"{figure.value / echo:.2f}x echo (target >= 1.5x)"
            elif figure.name.endswith("bot CPU per update"):
                figure.note = f"echo's is {echo_cpu / figure.value:.2f}x this"
        figures += ours
    return figures


if __name__ == "__main__":
    for row in asyncio.run(main()):
        print(row)
