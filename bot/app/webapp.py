"""The Mini App dashboard, served by the bot's own aiohttp server under ``/app/``.

- ``GET /app/``: the page (plain HTML, CSS and JavaScript from ``bot/app/webapp_static/``, no
  third-party CDN; Telegram's ``telegram-web-app.js`` is the one script from elsewhere, loaded
  from telegram.org as Telegram requires, and the page works without it).
- ``POST /app/api/<view>``: JSON. Every request carries Telegram's signed ``initData`` in its
  body (``init_data``), with the view's parameters beside it: no id, NIP or name is ever in a
  URL, where proxies and logs would keep it. The signature and age are checked
  (``bot.core.webapp_auth``), the caller's rate is limited, then ``DashboardService`` reads the
  role from the database and decides, as the chat does.

Two endpoints answer with more than JSON's figures: ``export`` queues one of ``/laporan``'s
files for the caller's chat (``bot.app.webapp_exports`` builds and sends it after the answer, on
the chat's export path), and ``certificate`` streams a pending report's certificate from
Telegram (``getFile`` and the file URL) to the page, chunk by chunk, keeping nothing.

Answers: 401 for a missing, forged or expired ``initData`` or a user the bot does not know,
403 for what the role does not allow, 400 for malformed parameters, 404 for an unknown OPD or
NIP, 429 over the rate (or an export's cooldown), 503 when the database does not answer (or
there is no bot to send or fetch a file with); each a JSON object with an
Indonesian ``message`` the page shows as it is, and nothing else about the cause.

Webhook mode mounts it on the webhook's server; polling mode starts it on ``SINAU_WEBAPP_PORT``.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Bot
from telegram.error import TelegramError

from bot.app.webapp_exports import ChatExports
from bot.core.errors import NotAllowed, Refusal
from bot.core.jp import claim_text
from bot.core.webapp_auth import InitDataError, validate
from bot.services import Services
from bot.services.dashboard import STATES, NotRegistered
from bot.services.identity import Decided, Decision
from bot.services.trainings import MAX_REASON, Review, Reviewed
from bot.texts import REFUSALS
from bot.texts import hours as hours_texts
from bot.texts import webapp as t
from handlers.hours_keyboards import ALL

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "webapp_static"
MAX_BODY = 16 * 1024  # initData and a few parameters
MIN_YEAR = 2000
MAX_QUERY = 64
TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js"
# Only this server's own files and Telegram's script; no inline script or style at all.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        # blob: for a certificate photo the page fetched (POST, with the initData) and shows.
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-src blob:",  # a certificate PDF, fetched the same way, in a frame of its own
        "font-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        # Telegram Web opens a Mini App in a frame of its own pages; nobody else may.
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}


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


def _error(status: int, code: str, message: str | None = None) -> web.Response:
    body = {"error": code, "message": message or t.ERRORS[code]}
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


def _json(data: Any) -> web.Response:
    return web.Response(
        body=orjson.dumps(data),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


# --- Parameters -------------------------------------------------------------------------------
def _year(body: dict[str, Any], current: int) -> int:
    value = body.get("year", current)
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= current:
        raise BadParameter("year")
    return value


def _text(body: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_QUERY or (required and not value.strip()):
        raise BadParameter(key)
    return value


def _int(body: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadParameter(key)
    return value


def _state(body: dict[str, Any]) -> str | None:
    value = body.get("state")
    if value is None or value == "":
        return None
    if value not in STATES:
        raise BadParameter("state")
    return str(value)


async def _me(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    return {**await app.services.dashboard.me(uid), "bot_username": app.bot_username}


async def _province(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = _year(body, app.services.hours.current_year())
    return await app.services.dashboard.province(uid, year)


async def _agency(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = _year(body, app.services.hours.current_year())
    opd = _text(body, "opd", required=True).strip().lower()
    return await app.services.dashboard.agency(
        uid,
        opd,
        year,
        query=_text(body, "q"),
        state=_state(body),
        offset=_int(body, "offset", 0, 0, 1_000_000),
        limit=_int(body, "limit", 50, 1, 200),
    )


async def _employee(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = _year(body, app.services.hours.current_year())
    return await app.services.dashboard.employee(uid, _text(body, "nip", required=True), year)


async def _learner(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = _year(body, app.services.hours.current_year())
    return await app.services.dashboard.learner(uid, year)


async def _queue(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """What the caller may decide (``/antrian``'s): accounts to confirm, and pending
    outside-training reports."""
    limit = _int(body, "limit", 50, 1, 100)
    items = await app.services.reviews.pending(uid, limit=limit)
    requests = await app.services.identity.pending(uid, limit=limit)
    names = app.services.catalog.opds
    return {
        "accounts": [
            {
                "id": r.id,
                "kind": r.kind,
                "typed_name": r.typed_name,
                "telegram_name": r.telegram_name,
                "opd_name": names[r.opd_code].name if r.opd_code in names else r.opd_code,
                "created_at": r.created_at.isoformat(timespec="minutes"),
            }
            for r in requests
        ],
        "reports": [
            {
                "id": r.id,
                "name": e.name,
                "nip": e.nip,
                "opd_name": names[r.opd_code].name if r.opd_code in names else r.opd_code,
                "title": r.title,
                "organiser": r.organiser,
                "kind": r.activity_kind,
                "started_on": r.started_on.isoformat(),
                "ended_on": r.ended_on.isoformat(),
                "jp": claim_text(r.jp_centi),
                "certificate_no": r.certificate_no,
                "duplicate_of": r.duplicate_of,
            }
            for r, e in items
        ],
    }


class Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _decided(app: WebApp, result: Reviewed) -> dict[str, Any]:
    """A decision's outcome: OK, or the refusal the chat gives for it."""
    if result.outcome is Review.NOT_FOUND:
        raise LookupError("report")
    if result.outcome is Review.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if result.outcome is Review.ALREADY:
        who = result.decided_by or "-"
        raise Conflict(t.ALREADY_DECIDED.format(name=who))
    app.wake()
    report = result.report
    return {
        "id": report.id if report else None,
        "status": report.status if report else None,
        "credited": result.credited,
    }


def _account_decided(app: WebApp, result: Decided) -> dict[str, Any]:
    if result.outcome is Decision.NOT_FOUND:
        raise LookupError("request")
    if result.outcome is Decision.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if result.outcome is Decision.ALREADY:
        raise Conflict(t.ALREADY_DECIDED_ACCOUNT.format(name=result.decided_by or "-"))
    if result.outcome is Decision.STALE:
        raise Conflict(t.STALE_ACCOUNT)
    app.wake()
    request = result.request
    return {"id": request.id if request else None, "status": request.status if request else None}


async def _approve_account(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    request_id = _int(body, "request_id", 0, 1, 2**31 - 1)
    return _account_decided(app, await app.services.identity.approve(uid, request_id))


async def _refuse_account(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    request_id = _int(body, "request_id", 0, 1, 2**31 - 1)
    decided = await app.services.identity.refuse(uid, request_id, _reason(body))
    return _account_decided(app, decided)


async def _approve(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    report_id = _int(body, "report_id", 0, 1, 2**31 - 1)
    return _decided(app, await app.services.reviews.approve(uid, report_id))


async def _reject(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    report_id = _int(body, "report_id", 0, 1, 2**31 - 1)
    return _decided(app, await app.services.reviews.reject(uid, report_id, _reason(body)))


def _reason(body: dict[str, Any]) -> str:
    """A refusal's or rejection's reason, as the chat asks for it: 3 characters at least."""
    reason = body.get("reason")
    if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= MAX_REASON:
        raise BadParameter("reason")
    return reason.strip()


# --- "Send to my chat": the reports /laporan exports, delivered by the bot --------------------
EXPORT_KINDS = ("xlsx", "csv", "siasn", "recap")  # the documents; the chart is a photo in chat
OPD_ONLY = ("xlsx", "csv")  # an agency's employees
PROVINCE_ONLY = ("recap",)  # every agency's recap


async def _export(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """Queue one export for the caller's chat: checked here (the role, the scope, the
    cooldown the chat's buttons share), built and sent after the answer by
    ``bot.app.webapp_exports`` on the chat's own export path."""
    kind = body.get("kind")
    if kind not in EXPORT_KINDS:
        raise BadParameter("kind")
    year = _year(body, app.services.hours.current_year())
    opd: str | None = None
    if body.get("opd") is not None:
        opd = _text(body, "opd", required=True).strip().lower()
    if (opd is None and kind in OPD_ONLY) or (opd is not None and kind in PROVINCE_ONLY):
        raise BadParameter("opd")
    if opd is not None and opd not in app.services.catalog.opds:
        raise LookupError(opd)
    await app.services.reports.require(uid, opd)  # 403 for a learner, or another OPD
    if app.exports is None:
        raise Unavailable("no_sender")
    wait = await app.services.files.claim(uid, f"export-{kind}")
    if wait:
        raise Limited(hours_texts.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
    app.exports.queue(uid, str(kind), opd or ALL, year)
    return {"queued": True, "message": t.EXPORT_QUEUED}


# --- A certificate in the queue: fetched through getFile and streamed ------------------------
CHUNK = 64 * 1024
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


async def _certificate(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """The certificate file of one report, for an admin who may review it (an OPD admin: their
    OPD's reports), as the chat shows it to its reviewers: read from Telegram by its
    ``file_id`` and passed on chunk by chunk, never written anywhere."""
    report_id = _int(body, "report_id", 0, 1, 2**31 - 1)
    outcome, report, _ = await app.services.reviews.report_for_review(uid, report_id)
    if outcome is Review.NOT_FOUND or report is None:
        raise LookupError("report")
    if outcome is Review.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if app.bot is None:
        raise Unavailable("file_unavailable")
    name = report.file_name or ("sertifikat.jpg" if report.file_kind == "photo" else "sertifikat")
    suffix = Path(name).suffix.lower()
    content_type = "image/jpeg" if report.file_kind == "photo" else FILE_TYPES.get(suffix)
    try:
        found = await app.bot.get_file(report.file_id)
    except TelegramError as exc:  # too big for getFile (20 MB), gone, or Telegram is down
        log.warning("webapp: getFile for report %s failed: %s", report.id, type(exc).__name__)
        raise Unavailable("file_unavailable") from None
    if not found.file_path:
        raise Unavailable("file_unavailable")
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
    try:
        response = await session.get(found.file_path)  # the URL holds the token: never logged
        if response.status != 200:
            raise Unavailable("file_unavailable")
    except (aiohttp.ClientError, TimeoutError):
        await session.close()
        raise Unavailable("file_unavailable") from None
    except Unavailable:
        await session.close()
        raise

    async def chunks() -> AsyncGenerator[bytes, None]:
        try:
            async for chunk in response.content.iter_chunked(CHUNK):
                yield chunk
        finally:
            response.release()
            await session.close()

    return Download(content_type or "application/octet-stream", name, chunks())


View = Callable[[WebApp, int, dict[str, Any]], Awaitable[Any]]
VIEWS: dict[str, View] = {
    "me": _me,
    "province": _province,
    "agency": _agency,
    "employee": _employee,
    "learner": _learner,
    "queue": _queue,
    "approve": _approve,
    "reject": _reject,
    "approve_account": _approve_account,
    "refuse_account": _refuse_account,
    "export": _export,
    "certificate": _certificate,
}


async def api(request: web.Request) -> web.StreamResponse:
    app = request.app[WEBAPP_KEY]
    view = VIEWS.get(request.match_info["view"])
    if view is None:
        return _error(404, "not_found")
    if (request.content_length or 0) > MAX_BODY:
        return _error(400, "bad_request")
    raw = b""
    while len(raw) <= MAX_BODY:  # never more than the limit in memory, whatever the header said
        chunk = await request.content.read(MAX_BODY + 1 - len(raw))
        if not chunk:
            break
        raw += chunk
    if len(raw) > MAX_BODY:
        return _error(400, "bad_request")
    try:
        body = orjson.loads(raw) if raw else {}
    except ValueError:
        return _error(400, "bad_request")
    if not isinstance(body, dict):
        return _error(400, "bad_request")
    init_data = body.get("init_data")
    try:
        user = validate(
            init_data if isinstance(init_data, str) else None, app.token, app.now(), app.max_age
        )
    except InitDataError as exc:
        log.info("webapp: initData refused (%s)", exc.problem.value)
        return _error(401, "unauthorized")
    if not app.rate.allow(user.telegram_id, app.now()):
        return _error(429, "rate_limited")
    try:
        await app.services.dashboard.caller(user.telegram_id)  # 401 for nobody, every time
        result = await view(app, user.telegram_id, body)
        if isinstance(result, Download):
            return await _stream(request, result)
        return _json(result)
    except NotRegistered:
        return _error(401, "not_registered")
    except NotAllowed as exc:
        return _error(403, "forbidden", REFUSALS[exc.refusal.value])
    except BadParameter:
        return _error(400, "bad_request")
    except LookupError:
        return _error(404, "not_found")
    except Conflict as exc:
        return _error(409, "already", exc.message)
    except Limited as exc:
        return _error(429, "rate_limited", exc.message)
    except Unavailable as exc:
        return _error(503, exc.code)
    except (TimeoutError, OperationalError, DBAPIError, PoolTimeout, OSError) as exc:
        log.warning("webapp: database unavailable: %s", type(exc).__name__)
        return _error(503, "unavailable")


async def _stream(request: web.Request, download: Download) -> web.StreamResponse:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in download.name)
    response = web.StreamResponse(
        headers={
            "Content-Type": download.content_type,
            "Content-Disposition": f'inline; filename="{safe}"',
            "Cache-Control": "no-store",
            **SECURITY_HEADERS,  # sent with the first chunk, before the middleware sees it
        }
    )
    try:
        await response.prepare(request)
        async for chunk in download.chunks:
            await response.write(chunk)
        await response.write_eof()
    except (aiohttp.ClientError, TimeoutError, ConnectionResetError) as exc:
        log.warning("webapp: a certificate stream stopped: %s", type(exc).__name__)
    finally:
        await download.chunks.aclose()
    return response


def index_html() -> bytes:
    """The page, with every label it shows (from ``bot.texts.webapp``) in a JSON data block:
    data, not script, so the strict policy holds."""
    labels = {
        "labels": t.LABELS,
        "states": t.STATES,
        "errors": t.ERRORS,
    }
    data = json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c")
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    return page.replace("{{TITLE}}", t.LABELS["title"]).replace("{{LABELS}}", data).encode()


async def index(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[PAGE_KEY],
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    path = STATIC / name
    if path.suffix not in STATIC_TYPES or path.parent != STATIC or not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type=STATIC_TYPES[path.suffix],
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


PAGE_KEY: web.AppKey[bytes] = web.AppKey("page", bytes)


def make_webapp(
    services: Services,
    now: Callable[[], float] = time.time,
    wake: Callable[[], None] = lambda: None,
    bot_username: str | None = None,
    bot: Bot | None = None,
    exports: ChatExports | None = None,
) -> web.Application:
    """The ``/app`` sub-application (mounted by ``mount``; the tests use it directly)."""
    settings = services.settings
    sub = web.Application(middlewares=[security_headers], client_max_size=MAX_BODY)
    sub[WEBAPP_KEY] = WebApp(
        services,
        settings.token,
        settings.webapp_max_age,
        RateWindow(settings.webapp_rate_per_minute),
        now,
        wake,
        bot_username,
        bot,
        exports,
    )
    sub[PAGE_KEY] = index_html()
    sub.router.add_get("/", index)
    sub.router.add_get("/{name:[a-z0-9_-]+\\.(?:js|css)}", static_file)
    sub.router.add_post("/api/{view}", api)
    return sub


def mount(
    server: web.Application,
    services: Services,
    now: Callable[[], float] = time.time,
    wake: Callable[[], None] = lambda: None,
    bot_username: str | None = None,
    bot: Bot | None = None,
    exports: ChatExports | None = None,
) -> None:
    """Serve the dashboard under ``/app/`` of ``server`` (``/app`` redirects there)."""

    async def to_slash(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect("/app/")

    server.router.add_get("/app", to_slash)
    server.add_subapp("/app", make_webapp(services, now, wake, bot_username, bot, exports))


async def start_standalone(
    services: Services,
    wake: Callable[[], None] = lambda: None,
    bot_username: str | None = None,
    bot: Bot | None = None,
    exports: ChatExports | None = None,
) -> web.AppRunner:
    """Polling mode: a server of its own for ``/app/`` on ``SINAU_WEBAPP_PORT``."""
    settings = services.settings
    server = web.Application()
    mount(server, services, wake=wake, bot_username=bot_username, bot=bot, exports=exports)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_listen, settings.webapp_port).start()
    log.info("webapp: serving /app/ on port %s", settings.webapp_port)
    return runner
