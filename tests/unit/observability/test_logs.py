"""The log formats: text and JSON lines, the update id tag, redaction, one handler."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.observability.logs import PAYLOAD_LOGGERS, redact, setup_logging, update_context

log = logging.getLogger("tests.logs")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    saved_root, before = root.level, list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
    root.setLevel(saved_root)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def test_text_lines_carry_the_update_id_only_inside_an_update() -> None:
    stream = io.StringIO()
    setup_logging("INFO", json=False, stream=stream)
    with update_context(4242):
        log.info("inside")
    log.info("outside")
    inside, outside = stream.getvalue().splitlines()
    assert inside.endswith("INFO tests.logs update=4242: inside")
    assert outside.endswith("INFO tests.logs: outside")


def test_json_lines_are_objects_with_the_update_id_and_extras() -> None:
    stream = io.StringIO()
    setup_logging("INFO", json=True, stream=stream)
    with update_context(7):
        log.warning("careful %s", "now", extra={"chat": 99})
    log.info("idle")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "careful now" and first["level"] == "WARNING"
    assert first["update_id"] == 7 and first["chat"] == 99 and first["logger"] == "tests.logs"
    assert "T" in first["time"] and "update_tag" not in first
    assert second["update_id"] is None


def test_a_second_setup_replaces_the_handler_and_payload_loggers_stay_quiet() -> None:
    root = logging.getLogger()
    setup_logging("DEBUG", json=False, stream=io.StringIO())
    count = len(root.handlers)
    setup_logging("DEBUG", json=True, stream=io.StringIO())
    assert len(root.handlers) == count
    assert root.level == logging.DEBUG
    assert not logging.getLogger("telegram.ext.Application").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    with pytest.raises(ValueError):
        setup_logging("LOUD", json=False)


def test_redaction_hides_postgres_details_and_nips_but_not_telegram_ids() -> None:
    error = (
        'duplicate key value violates unique constraint "uq_employees_nip"\n'
        "DETAIL:  Key (nip)=(198609262015051001) already exists."
    )
    assert redact(error).endswith("DETAIL: [hidden]")
    assert redact("nip 19860926 201505 1 001 chat 5123456789") == "nip [NIP] chat 5123456789"


def test_the_format_setting_accepts_text_and_json_only() -> None:
    assert Settings(_env_file=None).log_format == "text"
    assert Settings(SINAU_LOG_FORMAT="json", _env_file=None).log_format == "json"
    with pytest.raises(ValueError):
        Settings(SINAU_LOG_FORMAT="xml", _env_file=None)


def test_a_bot_token_never_reaches_a_log_line_ours_or_a_librarys() -> None:
    """In the message, in its arguments, in a URL, in a traceback; text and JSON alike."""
    token = "7012345678:AAHx-TheSecretPartOfTheToken_0123456789"
    for json_lines in (False, True):
        stream = io.StringIO()
        setup_logging("DEBUG", json=json_lines, stream=stream)
        logging.getLogger("telegram.ext.Updater").error("The token `%s` was rejected", token)
        logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"InvalidToken: The token `{token}` was rejected by the server.")
        except RuntimeError:
            log.exception("start failed")
        written = stream.getvalue()
        assert token not in written and token.split(":")[1] not in written
        assert written.count("[token]") >= 3
    assert redact(f"bot{token}/getMe") == "bot[token]/getMe"
    assert redact("12:30 WIB, kode 123:abc") == "12:30 WIB, kode 123:abc"  # not a token
