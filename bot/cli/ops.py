"""Command-line front of :mod:`bot.services.operations`, for operators and cron:

    python -m bot backup PATH [--force]   # online SQLite backup; prints pg_dump for PostgreSQL
    python -m bot stats [--json]          # the counts an operator wants

Exit codes: 0 ok; 1 the backup was not made (file exists, no database, or PostgreSQL, for which
the pg_dump command to use is printed instead).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.services import operations as ops
from db.session import Database

COMMANDS = ("backup", "stats")


def add_parsers(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser("backup", help="online backup of the SQLite database")
    backup.add_argument("path", type=Path, help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite an existing file")
    stats = commands.add_parser("stats", help="counts for operators")
    stats.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "backup":
        return asyncio.run(_backup(settings, args.path, args.force))
    return asyncio.run(_stats(settings, args.json))


async def _backup(settings: Settings, path: Path, force: bool) -> int:
    db = Database(settings.database_url)
    try:
        result = await ops.backup(db, path, force=force)
    except ops.NotSqliteError as exc:
        print("sinau-bot: the database is PostgreSQL; back it up with pg_dump:", file=sys.stderr)
        print(str(exc))
        return 1
    except ops.BackupError as exc:
        print(f"sinau-bot: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print(f"backup written: {result.path} ({result.size_bytes} bytes, {result.tables} tables)")
    return 0


async def _stats(settings: Settings, as_json: bool) -> int:
    db = Database(settings.database_url)
    try:
        figures = await ops.stats(db, datetime.now(UTC), settings.tz)
    finally:
        await db.dispose()
    print(json.dumps(figures.as_dict(), indent=2) if as_json else ops.format_stats(figures))
    return 0
