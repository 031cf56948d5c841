"""The state FakeBotApi's parts share, declared once so each mixin is type-checked."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp
    from aiohttp import web

    from .files import Files
    from .state import BotMessage, Call, CallbackRecord, WebhookDelivery
    from .updates import Bucket, UpdateQueue
    from .users import FakeUser


class FakeBase:
    """Attributes set by ``FakeBotApi.__init__`` and used by its mixins."""

    token: str
    bot_id: int
    bot_user: dict[str, Any]
    strict_html: bool
    poll_updates: bool
    calls: list[Call]
    violations: list[str]
    unknown_params: set[str]
    rate_limited: int
    webhook_deliveries: list[WebhookDelivery]
    callback_queries: dict[str, CallbackRecord]
    users: dict[int, FakeUser]
    files: Files
    commands: dict[tuple[str, str], list[dict[str, Any]]]
    settings: dict[tuple[str, str], str]
    polls: dict[str, BotMessage]
    poll_votes: dict[str, dict[int, list[int]]]
    updates: UpdateQueue
    seq: int
    webhook: dict[str, Any] | None
    port: int
    _failures: dict[str, deque[dict[str, Any]]]
    _delays: dict[str, deque[float]]
    _rate: float | None
    _chat_rate: float | None
    _bucket: Bucket | None
    _chat_buckets: dict[Any, Bucket]
    _closing: bool
    _runner: web.AppRunner | None
    _session: aiohttp.ClientSession | None
    _webhook_task: asyncio.Task[None] | None
