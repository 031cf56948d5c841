"""Faults from Telegram and restarts: nothing lost, nothing crashes."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import Employee
from tests.e2e.helpers import open_module, read_module, register, say, tap
from tests.support import FakeClock


def _polls_sent_at_least(fake: FakeBotApi, count: int) -> Callable[[], bool]:
    """Whether the bot has sent ``count`` polls by now (a condition to wait for)."""
    return lambda: len(fake.calls_to("sendPoll")) >= count


async def _employee(app: Application, telegram_id: int) -> Employee:
    services = services_of(app)
    async with services.db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
    assert employee is not None
    return employee


async def test_blocking_and_unblocking_keep_the_active_flag_right(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(7001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    user.block()
    for _ in range(100):
        if not (await _employee(bot_app, 7001)).is_active:
            break
        await asyncio.sleep(0.05)  # the update is handled in the bot's own time
    assert not (await _employee(bot_app, 7001)).is_active
    user.unblock()
    await say(user, "/start", "Apa yang ingin dikerjakan hari ini?")
    assert (await _employee(bot_app, 7001)).is_active


async def test_a_403_marks_the_user_inactive(fake: FakeBotApi, bot_app: Application) -> None:
    user = fake.user(7002, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    user.send_text("/bantuan")
    await fake.wait_for(lambda: any(c.error_code == 403 for c in fake.calls))
    for _ in range(100):
        if not (await _employee(bot_app, 7002)).is_active:
            break
        await asyncio.sleep(0.05)  # the update is handled in the bot's own time
    assert not (await _employee(bot_app, 7002)).is_active


async def test_429_and_5xx_are_retried_and_the_reply_arrives(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(7003, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    await say(user, "/bantuan", "Perintah")
    fake.fail_next("sendMessage", status=502)
    await say(user, "/bantuan", "Perintah")
    errors = [c.error_code for c in fake.calls if c.method == "sendMessage" and not c.response_ok]
    assert errors == [429, 502]


async def test_progress_survives_a_restart(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})
    user = fake.user(7004, first_name="Siti", last_name="Aminah")
    module = catalog.modules["literasi-digital"]
    first = build_application(settings, catalog=catalog, clock=clock, rng=random.Random(1))
    async with polling(first, poll_timeout=1):
        await register(fake, user)
        await open_module(user, module, "Belum dimulai")
        await tap(user, "Mulai belajar", "Kartu 1/")
        await tap(user, "Lanjut", "Kartu 2/")
        await tap(user, "Lanjut", "Kartu 3/")
    second = build_application(settings, catalog=catalog, clock=clock, rng=random.Random(2))
    async with polling(second, poll_timeout=1):
        # The old card message's buttons still work after the restart.
        await tap(user, "Lanjut", "Kartu 4/")
        page = await open_module(user, module, "Sedang dipelajari (kartu 4 dari")
        assert any("Lanjutkan (kartu 4)" in b for b in page.button_texts)
    assert fake.violations == []


async def test_failing_then_passing_on_retry_with_a_fresh_draw(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(7005, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    module = catalog.modules["gratifikasi"]
    await open_module(user, module, "Belum dimulai")
    await read_module(user, module, clock, start="Mulai belajar")
    await tap(user, "Mulai kuis", "Kuis:")
    first_round = []
    for number in range(1, module.ask + 1):
        await fake.wait_for(_polls_sent_at_least(fake, number))
        poll = fake.last_poll(user.id)
        assert poll is not None
        first_round.append([o["text"] for o in poll["options"]])
        wrong = next(i for i in range(len(poll["options"])) if i not in poll["correct_option_ids"])
        user.answer_poll(poll["id"], [wrong])
    failed = await user.wait_for_reply(lambda m: "belum mencapai" in (m.text or ""))
    assert "Nilai <b>0</b>" in failed.html
    # After the wait, the retry opens (re-reading would open it sooner).
    clock.advance(minutes=10)
    await tap(user, "Ulangi kuis", "Kuis:")
    second_round = []
    for number in range(1, module.ask + 1):
        await fake.wait_for(_polls_sent_at_least(fake, module.ask + number))
        poll = fake.last_poll(user.id)
        assert poll is not None
        second_round.append([o["text"] for o in poll["options"]])
        if number == 2:
            await say(user, "jawabannya B", "sedang berjalan")
        user.answer_poll(poll["id"], poll["correct_option_ids"])
    passed = await user.wait_for_reply(lambda m: "lulus" in (m.text or ""))
    assert "Selamat, Bapak/Ibu lulus" in (passed.text or "")
    # A pool twice the size of an attempt: the second attempt asked other questions.
    assert not {tuple(sorted(q)) for q in first_round} & {tuple(sorted(q)) for q in second_round}
