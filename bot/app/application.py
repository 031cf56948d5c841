"""The application factory: settings + database + content -> a ready python-telegram-bot app."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot.app import webapp
from bot.app.webapp_exports import exports_of
from bot.app.worker import Worker
from bot.config import Settings
from bot.core.clock import Clock, system_clock
from bot.core.content import Catalog
from bot.core.content_loader import load_catalog
from bot.services import Services
from bot.telegram.bot import SinauBot
from bot.telegram.context import CONTEXT_TYPES, Wiring, wire, wiring_of
from bot.telegram.request import TelegramRequest
from bot.telegram.updates import AdmissionQueue, PerUserUpdateProcessor
from db.migrate import ensure_schema
from db.session import Database
from handlers import commands, register
from handlers.broadcast_status import progress_job
from handlers.common import forget_answered_queries, forget_shown

log = logging.getLogger(__name__)

# Long polling holds one request open for this long; the read timeout must be longer.
POLL_TIMEOUT = 30
# Updates fetched but not yet handled, per concurrent worker: enough that the workers never wait
# for the next getUpdates, few enough that a burst does not pile up in memory.
ADMITTED_PER_WORKER = 4
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll_answer", "my_chat_member"]
# Process wiring in bot_data (no state that matters): whether the webhook server serves /app/,
# and the runner of the dashboard's own server in polling mode.
WEBAPP_MOUNTED = "webapp_mounted"
WEBAPP_RUNNER = "webapp_runner"


def build_application(
    settings: Settings,
    *,
    catalog: Catalog | None = None,
    clock: Clock = system_clock,
    rng: random.Random | None = None,
    run_ticks: bool = True,
) -> Application:
    """Wire everything. Content is loaded (and validated) here unless a catalog is given."""
    catalog = catalog or load_catalog(settings.content_dir)
    db = Database(settings.database_url)
    services = Services.build(settings, db, catalog, clock=clock, rng=rng)
    admission = AdmissionQueue(limit=ADMITTED_PER_WORKER * settings.concurrent_updates)
    bot = SinauBot(
        token=settings.token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.base_file_url,
        request=TelegramRequest(connection_pool_size=64),
        get_updates_request=TelegramRequest(
            connection_pool_size=2, read_timeout=POLL_TIMEOUT + 10, max_retries=0
        ),
        rate_limiter=AIORateLimiter(overall_max_rate=settings.reply_max_rate, max_retries=3),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .update_queue(admission)
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates, admission))
        .post_init(on_startup)
        .post_stop(on_stop)
        .post_shutdown(on_shutdown)
        .context_types(CONTEXT_TYPES)
        .build()
    )
    worker = Worker(application, services, settings)
    wire(application, Wiring(services, worker))
    register(application)
    worker.schedule(application, progress_job, run_ticks=run_ticks)
    return application


def worker_of(application: Application) -> Worker:
    worker = wiring_of(application).worker
    assert isinstance(worker, Worker)
    return worker


def services_of(application: Application) -> Services:
    return wiring_of(application).services


async def on_startup(application: Application) -> None:
    """Before the first update: migrate the database and tell Telegram our commands."""
    svc = services_of(application)
    forget_answered_queries()
    forget_shown()
    await ensure_schema(svc.db.engine)
    scheduled = await svc.reminders.schedule_missing()
    if scheduled:
        log.info("scheduled %d reminders that had no due time", scheduled)
    dropped = await svc.spaced.reconcile()
    if dropped:
        log.info("%d reviewed questions left the schedule: their content changed", dropped)
    await worker_of(application).start()
    await application.bot.set_my_commands(commands.menu(commands.CommandScope.EVERYONE))
    if svc.settings.webapp_url and not application.bot_data.get(WEBAPP_MOUNTED):
        if application.bot_data.get(WEBAPP_RUNNER) is None:
            wake = worker_of(application).sender.wake
            username = application.bot.username
            application.bot_data[WEBAPP_RUNNER] = await webapp.start_standalone(
                svc,
                wake,
                username,
                bot=application.bot,
                exports=exports_of(application, svc),
            )
    log.info(
        "ready: %d modules, %d agencies, database %s",
        len(svc.catalog.modules),
        len(svc.catalog.opds),
        svc.db.engine.dialect.name,
    )


async def on_stop(application: Application) -> None:
    """After updates stop, before the HTTP session closes: the sender finishes its batch and
    records every outcome, and the lease goes to another instance at once."""
    runner = application.bot_data.pop(WEBAPP_RUNNER, None)
    if runner is not None:
        await runner.cleanup()
    await services_of(application).dashboard.settle()
    await exports_of(application, services_of(application)).settle()
    await worker_of(application).stop()


async def on_shutdown(application: Application) -> None:
    await on_stop(application)  # in case stop was skipped
    await services_of(application).db.dispose()


@asynccontextmanager
async def polling(
    application: Application,
    *,
    poll_timeout: int = POLL_TIMEOUT,
) -> AsyncIterator[Application]:
    """Run the bot with long polling inside the current event loop (tests, benchmarks).

    ``python -m bot run`` uses ``Application.run_polling``, which does the same plus signal
    handling; this is its embeddable twin.
    """
    async with application:
        await on_startup(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0,
            timeout=poll_timeout,
            drop_pending_updates=False,
            allowed_updates=ALLOWED_UPDATES,
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await on_stop(application)
    await on_shutdown(application)
