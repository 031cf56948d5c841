"""Logging setup: one line per record, as text or JSON, tagged with the update being handled.

Why a context variable: an update's handling runs in one asyncio task (our handlers, PTB's
dispatch, SQLAlchemy's calls on the task's connection), so a ``ContextVar`` set around it is
visible to every record created on the way, whatever logger created it, without threading an id
through every call. :class:`UpdateIdFilter`, installed on the output handler, copies it onto
each record as ``update_id``.

Personal data: the bot's own log calls name users by Telegram id only (never NIP, name or
message text). Some libraries log payloads at DEBUG (PTB logs whole updates and API
parameters, SQLAlchemy and aiosqlite log SQL parameters and rows), so :data:`PAYLOAD_LOGGERS`
keeps them above that level even when ``SINAU_LOG_LEVEL=DEBUG``. Database errors are created
with their parameters hidden (``db/session.py``), but PostgreSQL's own ``DETAIL:`` line quotes
the values of a violated constraint ("Key (nip)=(...)", "Failing row contains (...)"), so the
formatters blank it, and as a last net they mask anything shaped like an 18-digit NIP.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

UPDATE_ID: ContextVar[int | None] = ContextVar("update_id", default=None)

# Loggers that print message texts, names or SQL parameters below this level.
PAYLOAD_LOGGERS: dict[str, int] = {
    "telegram": logging.INFO,  # DEBUG: every update and every API call's parameters
    "httpx": logging.WARNING,  # INFO: every request URL, which contains the token
    "sqlalchemy.engine": logging.WARNING,  # INFO: statements and parameters; DEBUG: rows
    "aiosqlite": logging.INFO,  # DEBUG: each call with its SQL parameters
}

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(update_tag)s: %(message)s"
# Fields of a JSON line, after "time" (UTC, ISO 8601); python-json-logger adds exc_info and any
# `extra` keys on its own.
JSON_FIELDS = ("levelname", "name", "message", "update_id")
JSON_RENAMES = {"levelname": "level", "name": "logger"}

_HANDLER_MARK = "_sinau_handler"

# PostgreSQL's DETAIL line of an error, up to the end of its line.
_PG_DETAIL = re.compile(r"DETAIL:[^\n]*")
# A NIP or NI PPPK: 18 digits, possibly grouped 8 6 1 3 as printed on ID cards.
_NIP_LIKE = re.compile(r"(?<!\d)\d{8}[ .-]?\d{6}[ .-]?\d[ .-]?\d{3}(?!\d)")


# A Bot API token, "<bot id>:<secret>" (also inside a URL: ".../bot123456:ABC.../getMe"). A
# rejected token is quoted by python-telegram-bot's own errors and logs; never write it.
_BOT_TOKEN = re.compile(r"(?<![0-9])[0-9]{3,20}:[A-Za-z0-9_-]{20,60}(?![A-Za-z0-9_-])")
_SECRETS: set[str] = set()


def hide_secret(value: str) -> None:
    """Mask ``value`` in every line written from now on (the configured token, whatever its
    shape)."""
    if len(value) >= 8:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """Blank what could carry personal data or a secret that a library put into a text."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "[token]")
    text = _BOT_TOKEN.sub("[token]", text)
    return _NIP_LIKE.sub("[NIP]", _PG_DETAIL.sub("DETAIL: [hidden]", text))


@contextmanager
def update_context(update_id: int | None) -> Iterator[None]:
    """Tag every record created inside the block (in this task) with ``update_id``."""
    token = UPDATE_ID.set(update_id)
    try:
        yield
    finally:
        UPDATE_ID.reset(token)


class UpdateIdFilter(logging.Filter):
    """Adds ``update_id`` (None outside an update) to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "update_id", None) is None:
            record.update_id = UPDATE_ID.get()
        return True


class TextFormatter(logging.Formatter):
    """The classic one-line format, with `` update=<id>`` after the logger name when set."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        update_id = getattr(record, "update_id", None)
        record.update_tag = f" update={update_id}" if update_id is not None else ""
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with :func:`redact` applied to every text value."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {k: redact(v) if isinstance(v, str) else v for k, v in log_data.items()}


def json_formatter() -> logging.Formatter:
    return RedactingJsonFormatter(
        list(JSON_FIELDS),
        rename_fields=JSON_RENAMES,
        timestamp="time",
        # The text format's helper attribute must not leak into JSON lines as an extra field.
        reserved_attrs=[*RESERVED_ATTRS, "taskName", "update_tag"],
        json_ensure_ascii=False,
    )


def setup_logging(level: str | int, json: bool, *, stream: TextIO | None = None) -> None:
    """Send all records to ``stream`` (stderr) as text or JSON lines; idempotent.

    A handler installed by an earlier call is replaced, not doubled.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(UpdateIdFilter())
    handler.setFormatter(json_formatter() if json else TextFormatter())
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    root.setLevel(numeric)
    for name, floor in PAYLOAD_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))
