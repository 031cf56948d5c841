"""Simulated Telegram users (FakeUser): the actions they take and waiting for replies."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
from bisect import bisect_right
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from .formatting import u16len
from .state import BotMessage, Chat

if TYPE_CHECKING:
    from collections.abc import Callable

    from .server import FakeBotApi

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


# Telegram's light theme, as a Mini App receives it in themeParams.
WEB_APP_THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#3390ec",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
}


def _seq(event: tuple[int, BotMessage]) -> int:
    return event[0]


class FakeUser:
    """A simulated Telegram user talking to the bot in a private chat."""

    def __init__(
        self,
        fake: FakeBotApi,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        started: bool,
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.started = started  # has talked to the bot (so the bot may message it)
        self.blocked = False
        self.phone_number: str | None = None  # what request_contact shares (set by the test)
        self.chat = Chat(self)
        self._mark = 0  # event sequence number of the last user action / returned reply

    def json(self) -> dict:
        u: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            u["last_name"] = self.last_name
        if self.username:
            u["username"] = self.username
        if self.language_code:
            u["language_code"] = self.language_code
        return u

    # ------------------------------------------------------------------ actions
    def _act(self) -> None:
        if self.blocked:  # pressing "Restart" in a blocked chat unblocks the bot
            self.unblock()
        self.started = True
        self._mark = self.fake.seq

    def _user_message(
        self,
        kind: str,
        text: str | None = None,
        formatting: list[dict] | None = None,
        *,
        defer: bool = False,
        **media: Any,
    ) -> BotMessage:
        """A message from the user; ``defer`` leaves queueing its update to the caller."""
        self._act()
        msg = BotMessage(
            self.chat.new_id(),
            self.id,
            int(time.time()),
            self.json(),
            self.chat.json(),
            from_bot=False,
            kind=kind,
            text=text,
            **media,
        )
        if text:
            msg.entities = [
                {
                    "type": "bot_command",
                    "offset": u16len(text[: m.start()]),
                    "length": u16len(m.group()),
                }
                for m in _COMMAND_RE.finditer(text)
                if m.start() == 0 or kind == "text"
            ]
            if formatting:
                msg.entities = sorted(
                    [*msg.entities, *formatting], key=lambda e: (e["offset"], -e["length"])
                )
        self.chat.add(msg)
        if not defer:
            self.fake.enqueue({"message": msg.to_api()})
        return msg

    def send_text(self, text: str, entities: list[dict] | None = None) -> dict:
        """Send a text message (bot_command entities are computed; ``entities`` adds the
        formatting a Telegram client would: bold, spoiler, text_link, custom_emoji, ...);
        returns the Message."""
        return self._user_message("text", text, formatting=entities).to_api()

    def send_sticker(self, emoji: str = "👍") -> dict:
        f = self.fake.files.new("sticker", b"STICKER", width=512, height=512)
        sticker = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": f.size,
        }
        return self._user_message("sticker", sticker=sticker).to_api()

    def send_photo(self, caption: str | None = None, data: bytes = b"\xff\xd8JPEG") -> dict:
        return self._user_message(
            "photo", caption, photo=self.fake.files.photo_sizes(data)
        ).to_api()

    def send_document(
        self,
        file_name: str = "doc.pdf",
        data: bytes = b"%PDF-1.4",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> dict:
        doc = self.fake.files.document(data, file_name, mime_type)
        return self._user_message("document", caption, document=doc).to_api()

    # ---------------------------------------------------------------- contacts
    def share_contact(self) -> dict:
        """Tap the ``request_contact`` button of the reply keyboard the bot showed: Telegram
        sends the user's own contact (``user_id`` == the sender, their account's number)."""
        keyboard = self.chat.reply_keyboard
        buttons = [
            b for row in (keyboard or {}).get("keyboard", []) for b in row if isinstance(b, dict)
        ]
        assert any(b.get("request_contact") for b in buttons), (
            f"no request_contact button on the reply keyboard of chat {self.id}: {keyboard}"
        )
        assert self.phone_number, "set user.phone_number before sharing the contact"
        assert keyboard is not None
        if keyboard.get("one_time_keyboard"):
            self.chat.reply_keyboard = None  # hidden after the tap
        contact: dict[str, Any] = {
            "phone_number": self.phone_number,
            "first_name": self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._user_message("contact", contact=contact).to_api()

    def send_contact(
        self,
        phone_number: str,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        forwarded_from: FakeUser | None = None,
    ) -> dict:
        """Send a contact from the address book (someone else's: ``user_id`` is theirs, or
        absent when they are not on Telegram), or forward one (``forward_origin`` is set)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        msg = self._user_message("contact", contact=contact, defer=forwarded_from is not None)
        if forwarded_from is not None:
            msg.forward_origin = {
                "type": "user",
                "sender_user": forwarded_from.json(),
                "date": int(time.time()) - 60,
            }
            self.fake.enqueue({"message": msg.to_api()})
        return msg.to_api()

    def edit_text(self, message_id: int, new_text: str) -> dict:
        """Edit one of this user's text messages (an ``edited_message`` update)."""
        msg = self.chat.get(message_id)
        assert msg is not None and not msg.from_bot, f"user message {message_id} not found"
        self._act()
        msg.text, msg.edit_date = new_text, int(time.time())
        msg.entities = [
            {
                "type": "bot_command",
                "offset": u16len(new_text[: m.start()]),
                "length": u16len(m.group()),
            }
            for m in _COMMAND_RE.finditer(new_text)
        ]
        self.fake.enqueue({"edited_message": msg.to_api()})
        return msg.to_api()

    def press(self, message_id: int, callback_data: str) -> str:
        """Press an inline button (any callback_data) of a bot message; returns the
        callback query id.  The update carries the message's current state."""
        msg = self.chat.get(message_id)
        assert msg is not None and msg.from_bot, f"bot message {message_id} not in chat {self.id}"
        assert not msg.deleted, f"message {message_id} was deleted; it can't be pressed"
        self._act()
        return self.fake.new_callback_query(self, msg, callback_data)

    def press_button(self, label: str, message_id: int | None = None) -> str:
        """Press the callback button whose text contains ``label`` (default message:
        the latest non-deleted bot message with an inline keyboard)."""
        if message_id is None:
            msg = next(
                (m for m in reversed(self.chat.messages) if not m.deleted and m.buttons), None
            )
            assert msg is not None, f"no bot message with an inline keyboard in chat {self.id}"
        else:
            msg = self.chat.get(message_id)
            assert msg is not None and msg.from_bot, f"bot message {message_id} not found"
        for b in msg.buttons:
            if label in b.get("text", "") and "callback_data" in b:
                return self.press(msg.message_id, b["callback_data"])
        raise AssertionError(
            f"no callback button containing {label!r} in message "
            f"{msg.message_id}; available buttons: {msg.button_texts}"
        )

    def web_app_init_data(self, auth_date: float | None = None) -> str:
        """The ``initData`` Telegram hands a Mini App this user opens: the user, a query id
        and ``auth_date``, signed with the bot's token as Telegram documents it (HMAC-SHA256
        of the sorted ``key=value`` lines, keyed by HMAC-SHA256 of the token with
        "WebAppData")."""
        user = json.dumps(self.json(), separators=(",", ":"), ensure_ascii=False)
        when = int(time.time() if auth_date is None else auth_date)
        fields = {"auth_date": str(when), "query_id": f"AAH{self.id}", "user": user}
        secret = hmac.new(b"WebAppData", self.fake.token.encode(), hashlib.sha256).digest()
        check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
        fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
        return urlencode(fields, quote_via=quote)

    def open_web_app(
        self, label: str, message_id: int | None = None, *, auth_date: float | None = None
    ) -> str:
        """Tap the ``web_app`` button whose text contains ``label`` (or, with label ``""``
        and no message, the chat's menu button): the URL Telegram opens, with the signed
        ``initData`` and a light theme in its fragment, as Telegram passes them."""
        if message_id is None and not label:
            button = self.fake.menu_buttons.get(self.id) or {}
            assert button.get("type") == "web_app", f"chat {self.id} has no Web App menu button"
            url = button["web_app"]["url"]
        else:
            msg = (
                next((m for m in reversed(self.chat.messages) if not m.deleted and m.buttons), None)
                if message_id is None
                else self.chat.get(message_id)
            )
            assert msg is not None, f"no bot message with buttons in chat {self.id}"
            found = [b for b in msg.buttons if label in b.get("text", "") and "web_app" in b]
            assert found, f"no web_app button {label!r}; available: {msg.button_texts}"
            url = found[0]["web_app"]["url"]
        self._act()
        theme = json.dumps(WEB_APP_THEME, separators=(",", ":"))
        fragment = urlencode(
            {
                "tgWebAppData": self.web_app_init_data(auth_date),
                "tgWebAppVersion": "9.0",
                "tgWebAppPlatform": "tdesktop",
                "tgWebAppThemeParams": theme,
            },
            quote_via=quote,
        )
        return f"{url}#{fragment}"

    def answer_poll(self, poll_id: str, option_ids: list[int]) -> None:
        """Vote in a poll the bot sent (a ``poll_answer`` update, and a ``poll`` update)."""
        self._act()
        self.fake.vote(self, poll_id, list(option_ids))

    def block(self) -> None:
        """Block the bot: sends now get 403; enqueues my_chat_member (kicked)."""
        if not self.blocked:
            self.blocked = True
            self.fake.member_update(self, "member", "kicked")

    def unblock(self) -> None:
        if self.blocked:
            self.blocked = False
            self.fake.member_update(self, "kicked", "member")

    # -------------------------------------------------------------- observation
    async def wait_for_reply(
        self,
        predicate: Callable[[BotMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Wait for the next bot message sent OR edited in this chat after this user's
        last action (or after the previously returned reply), optionally the first one
        matching ``predicate``.  Returns the live BotMessage (current state)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            events = self.chat.events
            for k in range(bisect_right(events, self._mark, key=_seq), len(events)):
                seq, msg = events[k]
                if predicate is None or predicate(msg):
                    self._mark = seq
                    return msg
            if loop.time() >= deadline:
                raise TimeoutError(
                    f"no reply to user {self.id} within {timeout}s\n" + self.fake.dump()
                )
            await asyncio.sleep(0.01)

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.first_name!r}{' blocked' if self.blocked else ''}>"
