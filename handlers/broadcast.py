"""``/umumkan`` (compose, target, preview, send or schedule) and ``/terjadwal``."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup, Message, Update

from bot import texts
from bot.core.callbacks import DraftButton, ScheduledPageButton
from bot.core.digits import ascii_int
from bot.core.errors import NotAllowed, Refusal
from bot.core.telegram_html import MarkupError, escape, visible_text, without_custom_emoji
from bot.delivery.renderers.broadcasts import message_of
from bot.delivery.sender import SendStatus
from bot.services.broadcast_drafts import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Draft,
    DraftOutcome,
    DraftStep,
    DraftView,
)
from bot.store.audience import Audience
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.telegram.outbound import TelegramTransport
from bot.texts import admin as t
from handlers import admin_keyboards
from handlers.broadcast_status import status_text
from handlers.commands import CommandScope, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.paging import clip, pages

log = logging.getLogger(__name__)


# --- composing ----------------------------------------------------------------------------------
@command("umumkan", rank=130, scope=CommandScope.ADMIN)
async def announce(update: Update, context: BotContext) -> None:
    await context.services.drafts.begin(user_id(update))
    await reply(update, t.ASK_CONTENT)


async def on_message(update: Update, context: BotContext, state: FlowState) -> None:
    """Anything the admin sends while composing: the content, a link button, a schedule."""
    message = update.effective_message
    if message is None:
        return
    if state.step == DraftStep.CONTENT:
        await _content(update, context, message)
    elif state.step == DraftStep.BUTTON_URL:
        view = await context.services.drafts.submit_url_button(user_id(update), message.text or "")
        if view.outcome is DraftOutcome.INVALID:
            await reply(update, t.URL_INVALID)
        else:
            await _after(update, context, view)
    elif state.step == DraftStep.SCHEDULE:
        await _schedule(update, context, message.text or "")
    else:
        await reply(update, texts.HINT_USE_BUTTONS)


async def _content(update: Update, context: BotContext, message: Message) -> None:
    # PTB turns the admin's formatting (entities) into safe HTML; we never parse it ourselves.
    media_kind, file_id, html = None, None, message.text_html if message.text else ""
    if message.photo:
        media_kind, file_id = "photo", message.photo[-1].file_id
    elif message.document:
        media_kind, file_id = "document", message.document.file_id
    if media_kind is not None:
        html = message.caption_html if message.caption else ""
    elif not message.text:
        await reply(update, t.CONTENT_NOT_SUPPORTED)
        return
    html = without_custom_emoji(html)
    view = await context.services.drafts.submit_content(user_id(update), html, media_kind, file_id)
    if view.outcome is DraftOutcome.INVALID:
        await reply(update, t.CONTENT_FORMAT_UNSUPPORTED)
    elif view.outcome is DraftOutcome.EMPTY:
        await reply(update, t.CONTENT_EMPTY)
    elif view.outcome is DraftOutcome.TOO_LONG:
        limit = CAPTION_LIMIT if media_kind else TEXT_LIMIT
        note = t.CONTENT_MEDIA_NOTE if media_kind else ""
        await reply(update, t.CONTENT_TOO_LONG.format(limit=limit, media=note))
    else:
        await _after(update, context, view)


async def _after(update: Update, context: BotContext, view: DraftView) -> None:
    """Show what the draft's current step needs."""
    if view.draft is None or view.actor is None or view.outcome is DraftOutcome.STALE:
        await show(update, t.DRAFT_STALE)
    elif view.step == DraftStep.BUTTON:
        await show(update, t.ASK_BUTTON, admin_keyboards.button_choice(view.draft))
    elif view.step == DraftStep.BUTTON_URL:
        await answer_query(update)
        await reply(update, t.ASK_URL)
    elif view.step == DraftStep.SCHEDULE:
        await answer_query(update)
        await reply(update, t.ASK_SCHEDULE.format(zone=_zone(context), example=_example(context)))
    else:
        await _audience(update, context, view.draft, view.actor.is_superadmin)


async def _audience(update: Update, context: BotContext, draft: Draft, superadmin: bool) -> None:
    svc = context.services
    count = await svc.broadcasts.count(draft.audience)
    text = t.AUDIENCE.format(summary=summary(context, draft.audience), count=count)
    await show(update, text, admin_keyboards.audience(draft, superadmin))


def summary(context: BotContext, audience: Audience) -> str:
    catalog = context.services.catalog
    parts = []
    if audience.opd is not None:
        opd = catalog.opds.get(audience.opd)
        parts.append(t.AUDIENCE_OPD.format(opd=escape(opd.name if opd else audience.opd)))
    else:
        parts.append(t.AUDIENCE_ALL_OPD)
    if audience.below_target:
        parts.append(t.AUDIENCE_BELOW)
    if audience.inactive_days:
        parts.append(t.AUDIENCE_INACTIVE.format(days=audience.inactive_days))
    if audience.not_completed:
        module = catalog.module(audience.not_completed)
        title = module.title if module else audience.not_completed
        parts.append(t.AUDIENCE_NOT_DONE.format(title=escape(title)))
    if audience.is_everyone:
        parts = [t.AUDIENCE_EVERYONE]
    parts.append(t.AUDIENCE_REQUIRED if audience.required else t.AUDIENCE_OPTIONAL)
    return "\n".join(f"• {p}" for p in parts)


async def on_draft_button(update: Update, context: BotContext, data: DraftButton) -> None:
    """Every button of a draft. Each service call checks the token and the step the button was
    drawn for (``sessions.expect``) and refuses any other with "tombol ini dari draf lama"."""
    token, action, arg1, arg2 = data.token, data.action, data.arg or "", data.value or ""
    svc = context.services
    uid = user_id(update)
    if action == "btn" and arg1 == "mod":  # only shows the module list; the draft stays
        view = await svc.drafts.expect(uid, token, DraftStep.BUTTON)
        assert view.draft is not None
        await show(
            update, t.ASK_BUTTON_MODULE, admin_keyboards.pick(view.draft, svc.catalog, "bmod", 0)
        )
    elif action == "btn":
        await _after(update, context, await svc.drafts.set_button(uid, token, arg1))
    elif action == "bmod":
        await _after(update, context, await svc.drafts.set_button(uid, token, "module", arg1))
    elif action == "aud":
        await _after(update, context, await svc.drafts.change_audience(uid, token, arg1, arg2))
    elif action == "pick":
        await _pick(update, context, token, arg1, arg2)
    elif action == "prev":
        await _preview(update, context, token)
    elif action == "go":
        await _confirm(update, context, token, None)
    elif action == "sch":
        await _after(update, context, await svc.drafts.ask_schedule(uid, token))
    elif action == "x":
        await svc.drafts.discard(uid, token)
        await show(update, t.DRAFT_DISCARDED)
    else:  # back to the step the draft is at (the audience, or the button choice)
        await _after(update, context, await svc.drafts.expect(uid, token))


async def _pick(update: Update, context: BotContext, token: str, what: str, page: str) -> None:
    svc = context.services
    step = DraftStep.BUTTON if what == "bmod" else DraftStep.AUDIENCE
    view = await svc.drafts.expect(user_id(update), token, step)
    assert view.draft is not None and view.actor is not None
    if what == "opd" and not view.actor.is_superadmin:
        raise NotAllowed(Refusal.OTHER_OPD)
    prompt = {"opd": t.ASK_OPD, "module": t.ASK_MODULE_FILTER}.get(what, t.ASK_BUTTON_MODULE)
    number = ascii_int(page, max_digits=3) or 0
    await show(update, prompt, admin_keyboards.pick(view.draft, svc.catalog, what, number))


async def _preview(update: Update, context: BotContext, token: str) -> None:
    svc = context.services
    view = await svc.drafts.expect(user_id(update), token, DraftStep.AUDIENCE)
    assert view.draft is not None
    count = await svc.broadcasts.count(view.draft.audience)
    if count == 0:
        await toast(update, t.PREVIEW_NOBODY)
        return
    await answer_query(update)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    await reply(update, t.PREVIEW_INTRO)
    # The same transport as the real send, so the preview fails exactly where recipients would.
    sent = await TelegramTransport(context.bot).send(chat_id, message_of(view.draft))
    if sent.status is not SendStatus.SENT:
        await reply(update, t.PREVIEW_FAILED.format(error=escape(sent.error or "")))
        return
    text = t.PREVIEW_SUMMARY.format(count=count, summary=summary(context, view.draft.audience))
    # The confirm buttons carry this draft's token: a change after the preview makes them stale.
    await reply(update, text, admin_keyboards.confirm(view.draft))


async def _schedule(update: Update, context: BotContext, text: str) -> None:
    svc = context.services
    outcome, when = svc.drafts.parse_when(text)
    messages = {
        DraftOutcome.INVALID: t.SCHEDULE_INVALID.format(example=_example(context)),
        DraftOutcome.PAST: t.SCHEDULE_PAST,
        DraftOutcome.TOO_FAR: t.SCHEDULE_TOO_FAR,
    }
    if outcome is not DraftOutcome.OK or when is None:
        await reply(update, messages.get(outcome, t.SCHEDULE_INVALID))
        return
    view = await svc.drafts.current(user_id(update))
    if view.draft is None:
        await _after(update, context, view)
        return
    await _confirm(update, context, view.draft.token, when)


async def _confirm(update: Update, context: BotContext, token: str, when: datetime | None) -> None:
    svc = context.services
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    outcome, broadcast = await svc.broadcasts.confirm(user_id(update), token, when, chat_id)
    if outcome is DraftOutcome.EMPTY:
        await show(update, t.CONTENT_EMPTY)
        return
    if outcome is not DraftOutcome.OK or broadcast is None:
        await _after(
            update, context, DraftView(outcome, actor=await svc.roles.actor(user_id(update)))
        )
        return
    if when is not None:
        await show(update, t.SCHEDULED.format(id=broadcast.id, when=_when(context, when)))
        return
    await answer_query(update)
    first = status_text(broadcast.id, {"waiting": broadcast.recipients}, broadcast.recipients)
    status = await context.bot.send_message(chat_id, first)
    await svc.broadcasts.set_status_message(broadcast.id, chat_id, status.message_id)
    context.sender.wake()


@command("terjadwal", rank=140, scope=CommandScope.ADMIN)
async def scheduled_command(update: Update, context: BotContext) -> None:
    await _scheduled(update, context, 0)


async def on_scheduled_page(update: Update, context: BotContext, data: ScheduledPageButton) -> None:
    await _scheduled(update, context, data.page)


async def _scheduled(update: Update, context: BotContext, page: int) -> None:
    svc = context.services
    items = await svc.broadcasts.scheduled(user_id(update))
    if not items:
        await show(update, t.SCHEDULED_EMPTY)
        return
    entries = [
        (b.id, _when(context, b.scheduled_at) if b.scheduled_at else "—", b.text) for b in items
    ]
    text, markup = scheduled_page(entries, page)
    await show(update, text, markup)


def scheduled_page(
    entries: list[tuple[int, str, str]], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of scheduled announcements (id, when, HTML text), within Telegram's limits
    however many there are: at most ``PAGE_ITEMS`` with their cancel buttons, and page
    buttons."""
    lines = [
        t.SCHEDULED_ITEM.format(id=i, when=when, preview=escape(clip(_plain(html), 60)))
        for i, when, html in entries
    ]
    groups = pages(lines, TEXT_LIMIT - 200)
    page = min(max(page, 0), len(groups) - 1)
    head = t.SCHEDULED_LIST
    if len(groups) > 1:
        head += " " + t.PAGE_OF.format(page=page + 1, pages=len(groups))
    text = "\n".join([head, *(lines[i] for i in groups[page])])
    ids = [entries[i][0] for i in groups[page]]
    return text, admin_keyboards.cancel_scheduled(ids, page, len(groups))


def _plain(html: str) -> str:
    try:
        return visible_text(html)
    except MarkupError:
        return html


# --- time formatting ----------------------------------------------------------------------------
def _zone(context: BotContext) -> str:
    svc = context.services
    return svc.clock().astimezone(svc.settings.tz).tzname() or svc.settings.timezone


def _example(context: BotContext) -> str:
    svc = context.services
    tomorrow = svc.clock().astimezone(svc.settings.tz) + timedelta(days=1)
    return tomorrow.strftime("%d/%m/%Y") + " 08:00"


def _when(context: BotContext, moment: datetime) -> str:
    local = moment.astimezone(context.services.settings.tz)
    return local.strftime("%d/%m/%Y %H:%M ") + (local.tzname() or "")
