"""``/umumkan`` (compose, target, preview, send or schedule) and ``/terjadwal``."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.core import agencies
from bot.core.callbacks import BroadcastButton, DraftButton, ScheduledPageButton
from bot.core.digits import ascii_int
from bot.core.errors import NotAllowed, Refusal
from bot.core.telegram_html import MarkupError, escape, visible_text, without_custom_emoji
from bot.delivery.renderers.broadcasts import message_of, sender_of
from bot.delivery.sender import SendStatus
from bot.services.broadcast_drafts import (
    TEXT_LIMIT,
    Draft,
    DraftOutcome,
    DraftStep,
    DraftView,
    content_limit,
)
from bot.store.audience import Audience
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.telegram.outbound import TelegramTransport
from bot.texts import admin as t
from handlers import admin_keyboards, broadcast_status
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
    elif state.step == DraftStep.AUDIENCE and message.text:
        await _search_opd(update, context, message.text)
    else:
        await reply(update, texts.HINT_USE_BUTTONS)


async def _search_opd(update: Update, context: BotContext, query: str) -> None:
    """A name typed while choosing the audience: the agencies it finds (the search of
    registration), each a button that sets the audience to it."""
    svc = context.services
    view = await svc.drafts.current(user_id(update))
    if view.draft is None or view.actor is None or view.step != DraftStep.AUDIENCE:
        await reply(update, texts.HINT_USE_BUTTONS)
        return
    if not view.actor.is_superadmin:  # an OPD admin's audience is their OPD
        await reply(update, texts.HINT_USE_BUTTONS)
        return
    query = query.strip()[:60]
    found = agencies.search(svc.catalog.opds.values(), query, limit=admin_keyboards.PICK_PAGE)
    if found:
        text = t.OPD_FOUND.format(query=escape(query), count=len(found))
    else:
        found = agencies.suggest(svc.catalog.opds.values(), query)
        text = t.OPD_NOT_FOUND.format(query=escape(query))
        if not found:
            await reply(update, text + " " + t.OPD_NOT_FOUND_HINT)
            return
        text += " " + t.OPD_SUGGESTED
    await reply(update, text, admin_keyboards.opd_choices(view.draft, found))


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
        limit = content_limit(media_kind)
        note = t.CONTENT_MEDIA_NOTE if media_kind else ""
        await reply(update, t.CONTENT_TOO_LONG.format(limit=limit, media=note))
    else:
        await _after(update, context, view)


async def _after(
    update: Update, context: BotContext, view: DraftView, *, new: bool = False
) -> None:
    """Show what the draft's current step needs (``new``: in a new message, not the one whose
    button was pressed, which is the preview)."""
    out = _new if new else show
    if view.draft is None or view.actor is None or view.outcome is DraftOutcome.STALE:
        await out(update, t.DRAFT_STALE)
    elif view.step == DraftStep.BUTTON:
        await out(update, t.ASK_BUTTON, admin_keyboards.button_choice(view.draft))
    elif view.step == DraftStep.BUTTON_URL:
        await answer_query(update)
        await reply(update, t.ASK_URL)
    elif view.step == DraftStep.SCHEDULE:
        await answer_query(update)
        await reply(update, t.ASK_SCHEDULE.format(zone=_zone(context), example=_example(context)))
    else:
        await _audience(update, context, view.draft, view.actor.is_superadmin, new=new)


async def _new(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await answer_query(update)
    await reply(update, text, markup)


async def _audience(
    update: Update, context: BotContext, draft: Draft, superadmin: bool, *, new: bool = False
) -> None:
    svc = context.services
    count = await svc.broadcasts.count(draft.audience)
    text = t.AUDIENCE.format(summary=summary(context, draft.audience), count=count)
    if superadmin:
        text += "\n" + t.AUDIENCE_TYPE_OPD
    await (_new if new else show)(update, text, admin_keyboards.audience(draft, superadmin))


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
    if arg1 == admin_keyboards.FROM_PREVIEW:  # the preview stays as recipients will see it
        await _keep_preview(update)
        if action == "go":
            await _confirm(update, context, token, None, new=True)
        elif action == "sch":
            await _after(update, context, await svc.drafts.ask_schedule(uid, token), new=True)
        elif action == "x":
            await svc.drafts.discard(uid, token)
            await _new(update, t.DRAFT_DISCARDED)
        else:
            await _after(update, context, await svc.drafts.expect(uid, token), new=True)
        return
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
    """The announcement exactly as recipients will get it (its sender line, text and button),
    with the actions under it: one new message. The audience screen above keeps its filters;
    a change there makes these actions stale (they carry the draft's token)."""
    svc = context.services
    view = await svc.drafts.expect(user_id(update), token, DraftStep.AUDIENCE)
    assert view.draft is not None and view.actor is not None
    count = await svc.broadcasts.count(view.draft.audience)
    if count == 0:
        await toast(update, t.PREVIEW_NOBODY)
        return
    await answer_query(update)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    sender = sender_of(svc.settings, svc.catalog).line(view.actor.opd_code)
    message = message_of(view.draft, sender)
    actions = admin_keyboards.preview_actions(view.draft, count)
    outgoing = replace(message, buttons=(*message.buttons, *actions))
    # The same transport as the real send, so the preview fails exactly where recipients would.
    sent = await TelegramTransport(context.bot).send(chat_id, outgoing)
    if sent.status is not SendStatus.SENT:
        await reply(update, t.PREVIEW_FAILED.format(error=escape(sent.error or "")))


async def _keep_preview(update: Update) -> None:
    """Take the draft's buttons off the preview (its own button, if any, stays): it is the
    announcement as sent, not a control panel any more."""
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    shown = message.reply_markup.inline_keyboard
    rows = [
        row for row in shown if not any(DraftButton.unpack(str(b.callback_data or "")) for b in row)
    ]
    if len(rows) == len(shown):  # taken off already (a second tap): nothing to change
        return
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except TelegramError as exc:  # deleted or already changed: nothing to keep
        log.info("preview %s keeps its buttons: %s", message.message_id, exc)


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


async def _confirm(
    update: Update,
    context: BotContext,
    token: str,
    when: datetime | None,
    *,
    new: bool = False,
) -> None:
    svc = context.services
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    outcome, broadcast = await svc.broadcasts.confirm(user_id(update), token, when, chat_id)
    out = _new if new else show
    if outcome is DraftOutcome.EMPTY:
        await out(update, t.CONTENT_EMPTY)
        return
    if outcome is not DraftOutcome.OK or broadcast is None:
        actor = await svc.roles.actor(user_id(update))
        await _after(update, context, DraftView(outcome, actor=actor), new=new)
        return
    if when is not None:
        await out(update, t.SCHEDULED.format(id=broadcast.id, when=_when(context, when)))
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


async def on_broadcast_button(update: Update, context: BotContext, data: BroadcastButton) -> None:
    """A scheduled announcement's "Batalkan" (the list is edited in place, so no stale cancel
    button is left), or a sent one's failures CSV."""
    if data.action != "cancel":
        await broadcast_status.on_report_button(update, context, data)
        return
    outcome = await context.services.broadcasts.cancel(user_id(update), data.broadcast)
    if outcome is DraftOutcome.STALE:
        notice = t.SCHEDULED_GONE
    else:
        notice = t.SCHEDULED_CANCELLED.format(id=data.broadcast)
    await _scheduled(update, context, data.page or 0, notice=notice)


async def _scheduled(
    update: Update, context: BotContext, page: int, *, notice: str | None = None
) -> None:
    svc = context.services
    items = await svc.broadcasts.scheduled(user_id(update))
    if not items:
        text = t.SCHEDULED_EMPTY if notice is None else f"{notice}\n\n{t.SCHEDULED_EMPTY}"
        await show(update, text, toast=notice)
        return
    entries = [
        (b.id, _when(context, b.scheduled_at) if b.scheduled_at else "—", b.text) for b in items
    ]
    text, markup = scheduled_page(entries, page, notice)
    await show(update, text, markup, toast=notice)


def scheduled_page(
    entries: list[tuple[int, str, str]], page: int, notice: str | None = None
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
    if notice is not None:  # what the last tap did, above the list as it is now
        head = f"{notice}\n\n{head}"
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
