"""The buttons that open the Mini App dashboard (``SINAU_WEBAPP_URL``): a ``web_app`` button
under ``/laporan`` for admins and under ``/jp`` for learners, and the admin's chat menu button.
Without the setting nothing is offered. A button proves nothing: the dashboard checks the signed
``initData`` and the role on every request."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.texts import webapp as t

log = logging.getLogger(__name__)


def with_app(
    markup: InlineKeyboardMarkup | None, url: str | None, text: str = t.BTN_DASHBOARD
) -> InlineKeyboardMarkup | None:
    """``markup`` with a first row that opens the dashboard, when it is configured."""
    if not url:
        return markup
    rows = [list(row) for row in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, web_app=WebAppInfo(url))], *rows])


async def set_app_menu(bot: Bot, chat_id: int, url: str | None, *, admin: bool) -> None:
    """An admin's chat menu button opens the dashboard; anyone else's is Telegram's default."""
    if not url:
        return
    button = MenuButtonWebApp(t.MENU_BUTTON, WebAppInfo(url)) if admin else MenuButtonDefault()
    try:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
    except TelegramError as exc:  # a convenience; the role already holds
        log.warning("menu button of chat %s not updated: %s", chat_id, exc)
