"""What every Mini App API view shares: the per-app state, the parameters a view reads from
the request's JSON body, the refusals it raises and the JSON answers.

It exists so that the views (``bot.app.webapp_views``, ``bot.app.webapp_files``) and the
dispatcher that turns their refusals into statuses (``bot.app.webapp.api``) read one
definition of each; the module docstring of ``bot.app.webapp`` lists the statuses.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from telegram import Bot

from bot.app.webapp_exports import ChatExports
from bot.services import Services
from bot.services.dashboard import STATES
from bot.services.trainings import MAX_REASON
from bot.texts import webapp as t

MAX_BODY = 16 * 1024  # initData and a few parameters
MIN_YEAR = 2000
MAX_QUERY = 64


class RateWindow:
    """At most ``limit`` requests per ``window`` seconds per user (a sliding window, in memory,
    per instance: a guard against a runaway page or a script, not an accounting)."""

    def __init__(self, limit: int, window: float = 60.0, max_users: int = 50_000) -> None:
        self.limit = limit
        self.window = window
        self.max_users = max_users
        self._seen: OrderedDict[int, deque[float]] = OrderedDict()

    def allow(self, user: int, now: float) -> bool:
        times = self._seen.pop(user, None) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen[user] = times  # most recent last
        while len(self._seen) > self.max_users:
            self._seen.popitem(last=False)
        return allowed


@dataclass
class WebApp:
    services: Services
    token: str
    max_age: float
    rate: RateWindow
    now: Callable[[], float] = time.time
    wake: Callable[[], None] = lambda: None  # the outbox sender: a decision's notice waits
    bot_username: str | None = None  # for certificates' verification links
    bot: Bot | None = None  # getFile, for the certificates in the queue
    exports: ChatExports | None = None  # "send to my chat"


WEBAPP_KEY: web.AppKey[WebApp] = web.AppKey("webapp", WebApp)


class BadParameter(ValueError):
    pass


class Unavailable(Exception):
    """What this instance cannot do now (no bot to send or fetch with, Telegram not
    answering): a 503 with ``message``."""

    def __init__(self, code: str = "unavailable") -> None:
        super().__init__(code)
        self.code = code


class Limited(Exception):
    """A 429 with a message of its own (the exports' cooldown)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Download:
    """A file streamed to the browser as it arrives from Telegram, never kept."""

    content_type: str
    name: str
    chunks: AsyncGenerator[bytes, None]


def error_json(status: int, code: str, message: str | None = None) -> web.Response:
    body = {"error": code, "message": message or t.ERRORS[code]}
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


def ok_json(data: Any) -> web.Response:
    return web.Response(
        body=orjson.dumps(data),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


# --- Parameters -------------------------------------------------------------------------------
def year_of(body: dict[str, Any], current: int) -> int:
    value = body.get("year", current)
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= current:
        raise BadParameter("year")
    return value


def text_of(body: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_QUERY or (required and not value.strip()):
        raise BadParameter(key)
    return value


def int_of(body: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadParameter(key)
    return value


def state_of(body: dict[str, Any]) -> str | None:
    value = body.get("state")
    if value is None or value == "":
        return None
    if value not in STATES:
        raise BadParameter("state")
    return str(value)


class Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def reason_of(body: dict[str, Any]) -> str:
    """A refusal's or rejection's reason, as the chat asks for it: 3 characters at least."""
    reason = body.get("reason")
    if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= MAX_REASON:
        raise BadParameter("reason")
    return reason.strip()
