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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files as resource_files
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .state import BotMessage, Call

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
HEARTBEAT_SECONDS = 15.0
QUEUE_MAX = 10_000  # events a slow page may lag behind before it is dropped (it reconnects)
_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendPoll",
        "stopPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
    }
)
_QUIET_ERRORS = frozenset({403, 429})  # a blocked user or a rate limit is not the author's bug
_INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain")
_BUTTON_KEYS = ("text", "callback_data", "url", "web_app")
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


@dataclass(frozen=True)
class Persona:
    """A user the page can play: their Telegram account and the phone the contact shares."""

    id: int
    first_name: str
    last_name: str | None = None
    phone: str | None = None
    title: str = ""  # the role in one line ("PNS baru", "Admin OPD")
    description: str = ""
    started: bool = False  # has talked to the bot before (so the bot may write first)

    def json(self) -> dict[str, Any]:
        name = f"{self.first_name} {self.last_name or ''}".strip()
        return {
            "id": self.id,
            "name": name,
            "initials": "".join(w[0] for w in name.split()[:2]).upper(),
            "title": self.title,
            "description": self.description,
            "phone": self.phone,
        }


@dataclass
class _Client:
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_MAX)
    )


class WebChat:
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
        return _json(
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
        return _json(
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

    def menu_button(self, chat_id: int) -> dict[str, Any] | None:
        """The chat's Web App menu button (``setChatMenuButton``), if the bot set one."""
        button = self.fake.menu_buttons.get(chat_id)
        if isinstance(button, dict) and button.get("type") == "web_app":
            return {"text": button.get("text", "")}
        return None

    def commands(self, chat_id: int | None = None) -> list[dict]:
        """The command menu a private chat shows: the most specific scope that is set."""
        scopes: dict[str, list[dict]] = {}
        for (scope_json, lang), commands in self.fake.commands.items():
            scope = json.loads(scope_json)
            if scope.get("type") == "chat":
                if _int(scope.get("chat_id")) != chat_id:
                    continue
                key = "chat"
            else:
                key = str(scope.get("type"))
            if key not in scopes or not lang:
                scopes[key] = commands
        for key in ("chat", "all_private_chats", "default"):
            if key in scopes:
                return scopes[key]
        return []

    def message_json(self, m: BotMessage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": m.message_id,
            "from_bot": m.from_bot,
            "kind": m.kind,
            "text": m.text or "",
            "entities": m.entities,
            "date": self._date(m),
            "edited": bool(m.edits or m.edit_date),
            "deleted": m.deleted,
        }
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            out["inline_keyboard"] = [
                [
                    {k: b[k] for k in ("text", "callback_data", "url", "web_app") if k in b}
                    for b in row
                ]
                for row in m.reply_markup["inline_keyboard"]
            ]
        if m.photo:
            largest = max(m.photo, key=lambda s: s.get("width", 0) * s.get("height", 0))
            out["photo"] = f"/files/{largest['file_id']}"
        if m.document:
            doc = m.document
            mime = self._mime(doc["file_id"], doc.get("mime_type"))
            self._files[doc["file_id"]] = (doc.get("file_name"), mime)
            out["document"] = {
                "name": doc.get("file_name") or "file",
                "mime": mime,
                "size": doc.get("file_size", 0),
                "url": f"/files/{doc['file_id']}",
                "inline": mime in _INLINE_TYPES,
            }
        if m.poll:
            out["poll"] = self._poll_json(m)
        if m.contact:
            out["contact"] = m.contact
        if m.sticker:
            out["sticker"] = m.sticker.get("emoji", "")
        return out

    def _date(self, m: BotMessage) -> int:
        """The message's time on the bot's clock, as it was when the message was first seen."""
        if self.now is None:
            return m.date
        key = (m.chat_id, m.message_id)
        if key not in self._dates:
            self._dates[key] = m.date + round(self.now() - time.time())
        return self._dates[key]

    def _mime(self, file_id: str, declared: str | None) -> str:
        """The declared type, or what the bytes are when none (or a generic one) was given."""
        if declared and declared != "application/octet-stream":
            return declared
        stored = self.fake.files.get(file_id)
        return _sniff(stored.data) if stored is not None else "application/octet-stream"

    def _poll_json(self, m: BotMessage) -> dict[str, Any]:
        poll = m.poll or {}
        votes = self.fake.poll_votes.get(poll.get("id", ""), {})
        return {
            "id": poll.get("id"),
            "question": poll.get("question", ""),
            "question_entities": poll.get("question_entities", []),
            "description": poll.get("description", ""),
            "description_entities": poll.get("description_entities", []),
            "options": [o["text"] for o in poll.get("options", [])],
            "counts": [o.get("voter_count", 0) for o in poll.get("options", [])],
            "type": poll.get("type"),
            "correct": poll.get("correct_option_ids", []),
            "explanation": poll.get("explanation", ""),
            "explanation_entities": poll.get("explanation_entities", []),
            "closed": bool(poll.get("is_closed")),
            "anonymous": bool(poll.get("is_anonymous")),
            "multiple": bool(poll.get("allows_multiple_answers")),
            "my_vote": votes.get(m.chat_id),
        }

    # ----------------------------------------------------------------- actions
    async def _send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await _body(request)
        text = str(body.get("text", "")).strip()
        if not text or len(text) > 4096:
            raise _bad("text must be 1-4096 characters")
        sent = user.send_text(text)
        self._push_user_message(user, sent["message_id"])
        return _json({"ok": True, "message_id": sent["message_id"]})

    async def _press(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await _body(request)
        msg = user.chat.get(_int(body.get("message_id")) or 0)
        data = body.get("data")
        if msg is None or not msg.from_bot or msg.deleted:
            raise _bad("no such message")
        if not any(b.get("callback_data") == data for b in msg.buttons):
            raise _bad("no such button")
        return _json({"ok": True, "query_id": user.press(msg.message_id, str(data))})

    async def _vote(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await _body(request)
        poll_id = str(body.get("poll_id", ""))
        options = body.get("option_ids")
        msg = self.fake.polls.get(poll_id)
        if msg is None or msg.chat_id != user.id or msg.poll is None:
            raise _bad("no such poll")
        if not isinstance(options, list) or not all(isinstance(o, int) for o in options):
            raise _bad("option_ids must be a list of numbers")
        try:
            user.answer_poll(poll_id, options)
        except AssertionError as exc:  # closed, anonymous, out of range: what a client forbids
            raise _bad(str(exc).splitlines()[0]) from None
        self._broadcast({"type": "message", "chat": user.id, "message": self.message_json(msg)})
        return _json({"ok": True})

    async def _contact(self, request: web.Request) -> web.Response:
        user = self._user(request)
        await _body(request)
        try:
            sent = user.share_contact()
        except AssertionError as exc:
            raise _bad(str(exc).splitlines()[0]) from None
        self._push_user_message(user, sent["message_id"])
        return _json({"ok": True})

    async def _open_web_app(self, request: web.Request) -> web.Response:
        """Tap a ``web_app`` button (``message_id`` and ``text``) or the menu button (``menu``):
        the URL to open in the panel, the signed ``initData`` in its fragment. An app served
        here (``/app/``) is given by its path, so it opens on the page's own origin."""
        user = self._user(request)
        body = await _body(request)
        try:
            if body.get("menu"):
                url = user.open_web_app("")
            else:
                message_id = _int(body.get("message_id"))
                text = str(body.get("text", ""))
                msg = user.chat.get(message_id or 0)
                if msg is None or not msg.from_bot or msg.deleted or not text:
                    raise _bad("no such message")
                if not any(b.get("text") == text and "web_app" in b for b in msg.buttons):
                    raise _bad("no such button")
                url = user.open_web_app(text, msg.message_id)
        except AssertionError as exc:
            raise _bad(str(exc).splitlines()[0]) from None
        parts = urlsplit(url)
        if self.web_app is not None and parts.path.startswith("/app/"):
            url = parts._replace(scheme="", netloc="").geturl()
        return _json({"ok": True, "url": url})

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
        body = await _body(request)
        if self.clock is None:
            raise web.HTTPForbidden(text="the clock is moved only in demo mode")
        try:
            now = await self.clock(body)
        except ValueError as exc:
            raise _bad(str(exc)) from None
        self._broadcast({"type": "clock", "now": now})
        return _json({"ok": True, "now": now})

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.fake.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        name, declared = self._files.get(stored.file_id, (None, None))
        mime = self._mime(stored.file_id, declared)
        disposition = "inline" if mime in _INLINE_TYPES else "attachment"
        safe = (name or stored.file_path.rsplit("/", 1)[-1]).replace('"', "")
        return web.Response(
            body=stored.data,
            headers={
                "Content-Type": mime,
                "Content-Disposition": f'{disposition}; filename="{_ascii(safe)}"',
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; img-src 'self'; "
                "style-src 'unsafe-inline'; plugin-types application/pdf",
                "Cache-Control": "no-store",
            },
        )

    # ------------------------------------------------------------------ events
    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        client = _Client()
        self._clients.append(client)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(client.queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": heartbeat\n\n")
                    continue
                data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                await response.write(f"data: {data}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._clients.remove(client)
        return response

    def _broadcast(self, event: dict[str, Any]) -> None:
        for client in list(self._clients):
            try:
                client.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._clients.remove(client)

    def _push_user_message(self, user: FakeUser, message_id: int) -> None:
        msg = user.chat.get(message_id)
        if msg is not None:
            self._broadcast(
                {
                    "type": "message",
                    "chat": user.id,
                    "message": self.message_json(msg),
                    "reply_keyboard": user.chat.reply_keyboard,
                }
            )

    def notify(self, source: str, description: str) -> None:
        """A developer notice in every chat (e.g. the content's problems)."""
        notice = {
            "type": "notice",
            "chat": None,
            "method": source,
            "error_code": None,
            "description": description,
            "ts": time.time(),
        }
        self.notices.append(notice)
        self._broadcast(notice)

    def _observe(self, call: Call) -> None:
        """What a Bot API call changed, as events for the pages."""
        params = call.params if isinstance(call.params, dict) else {}
        chat_id = _int(params.get("chat_id"))
        if not call.response_ok:
            if call.error_code in _QUIET_ERRORS or call.method == "getUpdates":
                return
            notice = {
                "type": "notice",
                "chat": chat_id if chat_id in self.fake.users else None,
                "method": call.method,
                "error_code": call.error_code,
                "description": call.description or "",
                "ts": call.ts,
            }
            self.notices.append(notice)
            self._broadcast(notice)
            return
        if call.method in _MESSAGE_METHODS:
            self._message_changed(chat_id, params, call.result)
        elif call.method == "sendChatAction" and chat_id is not None:
            self._actions[chat_id] = (str(params.get("action")), time.time())
            self._broadcast({"type": "action", "chat": chat_id, "action": params.get("action")})
        elif call.method == "answerCallbackQuery":
            record = self.fake.callback_queries.get(str(params.get("callback_query_id")))
            if record is not None and params.get("text"):
                self._broadcast(
                    {
                        "type": "toast",
                        "chat": record.chat_id,
                        "text": params["text"],
                        "alert": bool(params.get("show_alert")),
                    }
                )
        elif call.method == "setChatMenuButton" and chat_id in self.personas:
            menu = self.menu_button(chat_id)
            self._broadcast({"type": "menu_button", "chat": chat_id, "menu_button": menu})
        elif call.method in ("setMyCommands", "deleteMyCommands"):
            for uid in self.personas:
                self._broadcast({"type": "commands", "chat": uid, "commands": self.commands(uid)})

    def _message_changed(self, chat_id: int | None, params: dict, result: Any) -> None:
        if chat_id is None or chat_id not in self.fake.users:
            return
        chat = self.fake.chat(chat_id)
        ids: list[int] = []
        if isinstance(result, dict) and "message_id" in result:
            ids.append(int(result["message_id"]))
        if "message_id" in params:
            ids.append(_int(params["message_id"]) or 0)
        ids.extend(_int(i) or 0 for i in params.get("message_ids") or [])
        self._actions.pop(chat_id, None)  # a message ends the chat action, as in Telegram
        for mid in dict.fromkeys(ids):
            msg = chat.get(mid)
            if msg is not None:
                self._broadcast(
                    {
                        "type": "message",
                        "chat": chat_id,
                        "message": self.message_json(msg),
                        "reply_keyboard": chat.reply_keyboard,
                    }
                )

    # ----------------------------------------------------------------- helpers
    def _user(self, request: web.Request) -> FakeUser:
        uid = _int(request.match_info["uid"])
        if uid not in self.personas:
            raise web.HTTPNotFound(text="no such persona")
        return self.fake.user(uid)

    def _now_text(self) -> str:
        return self.now_text() if self.now_text else ""


async def _body(request: web.Request) -> dict[str, Any]:
    """A JSON object from the page itself: a form or another site's script is refused."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise web.HTTPForbidden(text="cross-origin request refused")
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send JSON")
    try:
        body = await request.json()
    except ValueError:
        raise _bad("invalid JSON") from None
    if not isinstance(body, dict):
        raise _bad("a JSON object is expected")
    return body


def _json(data: Any) -> web.Response:
    return web.json_response(
        data,
        dumps=lambda d: json.dumps(d, ensure_ascii=False),
        headers={"Cache-Control": "no-store"},
    )


def _bad(text: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=text)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ascii(name: str) -> str:
    return name.encode("ascii", "replace").decode().replace("?", "_")


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
