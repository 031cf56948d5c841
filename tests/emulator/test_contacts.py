"""Reply keyboards with request_contact, and contact messages: one's own, someone else's, and a
forwarded one, as Telegram delivers them."""

from __future__ import annotations

import json

import pytest
from telegram import (
    Bot,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import TOKEN, raw_call


async def _messages(bot: Bot) -> list[Update]:
    return list(await bot.get_updates(timeout=0))


async def test_sharing_ones_own_contact_needs_the_button_and_sends_ones_own_number(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    user.phone_number = "6281234567890"
    with pytest.raises(AssertionError, match="no request_contact button"):
        user.share_contact()  # no keyboard shown yet
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📱 Bagikan nomor", request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    await bot.send_message(user.id, "Bagikan nomor Anda", reply_markup=keyboard)
    assert fake.chat(user.id).reply_keyboard is not None
    user.share_contact()
    updates = await _messages(bot)
    message = updates[-1].message
    assert message is not None and message.contact is not None
    assert message.contact.user_id == message.from_user.id == user.id  # type: ignore[union-attr]
    assert message.contact.phone_number == "6281234567890"
    assert message.forward_origin is None
    # A one-time keyboard hides after the tap; removing a keyboard hides it too.
    assert fake.chat(user.id).reply_keyboard is None
    await bot.send_message(user.id, "lagi", reply_markup=keyboard)
    await bot.send_message(user.id, "selesai", reply_markup=ReplyKeyboardRemove())
    assert fake.chat(user.id).reply_keyboard is None
    assert fake.violations == []


async def test_someone_elses_contact_and_a_forwarded_one_differ_from_the_sender(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    other = fake.user(1002, first_name="Budi")
    user.send_contact("+62 812 0000 0001", "Budi", user_id=other.id)
    user.send_contact("0812 0000 0002", "Tetangga")  # not on Telegram: no user_id
    user.send_contact("+6281200000003", "Budi", user_id=other.id, forwarded_from=other)
    updates = await _messages(bot)
    contacts = [u.message for u in updates if u.message is not None and u.message.contact]
    assert len(contacts) == 3
    first, second, forwarded = contacts
    assert first.contact is not None and first.contact.user_id == other.id != user.id
    assert second.contact is not None and second.contact.user_id is None
    assert forwarded.forward_origin is not None
    assert forwarded.contact is not None and forwarded.contact.user_id == other.id


async def test_a_reply_button_asks_for_one_thing_at_most(fake: FakeBotApi, user: FakeUser) -> None:
    button = {"text": "x", "request_contact": True, "request_location": True}
    status, body = await raw_call(
        fake,
        "sendMessage",
        {
            "chat_id": str(user.id),
            "text": "x",
            "reply_markup": json.dumps({"keyboard": [[button]]}),
        },
        token=TOKEN,
    )
    assert status == 400 and "only one of" in body["description"]
    assert len(fake.violations) == 1
