"""The outbound sender's transport over python-telegram-bot: Telegram errors -> send outcomes."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.core.outgoing import Outgoing
from bot.delivery.sender import SendResult, SendStatus
from bot.telegram.request import MaybeDelivered

# 400s that mean the chat is gone for good, like a block.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


def reply_markup(message: Outgoing) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data, url=b.url) for b in row]
            for row in message.buttons
        ]
    )


class TelegramTransport:
    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        # Telegram's allow_paid_broadcast: up to 1000 messages/s, paid in Stars per message.
        self.paid: bool | None = True if paid_broadcast else None

    async def _call(self, chat_id: int, message: Outgoing) -> Message:
        markup = reply_markup(message)
        if message.media_kind == "photo":
            return await self.bot.send_photo(
                chat_id,
                message.media_file_id or "",
                caption=message.text,
                reply_markup=markup,
                allow_paid_broadcast=self.paid,
            )
        if message.media_kind == "document":
            return await self.bot.send_document(
                chat_id,
                message.media_file_id or "",
                caption=message.text,
                reply_markup=markup,
                allow_paid_broadcast=self.paid,
            )
        return await self.bot.send_message(
            chat_id, message.text, reply_markup=markup, allow_paid_broadcast=self.paid
        )

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        try:
            sent = await self._call(chat_id, message)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return SendResult(SendStatus.RETRY_AFTER, retry_after=seconds)
        except Forbidden as exc:
            return SendResult(SendStatus.BLOCKED, error=str(exc)[:200])
        except BadRequest as exc:
            text = str(exc)
            if any(marker in text.lower() for marker in _GONE):
                return SendResult(SendStatus.BLOCKED, error=text[:200])
            return SendResult(SendStatus.FAILED, error=text[:200])
        except (TimedOut, MaybeDelivered) as exc:
            # The request may have reached Telegram: at most once, so never sent again.
            return SendResult(SendStatus.UNCERTAIN, error=str(exc)[:150] or type(exc).__name__)
        except NetworkError as exc:  # never reached Telegram, or 5xx after the retries
            return SendResult(SendStatus.TRANSIENT, error=str(exc)[:200] or type(exc).__name__)
        except TelegramError as exc:
            return SendResult(SendStatus.FAILED, error=str(exc)[:200])
        return SendResult(SendStatus.SENT, message_id=sent.message_id)
