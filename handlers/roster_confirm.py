"""Registration with a roster: "Is this you: <name>, <OPD>?" and its yes/no buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.telegram_html import escape
from bot.services.registration import Outcome
from bot.store.sessions import FlowState
from bot.texts import hours as t
from handlers import hours_keyboards as kb
from handlers.common import expired, reply, services, show, user_id


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, state: FlowState) -> None:
    opd = services(context).catalog.opds.get(state.data.get("opd", ""))
    text = t.ROSTER_CONFIRM.format(
        name=escape(state.data.get("name", "")),
        opd=escape(opd.name if opd else state.data.get("opd", "")),
    )
    await reply(update, text, kb.roster_confirm())


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from handlers import start  # start imports this module for its prompt

    assert context.matches is not None
    agreed = context.matches[0].group(1) == "yes"
    result = await services(context).registration.confirm_roster(user_id(update), agreed)
    if result.outcome is Outcome.STALE:
        await expired(update)
    elif result.outcome is Outcome.INVALID:
        await show(update, t.ROSTER_NOT_ME)
    elif result.state is not None:
        await show(update, t.ROSTER_CONFIRMED)
        await start.prompt(update, context, result.state)
