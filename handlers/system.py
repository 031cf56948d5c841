"""Cross-cutting handlers: duplicate updates, blocked users, and the global error handler."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from telegram import ChatMember, Update
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.core.errors import NotAllowed
from bot.telegram.context import BotContext
from handlers.common import answer_query, reply

log = logging.getLogger(__name__)


async def drop_duplicates(update: Update, context: BotContext) -> None:
    """Stop an update whose id was handled before (Telegram redelivers after timeouts)."""
    if not await context.services.dedup.claim(update.update_id):
        log.info("update %s delivered twice; ignored", update.update_id)
        raise ApplicationHandlerStop


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Keep the active flag right when a user blocks (kicked) or unblocks (member) the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    active = status not in (ChatMember.BANNED, ChatMember.LEFT)
    if await context.services.presence.set_reachable(change.chat.id, active):
        log.info("chat %s is now %s", change.chat.id, "active" if active else "inactive")


async def on_error(update: object, context: BotContext) -> None:
    """Log every failure with its update id; mark blocked users; apologise to the user."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, NotAllowed):  # a role check refused: one sentence, no stack trace
        log.info("update %s: not allowed (%s)", update_id, error.refusal.value)
        if isinstance(update, Update):
            text = texts.REFUSALS[error.refusal.value]
            if update.callback_query is not None:
                await answer_query(update, text, alert=True)
            else:
                await reply(update, text)
        return
    if isinstance(error, Forbidden):
        log.warning("update %s: Telegram refused (%s)", update_id, error)
        if chat is not None:
            await context.services.presence.set_reachable(chat.id, False)
        return
    log.error("update %s: handler failed", update_id, exc_info=error)
    if chat is None:
        return
    busy = isinstance(error, OperationalError) and "locked" in str(error).lower()
    try:
        if isinstance(update, Update) and update.callback_query is not None:
            await answer_query(update, texts.BUSY if busy else texts.SORRY[:200], alert=True)
            return
        await context.bot.send_message(chat.id, texts.BUSY if busy else texts.SORRY)
    except Exception:  # the apology itself failed (network, blocked): logging is all we can do
        log.warning("update %s: could not send the apology", update_id, exc_info=True)
