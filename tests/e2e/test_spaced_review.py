"""Spaced review end to end: a failed quiz offers latihan kesalahan, a pass fills the schedule,
the reminder opens the review when it is due, /ulas moves the schedule, a restart loses nothing.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select, update
from telegram.ext import Application

from bot import texts
from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog, Module
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from db.models import JpLedgerEntry, ReviewCard, ReviewSession
from tests.e2e.helpers import open_module, read_module, register, say, tap
from tests.e2e.hours_helpers import callback_answer
from tests.e2e.test_reminders import at_wib, tick
from tests.support import FakeClock

MODULE = "gratifikasi"


def polls_to(fake: FakeBotApi, user: FakeUser) -> list[dict[str, object]]:
    return [
        c.result
        for c in fake.calls_to("sendPoll")
        if c.response_ok and c.params["chat_id"] == user.id
    ]


async def answer_polls(
    fake: FakeBotApi, user: FakeUser, before: int, right: list[bool]
) -> list[str]:
    """Answer the polls after the first ``before`` as they come, right or wrong in turn; their
    questions."""
    asked = []
    count = len(right)
    for number in range(count):
        await fake.wait_for(lambda n=number: len(polls_to(fake, user)) >= before + n + 1)  # type: ignore[misc]
        poll = fake.last_poll(user.id)
        assert poll is not None
        asked.append(str(poll["question"]))
        correct = list(poll["correct_option_ids"])
        wrong = [next(i for i in range(len(poll["options"])) if i not in correct)]
        user.answer_poll(str(poll["id"]), correct if right[number] else wrong)
    return asked


async def fail_then_pass(
    fake: FakeBotApi, user: FakeUser, module: Module, clock: FakeClock
) -> BotMessage:
    """Read the module, fail its quiz, and return the failed result (the pass comes later)."""
    await register(fake, user)
    await open_module(user, module, "Belum dimulai")
    await read_module(user, module, clock, start="Mulai belajar")
    user.press_button("Mulai kuis")
    await user.wait_for_reply(lambda m: "Kuis:" in (m.text or ""))
    await answer_polls(fake, user, 0, [False] * module.ask)
    return await user.wait_for_reply(lambda m: "belum mencapai" in (m.text or ""))


async def test_practice_then_review_offered_by_the_reminder_moves_the_schedule(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(8201, first_name="Siti", last_name="Aminah")
    module = catalog.modules[MODULE]
    failed = await fail_then_pass(fake, user, module, clock)
    # A failed attempt offers "latihan kesalahan": its missed questions, ungraded.
    assert any("Latihan kesalahan" in b for b in failed.button_texts)
    await tap(user, "Latihan kesalahan", "Latihan kesalahan:", failed.message_id)
    await answer_polls(fake, user, module.ask, [True] * module.ask)
    practised = await user.wait_for_reply(lambda m: "Latihan selesai" in (m.text or ""))
    assert f"{module.ask} dari {module.ask} benar" in (practised.text or "")
    db = services_of(bot_app).db
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(JpLedgerEntry)) == 0
        assert await s.scalar(select(func.count()).select_from(ReviewCard)) == 0

    # Nothing is scheduled before a pass.
    await say(user, "/ulas", "Belum ada soal untuk diulas")
    clock.advance(minutes=11)
    user.press_button("Ulangi kuis", practised.message_id)
    await user.wait_for_reply(lambda m: "Kuis:" in (m.text or ""))
    await answer_polls(fake, user, 2 * module.ask, [True] * module.ask)
    await user.wait_for_reply(lambda m: "Selamat" in (m.text or ""))
    await say(user, "/ulas", "Tidak ada ulasan hari ini; berikutnya besok")
    menu = await say(user, "/start", "Apa yang ingin dikerjakan")
    assert "Tidak ada ulasan hari ini" in (menu.text or "") and "🔥 1 hari" in (menu.text or "")

    # The next evening the missed questions are due: the reminder offers them, one message.
    clock.now = at_wib(2026, 11, 25, 19, 30)
    await tick(bot_app)  # learned today: no reminder
    clock.now = at_wib(2026, 11, 26, 19, 30)
    await tick(bot_app)
    reminder = await user.wait_for_reply(lambda m: "menunggu diulas" in (m.text or ""))
    assert reminder.button_texts == ["🔁 Ulas 5 soal"]
    await tap(user, "Ulas 5 soal", "Ulasan hari ini", reminder.message_id)
    asked = await answer_polls(fake, user, 3 * module.ask, [False, True, True, True, True])
    result = await user.wait_for_reply(lambda m: "Ulasan selesai" in (m.text or ""))
    assert "4 dari 5 benar" in (result.text or "") and "Ulasan berikutnya" in (result.text or "")
    assert any(b.startswith("📖 Kartu") for b in result.button_texts)  # the card that teaches it
    async with db.transaction() as s:
        cards = {c.question_id: c for c in (await s.scalars(select(ReviewCard))).all()}
    by_text = {q.question: cards[q.id] for q in module.quiz if q.id in cards}
    wrong, right = (
        by_text[asked[0].split(". ", 1)[-1]],
        [by_text[a.split(". ", 1)[-1]] for a in asked[1:]],
    )
    assert wrong.due_at < min(c.due_at for c in right)
    assert wrong.lapses == 1 and all(c.reviews == 1 for c in right)
    await say(user, "/ulas", "Ulasan hari ini sudah selesai")
    menu = await say(user, "/start", "Apa yang ingin dikerjakan")
    assert "Ulasan hari ini selesai" in (menu.text or "") and "🔥 2 hari" in (menu.text or "")


async def test_a_restart_between_two_review_polls_loses_nothing(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})
    user = fake.user(8202, first_name="Siti", last_name="Aminah")
    module = catalog.modules[MODULE]
    first = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(1), run_ticks=False
    )
    async with polling(first, poll_timeout=1):
        await register(fake, user)
        await open_module(user, module, "Belum dimulai")
        await read_module(user, module, clock, start="Mulai belajar")
        user.press_button("Mulai kuis")
        await user.wait_for_reply(lambda m: "Kuis:" in (m.text or ""))
        await answer_polls(fake, user, 0, [True] * module.ask)
        await user.wait_for_reply(lambda m: "Selamat" in (m.text or ""))
        clock.now = at_wib(2026, 11, 28, 9)
        await say(user, "/ulas", "Ulasan hari ini")
        await answer_polls(fake, user, module.ask, [True])
        await fake.wait_for(lambda: len(polls_to(fake, user)) == module.ask + 2)
    waiting = fake.last_poll(user.id)
    assert waiting is not None
    second = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(2), run_ticks=False
    )
    async with polling(second, poll_timeout=1):
        # /ulas again quotes the poll waiting for an answer; no second copy is sent.
        pointer = await say(user, "/ulas", "Ulasan sedang berjalan")
        assert pointer.reply_to is not None and "soal 2 dari 5" in (pointer.text or "")
        assert len(polls_to(fake, user)) == module.ask + 2
        user.answer_poll(str(waiting["id"]), list(waiting["correct_option_ids"]))
        await fake.wait_for(lambda: len(polls_to(fake, user)) == module.ask + 3)
        # A vote on a poll of a session ended elsewhere (another instance's /batal whose
        # stopPoll did not get through) is answered, counts nothing, and the poll is closed.
        async with services_of(second).db.transaction() as s:
            await s.execute(update(ReviewSession).values(finished_at=clock.now))
        old = fake.last_poll(user.id)
        assert old is not None and not old["is_closed"]
        user.answer_poll(str(old["id"]), [0])
        await user.wait_for_reply(lambda m: "sudah selesai atau dihentikan" in (m.text or ""))
        await fake.wait_for(lambda: bool(fake.calls_to("stopPoll")))
        assert old["is_closed"]
    async with services_of(second).db.transaction() as s:
        session = await s.scalar(select(ReviewSession))
    assert session is not None and session.current_index == 2 and session.finished_at is not None
    assert fake.violations == []


async def test_forged_review_buttons_get_a_clear_answer(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(8203, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    menu = await say(user, "/start", "Apa yang ingin dikerjakan")
    # Someone else's attempt (or none): nothing to practise, nothing started.
    answer = await callback_answer(fake, user.press(menu.message_id, "latih:424242"))
    assert "Tidak ada kesalahan untuk dilatih" in answer
    answer = await callback_answer(fake, user.press(menu.message_id, "ulas:extra"))
    assert answer == texts.BUTTON_INVALID
    answer = await callback_answer(fake, user.press(menu.message_id, "ulas"))
    assert "Belum ada soal untuk diulas" in answer
    assert polls_to(fake, user) == []
    async with services_of(bot_app).db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ReviewSession)) == 0
