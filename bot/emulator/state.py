"""Observable state of the fake: calls, webhook deliveries, chats and their messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .formatting import to_html

if TYPE_CHECKING:
    from .users import FakeUser


@dataclass
class Call:
    """One Bot API request as the fake saw it (params are decoded)."""

    method: str
    params: dict
    response_ok: bool
    error_code: int | None
    ts: float
    description: str | None = None
    result: Any = None


@dataclass
class WebhookDelivery:
    update_id: int
    url: str
    status: int | None  # HTTP status; None when the connection failed
    ts: float
    error: str | None = None


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    ts: float
    answered: bool = False
    answer: dict | None = None  # the answerCallbackQuery params (text, show_alert, ...)


@dataclass(eq=False)
class BotMessage:
    """A message in a chat, with its CURRENT state (after edits / deletion).

    ``text`` is the visible text, or the caption for media messages; ``entities``
    are Telegram entities (UTF-16 offsets); ``html`` renders them back to HTML.
    """

    message_id: int
    chat_id: int
    date: int
    sender: dict
    chat_json: dict
    from_bot: bool = True
    kind: str = "text"  # text | photo | document | poll | sticker | contact
    text: str | None = None
    entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    poll: dict | None = None
    photo: list[dict] | None = None
    document: dict | None = None
    sticker: dict | None = None
    contact: dict | None = None
    parse_mode: str | None = None
    raw_text: str | None = None  # what the bot sent before entity parsing
    reply_to: int | None = None
    reply_to_message: dict | None = None  # snapshot included in the API JSON
    forward_origin: dict | None = None
    deleted: bool = False
    edit_date: int | None = None
    edits: int = 0

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def html(self) -> str:
        return to_html(self.text or "", self.entities)

    @property
    def buttons(self) -> list[dict]:
        """Inline keyboard buttons, flattened row by row."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [b for row in self.reply_markup["inline_keyboard"] for b in row]

    @property
    def button_texts(self) -> list[str]:
        return [b.get("text", "") for b in self.buttons]

    @property
    def keyboard_texts(self) -> list[str]:
        """Texts of a reply (custom) keyboard sent with this message, row by row."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            b if isinstance(b, str) else b.get("text", "")
            for row in self.reply_markup["keyboard"]
            for b in row
        ]

    def button(self, label: str) -> dict:
        """The first inline button whose text contains ``label``."""
        for b in self.buttons:
            if label in b.get("text", ""):
                return b
        raise AssertionError(
            f"no button containing {label!r} in message {self.message_id}; "
            f"buttons: {self.button_texts}"
        )

    def to_api(self) -> dict:
        m: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat_json,
            "date": self.date,
        }
        if self.edit_date:
            m["edit_date"] = self.edit_date
        if self.forward_origin:
            m["forward_origin"] = self.forward_origin
        if self.reply_to_message:
            m["reply_to_message"] = self.reply_to_message
        if self.kind == "text":
            m["text"] = self.text or ""
            if self.entities:
                m["entities"] = self.entities
        else:
            if self.text:
                m["caption"] = self.text
                if self.entities:
                    m["caption_entities"] = self.entities
            for key in ("poll", "photo", "document", "sticker", "contact"):
                value = getattr(self, key)
                if value is not None:
                    m[key] = value
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            m["reply_markup"] = self.reply_markup
        return m

    def __repr__(self) -> str:
        flags = " deleted" if self.deleted else ""
        return (
            f"<BotMessage #{self.message_id} {self.kind}{flags} text={self.text!r} "
            f"buttons={self.button_texts}>"
        )


class Chat:
    """A private chat between the bot and one user (chat id == user id)."""

    def __init__(self, user: FakeUser) -> None:
        self.id = user.id
        self.user = user
        self.history: list[BotMessage] = []  # every message, both directions
        self.actions: list[str] = []  # sendChatAction actions
        self.by_id: dict[int, BotMessage] = {}
        self.events: list[tuple[int, BotMessage]] = []  # (seq, bot message sent/edited)
        # The reply keyboard the user sees now: set by a message that sends one, hidden by
        # one with remove_keyboard (or after a tap, when it was one_time_keyboard).
        self.reply_keyboard: dict | None = None
        self._next_id = 1

    def json(self) -> dict:
        u = self.user
        c = {"id": u.id, "type": "private", "first_name": u.first_name}
        if u.last_name:
            c["last_name"] = u.last_name
        if u.username:
            c["username"] = u.username
        return c

    def new_id(self) -> int:
        mid = self._next_id
        self._next_id += 1
        return mid

    def add(self, msg: BotMessage) -> BotMessage:
        self.history.append(msg)
        self.by_id[msg.message_id] = msg
        return msg

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in send order (current state; deleted ones flagged)."""
        return [m for m in self.history if m.from_bot]

    @property
    def user_messages(self) -> list[BotMessage]:
        return [m for m in self.history if not m.from_bot]

    def last_message(self, include_deleted: bool = False) -> BotMessage | None:
        for m in reversed(self.history):
            if m.from_bot and (include_deleted or not m.deleted):
                return m
        return None

    def get(self, message_id: int) -> BotMessage | None:
        return self.by_id.get(message_id)
