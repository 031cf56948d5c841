"""What fake users do: messages with entities, photos, stickers, edits; blocking and unblocking."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import Forbidden

from bot.emulator import SCHEMA, FakeBotApi, FakeUser
from tests.emulator.helpers import present, tg


async def test_entities_of_user_messages(fake: FakeBotApi, bot: Bot) -> None:
    u = fake.user(1002, first_name="Budi")
    msg = u.send_text("/kuis@sinau_bareng_bot mulai /bantuan")
    assert [(e["offset"], e["length"]) for e in msg["entities"]] == [(0, 22), (29, 8)]
    u.send_photo(caption="foto")
    u.send_sticker()
    sent = u.edit_text(msg["message_id"], "/start")
    updates = await bot.get_updates(timeout=0)
    assert present(updates[0].message).entities[0].type == "bot_command"
    assert updates[1].message is not None
    assert updates[1].message.photo[-1].width == 800 and updates[1].message.caption == "foto"
    assert present(present(updates[2].message).sticker).emoji == "👍"
    assert present(updates[3].edited_message).text == "/start" == sent["text"]
    f = await bot.get_file(updates[1].message.photo[-1].file_id)
    assert bytes(await f.download_as_bytearray()) == b"\xff\xd8JPEG"
    for entry in fake.updates.pending.values():  # the raw JSON the fake produced
        assert SCHEMA.validate_result(entry.update, ("Update",)) is None


async def test_a_user_message_carries_the_formatting_a_client_sends(
    fake: FakeBotApi, bot: Bot
) -> None:
    u = fake.user(1003, first_name="Ani")
    formatting = [
        {"type": "spoiler", "offset": 0, "length": 7},
        {"type": "text_link", "offset": 8, "length": 6, "url": "https://x.go.id/?a=1&b=2"},
        {"type": "custom_emoji", "offset": 15, "length": 2, "custom_emoji_id": "5368324170671"},
    ]
    u.send_text("rahasia tautan 😀", entities=formatting)
    [update] = await bot.get_updates(timeout=0)
    message = present(update.message)
    assert [e.type for e in message.entities] == ["spoiler", "text_link", "custom_emoji"]
    assert message.entities[1].url == "https://x.go.id/?a=1&b=2"
    assert "tg-spoiler" in message.text_html and "tg-emoji" in message.text_html
    for entry in fake.updates.pending.values():
        assert SCHEMA.validate_result(entry.update, ("Update",)) is None


async def test_blocked_user(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    await bot.get_updates(offset=-1, timeout=0)
    user.block()
    with pytest.raises(Forbidden, match=tg("bot was blocked by the user")):
        await bot.send_message(1001, "Halo?")
    assert fake.violations == [] and fake.calls[-1].error_code == 403
    updates = await bot.get_updates(timeout=0, allowed_updates=["my_chat_member"])
    mcm = present(updates[-1].my_chat_member)
    assert (mcm.old_chat_member.status, mcm.new_chat_member.status) == ("member", "kicked")
    assert mcm.new_chat_member.user.id == 123456
    user.unblock()
    await bot.send_message(1001, "Selamat datang kembali")
    again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert present(again[-1].my_chat_member).new_chat_member.status == "member"
    assert fake.violations == []
