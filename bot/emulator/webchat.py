"""A web chat on the emulator: a person plays the fake's users in a browser.

The page (``static/``: plain HTML, CSS and JavaScript, no build step, no CDN) is served by the
emulator's own aiohttp server, next to the Bot API. It reads chats as JSON, acts through the
same ``FakeUser`` methods the tests use (send text, press a button, vote, share the contact),
and learns what changed from a server-sent event stream fed by the fake's call observer: a
message sent, edited or deleted, a chat action, a callback answer's toast, the command menu,
and every call Telegram would reject (a red developer notice in the chat).

    chat = WebChat(fake, personas=[Persona(1001, "Rina", phone="+62812...")], labels={...})
    await fake.start(port=8080, setup=chat.setup)

Texts are given by the caller (``labels``, ``Persona.description``), so the page holds none of
its own beyond element ids. Requests must be JSON, from the page's own origin.

Mini Apps: a ``web_app`` button (or a chat's Web App menu button) opens the app in a panel beside
the chat, at the URL the bot gave with the signed ``initData`` and a theme in its fragment, as
Telegram opens it (``FakeUser.open_web_app``). With ``web_app`` (the app server's base URL, read
on every request) the app is served through this server under ``/app/``, so the panel's frame
is of the page's own origin: the app's ``frame-ancestors 'self'`` admits it.

This module holds the routes (the page, the reads, the user's actions, the Mini App proxy);
``WebChat`` inherits the message rendering (``webchat_render``) and the event feed
(``webchat_events``); ``webchat_http`` holds the small request and answer helpers.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from importlib.resources import files as resource_files
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .webchat_events import EventFeed, _Client
from .webchat_http import as_int, ascii_name, bad_request, json_answer, read_body
from .webchat_render import INLINE_TYPES, Persona

if TYPE_CHECKING:
    from .server import FakeBotApi
    from .users import FakeUser

STATIC = resource_files(__package__) / "static"
STATIC_FILES = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "index.html": "text/html",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What the proxied Mini App answers with and the browser needs (its policy included).
_PROXIED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Cache-Control",
    "Location",
)

# (clock control) days/hours/minutes to move, or "HH:MM" to move to; returns the new time text
ClockControl = Callable[[dict[str, Any]], Awaitable[str]]
NowText = Callable[[], str]


class WebChat(EventFeed):
    def __init__(
        self,
        fake: FakeBotApi,
        personas: list[Persona],
        *,
        labels: dict[str, str] | None = None,
        clock: ClockControl | None = None,
        now_text: NowText | None = None,
        timezone: str | None = None,
        now: Callable[[], float] | None = None,
        web_app: Callable[[], str | None] | None = None,
    ) -> None:
        self.fake = fake
        self.web_app = web_app  # the Mini App server's base URL (None while it is down)
        self.personas = {p.id: p for p in personas}
        self.labels = labels or {}
        self.clock = clock
        self.now_text = now_text
        self.timezone = timezone  # IANA name: message times are shown in it
        self.now = now  # the bot's time (epoch seconds), when it is not the real one
        self._dates: dict[tuple[int, int], int] = {}  # message -> its time on the bot's clock
        self.notices: list[dict[str, Any]] = []  # developer notices (rejected calls), all chats
        self._clients: list[_Client] = []
        self._files: dict[str, tuple[str | None, str | None]] = {}  # file_id -> (name, mime)
        self._actions: dict[int, tuple[str, float]] = {}
        for p in personas:
            user = fake.user(
                p.id, first_name=p.first_name, last_name=p.last_name, started=p.started
            )
            user.phone_number = p.phone
        fake.observers.append(self._observe)

    # ----------------------------------------------------------------- routes
    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self._index)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/chats/{uid}", self._chat)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/chats/{uid}/send", self._send)
        app.router.add_post("/api/chats/{uid}/press", self._press)
        app.router.add_post("/api/chats/{uid}/vote", self._vote)
        app.router.add_post("/api/chats/{uid}/contact", self._contact)
        app.router.add_post("/api/clock", self._clock)
        app.router.add_get("/files/{file_id}", self._file)
        app.router.add_post("/api/chats/{uid}/web_app", self._open_web_app)
        if self.web_app is not None:
            app.router.add_route("*", "/app", self._app_proxy)
            app.router.add_route("*", "/app/{tail:.*}", self._app_proxy)

    async def _index(self, request: web.Request) -> web.Response:
        return self._static_file("index.html")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_FILES or name == "index.html":
            raise web.HTTPNotFound()
        return self._static_file(name)

    def _static_file(self, name: str) -> web.Response:
        body = (STATIC / name).read_bytes()
        return web.Response(
            body=body,
            content_type=STATIC_FILES[name],
            charset="utf-8",
            headers=SECURITY_HEADERS,
        )

    # ------------------------------------------------------------------- reads
    async def _state(self, request: web.Request) -> web.Response:
        return json_answer(
            {
                "bot": self.fake.bot_user,
                "personas": [p.json() for p in self.personas.values()],
                "labels": self.labels,
                "timezone": self.timezone,
                "clock": {"enabled": self.clock is not None, "now": self._now_text()},
                "notices": self.notices[-50:],
            }
        )

    async def _chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        chat = user.chat
        action = self._actions.get(user.id)
        return json_answer(
            {
                "id": user.id,
                "messages": [self.message_json(m) for m in chat.history if not m.deleted],
                "reply_keyboard": chat.reply_keyboard,
                "commands": self.commands(user.id),
                "action": action[0] if action and time.time() - action[1] < 5 else None,
                "notices": [n for n in self.notices if n.get("chat") in (None, user.id)][-20:],
                "menu_button": self.menu_button(user.id),
            }
        )

    # ----------------------------------------------------------------- actions
    async def _send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await read_body(request)
        text = str(body.get("text", "")).strip()
        if not text or len(text) > 4096:
            raise bad_request("text must be 1-4096 characters")
        sent = user.send_text(text)
        self._push_user_message(user, sent["message_id"])
        return json_answer({"ok": True, "message_id": sent["message_id"]})

    async def _press(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await read_body(request)
        msg = user.chat.get(as_int(body.get("message_id")) or 0)
        data = body.get("data")
        if msg is None or not msg.from_bot or msg.deleted:
            raise bad_request("no such message")
        if not any(b.get("callback_data") == data for b in msg.buttons):
            raise bad_request("no such button")
        return json_answer({"ok": True, "query_id": user.press(msg.message_id, str(data))})

    async def _vote(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await read_body(request)
        poll_id = str(body.get("poll_id", ""))
        options = body.get("option_ids")
        msg = self.fake.polls.get(poll_id)
        if msg is None or msg.chat_id != user.id or msg.poll is None:
            raise bad_request("no such poll")
        if not isinstance(options, list) or not all(isinstance(o, int) for o in options):
            raise bad_request("option_ids must be a list of numbers")
        try:
            user.answer_poll(poll_id, options)
        except AssertionError as exc:  # closed, anonymous, out of range: what a client forbids
            raise bad_request(str(exc).splitlines()[0]) from None
        self._broadcast({"type": "message", "chat": user.id, "message": self.message_json(msg)})
        return json_answer({"ok": True})

    async def _contact(self, request: web.Request) -> web.Response:
        user = self._user(request)
        await read_body(request)
        try:
            sent = user.share_contact()
        except AssertionError as exc:
            raise bad_request(str(exc).splitlines()[0]) from None
        self._push_user_message(user, sent["message_id"])
        return json_answer({"ok": True})

    async def _open_web_app(self, request: web.Request) -> web.Response:
        """Tap a ``web_app`` button (``message_id`` and ``text``) or the menu button (``menu``):
        the URL to open in the panel, the signed ``initData`` in its fragment. An app served
        here (``/app/``) is given by its path, so it opens on the page's own origin."""
        user = self._user(request)
        body = await read_body(request)
        try:
            if body.get("menu"):
                url = user.open_web_app("")
            else:
                message_id = as_int(body.get("message_id"))
                text = str(body.get("text", ""))
                msg = user.chat.get(message_id or 0)
                if msg is None or not msg.from_bot or msg.deleted or not text:
                    raise bad_request("no such message")
                if not any(b.get("text") == text and "web_app" in b for b in msg.buttons):
                    raise bad_request("no such button")
                url = user.open_web_app(text, msg.message_id)
        except AssertionError as exc:
            raise bad_request(str(exc).splitlines()[0]) from None
        parts = urlsplit(url)
        if self.web_app is not None and parts.path.startswith("/app/"):
            url = parts._replace(scheme="", netloc="").geturl()
        return json_answer({"ok": True, "url": url})

    async def _app_proxy(self, request: web.Request) -> web.StreamResponse:
        """The Mini App, passed through from its own server (a demo's: small answers)."""
        base = self.web_app() if self.web_app is not None else None
        if not base:
            raise web.HTTPServiceUnavailable(text="the Mini App is not running")
        headers = {"Content-Type": request.headers.get("Content-Type", "")}
        data = await request.read() if request.can_read_body else None
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http,
                http.request(
                    request.method,
                    base.rstrip("/") + request.rel_url.path_qs,
                    data=data,
                    headers={k: v for k, v in headers.items() if v},
                    allow_redirects=False,
                ) as answer,
            ):
                body = await answer.read()
                kept = {k: answer.headers[k] for k in _PROXIED_HEADERS if k in answer.headers}
        except (aiohttp.ClientError, TimeoutError):
            raise web.HTTPBadGateway(text="the Mini App did not answer") from None
        return web.Response(status=answer.status, body=body, headers=kept)

    async def _clock(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        if self.clock is None:
            raise web.HTTPForbidden(text="the clock is moved only in demo mode")
        try:
            now = await self.clock(body)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        self._broadcast({"type": "clock", "now": now})
        return json_answer({"ok": True, "now": now})

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.fake.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        name, declared = self._files.get(stored.file_id, (None, None))
        mime = self._mime(stored.file_id, declared)
        disposition = "inline" if mime in INLINE_TYPES else "attachment"
        safe = (name or stored.file_path.rsplit("/", 1)[-1]).replace('"', "")
        return web.Response(
            body=stored.data,
            headers={
                "Content-Type": mime,
                "Content-Disposition": f'{disposition}; filename="{ascii_name(safe)}"',
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; img-src 'self'; "
                "style-src 'unsafe-inline'; plugin-types application/pdf",
                "Cache-Control": "no-store",
            },
        )

    # ----------------------------------------------------------------- helpers
    def _user(self, request: web.Request) -> FakeUser:
        uid = as_int(request.match_info["uid"])
        if uid not in self.personas:
            raise web.HTTPNotFound(text="no such persona")
        return self.fake.user(uid)

    def _now_text(self) -> str:
        return self.now_text() if self.now_text else ""
