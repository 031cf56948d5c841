"""Command line: ``python -m bot [run|demo|migrate|content check [DIR]]`` (also ``sinau-bot``), plus
the training-hours tools ``roster``, ``certificate`` and ``report`` (:mod:`bot.cli.hours`) and
the operator tools ``backup`` and ``stats`` (:mod:`bot.cli.ops`), ``erase``
(:mod:`bot.cli.privacy`) and ``employee`` (:mod:`bot.cli.people`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli import hours as cli_hours
from bot.cli import ops as cli_ops
from bot.cli import people as cli_people
from bot.cli import privacy as cli_privacy
from bot.config import SettingsError, load_settings
from bot.core.content_loader import ContentError, load_content
from bot.observability.logs import hide_secret, redact, setup_logging

EXIT_CONFIG = 2
EXIT_CONTENT = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sinau-bot", description="Sinau Bareng Telegram bot")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot: long polling (default) or --webhook")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (SINAU_WEBHOOK_URL, SINAU_WEBHOOK_SECRET), with "
        "/healthz and /metrics on the same port",
    )
    demo = commands.add_parser(
        "demo", help="try the bot with no Telegram: the emulator and a web chat on localhost"
    )
    demo.add_argument("--port", type=int, default=8080, help="web chat port (default 8080)")
    demo.add_argument("--host", default="127.0.0.1", help="listen address (default: loopback only)")
    demo.add_argument("--fresh", action="store_true", help="start over with a new demo database")
    demo.add_argument(
        "--webhook", action="store_true", help="the emulator posts updates to the bot's webhook"
    )
    demo.add_argument(
        "--content",
        type=Path,
        help="preview a content folder: reloaded on every change, its problems shown in the page",
    )
    demo.add_argument("--database", type=Path, default=Path("data/demo.db"))
    commands.add_parser("migrate", help="migrate the database to the newest schema")
    content = commands.add_parser("content", help="course content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", help="validate the course content")
    check.add_argument("directory", nargs="?", type=Path, help="content folder (default: settings)")
    cli_hours.add_parsers(commands)
    cli_ops.add_parsers(commands)
    cli_privacy.add_parsers(commands)
    cli_people.add_parsers(commands)
    return parser


TOKEN_REJECTED = (
    "TELEGRAM_BOT_TOKEN ditolak Telegram; periksa token dari @BotFather / "
    "the token was rejected by Telegram"
)


def _fail(message: str, code: int) -> int:
    print(f"sinau-bot: {redact(message)}", file=sys.stderr)
    return code


def _redacted_excepthook(kind: type[BaseException], error: BaseException, tb: Any) -> None:
    """An exception nobody caught is printed without the token (or a NIP) in it."""
    text = "".join(traceback.format_exception(kind, error, tb))
    sys.stderr.write(redact(text))


def content_check(directory: Path, review_months: int = 12) -> int:
    """Problems (exit 1) and warnings (printed, exit 0), each as ``file:line: message``."""
    try:
        loaded = load_content(directory, review_months=review_months)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found in {directory}", file=sys.stderr)
        return 1
    for warning in loaded.warnings:
        print(f"{warning} (warning)", file=sys.stderr)
    catalog = loaded.catalog
    cards = sum(len(m.cards) for m in catalog.modules.values())
    questions = sum(len(m.quiz) for m in catalog.modules.values())
    minutes = sum(m.minutes for m in catalog.modules.values())
    print(
        f"OK: {len(catalog.modules)} modules ({minutes} minutes of learning), {cards} cards, "
        f"{questions} questions, {len(catalog.opds)} agencies, {len(catalog.paths)} paths "
        f"in {directory}" + (f"; {len(loaded.warnings)} warning(s)" if loaded.warnings else "")
    )
    return 0


def migrate(database_url: str) -> int:
    from db.migrate import upgrade_to_head
    from db.session import Database

    async def _run() -> None:
        db = Database(database_url)
        try:
            await upgrade_to_head(db.engine)
        finally:
            await db.dispose()

    asyncio.run(_run())
    print("database is at the newest schema")
    return 0


def fast_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows), else None (asyncio's).

    The bot is CPU-bound under load, and a good part of each update is event-loop work: socket
    reads and writes, callbacks, futures. uvloop does that work in C; on the learning-loop
    benchmark it lowered the bot's CPU per update by roughly a tenth.
    """
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def use_fast_event_loop() -> None:
    """``run_polling`` runs on the loop that ``asyncio.get_event_loop()`` returns: set it."""
    factory = fast_loop_factory()
    if factory is not None:
        asyncio.set_event_loop(factory())


def _freeze_startup_objects() -> None:
    """Exempt what start-up built from the cyclic garbage collector (``gc.freeze``).

    The content catalog and the classes and caches of SQLAlchemy, pydantic and PTB live as
    long as the process, yet every full collection walked them again; that time fell on
    whichever update happened to allocate at that moment. Frozen, they are never scanned. In
    interleaved runs of the learning benchmark it took several percent off the bot's CPU per
    update (most on the quiz answer). Nothing is freed by freezing: the objects live anyway.
    """
    import gc

    gc.freeze()


def run_bot(webhook: bool = False) -> int:
    try:
        settings = load_settings()
        settings.token  # noqa: B018 - fail early, with one line, if the token is missing
    except SettingsError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    if webhook and settings.webhook_problems():
        return _fail("; ".join(settings.webhook_problems()), EXIT_CONFIG)
    hide_secret(settings.token)
    sys.excepthook = _redacted_excepthook
    setup_logging(settings.log_level, settings.log_format == "json")
    from telegram.error import InvalidToken

    from bot.app.application import ALLOWED_UPDATES, build_application

    try:
        application = build_application(settings)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _fail("konten tidak valid / content is invalid", EXIT_CONTENT)
    _freeze_startup_objects()
    if webhook:
        from bot.app.webhook import run_webhook

        try:
            run_webhook(application, settings, fast_loop_factory())
        except InvalidToken:
            return _fail(TOKEN_REJECTED, EXIT_CONFIG)
        return 0
    use_fast_event_loop()
    try:
        application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    except InvalidToken:
        return _fail(TOKEN_REJECTED, EXIT_CONFIG)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from bot.demo.runner import DemoOptions, run

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    setup_logging(settings.log_level, settings.log_format == "json")
    for chatty in ("apscheduler", "alembic", "telegram.ext"):  # the demo's console stays readable
        logging.getLogger(chatty).setLevel(logging.WARNING)
    options = DemoOptions(
        port=args.port,
        host=args.host,
        fresh=args.fresh,
        webhook=args.webhook,
        database=args.database,
        content=args.content,
        watch=args.content is not None,
    )
    return run(options, settings)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "content":
        try:
            settings = load_settings()
        except SettingsError as exc:
            return _fail(str(exc), EXIT_CONFIG)
        return content_check(args.directory or settings.content_dir, settings.content_review_months)
    if args.command == "migrate":
        try:
            settings = load_settings()
        except SettingsError as exc:
            return _fail(str(exc), EXIT_CONFIG)
        return migrate(settings.database_url)
    if args.command in ("roster", "certificate", "report"):
        try:
            settings = load_settings()
        except SettingsError as exc:
            return _fail(str(exc), EXIT_CONFIG)
        return cli_hours.run(args, settings)
    if args.command in cli_ops.COMMANDS:
        try:
            settings = load_settings()
        except SettingsError as exc:
            return _fail(str(exc), EXIT_CONFIG)
        return cli_ops.run(args, settings)
    if args.command in cli_privacy.COMMANDS or args.command in cli_people.COMMANDS:
        try:
            settings = load_settings()
        except SettingsError as exc:
            return _fail(str(exc), EXIT_CONFIG)
        if args.command in cli_privacy.COMMANDS:
            return cli_privacy.run(args, settings)
        return cli_people.run(args, settings)
    return run_bot(webhook=getattr(args, "webhook", False))


if __name__ == "__main__":
    sys.exit(main())
