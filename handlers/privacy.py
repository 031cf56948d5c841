"""``/privasi`` (the notice; withdrawal in one tap), ``/dataku`` (a copy of everything stored)
and ``/hapus`` (erasure, after a confirmation whose buttons act on that confirmation alone)."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import EraseButton, PrivacyButton
from bot.core.flows import Flow
from bot.services.privacy import EraseOutcome, ExportOutcome, PrivacyStatus, render_export
from bot.services.registration import RegistrationOutcome, RegistrationStep
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import documents as doc_labels
from bot.texts import privacy as t
from handlers import notice, start
from handlers.commands import CommandScope, command, set_menu
from handlers.common import expired, reply, show, toast, uploading, user_id
from handlers.keyboards import button, markup


async def _reader(context: BotContext, uid: int) -> tuple[notice.Reader, PrivacyStatus | None]:
    svc = context.services
    status = await svc.privacy.status(uid)
    if status is not None:
        return notice.Reader.EMPLOYEE, status
    state = await svc.registration.state(uid)
    if state is not None and state.flow == Flow.REGISTER and state.step == RegistrationStep.PRIVACY:
        return notice.Reader.REGISTERING, None
    return notice.Reader.ANYONE, None


async def show_page(
    update: Update, context: BotContext, page: int, *, toast_text: str | None = None
) -> None:
    reader, status = await _reader(context, user_id(update))
    text = notice.page_text(context.services.settings, page, status)
    await show(update, text, notice.keyboard(page, reader, status), toast=toast_text)


@command("privasi", rank=92)
async def privacy_command(update: Update, context: BotContext) -> None:
    await show_page(update, context, 1)


async def on_button(update: Update, context: BotContext, data: PrivacyButton) -> None:
    svc = context.services
    uid = user_id(update)
    page = notice.clamp(data.page)
    if data.action == "page":
        await show_page(update, context, page)
        return
    if data.action == "ack":
        if await svc.privacy.status(uid) is not None:
            await svc.privacy.acknowledge(uid)
            await show_page(
                update,
                context,
                page,
                toast_text=t.NOTICE_ACKNOWLEDGED.format(version=t.NOTICE_VERSION),
            )
            return
        result = await svc.registration.acknowledge_privacy(uid, t.NOTICE_VERSION)
        if result.outcome is not RegistrationOutcome.OK or result.state is None:
            await expired(update)
            return
        await show_page(update, context, page)  # the same page, now without the button
        await reply(update, t.NOTICE_ACCEPTED_REGISTER.format(version=t.NOTICE_VERSION))
        await start.prompt(update, context, result.state)
        return
    if data.on is None:
        await expired(update)
        return
    if data.action == "rem":
        status = await svc.privacy.set_reminders(uid, data.on)
        done = t.REMINDERS_STARTED if data.on else t.REMINDERS_STOPPED
    else:
        status = await svc.privacy.set_announcements(uid, data.on)
        done = t.ANNOUNCEMENTS_STARTED if data.on else t.ANNOUNCEMENTS_STOPPED
    if status is None:
        await toast(update, t.NOT_REGISTERED)
        return
    await show_page(update, context, page, toast_text=done)


# --- /dataku -----------------------------------------------------------------------------------
@command("dataku", rank=94)
async def my_data(update: Update, context: BotContext) -> None:
    svc = context.services
    export = await svc.privacy.export(user_id(update))
    if export.outcome is ExportOutcome.NOT_REGISTERED:
        await reply(update, t.NOT_REGISTERED)
        return
    if export.outcome is ExportOutcome.COOLDOWN:
        await reply(update, t.EXPORT_COOLDOWN.format(minutes=export.wait_minutes))
        return
    chat = update.effective_chat
    if chat is None or export.data is None or export.generated_at is None:
        return
    await uploading(chat)
    pdf, json_bytes = await render_export(export, svc.settings)
    day = export.generated_at.astimezone(svc.settings.tz).date().isoformat()
    await reply(update, t.EXPORT_INTRO)
    await chat.send_document(
        pdf, filename=t.EXPORT_FILENAME.format(day=day, ext="pdf"), caption=t.EXPORT_PDF_CAPTION
    )
    await chat.send_document(
        json_bytes,
        filename=t.EXPORT_FILENAME.format(day=day, ext="json"),
        caption=t.EXPORT_JSON_CAPTION,
    )


# --- /hapus ------------------------------------------------------------------------------------
@command("hapus", rank=96)
async def erase(update: Update, context: BotContext) -> None:
    svc = context.services
    plan = await svc.privacy.begin_erase(user_id(update))
    if plan is None:
        await reply(update, t.NOT_REGISTERED)
        return
    until = doc_labels.long_date(plan.keep_until.astimezone(svc.settings.tz).date())
    text = t.ERASE_CONFIRM.format(entries=plan.entries, until=until, minutes=plan.minutes)
    keys = markup(
        [
            [button(t.BTN_ERASE_YES, EraseButton(plan.token, "yes"))],
            [button(t.BTN_ERASE_NO, EraseButton(plan.token, "no"))],
        ]
    )
    await reply(update, text, keys)


async def on_erase_button(update: Update, context: BotContext, data: EraseButton) -> None:
    svc = context.services
    uid = user_id(update)
    if data.action == "no":
        if await svc.privacy.cancel_erase(uid, data.token):
            await show(update, t.ERASE_CANCELLED)
        else:
            await toast(update, t.ERASE_STALE)
        return
    result = await svc.privacy.confirm_erase(uid, data.token)
    if result.outcome is EraseOutcome.STALE:
        await toast(update, t.ERASE_STALE)
        return
    if result.outcome is EraseOutcome.NOT_REGISTERED or result.keep_until is None:
        await toast(update, t.NOT_REGISTERED)
        return
    until = doc_labels.long_date(result.keep_until.astimezone(svc.settings.tz).date())
    await show(update, t.ERASE_DONE.format(entries=result.retained, until=until))
    # An admin's own menu (and dashboard button) goes too.
    await set_menu(context.bot, uid, CommandScope.EVERYONE, context.services.settings.webapp_url)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """Typed text while a /hapus confirmation waits: only its buttons act."""
    await reply(update, t.ERASE_USE_BUTTONS)
