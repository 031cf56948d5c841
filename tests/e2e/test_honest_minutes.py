"""Honest minutes, end to end: a speed run earns nothing, trial and error is stopped, polls close.

The app's clock is the tests' ``FakeClock``: reading "for a minute" is a step of that clock.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog, Module
from bot.emulator import FakeBotApi, FakeUser
from db.models import JpLedgerEntry, QuizAttempt
from tests.e2e.helpers import open_module, read_module, register, say
from tests.e2e.hours_helpers import callback_answer
from tests.support import FakeClock


def _sent_polls(fake: FakeBotApi, user: FakeUser) -> list[dict[str, object]]:
    return [
        c.result
        for c in fake.calls_to("sendPoll")
        if c.response_ok and c.params["chat_id"] == user.id
    ]


async def _answer_all(
    fake: FakeBotApi, user: FakeUser, module: Module, right: bool, before: int
) -> list[str]:
    """Answer the attempt's polls as they come (``before`` polls were sent to this user before
    the attempt); the questions asked, in order."""
    asked: list[str] = []
    for number in range(1, module.ask + 1):
        await fake.wait_for(lambda n=number: len(_sent_polls(fake, user)) >= before + n)  # type: ignore[misc]
        poll = fake.last_poll(user.id)
        assert poll is not None
        asked.append(str(poll["question"]))
        correct = list(poll["correct_option_ids"])
        wrong = [next(i for i in range(len(poll["options"])) if i not in correct)]
        user.answer_poll(str(poll["id"]), correct if right else wrong)
    return asked


async def test_a_speed_run_earns_nothing(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(8101, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    module = catalog.modules["berakhlak"]
    await open_module(user, module, "Belum dimulai")
    last = await read_module(user, module, clock, pace=0, start="Mulai belajar")
    pressed = user.press(
        last.message_id,
        next(b["callback_data"] for b in last.buttons if "kuis" in b["text"].lower()),
    )
    answer = await callback_answer(fake, pressed)
    assert "Kuis terbuka setelah" in answer and "menit lagi" in answer
    assert _sent_polls(fake, user) == []
    # The module page says the same, on the quiz button itself.
    page = await open_module(user, module, "Kuis terbuka setelah")
    assert any(text.startswith("🔒 Kuis (baca ±") for text in page.button_texts)
    async with services_of(bot_app).db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(QuizAttempt)) == 0
        assert await s.scalar(select(func.count()).select_from(JpLedgerEntry)) == 0


async def test_failing_shows_what_was_missed_and_a_retry_needs_rereading(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock, settings: Settings
) -> None:
    user = fake.user(8102, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    module = catalog.modules["gratifikasi"]
    await open_module(user, module, "Belum dimulai")
    await read_module(user, module, clock, start="Mulai belajar")
    await say_quiz(user)
    first = await _answer_all(fake, user, module, right=False, before=0)
    failed = await user.wait_for_reply(lambda m: "belum mencapai" in (m.text or ""))
    assert failed.text is not None
    assert "Yang perlu dipelajari lagi" in failed.text and "❌" in failed.text
    reread = [b for b in failed.button_texts if b.startswith("📖 Kartu")]
    assert reread  # a button per card of a missed question
    # An immediate retry is refused, naming the cards and the time it opens anyway.
    retry = user.press(
        failed.message_id,
        next(b["callback_data"] for b in failed.buttons if "Ulangi kuis" in b["text"]),
    )
    refusal = await callback_answer(fake, retry)
    assert "baca ulang kartu" in refusal and "pukul" in refusal
    polls_before = len(_sent_polls(fake, user))
    assert polls_before == module.ask
    # Re-reading each missed card (its button opens it) unlocks the retry.
    for label in reread:
        user.press_button(label, failed.message_id)
        number = label.split()[2].rstrip(":")
        await user.wait_for_reply(lambda m, n=number: f"Kartu {n}/" in (m.text or ""))  # type: ignore[misc]
    user.press_button("Ulangi kuis", failed.message_id)
    await user.wait_for_reply(lambda m: "Kuis:" in (m.text or ""))
    second = await _answer_all(fake, user, module, right=True, before=module.ask)
    passed = await user.wait_for_reply(lambda m: "lulus" in (m.text or ""))
    assert "Selamat" in (passed.text or "")
    assert not set(first) & set(second)  # a fresh draw: no question asked twice in a row
    async with services_of(bot_app).db.transaction() as s:
        minutes = await s.scalar(select(func.sum(JpLedgerEntry.minutes)))
    assert minutes == module.minutes


async def say_quiz(user: FakeUser) -> None:
    user.press_button("Mulai kuis")
    await user.wait_for_reply(lambda m: "Kuis:" in (m.text or ""))


async def test_batal_stops_a_quiz_and_closes_its_poll(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(8103, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    module = catalog.modules["berakhlak"]
    await open_module(user, module, "Belum dimulai")
    await read_module(user, module, clock, start="Mulai belajar")
    await say_quiz(user)
    await fake.wait_for(lambda: len(_sent_polls(fake, user)) == 1)
    poll = fake.last_poll(user.id)
    assert poll is not None and not poll["is_closed"]
    await say(user, "/batal", "dihentikan")
    await fake.wait_for(lambda: bool(fake.calls_to("stopPoll")))
    assert poll["is_closed"]  # the fake closed it: nobody can vote on it any more
    await say(user, "/batal", "Tidak ada proses")  # nothing left to stop


async def test_an_open_quiz_after_a_restart_points_to_its_poll(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})
    user = fake.user(8104, first_name="Siti", last_name="Aminah")
    module = catalog.modules["berakhlak"]
    first = build_application(settings, catalog=catalog, clock=clock, rng=random.Random(1))
    async with polling(first, poll_timeout=1):
        await register(fake, user)
        await open_module(user, module, "Belum dimulai")
        await read_module(user, module, clock, start="Mulai belajar")
        await say_quiz(user)
        await fake.wait_for(lambda: len(_sent_polls(fake, user)) == 1)
    waiting = fake.last_poll(user.id)
    assert waiting is not None
    second = build_application(settings, catalog=catalog, clock=clock, rng=random.Random(2))
    async with polling(second, poll_timeout=1):
        user.press_button("Mulai kuis")
        pointer = await user.wait_for_reply(lambda m: "sedang berjalan" in (m.text or ""))
        assert pointer.reply_to is not None  # it quotes the poll waiting for an answer
        assert len(_sent_polls(fake, user)) == 1  # no second copy of the question
        user.answer_poll(str(waiting["id"]), list(waiting["correct_option_ids"]))
        await fake.wait_for(lambda: len(_sent_polls(fake, user)) == 2)
    assert fake.violations == []
