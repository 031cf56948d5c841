"""The pressed message is slimmed before PTB parses it; what handlers read stays."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.telegram.bot import slim_update


def _press(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "update_id": 7,
        "callback_query": {
            "id": "q1",
            "from": {"id": 42, "is_bot": False, "first_name": "Sri"},
            "chat_instance": "c",
            "data": "crd:berakhlak:3:1",
            "message": message,
        },
    }


CARD = {
    "message_id": 10,
    "date": 1_700_000_000,
    "chat": {"id": 42, "type": "private"},
    "from": {"id": 1, "is_bot": True, "first_name": "Sinau Bareng"},
    "text": "Kartu 1\n\nBerorientasi pelayanan",
    "entities": [{"type": "bold", "offset": 0, "length": 7}],
    "link_preview_options": {"is_disabled": True},
    "reply_markup": {"inline_keyboard": [[{"text": "Lanjut ▶", "callback_data": "x"}]]},
}


def test_a_pressed_card_keeps_what_handlers_read_and_drops_its_formatting() -> None:
    update = Update.de_json(slim_update(_press(dict(CARD))), None)
    assert update is not None and update.callback_query is not None
    message = update.callback_query.message
    assert isinstance(message, Message)
    assert (message.message_id, message.chat_id) == (10, 42)
    assert message.text == CARD["text"]  # show() compares it with the page to send
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].text == "Lanjut ▶"
    assert message.entities == () and message.from_user is None
    assert update.callback_query.from_user.id == 42  # the presser, not the message's sender


def test_a_pressed_photo_or_poll_stays_recognisable() -> None:
    photo = {**CARD, "photo": [{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}]}
    del photo["text"]
    update = Update.de_json(slim_update(_press(photo)), None)
    assert update is not None and update.callback_query is not None
    message = update.callback_query.message
    assert isinstance(message, Message) and message.photo  # a photo card is sent anew


def test_other_updates_are_left_as_they_are() -> None:
    typed: dict[str, Any] = {"update_id": 8, "message": dict(CARD)}
    assert slim_update(typed)["message"]["entities"] == CARD["entities"]  # broadcasts keep HTML
