"""Long polling: getUpdates with offsets, limits and allowed updates; a PTB Application on it."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import TOKEN, kb, present, tg


async def test_long_polling_returns_pressed_button_quickly(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    m = await bot.send_message(1001, "Pilih", reply_markup=kb([("Lanjut ▶", "next")]))
    first = await bot.get_updates(timeout=0)
    poll = asyncio.create_task(bot.get_updates(offset=first[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    t0 = time.monotonic()
    qid = user.press_button("Lanjut")
    updates = await poll
    assert time.monotonic() - t0 < 0.5
    cq = present(updates[0].callback_query)
    assert isinstance(cq.message, Message)
    assert cq.id == qid and cq.data == "next" and cq.message.message_id == m.message_id
    assert cq.from_user.id == 1001 and present(cq.message.reply_markup).inline_keyboard[0][0].text
    assert fake.unanswered_callback_queries()[0].id == qid
    await bot.answer_callback_query(qid, text="Oke")
    assert fake.callback_queries[qid].answer == {"text": "Oke"}
    with pytest.raises(BadRequest, match=tg("query is too old")):
        await bot.answer_callback_query(qid)
    with pytest.raises(BadRequest, match=tg("query is too old")):
        await bot.answer_callback_query("12345")
    qid2 = user.press(m.message_id, "next")
    with pytest.raises(BadRequest, match=tg("MESSAGE_TOO_LONG")):
        await bot.answer_callback_query(qid2, text="x" * 201)
    with pytest.raises(AssertionError, match=tg("available buttons: ['Lanjut ▶']")):
        user.press_button("Kembali")


async def test_get_updates_offset_limit_and_allowed_updates(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    user.send_text("satu")
    user.send_text("dua")
    again = await bot.get_updates(timeout=0)
    assert [present(u.message).text for u in await bot.get_updates(timeout=0)] == [
        "/start",
        "satu",
        "dua",
    ]  # not confirmed: delivered again
    first = await bot.get_updates(timeout=0, limit=1)
    assert [present(u.message).text for u in first] == ["/start"]
    rest = await bot.get_updates(offset=again[0].update_id + 1, timeout=0)
    assert [present(u.message).text for u in rest] == ["satu", "dua"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    assert fake.pending_update_count == 0
    user.send_text("tiga")
    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) == ()
    assert len(await bot.get_updates(timeout=0, allowed_updates=[])) == 1
    # a duplicate update is delivered twice
    dup = {"update_id": 555, "message": user.send_text("asli")}
    fake.inject_raw_update(dup)
    fake.inject_raw_update(dup)
    ids = [u.update_id for u in await bot.get_updates(timeout=0)]
    assert ids.count(555) == 2
    assert fake.violations == []


async def test_application_end_to_end(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.effective_user is not None
        await update.message.reply_html(
            f"Halo <b>{update.effective_user.first_name}</b>!",
            reply_markup=kb([("Mulai kuis", "quiz")]),
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Kuis dimulai")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    assert app.updater is not None
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        try:
            u = fake.user(1001, first_name="Siti")
            u.send_text("/start")
            reply = await u.wait_for_reply()
            assert reply.html == "Halo <b>Siti</b>!" and reply.button_texts == ["Mulai kuis"]
            u.press_button("Mulai")
            edited = await u.wait_for_reply()
            assert edited is reply and edited.text == "Kuis dimulai" and edited.edits == 1
            with pytest.raises(TimeoutError, match=tg("no reply to user 1001")):
                await u.wait_for_reply(timeout=0.2)
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.violations == [] and fake.unanswered_callback_queries() == []
