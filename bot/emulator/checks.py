"""Shared checks for the Bot API methods: limits, chats, texts, keyboards, media."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .formatting import format_text, u16len
from .spec import SCHEMA, ApiError, UploadedFile
from .state import BotMessage, Chat

if TYPE_CHECKING:
    from .server import FakeBotApi

MESSAGE_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
BUTTONS_PER_ROW_MAX = 8
BUTTONS_TOTAL_MAX = 100
CALLBACK_ANSWER_MAX = 200
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_MIN_OPTIONS = 2  # Bot API 10.1 itself says 1-12; the project rule is 2-12
POLL_MAX_OPTIONS = 12
POLL_EXPLANATION_MAX = 200
POLL_EXPLANATION_MAX_LF = 2
POLL_DESCRIPTION_MAX = 1024  # Bot API 9.6: text above the question, 0-1024 after parsing
COMMANDS_MAX = 100
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup of "
    "the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_ACTIONS = tuple(
    f
    for f in SCHEMA.types["InlineKeyboardButton"].fields
    if f not in ("text", "icon_custom_emoji_id", "style")
)


def _now() -> int:
    return int(time.time())


# ------------------------------------------------------------------------- helpers
def chat_of(fake: FakeBotApi, p: dict, key: str = "chat_id", blocked_ok: bool = False) -> Chat:
    cid = p.get(key)
    if cid is None or cid == "":
        raise ApiError("Bad Request: chat_id is empty")
    user = fake.users.get(cid) if isinstance(cid, int) else None
    if user is None or not user.started:
        raise ApiError("Bad Request: chat not found")
    if user.blocked and not blocked_ok:
        raise ApiError(BLOCKED, 403, violation=False)
    return user.chat


def formatted(
    fake: FakeBotApi,
    text: str | None,
    parse_mode: str | None,
    entities: list | None,
    *,
    caption: bool = False,
) -> tuple[str, list[dict]]:
    plain, ents = format_text(text or "", parse_mode, entities, fake.strict_html)
    if caption:
        if u16len(plain) > CAPTION_MAX:
            raise ApiError("Bad Request: message caption is too long")
        return plain, ents
    if not plain:
        if text and not text.strip():
            raise ApiError("Bad Request: text must be non-empty")
        raise ApiError("Bad Request: message text is empty")
    if u16len(plain) > MESSAGE_MAX:
        raise ApiError("Bad Request: message is too long")
    return plain, ents


def check_url(url: str, what: str, https_only: bool = False) -> None:
    scheme, sep, _ = url.partition("://")
    scheme = scheme.lower()
    if not sep or not scheme:
        raise ApiError(f"Bad Request: {what} URL '{url}' is invalid: Wrong HTTP URL")
    if https_only and scheme != "https":
        raise ApiError(f"Bad Request: {what} URL '{url}' is invalid: Only HTTPS links are allowed")
    if scheme not in ("http", "https", "tg"):
        raise ApiError(f"Bad Request: {what} URL '{url}' is invalid: Unsupported URL protocol")
    if scheme != "tg" and not urlsplit(url).hostname:
        raise ApiError(f"Bad Request: {what} URL '{url}' is invalid: URL host is empty")


def check_markup(markup: dict | None) -> None:
    if not markup:
        return
    if "inline_keyboard" in markup:
        total = 0
        for r, row in enumerate(markup["inline_keyboard"]):
            if len(row) > BUTTONS_PER_ROW_MAX:
                raise ApiError(
                    f"Bad Request: too many buttons in inline keyboard row {r}: "
                    f"{len(row)} > {BUTTONS_PER_ROW_MAX}"
                )
            for b in row:
                total += 1
                _check_inline_button(b)
        if total > BUTTONS_TOTAL_MAX:
            raise ApiError(
                f"Bad Request: REPLY_MARKUP_TOO_LONG ({total} buttons > {BUTTONS_TOTAL_MAX})"
            )
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for b in row:
                text = b if isinstance(b, str) else b.get("text", "")
                if not text.strip():
                    raise ApiError("Bad Request: can't parse keyboard button: Text is empty")
                if isinstance(b, dict):
                    _check_reply_button(b)


# A reply keyboard button asks for at most one thing (Bot API: the fields are exclusive).
REPLY_REQUESTS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)


def _check_reply_button(b: dict) -> None:
    asked = [k for k in REPLY_REQUESTS if b.get(k) not in (None, False)]
    if len(asked) > 1:
        raise ApiError(
            "Bad Request: can't parse keyboard button: only one of "
            f"{', '.join(REPLY_REQUESTS)} may be used, got {asked}"
        )
    if "request_contact" in b and not isinstance(b["request_contact"], bool):
        raise ApiError("Bad Request: can't parse keyboard button: request_contact must be Boolean")
    if "web_app" in b:
        check_url(b["web_app"].get("url", ""), "keyboard button Web App", True)


def _check_inline_button(b: dict) -> None:
    if not b.get("text", "").strip():
        raise ApiError("Bad Request: can't parse inline keyboard button: Text must be non-empty")
    actions = [k for k in INLINE_ACTIONS if k in b and b[k] != ""]
    if not actions:
        raise ApiError(
            "Bad Request: can't parse inline keyboard button: Text buttons are "
            "unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise ApiError(
            "Bad Request: can't parse inline keyboard button: exactly one action "
            f"field must be used, got {actions}"
        )
    data = b.get("callback_data")
    if data is not None and len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise ApiError("Bad Request: BUTTON_DATA_INVALID")
    if "url" in b:
        check_url(b["url"], "inline keyboard button")
    if "web_app" in b:
        check_url(b["web_app"].get("url", ""), "inline keyboard button Web App", True)
    if "pay" in b or "callback_game" in b:
        raise ApiError("Bad Request: BUTTON_TYPE_INVALID")


def _reply_to(chat: Chat, p: dict) -> BotMessage | None:
    rp = p.get("reply_parameters")
    if not rp:
        return None
    target = chat.get(rp["message_id"])
    if target is None or target.deleted:
        if rp.get("allow_sending_without_reply"):
            return None
        raise ApiError("Bad Request: message to be replied not found")
    return target


def new_message(fake: FakeBotApi, chat: Chat, p: dict, kind: str, **kw: Any) -> BotMessage:
    reply = _reply_to(chat, p)
    msg = BotMessage(
        chat.new_id(),
        chat.id,
        _now(),
        fake.bot_user,
        chat.json(),
        kind=kind,
        reply_markup=p.get("reply_markup"),
        **kw,
    )
    if reply is not None:
        msg.reply_to, msg.reply_to_message = reply.message_id, reply.to_api()
    markup = p.get("reply_markup") or {}
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    chat.add(msg)
    fake.record_event(chat, msg)
    return msg


def resolve_media(fake: FakeBotApi, value: Any, kind: str) -> Any:
    """Resolve an InputFile-or-String media parameter to Telegram's media JSON."""
    if isinstance(value, UploadedFile):
        data, name, mime = value.data, value.filename, value.content_type
    else:
        known = fake.files.get(value)
        if known is not None:
            base = {
                "file_id": known.file_id,
                "file_unique_id": known.file_unique_id,
                "file_size": known.size,
            }
            if kind == "photo":
                return [
                    {
                        **base,
                        "width": known.extra.get("width", 800),
                        "height": known.extra.get("height", 600),
                    }
                ]
            return base
        if not value.lower().startswith(("http://", "https://")):
            raise ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        data, name, mime = f"URL:{value}".encode(), value.rsplit("/", 1)[-1] or None, None
    if kind == "photo":
        return fake.files.photo_sizes(data)
    return fake.files.document(data, name, mime)
