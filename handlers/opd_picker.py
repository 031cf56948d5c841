"""The agency (OPD) picker shared by registration and profile edits: pages and search."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.core.callbacks import OpdPageButton
from bot.core.telegram_html import escape
from bot.telegram.context import BotContext
from handlers import keyboards
from handlers.common import reply, show, user_id


async def send_opd_page(update: Update, context: BotContext, page: int, token: str) -> None:
    """A page of the picker, for the flow state whose ``token`` is given."""
    result = context.services.registration.opd_page(page)
    text = f"{texts.ASK_OPD}\n\n{texts.OPD_PAGE.format(page=result.page + 1, pages=result.pages)}"
    await show(update, text, keyboards.opd_page(result, token))


async def search_opd(update: Update, context: BotContext, query: str, token: str) -> None:
    result = context.services.registration.opd_search(query[:60])
    if not result.items:
        text = texts.OPD_NOT_FOUND.format(query=escape(query[:60]))
    else:
        text = texts.OPD_SEARCH_RESULT.format(query=escape(query[:60]), count=len(result.items))
    await reply(update, text, keyboards.opd_page(result, token))


async def on_opd_page(update: Update, context: BotContext, data: OpdPageButton) -> None:
    state = await context.services.registration.opd_picker(user_id(update), data.token)
    await send_opd_page(update, context, data.page, state.token)
