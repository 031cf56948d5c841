"""Webhook mode: an aiohttp server that takes Telegram's updates and serves health and metrics.

python-telegram-bot's own ``run_webhook`` (tornado) serves only the webhook path; we also need
``/healthz`` and ``/metrics`` on the same port, so this follows PTB's "custom webhook" pattern
on aiohttp, which the bot already uses as its HTTP client.

An update is handled before the reply goes back to Telegram, through the same update processor
as in polling mode (per-user order, limits, logging context). If the process dies mid-update,
Telegram did not get its 200 and delivers the update again; the duplicate guard drops updates
that were in fact handled.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlparse

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from telegram import Update
from telegram.ext import Application

from bot.app import webapp
from bot.app.application import (
    ALLOWED_UPDATES,
    WEBAPP_MOUNTED,
    on_shutdown,
    on_startup,
    on_stop,
    services_of,
    worker_of,
)
from bot.app.webapp_exports import exports_of
from bot.config import Settings
from bot.observability import metrics
from bot.telegram.bot import slim_update
from bot.telegram.updates import AdmissionQueue
from db.models import Broadcast, OutboundMessage

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 2.0
APP_KEY: web.AppKey[Application] = web.AppKey("application", Application)
SECRET_KEY: web.AppKey[str] = web.AppKey("secret", str)


def webhook_path(settings: Settings) -> str:
    return urlparse(settings.webhook_url or "").path or "/"


def make_server(application: Application, settings: Settings) -> web.Application:
    assert settings.webhook_secret is not None
    server = web.Application(client_max_size=1024 * 1024)
    server[APP_KEY] = application
    server[SECRET_KEY] = settings.webhook_secret.get_secret_value()
    server.router.add_post(webhook_path(settings), receive_update)
    server.router.add_get("/healthz", healthz)
    server.router.add_get("/metrics", metrics_endpoint)
    if settings.webapp_url:
        webapp.mount(
            server,
            services_of(application),
            wake=worker_of(application).sender.wake,
            bot_username=application.bot.username,
            bot=application.bot,
            exports=exports_of(application, services_of(application)),
        )
    return server


async def receive_update(request: web.Request) -> web.Response:
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), request.app[SECRET_KEY].encode()):
        log.warning("webhook: request without the right secret from %s refused", request.remote)
        return web.Response(status=403, text="forbidden")
    application = request.app[APP_KEY]
    try:
        # orjson, as for every answer from Telegram (bot/telegram/request.py): faster than json.
        data = orjson.loads(await request.read())
        if not isinstance(data, dict):
            raise ValueError("an update is a JSON object")
        update = Update.de_json(slim_update(data), application.bot)
    except (ValueError, KeyError, TypeError, AttributeError):
        # Not JSON (orjson's error is a ValueError), or not shaped like an update (PTB's parser
        # fails in several ways): a 400, which nobody should send again (a 500 is retried).
        return web.Response(status=400, text="bad update")
    queue = application.update_queue
    if isinstance(queue, AdmissionQueue):  # the processor releases the slot when done
        await queue.admit()
    await application.update_processor.process_update(update, application.process_update(update))
    return web.Response(text="ok")


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers and the scheduler runs; 503 with the reason otherwise."""
    application = request.app[APP_KEY]
    checks: dict[str, object] = {}
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):
            async with services_of(application).db.transaction() as s:
                await s.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not healthy"; the reason goes in the body
        checks["database"] = f"error: {type(exc).__name__}"
    queue = application.job_queue
    checks["scheduler"] = "running" if queue is not None and queue.scheduler.running else "stopped"
    worker = worker_of(application)
    checks["worker"] = "running" if worker.running else "stopped"
    checks["lease"] = "held" if worker.lease.held else "standby"
    healthy = checks["database"] == "ok" and checks["scheduler"] == checks["worker"] == "running"
    return web.json_response(checks, status=200 if healthy else 503)


async def metrics_endpoint(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    await refresh_database_gauges(application)
    return web.Response(
        body=generate_latest(metrics.REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


async def refresh_database_gauges(application: Application) -> None:
    """Queue depth and announcement progress come from the database: true for all instances."""
    async with services_of(application).db.transaction() as s:
        depth = dict(
            (
                await s.execute(
                    select(OutboundMessage.status, func.count())
                    .where(OutboundMessage.status.in_(("pending", "sending")))
                    .group_by(OutboundMessage.status)
                )
            ).all()
        )
        running = (
            await s.execute(
                select(Broadcast.id, Broadcast.recipients, Broadcast.progress_counts).where(
                    Broadcast.status == "sending"
                )
            )
        ).all()
    for status in ("pending", "sending"):
        metrics.OUTBOX_DEPTH.labels(status).set(depth.get(status, 0))
    metrics.BROADCAST_PROGRESS.clear()
    for broadcast_id, recipients, counts in running:
        waiting = (counts or {}).get("waiting", recipients)
        done = (recipients - waiting) / recipients if recipients else 1.0
        metrics.BROADCAST_PROGRESS.labels(str(broadcast_id)).set(done)


@asynccontextmanager
async def serving(
    application: Application,
    settings: Settings,
) -> AsyncIterator[web.AppRunner]:
    """The webhook server running inside the current event loop (``run``, tests)."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    async with application:
        application.bot_data[WEBAPP_MOUNTED] = True  # /app/ is served here, not on its own
        await on_startup(application)
        await application.start()
        runner = web.AppRunner(make_server(application, settings), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        log.info("webhook: serving %s on port %s", webhook_path(settings), settings.webhook_port)
        try:
            yield runner
        finally:
            # Stop taking updates first (Telegram keeps what it could not deliver), then let
            # in-flight updates finish, then the sender, then close.
            await runner.cleanup()
            await application.stop()
            await on_stop(application)
    await on_shutdown(application)


def run_webhook(
    application: Application,
    settings: Settings,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT, then shut down gracefully (on ``loop_factory``'s loop)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with serving(application, settings):
            await stop.wait()
            log.info("webhook: stopping")

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main())
