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

The modules: this one dispatches (``api``: the body, the signature, the rate, the statuses) and
mounts; ``webapp_http`` holds what the views share (state, parameters, refusals, answers);
``webapp_views`` the JSON views; ``webapp_files`` the export and the certificate stream;
``webapp_page`` the page, its static files and the security headers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Bot

from bot.app import webapp_files, webapp_views
from bot.app.webapp_exports import ChatExports
from bot.app.webapp_files import stream
from bot.app.webapp_http import (
    MAX_BODY,
    WEBAPP_KEY,
    BadParameter,
    Conflict,
    Download,
    Limited,
    RateWindow,
    Unavailable,
    WebApp,
    error_json,
    ok_json,
)
from bot.app.webapp_page import PAGE_KEY, index, index_html, security_headers, static_file
from bot.core.errors import NotAllowed
from bot.core.webapp_auth import InitDataError, validate
from bot.services import Services
from bot.services.dashboard import NotRegistered
from bot.texts import REFUSALS

log = logging.getLogger(__name__)


View = Callable[[WebApp, int, dict[str, Any]], Awaitable[Any]]
VIEWS: dict[str, View] = {
    "me": webapp_views.me,
    "province": webapp_views.province,
    "agency": webapp_views.agency,
    "employee": webapp_views.employee,
    "learner": webapp_views.learner,
    "queue": webapp_views.queue,
    "approve": webapp_views.approve,
    "reject": webapp_views.reject,
    "approve_account": webapp_views.approve_account,
    "refuse_account": webapp_views.refuse_account,
    "export": webapp_files.export,
    "certificate": webapp_files.certificate,
}


async def api(request: web.Request) -> web.StreamResponse:
    app = request.app[WEBAPP_KEY]
    view = VIEWS.get(request.match_info["view"])
    if view is None:
        return error_json(404, "not_found")
    if (request.content_length or 0) > MAX_BODY:
        return error_json(400, "bad_request")
    raw = b""
    while len(raw) <= MAX_BODY:  # never more than the limit in memory, whatever the header said
        chunk = await request.content.read(MAX_BODY + 1 - len(raw))
        if not chunk:
            break
        raw += chunk
    if len(raw) > MAX_BODY:
        return error_json(400, "bad_request")
    try:
        body = orjson.loads(raw) if raw else {}
    except ValueError:
        return error_json(400, "bad_request")
    if not isinstance(body, dict):
        return error_json(400, "bad_request")
    init_data = body.get("init_data")
    try:
        user = validate(
            init_data if isinstance(init_data, str) else None, app.token, app.now(), app.max_age
        )
    except InitDataError as exc:
        log.info("webapp: initData refused (%s)", exc.problem.value)
        return error_json(401, "unauthorized")
    if not app.rate.allow(user.telegram_id, app.now()):
        return error_json(429, "rate_limited")
    try:
        await app.services.dashboard.caller(user.telegram_id)  # 401 for nobody, every time
        result = await view(app, user.telegram_id, body)
        if isinstance(result, Download):
            return await stream(request, result)
        return ok_json(result)
    except NotRegistered:
        return error_json(401, "not_registered")
    except NotAllowed as exc:
        return error_json(403, "forbidden", REFUSALS[exc.refusal.value])
    except BadParameter:
        return error_json(400, "bad_request")
    except LookupError:
        return error_json(404, "not_found")
    except Conflict as exc:
        return error_json(409, "already", exc.message)
    except Limited as exc:
        return error_json(429, "rate_limited", exc.message)
    except Unavailable as exc:
        return error_json(503, exc.code)
    except (TimeoutError, OperationalError, DBAPIError, PoolTimeout, OSError) as exc:
        log.warning("webapp: database unavailable: %s", type(exc).__name__)
        return error_json(503, "unavailable")


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
