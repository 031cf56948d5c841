"""The operator's tools for employees' accounts, the same operations as ``/pegawai``:

    python -m bot employee show NIP
    python -m bot employee verify NIP        # confirm the person bound to the NIP
    python -m bot employee unbind NIP        # release the Telegram account; the hours stay
    python -m bot employee deactivate NIP    # left the service: no account, in no report
    python -m bot employee reactivate NIP

They run as the server's operator (every OPD; no Telegram account) through
:mod:`bot.services.identity`, so every action goes to the audit log and the account is told.
Exit codes: 0 done, 1 nothing to do (no such employee, or not in the state the action needs).
"""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings
from bot.core.content_loader import load_catalog

COMMANDS = ("employee",)
ACTIONS = {
    "verify": "verified",
    "unbind": "unbound",
    "deactivate": "deactivated",
    "reactivate": "reactivated",
}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    employee = commands.add_parser("employee", help="employees' accounts (as /pegawai)")
    actions = employee.add_subparsers(dest="employee_command", required=True)
    for name, text in (
        ("show", "show the employee and their account"),
        ("verify", "confirm the person bound to the NIP"),
        ("unbind", "release the Telegram account (the hours stay with the employee)"),
        ("deactivate", "deactivate: no account, counted in no report"),
        ("reactivate", "undo a deactivation"),
    ):
        actions.add_parser(name, help=text).add_argument("nip")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import Services
    from bot.services.identity import PersonAction
    from bot.services.roles import OPERATOR_ID
    from db.migrate import ensure_schema
    from db.session import Database

    db = Database(settings.database_url)
    try:
        await ensure_schema(db.engine)
        services = Services.build(settings, db, load_catalog(settings.content_dir))
        card = await services.identity.card(OPERATOR_ID, args.nip)
        if card is None:
            print(f"no employee with NIP {args.nip}")
            return 1
        if args.employee_command != "show":
            action = PersonAction(ACTIONS[args.employee_command])
            changed = await services.identity.act(OPERATOR_ID, card.employee.id, action)
            if changed is None:
                print(f"nothing to do: {args.employee_command} does not apply now")
                return 1
            card = await services.identity.card(OPERATOR_ID, args.nip)
            assert card is not None
        e = card.employee
        if e.deactivated_at is not None:
            status = f"deactivated {e.deactivated_at:%Y-%m-%d}"
        elif e.telegram_id is None:
            status = "no account"
        elif e.verified_at is None:
            status = "waiting for verification"
        else:
            status = f"verified ({e.verified_via}, {e.verified_at:%Y-%m-%d})"
        print(f"{e.nip} {e.name} | OPD {e.opd_code} | {status} | telegram {e.telegram_id or '-'}")
        return 0
    finally:
        await db.dispose()
