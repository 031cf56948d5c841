"""Graceful stop: ``python -m bot run`` as a real process, sent SIGTERM while an update is being
handled, finishes that update, stops, and exits 0 well within Docker's 10 s.

At that moment the bot is also inside a long poll (``run_polling``'s 10 s ``timeout``). PTB
cancels the poll on stop instead of waiting for it to return, then awaits the updates in flight,
the jobs (the reminder tick) and ``post_stop``, where the outbound sender records its outcomes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.config import Settings
from bot.emulator import FakeBotApi
from tests.support import ROOT, TEST_TOKEN

STOP_WITHIN = 10.0


async def test_sigterm_finishes_the_update_in_flight_and_exits_0_within_10_s(
    fake: FakeBotApi, settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": settings.database_url,
        "SINAU_CONTENT_DIR": str(ROOT / "content"),
        "SINAU_LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,  # no .env but the one we give
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        # deleteWebhook comes right before the first long poll (see bench/learning_loop.py).
        await fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls), 120)
        await asyncio.sleep(0.3)
        assert proc.returncode is None, log_path.read_text()

        # An update whose reply takes 2 s to be accepted: SIGTERM arrives in the middle of it.
        fake.delay_next("sendMessage", 2.0)
        user = fake.user(7401, first_name="Siti")
        user.send_text("/start")
        await fake.wait_for(
            lambda: any(c.method == "getUpdates" and c.result for c in fake.calls), 30
        )
        await asyncio.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), STOP_WITHIN + 5)
        elapsed = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    output = log_path.read_text()
    assert code == 0, output
    assert elapsed < STOP_WITHIN, output
    # The update in flight was finished, not cut off: its reply reached the user.
    replies = [m.text or "" for m in user.chat.messages if m.from_bot]
    assert any("Pemberitahuan Privasi" in text for text in replies), (replies, output)
    assert "Traceback" not in output, output


async def test_a_rejected_token_is_never_printed(fake: FakeBotApi, settings: Settings) -> None:
    """Telegram (the fake) refuses the token: one clear line, exit code 2, and the token
    appears nowhere in the output (python-telegram-bot quotes it in its own error)."""
    rejected = "7012345678:AAHx-RejectedSecretPart_0123456789abc"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": rejected,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": settings.database_url,
        "SINAU_CONTENT_DIR": str(ROOT / "content"),
        "SINAU_LOG_LEVEL": "DEBUG",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    output = out.decode()
    assert proc.returncode == 2, output
    assert "ditolak Telegram" in output, output
    assert rejected not in output and rejected.split(":")[1] not in output, output
