"""``python -m bot demo``: the emulator, the real bot pointed at it, and the web chat.

:func:`running` is the embeddable form (the tests use it); :func:`run` adds signal handling and
the console messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of, worker_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.core.content_loader import ContentError, load_catalog
from bot.demo import seed
from bot.demo.clock import DemoClock
from bot.emulator import FakeBotApi
from bot.emulator.webchat import WebChat
from bot.texts import demo as t

log = logging.getLogger(__name__)

# A fixed token of the right shape. The bot sends it only to the emulator on this machine.
DEMO_TOKEN = "7000000001:DEMO-local-emulator-not-a-telegram-token"
DEFAULT_PORT = 8080
DEFAULT_DATABASE = Path("data/demo.db")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class DemoError(Exception):
    """A problem to tell the person who started the demo, in one message."""


@dataclass
class DemoOptions:
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    fresh: bool = False
    webhook: bool = False
    database: Path = DEFAULT_DATABASE
    content: Path | None = None  # default: the settings' content folder (bundled content/)
    watch: bool = False  # reload the content when a file changes; problems go to the page
    run_ticks: bool = True


@dataclass
class Demo:
    """A running demo: what the tests look at."""

    options: DemoOptions
    fake: FakeBotApi
    chat: WebChat
    clock: DemoClock
    slot: BotSlot
    started_in: float  # seconds from the call to a usable page

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.options.host in ("0.0.0.0", "::") else self.options.host
        return f"http://{host}:{self.fake.port}/"

    @property
    def application(self) -> Application:
        assert self.slot.application is not None, "no bot: the content has problems"
        return self.slot.application

    @property
    def settings(self) -> Settings:
        return self.slot.settings

    @property
    def seeded(self) -> bool:
        return self.slot.seeded


class BotSlot:
    """The bot, which a content change replaces; the emulator and its chats stay."""

    def __init__(
        self, settings: Settings, clock: DemoClock, options: DemoOptions, chat: WebChat
    ) -> None:
        self.base = settings
        self.settings = settings  # as served (webhook mode adds its URL and secret)
        self.clock = clock
        self.options = options
        self.chat = chat
        self.application: Application | None = None
        self.seeded = False
        self.reloads = 0
        self._stack: contextlib.AsyncExitStack | None = None

    def load(self) -> Catalog | None:
        """The content, or None after showing its problems in the page."""
        try:
            return load_catalog(self.base.content_dir)
        except ContentError as exc:
            problems = "\n".join(str(p) for p in exc.problems)
            self.chat.notify("content check", f"{self.base.content_dir}:\n{problems}")
            return None

    async def start(self, catalog: Catalog) -> None:
        application = build_application(
            self.base, catalog=catalog, clock=self.clock, run_ticks=self.options.run_ticks
        )
        stack = contextlib.AsyncExitStack()
        self.settings = await stack.enter_async_context(
            _serving(application, self.base, self.options)
        )
        self.application, self._stack = application, stack
        if await seed.seed(services_of(application)):
            self.seeded = True
            await tick(application)  # the seeded accounts' notices go out now

    async def stop(self) -> None:
        stack, self._stack, self.application = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def reload(self) -> bool:
        """After a change in the content folder: the new content, or the old bot and the
        problems shown in the page."""
        catalog = self.load()
        if catalog is None:
            return False
        await self.stop()
        await self.start(catalog)
        self.reloads += 1
        log.info("content reloaded: %d modules", len(catalog.modules))
        return True


def demo_settings(base: Settings, fake: FakeBotApi, options: DemoOptions) -> Settings:
    """The deployment's settings, with what makes them a demo: the emulator, the demo token
    and database, the superadmin persona, the content folder."""
    database = options.database.resolve()
    update: dict[str, Any] = {
        "telegram_bot_token": SecretStr(DEMO_TOKEN),
        "telegram_api_base_url": fake.base_url,
        "telegram_api_base_file_url": fake.base_file_url,
        "database_url": f"sqlite+aiosqlite:///{database}",
        "admin_ids": seed.SUPERADMIN_IDS,
        "webhook_url": None,
        "webhook_secret": None,
        # The Mini App: its own server on a free loopback port, opened by the web chat through
        # its /app/ (so of the page's origin). Telegram takes https URLs only; the web chat
        # opens the path on its own origin, plain http on this machine.
        "webapp_url": f"https://{_public_host(options)}:{fake.port}/app/",
        "webapp_port": free_port(),
        "webhook_listen": "127.0.0.1",
    }
    if options.content is not None:
        update["content_dir"] = options.content
    settings = base.model_copy(update=update)
    assert settings.telegram_api_base_url.startswith("http://127.0.0.1:"), "never Telegram"
    return settings


def _public_host(options: DemoOptions) -> str:
    return "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host


def web_app_base(slot: BotSlot) -> str | None:
    """Where the running bot serves its Mini App (None while no bot runs)."""
    if slot.application is None:
        return None
    settings = slot.settings
    port = settings.webhook_port if slot.options.webhook else settings.webapp_port
    return f"http://127.0.0.1:{port}"


def forget(database: Path) -> None:
    """``--fresh``: the demo database (with SQLite's side files) and the clock's offset."""
    for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)
    clock_file(database).unlink(missing_ok=True)


def clock_file(database: Path) -> Path:
    return database.with_name(database.stem + ".clock.json")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running(options: DemoOptions, base: Settings | None = None) -> AsyncIterator[Demo]:
    """Start everything; on exit, stop the bot, then the emulator."""
    began = time.monotonic()
    base = base or Settings(_env_file=None)
    if options.fresh:
        forget(options.database)
    options.database.parent.mkdir(parents=True, exist_ok=True)
    clock = DemoClock(base.tz, clock_file(options.database))
    fake = FakeBotApi(token=DEMO_TOKEN)
    holder: dict[str, BotSlot] = {}

    async def move_clock(body: dict[str, Any]) -> str:
        if body.get("to"):
            clock.advance_to(str(body["to"]))
        else:
            try:
                delta = timedelta(
                    days=float(body.get("days", 0)),
                    hours=float(body.get("hours", 0)),
                    minutes=float(body.get("minutes", 0)),
                )
            except (TypeError, ValueError):
                raise ValueError("days, hours and minutes are numbers") from None
            clock.advance(delta)
        application = holder["slot"].application if "slot" in holder else None
        if application is not None:
            await tick(application)
        return t.clock_text(clock.local())

    chat = WebChat(
        fake,
        seed.PERSONAS,
        labels=t.WEBCHAT_LABELS,
        clock=move_clock,
        now_text=lambda: t.clock_text(clock.local()),
        timezone=base.timezone,
        now=lambda: clock().timestamp(),
        web_app=lambda: web_app_base(holder["slot"]) if "slot" in holder else None,
    )
    try:
        await fake.start(host=options.host, port=options.port, setup=chat.setup)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise DemoError(
                f"port {options.port} is already in use (another demo?); try "
                f"--port {options.port + 1}"
            ) from None
        raise DemoError(f"cannot listen on {options.host}:{options.port}: {exc}") from None
    slot = BotSlot(demo_settings(base, fake, options), clock, options, chat)
    holder["slot"] = slot
    watcher: asyncio.Task[None] | None = None
    stop_watching = asyncio.Event()
    try:
        catalog = slot.load()
        if catalog is not None:
            await slot.start(catalog)
        elif not options.watch:
            raise DemoError(
                f"the content in {slot.base.content_dir} has problems (see the page, or run "
                "python -m bot content check)"
            )
        if options.watch:
            watcher = asyncio.create_task(_watch(slot, stop_watching), name="content-watch")
        yield Demo(options, fake, chat, clock, slot, time.monotonic() - began)
    finally:
        stop_watching.set()
        if watcher is not None:
            await asyncio.gather(watcher, return_exceptions=True)
        await slot.stop()
        await fake.stop()


async def _watch(slot: BotSlot, stop: asyncio.Event) -> None:
    """Reload the bot whenever a file in the content folder changes."""
    from watchfiles import awatch

    async for _changes in awatch(slot.base.content_dir, stop_event=stop, debounce=300):
        try:
            await slot.reload()
        except Exception:
            log.exception("content reload failed")


async def tick(application: Application) -> None:
    """What the minute tick does, at once: after the clock moved, or after seeding."""
    worker = worker_of(application)
    await worker.lease.refresh()  # a jump past the lease's expiry must not lose it
    if worker.lease.held:
        await worker.services.reminders.tick()
    worker.sender.wake()


@asynccontextmanager
async def _serving(
    application: Application, settings: Settings, options: DemoOptions
) -> AsyncIterator[Settings]:
    if not options.webhook:
        async with polling(application, poll_timeout=10):
            yield settings
        return
    from bot.app.webhook import serving

    port = free_port()
    hooked = settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr(secrets.token_urlsafe(24)),
        }
    )
    async with serving(application, hooked):
        yield hooked


def exposure_warning(host: str) -> str | None:
    """What to say when the demo listens beyond this machine (``--host``)."""
    if host in LOOPBACK:
        return None
    return (
        f"WARNING: listening on {host}: anyone who reaches this machine can use the web chat, "
        "play any persona and call the emulator's Bot API"
    )


def run(options: DemoOptions, base: Settings) -> int:
    """Run until Ctrl+C (or SIGTERM); print the URL once the page is usable."""
    warning = exposure_warning(options.host)
    if warning:
        print(f"sinau-bot demo: {warning}", file=sys.stderr)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            async with running(options, base) as demo:
                mode = "webhook" if options.webhook else "long polling"
                print(
                    f"Sinau Bareng demo ({mode}, database {options.database}, "
                    f"ready in {demo.started_in:.1f} s)\n"
                    f"  open {demo.url}\n"
                    "  no Telegram is used; Ctrl+C stops it",
                    flush=True,
                )
                await stop.wait()
        except DemoError as exc:
            print(f"sinau-bot demo: {exc}", file=sys.stderr)
            return 2
        return 0

    return asyncio.run(main())
