"""Calls checked against the Bot API schema: the shipped spec, required fields and types, unknown
methods, parameters and tokens, JSON bodies and query strings."""

from __future__ import annotations

import json

import pytest

from bot.emulator import SCHEMA, FakeBotApi, FakeUser
from bot.emulator.make_spec import DEFAULT_SOURCE, build
from bot.emulator.spec import SPEC_PATH
from tests.emulator.helpers import raw_call


def test_spec_file_is_current() -> None:
    assert {"sendMessage", "editMessageText", "sendPoll", "getUpdates", "setWebhook"} <= {
        m.name for m in SCHEMA.methods.values()
    }
    assert (SPEC_PATH.parent / "LICENSE.telegram-bot-api-spec").exists()
    if not DEFAULT_SOURCE.exists():
        pytest.skip("upstream Bot API JSON not available")
    shipped = json.loads(SPEC_PATH.read_text())
    assert build(json.loads(DEFAULT_SOURCE.read_text())) == shipped


async def test_missing_required_and_wrong_types(fake: FakeBotApi, user: FakeUser) -> None:
    checks = [
        ("sendMessage", {"chat_id": "1001"}, "Bad Request: message text is empty"),
        ("sendMessage", {"text": "x"}, "Bad Request: chat_id is empty"),
        ("deleteMessage", {"chat_id": "1001"}, "message identifier is not specified"),
        (
            "deleteMessage",
            {"chat_id": "1001", "message_id": "abc"},
            'parameter "message_id" must be of type Integer',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "disable_notification": "maybe"},
            'parameter "disable_notification" must be of type Boolean',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "reply_markup": "{not json"},
            "can't parse reply keyboard markup JSON object",
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "reply_markup": '{"inline_keyboard": "bad"}'},
            'field "inline_keyboard" must be of type Array',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "link_preview_options": '{"is_disabled": "yes"}'},
            'field "is_disabled" must be of type Boolean',
        ),
        ("setMyCommands", {"commands": '[{"command": "a"}]'}, 'Can\'t find field "description"'),
        (
            "setMyCommands",
            {"commands": "[]", "scope": '{"type": "galaxy"}'},
            'unsupported type "galaxy"',
        ),
        (
            "sendMessage",
            {
                "chat_id": "1001",
                "text": "x",
                "entities": '[{"type": "bold", "offset": 0, "length": 5}]',
            },
            "ends after the end",
        ),
        ("sendMessage", {"chat_id": "@nobody", "text": "x"}, "chat not found"),
        ("sendMessage", {"chat_id": "777", "text": "x"}, "chat not found"),
        ("sendChatAction", {"chat_id": "1001", "action": "dancing"}, "wrong parameter action"),
        ("getFile", {"file_id": "nope"}, "invalid file_id"),
    ]
    for method, data, error in checks:
        status, body = await raw_call(fake, method, data)
        assert status == 400 and error in body["description"], (method, data, body)
    assert len(fake.violations) == len(checks)


async def test_unknown_method_param_and_token(fake: FakeBotApi, user: FakeUser) -> None:
    status, body = await raw_call(fake, "sendTelepathy", {"chat_id": "1001"})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert fake.violations == ["sendTelepathy: Not Found [chat_id='1001']"]
    status, body = await raw_call(
        fake, "sendMessage", {"chat_id": "1001", "text": "x", "colour": "red"}
    )
    assert status == 200 and "sendMessage:colour" in fake.unknown_params
    status, body = await raw_call(fake, "getMe", token="999:WRONG")
    assert status == 401 and body["description"] == "Unauthorized"


async def test_json_body_and_query_string(fake: FakeBotApi, user: FakeUser) -> None:
    status, body = await raw_call(
        fake,
        "sendMessage",
        json_body={
            "chat_id": 1001,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
            "disable_notification": True,
        },
    )
    assert status == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    status, body = await raw_call(fake, "sendMessage", query={"chat_id": "1001", "text": "q"})
    assert status == 200 and body["result"]["text"] == "q"
    assert fake.violations == []
