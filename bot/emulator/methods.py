"""Bot API methods with Telegram's semantic checks (limits, existence, state).

Each handler takes ``(fake, params)`` with params already decoded and
schema-validated, and returns the ``result`` or raises :class:`ApiError`.
"""

from __future__ import annotations

import copy
import time
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .checks import (
    NOT_MODIFIED,
    POLL_DESCRIPTION_MAX,
    POLL_EXPLANATION_MAX,
    POLL_EXPLANATION_MAX_LF,
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    chat_of,
    check_markup,
    formatted,
    new_message,
    resolve_media,
)
from .formatting import format_text, u16len
from .misc_methods import (
    answer_callback_query,
    delete_my_commands,
    get_chat,
    get_chat_menu_button,
    get_file,
    get_me,
    get_my_commands,
    send_chat_action,
    set_chat_menu_button,
    set_my_commands,
    set_text_setting,
)
from .spec import ApiError
from .state import BotMessage, Chat

if TYPE_CHECKING:
    from .server import FakeBotApi


def _now() -> int:
    return int(time.time())


# ------------------------------------------------------------------------ sending
def send_message(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    text, ents = formatted(fake, p["text"], p.get("parse_mode"), p.get("entities"))
    chat = chat_of(fake, p)
    return new_message(
        fake,
        chat,
        p,
        "text",
        text=text,
        entities=ents,
        parse_mode=p.get("parse_mode"),
        raw_text=p["text"],
    ).to_api()


def _send_media(fake: FakeBotApi, p: dict, kind: str) -> dict:
    check_markup(p.get("reply_markup"))
    cap, ents = formatted(
        fake, p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    media = resolve_media(fake, p[kind], kind)
    chat = chat_of(fake, p)
    return new_message(
        fake,
        chat,
        p,
        kind,
        text=cap or None,
        entities=ents,
        parse_mode=p.get("parse_mode"),
        raw_text=p.get("caption"),
        **{kind: media},
    ).to_api()


def send_photo(fake: FakeBotApi, p: dict) -> dict:
    return _send_media(fake, p, "photo")


def send_document(fake: FakeBotApi, p: dict) -> dict:
    return _send_media(fake, p, "document")


def send_poll(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    question, q_ents = format_text(
        p["question"], p.get("question_parse_mode"), p.get("question_entities"), fake.strict_html
    )
    if not question:
        raise ApiError("Bad Request: text must be non-empty")
    if u16len(question) > POLL_QUESTION_MAX:
        raise ApiError(f"Bad Request: poll question length must not exceed {POLL_QUESTION_MAX}")
    options = [o if isinstance(o, str) else o.get("text", "") for o in p["options"]]
    if not options:
        raise ApiError("Bad Request: poll must have at least one answer option")
    if len(options) < POLL_MIN_OPTIONS:
        raise ApiError(f"Bad Request: poll must have at least {POLL_MIN_OPTIONS} options")
    if len(options) > POLL_MAX_OPTIONS:
        raise ApiError(f"Bad Request: poll can't have more than {POLL_MAX_OPTIONS} options")
    for o in options:
        if not o.strip() or u16len(o) > POLL_OPTION_MAX:
            raise ApiError(
                f"Bad Request: poll option length must be 1-{POLL_OPTION_MAX}: {o[:40]!r}"
            )
    if len(set(options)) != len(options):
        raise ApiError("Bad Request: POLL_OPTION_DUPLICATE")
    ptype = p.get("type", "regular")
    if ptype not in ("regular", "quiz"):
        raise ApiError("Bad Request: wrong poll type specified")
    multiple = bool(p.get("allows_multiple_answers"))
    correct = p.get("correct_option_ids")
    if ptype == "quiz":
        if not correct:
            raise ApiError("Bad Request: correct_option_ids must be specified for quiz polls")
        if any(b <= a for a, b in pairwise(correct)):
            raise ApiError("Bad Request: correct_option_ids must be monotonically increasing")
        if any(not 0 <= c < len(options) for c in correct):
            raise ApiError("Bad Request: wrong correct option id specified")
        if len(correct) > 1 and not multiple:
            raise ApiError("Bad Request: several correct options require allows_multiple_answers")
    expl, e_ents = format_text(
        p.get("explanation") or "",
        p.get("explanation_parse_mode"),
        p.get("explanation_entities"),
        fake.strict_html,
    )
    if u16len(expl) > POLL_EXPLANATION_MAX or expl.count("\n") > POLL_EXPLANATION_MAX_LF:
        raise ApiError(
            "Bad Request: explanation must be 0-200 characters with at most 2 line feeds"
        )
    description, d_ents = format_text(
        p.get("description") or "",
        p.get("description_parse_mode"),
        p.get("description_entities"),
        fake.strict_html,
    )
    if u16len(description) > POLL_DESCRIPTION_MAX:
        raise ApiError(f"Bad Request: poll description must be 0-{POLL_DESCRIPTION_MAX} characters")
    open_period, close_date = p.get("open_period"), p.get("close_date")
    if open_period is not None and close_date is not None:
        raise ApiError("Bad Request: open_period and close_date can't be used together")
    if open_period is not None and not 5 <= open_period <= 2628000:
        raise ApiError("Bad Request: open_period must be 5-2628000")
    if close_date is not None and not 5 <= close_date - time.time() <= 2628000:
        raise ApiError("Bad Request: close_date must be 5-2628000 seconds in the future")
    chat = chat_of(fake, p)
    poll: dict[str, Any] = {
        "id": fake.new_poll_id(),
        "question": question,
        "options": [
            {"persistent_id": str(k), "text": t, "voter_count": 0} for k, t in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": bool(p.get("is_closed")),
        "is_anonymous": p.get("is_anonymous", True),
        "type": ptype,
        "allows_multiple_answers": multiple,
        "allows_revoting": p.get("allows_revoting", ptype == "regular"),
        "members_only": False,
    }
    if q_ents:
        poll["question_entities"] = q_ents
    if description:
        poll["description"] = description
        if d_ents:
            poll["description_entities"] = d_ents
    if ptype == "quiz":
        poll["correct_option_ids"] = list(correct or ())
    if expl:
        poll["explanation"] = expl
        if e_ents:
            poll["explanation_entities"] = e_ents
    if open_period is not None:
        poll["open_period"], poll["close_date"] = open_period, _now() + open_period
    elif close_date is not None:
        poll["close_date"] = close_date
    msg = new_message(fake, chat, p, "poll", poll=poll)
    fake.register_poll(poll, msg)
    return msg.to_api()


def stop_poll(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    chat = chat_of(fake, p)
    msg = chat.get(p["message_id"])
    if msg is None or msg.deleted or msg.poll is None or not msg.from_bot:
        raise ApiError("Bad Request: message with poll to stop not found")
    if msg.poll["is_closed"]:
        raise ApiError("Bad Request: poll has already been closed")
    msg.poll["is_closed"] = True
    if "reply_markup" in p:
        msg.reply_markup = p["reply_markup"]
    fake.record_event(chat, msg)
    return msg.poll


def copy_message(fake: FakeBotApi, p: dict) -> dict:
    return {"message_id": _copy(fake, p, forward=False).message_id}


def forward_message(fake: FakeBotApi, p: dict) -> dict:
    return _copy(fake, p, forward=True).to_api()


def _copy(fake: FakeBotApi, p: dict, forward: bool) -> BotMessage:
    check_markup(p.get("reply_markup"))
    src_chat = chat_of(fake, p, "from_chat_id", blocked_ok=True)
    src = src_chat.get(p["message_id"])
    if src is None or src.deleted:
        raise ApiError(f"Bad Request: message to {'forward' if forward else 'copy'} not found")
    text, ents = src.text, list(src.entities)
    if not forward and "caption" in p and src.kind != "text":
        text, ents = formatted(
            fake, p["caption"], p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
    chat = chat_of(fake, p)
    poll = src.poll
    if poll is not None and not forward:  # a copied poll is a new poll
        poll = copy.deepcopy(poll)
        poll.update(id=fake.new_poll_id(), total_voter_count=0, is_closed=False)
        for option in poll["options"]:
            option["voter_count"] = 0
    msg = new_message(
        fake,
        chat,
        {} if forward else p,
        src.kind,
        text=text,
        entities=ents,
        poll=poll,
        photo=src.photo,
        document=src.document,
        sticker=src.sticker,
    )
    if poll is not None and not forward:
        fake.register_poll(poll, msg)
    if forward:
        msg.forward_origin = {"type": "user", "date": src.date, "sender_user": src.sender}
    return msg


# ------------------------------------------------------------------------- editing
def _edit_target(fake: FakeBotApi, p: dict) -> tuple[Chat, BotMessage]:
    if "inline_message_id" in p:
        raise ApiError("Bad Request: MESSAGE_ID_INVALID (the fake has no inline messages)")
    if "chat_id" not in p or "message_id" not in p:
        raise ApiError("Bad Request: message identifier is not specified")
    chat = chat_of(fake, p)
    msg = chat.get(p["message_id"])
    if msg is None or msg.deleted:
        raise ApiError("Bad Request: message to edit not found")
    if not msg.from_bot:
        raise ApiError("Bad Request: message can't be edited")
    return chat, msg


def _apply_edit(
    fake: FakeBotApi,
    chat: Chat,
    msg: BotMessage,
    text: str | None,
    ents: list[dict],
    markup: dict | None,
) -> dict:
    if (text, ents, markup) == (msg.text, msg.entities, msg.reply_markup):
        raise ApiError(NOT_MODIFIED)
    msg.text, msg.entities, msg.reply_markup = text, ents, markup
    msg.edit_date, msg.edits = _now(), msg.edits + 1
    fake.record_event(chat, msg)
    return msg.to_api()


def edit_message_text(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    text, ents = formatted(fake, p.get("text"), p.get("parse_mode"), p.get("entities"))
    chat, msg = _edit_target(fake, p)
    if msg.kind != "text":
        raise ApiError("Bad Request: there is no text in the message to edit")
    msg.parse_mode, msg.raw_text = p.get("parse_mode"), p.get("text")
    return _apply_edit(fake, chat, msg, text, ents, p.get("reply_markup"))


def edit_message_caption(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    cap, ents = formatted(
        fake, p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    chat, msg = _edit_target(fake, p)
    if msg.kind in ("text", "poll", "sticker"):
        raise ApiError("Bad Request: there is no caption in the message to edit")
    return _apply_edit(fake, chat, msg, cap or None, ents, p.get("reply_markup"))


def edit_message_reply_markup(fake: FakeBotApi, p: dict) -> dict:
    check_markup(p.get("reply_markup"))
    chat, msg = _edit_target(fake, p)
    return _apply_edit(fake, chat, msg, msg.text, msg.entities, p.get("reply_markup"))


def delete_message(fake: FakeBotApi, p: dict) -> bool:
    chat = chat_of(fake, p)
    msg = chat.get(p["message_id"])
    if msg is None or msg.deleted:
        raise ApiError("Bad Request: message to delete not found")
    msg.deleted = True
    return True


def delete_messages(fake: FakeBotApi, p: dict) -> bool:
    ids = p["message_ids"]
    if not 1 <= len(ids) <= 100:
        raise ApiError("Bad Request: message_ids must contain 1-100 identifiers")
    chat = chat_of(fake, p)
    for mid in ids:
        msg = chat.get(mid)
        if msg is not None:
            msg.deleted = True
    return True


HANDLERS = {
    "getMe": get_me,
    "logOut": lambda fake, p: True,
    "close": lambda fake, p: True,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendPoll": send_poll,
    "stopPoll": stop_poll,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
    "getFile": get_file,
    "getChat": get_chat,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setMyDescription": lambda fake, p: set_text_setting(fake, p, "description", 512),
    "setMyShortDescription": lambda fake, p: set_text_setting(fake, p, "short_description", 120),
    "getMyDescription": lambda fake, p: {
        "description": fake.settings.get(("description", p.get("language_code") or ""), "")
    },
    "getMyShortDescription": lambda fake, p: {
        "short_description": fake.settings.get(
            ("short_description", p.get("language_code") or ""), ""
        )
    },
}
