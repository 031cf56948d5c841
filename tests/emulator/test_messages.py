"""Editing and deleting messages, as Telegram allows it."""

from __future__ import annotations

import pytest
from telegram import Bot, Message
from telegram.error import BadRequest

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import kb, present, tg


async def test_edits(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    m = await bot.send_message(1001, "Soal 1", reply_markup=kb([("A", "a"), ("B", "b")]))
    e = await bot.edit_message_text(
        "Soal 1",
        chat_id=1001,
        message_id=m.message_id,
        reply_markup=kb([("A ✅", "a"), ("B", "b")]),
    )
    assert isinstance(e, Message)
    assert e.edit_date is not None and present(fake.chat(1001).get(m.message_id)).edits == 1
    not_modified = tg(
        "message is not modified: specified new message content and reply "
        "markup are exactly the same"
    )
    with pytest.raises(BadRequest, match=not_modified):
        await bot.edit_message_reply_markup(
            1001, m.message_id, reply_markup=kb([("A ✅", "a"), ("B", "b")])
        )
    assert len(fake.violations) == 1
    # editing the text without reply_markup removes the keyboard, like Telegram
    await bot.edit_message_text("Soal 1 selesai", chat_id=1001, message_id=m.message_id)
    assert present(fake.chat(1001).get(m.message_id)).reply_markup is None
    with pytest.raises(BadRequest, match=tg("message to edit not found")):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)
    with pytest.raises(BadRequest, match=tg("message can't be edited")):
        await bot.edit_message_text("x", chat_id=1001, message_id=1)  # the user's /start
    photo = await bot.send_photo(1001, b"\xff\xd8img", caption="lama")
    await bot.edit_message_caption(1001, photo.message_id, caption="<i>baru</i>", parse_mode="HTML")
    assert present(fake.chat(1001).get(photo.message_id)).html == "<i>baru</i>"
    with pytest.raises(BadRequest, match=tg("no caption")):
        await bot.edit_message_caption(1001, m.message_id, caption="x")
    assert await bot.delete_message(1001, m.message_id)
    assert present(fake.chat(1001).get(m.message_id)).deleted
    with pytest.raises(BadRequest, match=tg("message to delete not found")):
        await bot.delete_message(1001, m.message_id)
    with pytest.raises(BadRequest, match=tg("message to edit not found")):
        await bot.edit_message_text("x", chat_id=1001, message_id=m.message_id)


async def test_a_document_over_the_upload_limit_is_refused(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    fake.upload_limit = 1000  # Telegram's is 50 MB; the same check, smaller
    sent = await bot.send_document(1001, b"x" * 1000, filename="ok.csv")
    assert sent.document is not None
    with pytest.raises(Exception, match=tg("Request Entity Too Large")):
        await bot.send_document(1001, b"x" * 1001, filename="big.csv")
    assert len(fake.violations) == 1
