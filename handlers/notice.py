"""The privacy notice as Telegram messages: one page per message edit, with its buttons.

Shown by ``/privasi`` and, before anything personal is asked, as the first step of registration
(``handlers.start``). Pages stay far below Telegram's 4,096 characters; the controller, the
contact and the retention periods come from the settings.
"""

from __future__ import annotations

from enum import Enum

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.config import Settings
from bot.core.callbacks import MenuButton, PrivacyButton
from bot.core.telegram_html import escape
from bot.services.privacy import PrivacyStatus
from bot.texts import documents as doc_labels
from bot.texts import privacy as t
from handlers.keyboards import button, markup

PAGES = len(t.NOTICE_PAGES)


class Reader(Enum):
    """Who is reading: the buttons differ."""

    REGISTERING = "registering"  # the first step of registration: acknowledge to go on
    EMPLOYEE = "employee"  # registered: withdrawal buttons, acknowledge a newer version
    ANYONE = "anyone"  # neither: pages only


def clamp(page: int | None) -> int:
    return min(max(page or 1, 1), PAGES)


def page_text(settings: Settings, page: int, status: PrivacyStatus | None = None) -> str:
    page = clamp(page)
    body = t.NOTICE_PAGES[page - 1].format(
        controller=escape(settings.privacy_controller),
        contact=escape(settings.privacy_contact),
        years=settings.retention_years,
        ttl_hours=settings.session_ttl_hours,
    )
    text = t.NOTICE_HEADER.format(version=t.NOTICE_VERSION, page=page, pages=PAGES) + body
    if status is not None:
        if status.current and status.acknowledged_at is not None:
            local = status.acknowledged_at.astimezone(settings.tz)
            when = doc_labels.long_date(local.date())
            text += t.NOTICE_STATUS_CURRENT.format(version=status.version, when=when)
        else:
            text += t.NOTICE_STATUS_OUTDATED.format(version=t.NOTICE_VERSION)
    return text


def keyboard(
    page: int, reader: Reader, status: PrivacyStatus | None = None
) -> InlineKeyboardMarkup:
    page = clamp(page)
    pages = [
        button(
            (t.BTN_PAGE_CURRENT if number == page else t.BTN_PAGE).format(page=number),
            PrivacyButton("page", number),
        )
        for number in range(1, PAGES + 1)
    ]
    rows = [pages]
    if reader is Reader.REGISTERING:
        rows.append([button(t.BTN_ACK_REGISTER, PrivacyButton("ack", page))])
    elif reader is Reader.EMPLOYEE and status is not None:
        reminders = (
            button(t.BTN_REMINDERS_ON, PrivacyButton("rem", page, on=False))
            if status.reminders_on
            else button(t.BTN_REMINDERS_OFF, PrivacyButton("rem", page, on=True))
        )
        announcements = (
            button(t.BTN_ANNOUNCEMENTS_ON, PrivacyButton("ann", page, on=False))
            if status.announcements_on
            else button(t.BTN_ANNOUNCEMENTS_OFF, PrivacyButton("ann", page, on=True))
        )
        rows += [[reminders], [announcements]]
        if not status.current:
            rows.append([button(t.BTN_ACK, PrivacyButton("ack", page))])
        rows.append([button(texts.BTN_MENU, MenuButton("home"))])
    return markup(rows)
