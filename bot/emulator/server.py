"""The fake Bot API HTTP server (aiohttp) and its test-facing controls."""

from __future__ import annotations

import asyncio
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from . import methods
from .checks import BLOCKED
from .files import Files
from .simulation import SimulationMixin, short_params
from .spec import SCHEMA, ApiError, UploadedFile
from .state import BotMessage, Call, CallbackRecord, WebhookDelivery
from .updates import Bucket, UpdateQueue
from .users import FakeUser
from .webhook import WebhookMixin, dumps

_NO_RATE_LIMIT = frozenset(
    {"getUpdates", "getMe", "getWebhookInfo", "setWebhook", "deleteWebhook", "logOut", "close"}
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one "
    "bot instance is running"
)
_CONFLICT_HOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use "
    "deleteWebhook to delete the webhook first"
)


class FakeBotApi(WebhookMixin, SimulationMixin):
    """A local Telegram Bot API server that checks every call (see package docstring)."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        rate_limit_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        strict_html: bool = True,
        poll_updates: bool = True,
        bot_first_name: str = "Sinau Bareng",
        bot_username: str = "sinau_bareng_bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.strict_html = strict_html
        self.poll_updates = poll_updates
        # "Bots can currently send files of any type of up to 50 MB in size" (sendDocument).
        self.upload_limit = 50 * 1024 * 1024
        # observation
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.unknown_params: set[str] = set()
        self.rate_limited = 0
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.callback_queries: dict[str, CallbackRecord] = {}
        # called with every Call once it is recorded (the web chat pushes what changed)
        self.observers: list[Callable[[Call], None]] = []
        # state
        self.users: dict[int, FakeUser] = {}
        self.files = Files()
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.settings: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict] = {}  # per private chat; None: the default
        self.polls: dict[str, BotMessage] = {}
        self.poll_votes: dict[str, dict[int, list[int]]] = {}
        self.updates = UpdateQueue()
        self.seq = 0  # bot-message event counter (for wait_for_reply)
        self.webhook: dict | None = None
        if webhook_url:
            self._set_webhook_state(webhook_url, webhook_secret, 40, None)
        # faults and limits
        self._failures: dict[str, deque[dict]] = defaultdict(deque)
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self._rate = rate_limit_per_second
        self._chat_rate = per_chat_per_second
        self._bucket: Bucket | None = None
        self._chat_buckets: dict[Any, Bucket] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        setup: Callable[[web.Application], None] | None = None,
    ) -> FakeBotApi:
        """Listen on ``host:port`` (default: loopback, a free port); ``setup`` adds routes of
        its own to the same server (the web chat). ``OSError`` if the port is taken."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        if setup is not None:
            setup(app)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a listener still refuses
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._session = aiohttp.ClientSession()
        self._closing = False
        if self.webhook:
            self._ensure_webhook_task()
        return self

    async def stop(self) -> None:
        self._closing = True
        self.updates.wake()
        if self._webhook_task:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
            self._webhook_task = None
        if self._session:
            await self._session.close()
            self._session = None
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --------------------------------------------------------------- HTTP layer
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ts = time.time()
        raw_name = request.match_info["method"]
        spec = SCHEMA.methods.get(raw_name.lower())
        name = spec.name if spec else raw_name
        raw: dict[str, Any] = {}
        params: dict[str, Any] | None = None
        result: Any = None
        try:
            if request.match_info["token"] != self.token:
                raise ApiError("Unauthorized", 401)
            raw, files, from_json = await self._read(request, spec)
            if spec is None or (name not in methods.HANDLERS and name not in _OWN):
                raise ApiError("Not Found", 404)
            await self._inject_faults(name)
            self._rate_check(name, raw)
            params = SCHEMA.decode_params(spec, raw, files, self.unknown_params, from_json)
            if name == "getUpdates":
                result = await self._get_updates(params, request)
            elif name in _OWN:
                result = getattr(self, _OWN[name])(params)
            else:
                result = methods.HANDLERS[name](self, params)
            status, body = 200, dumps({"ok": True, "result": result})
            self._record(Call(name, params, True, None, ts, None, result))
        except ApiError as err:
            status = err.code
            if err.violation:
                self.violations.append(f"{name}: {err.description} [{short_params(raw)}]")
            self._record(
                Call(
                    name,
                    params if params is not None else raw,
                    False,
                    err.code,
                    ts,
                    err.description,
                )
            )
            if status == 502:
                return web.Response(
                    status=502,
                    text="<html><head><title>502 Bad Gateway</title></head></html>",
                    content_type="text/html",
                )
            body = dumps(err.payload())
        return web.Response(status=status, text=body, content_type="application/json")

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        for observer in self.observers:
            observer(call)

    async def _read(
        self, request: web.Request, spec: Any
    ) -> tuple[dict[str, Any], dict[str, UploadedFile], bool]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        from_json = False
        if request.method == "POST" and request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    data = await request.json()
                except ValueError:
                    raise ApiError("Bad Request: can't parse JSON request body") from None
                if isinstance(data, dict):
                    raw.update(data)
                    from_json = True
            else:
                form = await request.post()
                declared = spec.params if spec else {}
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        up = UploadedFile(
                            key, value.filename, value.content_type, value.file.read()
                        )
                        if len(up.data) > self.upload_limit:
                            raise ApiError("Request Entity Too Large", 413)
                        files[key] = up
                        if key in declared:
                            raw[key] = up
                    else:
                        raw[key] = value
        return raw, files, from_json

    async def _download(self, request: web.Request) -> web.StreamResponse:
        f = self.files.by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or f is None:
            return web.Response(
                status=404,
                text=dumps({"ok": False, "error_code": 404, "description": "Not Found"}),
            )
        return web.Response(body=f.data, content_type="application/octet-stream")

    # ------------------------------------------------------------ faults, limits
    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" = any) fail with ``status``
        (429 carries parameters.retry_after; 502 is an HTML gateway page)."""
        for _ in range(count):
            self._failures[method].append(
                {"status": status, "retry_after": retry_after, "description": description}
            )

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the next ``count`` calls of ``method`` ("*" = any) before handling
        them (the call is still processed, like Telegram after a client timeout)."""
        self._delays[method].extend([seconds] * count)

    async def _inject_faults(self, name: str) -> None:
        for key in (name, "*"):
            if self._delays.get(key):
                await asyncio.sleep(self._delays[key].popleft())
                break
        for key in (name, "*"):
            if self._failures.get(key):
                f = self._failures[key].popleft()
                status, after = f["status"], f["retry_after"]
                if status == 429:
                    raise ApiError(
                        f["description"] or f"Too Many Requests: retry after {after}",
                        429,
                        violation=False,
                        parameters={"retry_after": after},
                    )
                default = {500: "Internal Server Error", 502: "Bad Gateway", 403: BLOCKED}.get(
                    status, "Bad Request: injected failure"
                )
                raise ApiError(f["description"] or default, status, violation=False)

    def _rate_check(self, name: str, raw: dict) -> None:
        if name in _NO_RATE_LIMIT or (self._rate is None and self._chat_rate is None):
            return
        now = time.monotonic()
        if self._rate is not None:
            if self._bucket is None:
                self._bucket = Bucket(self._rate, max(1.0, self._rate), now)
            if not self._bucket.take(now):
                self._too_many()
        chat = raw.get("chat_id")
        if self._chat_rate is not None and chat is not None and name != "getChat":
            bucket = self._chat_buckets.get(str(chat))
            if bucket is None:
                bucket = self._chat_buckets[str(chat)] = Bucket(self._chat_rate, 3.0, now)
            if not bucket.take(now):
                self._too_many()

    def _too_many(self) -> None:
        self.rate_limited += 1
        raise ApiError(
            "Too Many Requests: retry after 1", 429, violation=False, parameters={"retry_after": 1}
        )

    # ------------------------------------------------------------ getUpdates
    async def _get_updates(self, p: dict, request: web.Request) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(_CONFLICT_HOOK, 409)
        q = self.updates
        if "allowed_updates" in p:
            q.allowed = frozenset(p["allowed_updates"]) or None
        q.confirm(p.get("offset", 0))
        limit = min(max(p.get("limit", 100), 1), 100)
        timeout = max(p.get("timeout", 0), 0)
        q.poll_gen += 1
        gen = q.poll_gen
        q.wake()  # an older waiting poller is now superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ups = q.select(limit)
            if ups or self._closing:
                return ups
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await q.wait(remaining)
            if gen != q.poll_gen:
                gone = request.transport is None or request.transport.is_closing()
                raise ApiError(_CONFLICT_POLL, 409, violation=not gone)


_OWN = {
    "setWebhook": "_api_set_webhook",
    "deleteWebhook": "_api_delete_webhook",
    "getWebhookInfo": "_api_get_webhook_info",
    "getUpdates": "_get_updates",
}
