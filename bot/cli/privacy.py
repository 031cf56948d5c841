"""The operator's side of erasure (UU 27/2022), the same operation as ``/hapus``:

    python -m bot erase NIP          # what would be erased and what the retention keeps
    python -m bot erase NIP --yes    # erase it

Exit codes: 0 erased; 1 nothing done (a dry run, no account with that NIP, a malformed NIP).
The erasure leaves an audit entry without the erased data (actor: the operator). The person's
Telegram chat is not told; their per-chat admin menu, if any, stays until their next /bantuan.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from bot.config import Settings
from bot.core.nip import NipError

COMMANDS = ("erase",)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    erase = commands.add_parser(
        "erase", help="erase an employee's personal data (the ledger is retained by policy)"
    )
    erase.add_argument("nip", help="the employee's NIP or NI PPPK")
    erase.add_argument("--yes", action="store_true", help="erase; without it, only show what")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_erase(settings, args.nip, args.yes))


async def _erase(settings: Settings, nip: str, confirmed: bool) -> int:
    from bot.services.privacy import EraseOutcome, PrivacyService
    from bot.services.reminders import ReminderService
    from bot.texts.documents import long_date
    from db.migrate import upgrade_to_head
    from db.session import Database

    def clock() -> datetime:
        return datetime.now(UTC)

    db = Database(settings.database_url)
    try:
        await upgrade_to_head(db.engine)
        privacy = PrivacyService(db, clock, settings, ReminderService(db, clock, settings))
        try:
            target = await privacy.find_for_operator(nip)
        except NipError as exc:
            print(f"sinau-bot: {exc}", file=sys.stderr)
            return 1
        if target is None:
            print("sinau-bot: no account with that NIP", file=sys.stderr)
            return 1
        until = long_date(target.keep_until.astimezone(settings.tz).date())
        print(
            f"{target.name} ({target.opd_code}): the account and everything that refers to it "
            f"is deleted; {target.entries} ledger row(s) are retained under the NIP, without the "
            f"name, until {until}."
        )
        if not confirmed:
            print("dry run: nothing erased; run again with --yes to erase")
            return 1
        erased = await privacy.erase_by_operator(nip)
    finally:
        await db.dispose()
    if erased.outcome is not EraseOutcome.OK:
        print("sinau-bot: the account was erased meanwhile", file=sys.stderr)
        return 1
    print(f"erased; {erased.retained} ledger row(s) retained until {until}")
    return 0
