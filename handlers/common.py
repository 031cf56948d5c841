"""Small helpers every handler uses: replying, editing without errors, answering buttons."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot import texts
from bot.core.telegram_html import MarkupError, visible_text
from bot.services.files import Cached
from bot.telegram.bot import SinauBot
from bot.telegram.context import BotContext
from db.models import Employee


def api(obj: TelegramObject) -> SinauBot:
    """The bot an update came through, for its plain-JSON ``call`` (see ``SinauBot``)."""
    bot = obj.get_bot()
    if not isinstance(bot, SinauBot):  # every Application is built by bot.app
        raise TypeError(f"expected SinauBot, got {type(bot).__name__}")
    return bot


def user_id(update: Update) -> int:
    user = update.effective_user
    if user is None:  # handlers are registered only for updates that have a user
        raise ValueError("update without a user")
    return user.id


# Telegram accepts one answer per button press; a second one is an error. Handlers answer through
# ``answer_query``, which remembers recent answers (ids are unique, so a small window suffices).
_ANSWERED: OrderedDict[str, None] = OrderedDict()
_ANSWERED_WINDOW = 4096


def forget_answered_queries() -> None:
    """Start with an empty window (called at start-up, so each Application begins clean)."""
    _ANSWERED.clear()


async def answer_query(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer the button press behind ``update`` once; later calls do nothing."""
    query = update.callback_query
    if query is None or query.id in _ANSWERED:
        return
    _ANSWERED[query.id] = None
    if len(_ANSWERED) > _ANSWERED_WINDOW:
        _ANSWERED.popitem(last=False)
    params: dict[str, Any] = {"callback_query_id": query.id}
    if text:
        params["text"] = text[:200]
        params["show_alert"] = alert
    await api(update).call("answerCallbackQuery", params)


@lru_cache(maxsize=256)
def _preview(url: str | None) -> dict[str, Any]:
    """Cached: the same few card images recur (plain JSON, for ``SinauBot.call``)."""
    if url is None:
        return {"is_disabled": True}
    return {"url": url, "prefer_large_media": True, "show_above_text": True}


@lru_cache(maxsize=512)
def _markup_json(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """Cached: pages repeat, and serialising a keyboard costs more than hashing it."""
    return markup.to_dict()


@lru_cache(maxsize=512)
def _shown(text: str) -> str:
    """The visible text of a page; cached because card and menu pages repeat (MarkupError is
    not cached, so a bad text is re-parsed, which only happens on an author's mistake)."""
    return visible_text(text).strip()


def _page(
    text: str, markup: InlineKeyboardMarkup | None, preview_url: str | None
) -> dict[str, Any]:
    """The parameters of a message that shows ``text`` (HTML) with ``markup``."""
    return {
        "text": text,
        "parse_mode": ParseMode.HTML,
        "reply_markup": None if markup is None else _markup_json(markup),
        "link_preview_options": _preview(preview_url),
    }


async def send(
    source: TelegramObject | BotContext,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    preview_url: str | None = None,
) -> None:
    """Send ``text`` (HTML) to ``chat_id``; the sent message is not parsed (SinauBot.call)."""
    bot = source.api if isinstance(source, BotContext) else api(source)
    await bot.call("sendMessage", {"chat_id": chat_id, **_page(text, markup, preview_url)})


async def reply(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    preview_url: str | None = None,
) -> None:
    """Send ``text`` (HTML) to the chat the update came from."""
    chat = update.effective_chat
    if chat is not None:
        await send(update, chat.id, text, markup, preview_url=preview_url)


# What each message was last edited to, by (chat, message): the message as the client had it
# when the button was tapped is older than that when two taps were in flight (a quick double
# tap), and editing to the same content again is refused by Telegram ("message is not
# modified"). A user's updates are handled one at a time, in order (``bot.telegram.updates``),
# so the second tap always finds the first tap's edit recorded here. A bounded window: a
# message whose entry was evicted (or a restart) falls back to the tapped message's content.
_LAST_SHOWN: OrderedDict[tuple[int, int], tuple[str, InlineKeyboardMarkup | None, str | None]] = (
    OrderedDict()
)
_LAST_SHOWN_WINDOW = 20_000


def forget_shown() -> None:
    _LAST_SHOWN.clear()


def _remember(
    key: tuple[int, int], shown: tuple[str, InlineKeyboardMarkup | None, str | None]
) -> None:
    _LAST_SHOWN[key] = shown
    _LAST_SHOWN.move_to_end(key)
    if len(_LAST_SHOWN) > _LAST_SHOWN_WINDOW:
        _LAST_SHOWN.popitem(last=False)


def _same_content(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    try:
        shown = _shown(text)
    except MarkupError:
        return False
    current_markup = message.reply_markup
    if (markup is None) != (current_markup is None):
        return False
    if markup is not None and current_markup is not None:
        if markup.inline_keyboard != current_markup.inline_keyboard:
            return False
    return (message.text or "").strip() == shown


async def show(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    toast: str | None = None,
    preview_url: str | None = None,
) -> None:
    """Answer a button press by editing its message; otherwise send a new message.

    Editing keeps the chat short on a phone. An edit that would change nothing is skipped,
    because Telegram refuses it ("message is not modified"): that happens when a learner taps
    the same button twice before the first edit arrives.
    """
    query = update.callback_query
    if query is None:
        await reply(update, text, markup, preview_url=preview_url)
        return
    await answer_query(update, toast, alert=bool(toast and len(toast) > 60))
    message = query.message
    if not isinstance(message, Message) or message.poll is not None:
        await reply(update, text, markup, preview_url=preview_url)
        return
    key = (message.chat_id, message.message_id)
    wanted = (text, markup, preview_url)
    last = _LAST_SHOWN.get(key)
    if last == wanted or (last is None and _same_content(message, text, markup)):
        return
    try:
        # The edited message Telegram returns is not needed: skip building it (SinauBot.call).
        await api(update).call(
            "editMessageText",
            {
                "chat_id": message.chat_id,
                "message_id": message.message_id,
                **_page(text, markup, preview_url),
            },
        )
        _remember(key, wanted)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            _remember(key, wanted)
            return
        if "not found" in str(exc).lower() or "can't be edited" in str(exc).lower():
            await reply(update, text, markup, preview_url=preview_url)
            return
        raise


async def edit_message(
    update: Update, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit an earlier message of this chat (one a flow remembered) to ``text``; a new message
    when there is none, or it can no longer be edited."""
    chat = update.effective_chat
    if chat is None:
        return
    if message_id is not None:
        try:
            await api(update).call(
                "editMessageText",
                {"chat_id": chat.id, "message_id": message_id, **_page(text, markup, None)},
            )
            _remember((chat.id, message_id), (text, markup, None))
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, text, markup)


async def registered(update: Update, context: BotContext) -> Employee | None:
    """The employee behind this update; if there is none, tell the user how to register."""
    employee = await context.services.learning.employee(user_id(update))
    if employee is None:
        await show(update, texts.NEED_REGISTRATION)
    return employee


async def toast(update: Update, text: str) -> None:
    """A short pop-up answer to a button press (at most 200 characters)."""
    await answer_query(update, text, alert=len(text) > 60)


async def expired(update: Update) -> None:
    await toast(update, texts.BUTTON_EXPIRED)


async def invalid_button(update: Update) -> None:
    await toast(update, texts.BUTTON_INVALID)


async def uploading(chat: Chat, media: str = "document") -> None:
    """Show "sending a file…" (or "sending a photo…") while a chart, a PDF or a spreadsheet
    is being made: called before every file the bot builds. Only a hint: a failure is
    ignored, the file matters."""
    action = "upload_photo" if media == "photo" else "upload_document"
    try:
        await api(chat).call("sendChatAction", {"chat_id": chat.id, "action": action})
    except TelegramError:
        pass


async def resend(chat: Chat, cached: Cached, caption: str) -> bool:
    """Send a file again by its Telegram file_id; False if Telegram no longer knows it."""
    try:
        if cached.media == "photo":
            await chat.send_photo(cached.file_id, caption=caption)
        else:
            await chat.send_document(cached.file_id, caption=caption)
    except BadRequest:
        return False
    return True


async def remember(context: BotContext, owner: int, key: str, digest: str, sent: Message) -> None:
    """Keep the file_id of a file just sent, for ``resend`` while its data is unchanged."""
    if sent.document is not None:
        await context.services.files.remember(owner, key, digest, "document", sent.document.file_id)
    elif sent.photo:
        await context.services.files.remember(owner, key, digest, "photo", sent.photo[-1].file_id)
