"""Bot API methods besides sending and editing: callback answers, chat actions, files,
chat info, and the bot's own settings (commands, descriptions)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from .checks import CALLBACK_ANSWER_MAX, CHAT_ACTIONS, COMMANDS_MAX, chat_of, check_url
from .formatting import u16len
from .spec import SCHEMA, ApiError

if TYPE_CHECKING:
    from .server import FakeBotApi

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}\Z")


# ------------------------------------------------------------------- interaction
def answer_callback_query(fake: FakeBotApi, p: dict) -> bool:
    rec = fake.callback_queries.get(p["callback_query_id"])
    if rec is None or rec.answered:
        raise ApiError(
            "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
    if u16len(p.get("text") or "") > CALLBACK_ANSWER_MAX:
        raise ApiError("Bad Request: MESSAGE_TOO_LONG")
    rec.answered = True
    rec.answer = {k: v for k, v in p.items() if k != "callback_query_id"}
    return True


def send_chat_action(fake: FakeBotApi, p: dict) -> bool:
    if p["action"] not in CHAT_ACTIONS:
        raise ApiError("Bad Request: wrong parameter action in request")
    chat_of(fake, p).actions.append(p["action"])
    return True


GET_FILE_MAX_BYTES = 20 * 1024 * 1024


def get_file(fake: FakeBotApi, p: dict) -> dict:
    f = fake.files.get(p["file_id"])
    if f is None:
        raise ApiError("Bad Request: invalid file_id")
    if f.size > GET_FILE_MAX_BYTES:  # a bot downloads at most 20 MB
        raise ApiError("Bad Request: file is too big")
    return f.file_json()


def get_chat(fake: FakeBotApi, p: dict) -> dict:
    chat = chat_of(fake, p, blocked_ok=True)
    gifts = {f: False for f in SCHEMA.types["AcceptedGiftTypes"].required}
    return {
        **chat.json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def get_me(fake: FakeBotApi, p: dict) -> dict:
    return {
        **fake.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


# ------------------------------------------------------------------ bot settings
def _commands_key(p: dict) -> tuple[str, str]:
    lc = p.get("language_code") or ""
    if lc and not re.fullmatch(r"[a-z]{2}", lc):
        raise ApiError("Bad Request: invalid language code specified")
    return json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True), lc


def set_my_commands(fake: FakeBotApi, p: dict) -> bool:
    cmds = p["commands"]
    if len(cmds) > COMMANDS_MAX:
        raise ApiError("Bad Request: BOT_COMMANDS_TOO_MUCH")
    for c in cmds:
        if not _COMMAND_RE.match(c["command"]):
            raise ApiError(
                f"Bad Request: BOT_COMMAND_INVALID ({c['command']!r}: 1-32 chars of a-z, 0-9 and _)"
            )
        if not 1 <= len(c["description"].strip()) <= 256:
            raise ApiError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    fake.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in cmds
    ]
    return True


def get_my_commands(fake: FakeBotApi, p: dict) -> list:
    return fake.commands.get(_commands_key(p), [])


def delete_my_commands(fake: FakeBotApi, p: dict) -> bool:
    fake.commands.pop(_commands_key(p), None)
    return True


def set_text_setting(fake: FakeBotApi, p: dict, key: str, limit: int) -> bool:
    value = p.get(key) or ""
    if len(value) > limit:
        raise ApiError(f"Bad Request: {key} must not exceed {limit} characters")
    fake.settings[(key, p.get("language_code") or "")] = value
    return True


# ------------------------------------------------------------------ menu button
MENU_BUTTON_TEXT_MAX = 64  # characters; tdlib refuses longer menu button texts


def set_chat_menu_button(fake: FakeBotApi, p: dict) -> bool:
    """The menu button of one private chat (``chat_id``), or the bot's default one."""
    button = p.get("menu_button") or {"type": "default"}
    if button["type"] == "web_app":
        text = button["text"]
        if not text.strip() or len(text) > MENU_BUTTON_TEXT_MAX:
            raise ApiError("Bad Request: BUTTON_TEXT_INVALID")
        check_url(button["web_app"]["url"], "menu button Web App", True)
    key = p.get("chat_id")
    if key is not None:
        chat = fake.users.get(key)
        if chat is None or key < 0:  # only a private chat the bot knows has its own button
            raise ApiError("Bad Request: chat not found")
    fake.menu_buttons[key] = button
    return True


def get_chat_menu_button(fake: FakeBotApi, p: dict) -> dict:
    key = p.get("chat_id")
    return fake.menu_buttons.get(key) or fake.menu_buttons.get(None) or {"type": "commands"}
