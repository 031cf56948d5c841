"""The bot's ``Bot``: python-telegram-bot's ``ExtBot`` plus plain-JSON calls for the hot paths."""

from __future__ import annotations

from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import ExtBot


class SinauBot(ExtBot[int]):  # int: the rate limiter's per-call arguments (AIORateLimiter)
    async def call(self, endpoint: str, params: JSONDict) -> Any:
        """Call the Bot API method ``endpoint`` and return its result as plain JSON.

        Why not PTB's typed methods: they turn every result into objects, and the result of
        ``editMessageText`` or ``sendPoll`` is a whole ``Message`` with its entities, keyboard
        and poll. Profiling the learning-loop benchmark showed that parsing as a sixth of the
        CPU of a "next card" press, while the handler needs at most the message and poll ids.

        Everything else is PTB's own path (``Bot._post``, which subclasses may use): ``None``
        values are dropped, the rate limiter and the request's retries apply, and errors are
        PTB's (``BadRequest``, ``Forbidden``, ``RetryAfter``, ...). ``Defaults`` are not applied
        to ``params``; callers pass every option they want.
        """
        return await self._post(endpoint, dict(params))
