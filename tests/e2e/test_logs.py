"""Logs of real updates: every line of an update's handling carries its id, and no line carries
a NIP or a name (the registration walk types both)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
from telegram.ext import Application

from bot import texts
from bot.emulator import FakeBotApi
from bot.observability.logs import PAYLOAD_LOGGERS, UpdateIdFilter, setup_logging
from tests.e2e.helpers import NIP, register

FIRST, LAST = "Wahyuningsih", "Purbaningrum"


@pytest.fixture
def json_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """The production logging setup at DEBUG, as JSON into a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    saved_root, before = root.level, list(root.handlers)
    stream = io.StringIO()
    setup_logging("DEBUG", json=True, stream=stream)
    caplog.handler.addFilter(UpdateIdFilter())
    caplog.set_level(logging.DEBUG)
    yield stream
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
    root.setLevel(saved_root)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _delivered_update_ids(fake: FakeBotApi) -> set[int]:
    return {
        u["update_id"]
        for c in fake.calls
        if c.method == "getUpdates" and c.response_ok
        for u in c.result
    }


def _text(record: logging.LogRecord, handler: logging.Handler) -> str:
    assert handler.formatter is not None
    return handler.formatter.format(record) + record.getMessage()


async def test_log_lines_carry_the_update_id_and_no_personal_data(
    json_logs: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    fake: FakeBotApi,
    bot_app: Application,
) -> None:
    user = fake.user(7301, first_name=FIRST, last_name=LAST)
    await register(fake, user)
    # A failing reply: the error handler logs a traceback inside the update's handling.
    fake.fail_next("sendMessage", status=400, description="Bad Request: injected failure")
    user.send_text("/bantuan")
    await user.wait_for_reply(lambda m: (m.text or "") == texts.SORRY)
    delivered = _delivered_update_ids(fake)
    assert len(delivered) >= 7  # /start, NIP, name, agency search, pick, consent, /bantuan

    def handled() -> set[int]:
        return {
            r.update_id  # type: ignore[attr-defined]
            for r in caplog.records
            if r.name == "bot.telegram.updates" and r.getMessage().startswith("handled")
        }

    for _ in range(100):  # the last update's handling ends just after its reply
        if delivered <= handled():
            break
        await asyncio.sleep(0.02)
    assert handled() == delivered

    failed = [r for r in caplog.records if r.getMessage().endswith("handler failed")]
    assert len(failed) == 1 and failed[0].exc_info is not None
    assert failed[0].update_id == failed[0].args[0]  # type: ignore[attr-defined,index]
    assert failed[0].update_id in delivered  # type: ignore[attr-defined]

    # Nothing anywhere, in records or in the JSON lines, names the user or quotes the NIP.
    digits = NIP.replace(" ", "")
    secrets = [digits, NIP, FIRST, LAST]
    for record in caplog.records:
        assert not any(s in _text(record, caplog.handler) for s in secrets), record.getMessage()
    output = json_logs.getvalue()
    assert not any(s in output for s in secrets)
    lines = [json.loads(line) for line in output.splitlines()]
    tagged = {line["update_id"] for line in lines if line["update_id"] is not None}
    assert tagged == delivered
    assert any(line["level"] == "ERROR" and "Traceback" in line["exc_info"] for line in lines)
