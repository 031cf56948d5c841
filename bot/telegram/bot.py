"""The bot's ``Bot``: python-telegram-bot's ``ExtBot`` plus plain-JSON calls for the hot paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import ExtBot
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

# Parts of a pressed button's message that no handler reads: its formatting, its link preview
# and its sender (the bot itself). A card press carries the whole card message, and PTB builds an
# object for every entity of it; that was about a tenth of the CPU of a "next card" press in the
# learning benchmark (py-spy). The text, the keyboard, the chat, a photo or a poll stay: ``show``
# compares the text and keyboard, and a photo or a poll changes how the answer is shown.
UNREAD_OF_PRESSED_MESSAGE = ("entities", "caption_entities", "link_preview_options", "from")


def slim_update(update: JSONDict) -> JSONDict:
    """``update`` without what no handler reads (see ``UNREAD_OF_PRESSED_MESSAGE``), in place."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict):
            for key in UNREAD_OF_PRESSED_MESSAGE:
                message.pop(key, None)
    return update


class SinauBot(ExtBot[int]):  # int: the rate limiter's per-call arguments (AIORateLimiter)
    async def call(self, endpoint: str, params: JSONDict) -> Any:
        """Call the Bot API method ``endpoint`` and return its result as plain JSON.

        Why not PTB's typed methods: they turn every result into objects, and the result of
        ``editMessageText`` or ``sendPoll`` is a whole ``Message`` with its entities, keyboard
        and poll. Profiling the learning-loop benchmark showed that parsing as a sixth of the
        CPU of a "next card" press, while the handler needs at most the message and poll ids.

        ``params`` must be plain JSON (dicts, lists, strings, numbers, booleans): they go to
        the request as they are. PTB's ``Bot._post`` would walk every value, down into each
        button of a keyboard, looking for objects and files to convert, and apply ``Defaults``;
        that was about a twentieth of the CPU of a quiz answer. ``None`` values are dropped,
        the rate limiter (as ``ExtBot._do_post`` applies it) and the request's retries apply,
        and errors are PTB's (``BadRequest``, ``Forbidden``, ``RetryAfter``, ...). ``Defaults``
        are not applied; callers pass every option they want.
        """
        data = {key: value for key, value in params.items() if value is not None}
        if self.rate_limiter is None:
            return await self._post_json(endpoint, data)
        return await self.rate_limiter.process_request(
            callback=self._post_json,
            args=(endpoint, data),
            kwargs={},
            endpoint=endpoint,
            data=data,
            rate_limit_args=None,
        )

    async def _post_json(self, endpoint: str, data: JSONDict) -> Any:
        parameters = [RequestParameter(key, value, None) for key, value in data.items()]
        return await self.request.post(
            url=f"{self.base_url}/{endpoint}", request_data=RequestData(parameters)
        )

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        """PTB's ``_post``; the updates ``getUpdates`` returns are slimmed before PTB parses
        them (``slim_update``), so polling and the webhook (``bot.app.webhook``) parse alike."""
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, Sequence):
            for update in result:
                if isinstance(update, dict):
                    slim_update(update)
        return result
