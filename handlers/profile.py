"""``/profil``: show the profile and edit its fields."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.core.callbacks import MenuButton, ProfileButton
from bot.core.flows import Flow
from bot.core.telegram_html import escape
from bot.services.registration import RegistrationOutcome, TelegramUser
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import identity as it
from db.models import Employee
from handlers import keyboards
from handlers.commands import command
from handlers.common import (
    edit_message,
    expired,
    registered,
    reply,
    show,
    toast,
    user_id,
)
from handlers.opd_picker import search_opd, send_opd_page

ASK_FOR_FIELD = {
    "name": texts.ASK_EDIT_NAME,
    "unit_kerja": texts.ASK_EDIT_UNIT,
    "jabatan": texts.ASK_EDIT_JABATAN,
    "golongan": texts.ASK_EDIT_GOLONGAN,
}


def profile_text(context: BotContext, employee: Employee, locked: frozenset[str]) -> str:
    svc = context.services
    opd = svc.catalog.opds.get(employee.opd_code)
    since = employee.created_at.astimezone(svc.settings.tz)
    pending = employee.verified_at is None
    hidden = pending and bool(locked)  # the roster's record waits for the verified person
    text = texts.PROFILE.format(
        label="NI PPPK" if employee.kind == "PPPK" else "NIP",
        nip=employee.nip,
        kind=employee.kind,
        name=escape(employee.name),
        opd=it.INSTANSI_HIDDEN if hidden else escape(opd.name if opd else employee.opd_code),
        unit=escape(employee.unit_kerja or texts.NOT_SET),
        jabatan=escape(employee.jabatan or texts.NOT_SET),
        golongan=escape(employee.golongan or texts.NOT_SET),
        since=f"{since.day} {texts.MONTHS[since.month - 1]} {since.year}",
        status=it.PENDING_SHORT if pending else texts.PROFILE_VERIFIED,
    )
    if pending:
        text += "\n\n" + it.PENDING_NOTE
    text += "\n\n" + (texts.PROFILE_READONLY if locked else texts.PROFILE_EDIT_HINT)
    return text


async def show_profile(
    update: Update,
    context: BotContext,
    employee: Employee,
    *,
    toast_text: str | None = None,
) -> None:
    locked = await context.services.registration.locked_fields(user_id(update))
    text = profile_text(context, employee, locked)
    await show(update, text, keyboards.profile(locked), toast=toast_text)


@command("profil", rank=40)
async def profile(update: Update, context: BotContext) -> None:
    employee = await registered(update, context)
    if employee is None:
        return
    svc = context.services
    state = await svc.registration.state(user_id(update))
    if state is not None and state.flow == Flow.PROFILE:  # back from a field's question
        await svc.registration.cancel(user_id(update))
    await show_profile(update, context, employee)


async def on_edit(update: Update, context: BotContext, data: ProfileButton) -> None:
    field = data.field
    query = update.callback_query
    message = query.message if query is not None else None
    message_id = message.message_id if message is not None else None
    result = await context.services.registration.begin_edit(user_id(update), field, message_id)
    if result.outcome is RegistrationOutcome.INVALID:
        await expired(update)
        return
    if result.outcome is RegistrationOutcome.TAKEN:  # the roster's record: read-only
        await toast(update, texts.PROFILE_LOCKED)
        return
    if result.outcome is RegistrationOutcome.STALE:
        await show(update, texts.NEED_REGISTRATION)
        return
    if field == "opd" and result.state is not None:
        await send_opd_page(update, context, 0, result.state.token)
        return
    # The question takes the profile's place; the answer brings the profile back there.
    back = keyboards.markup([[keyboards.button(texts.BTN_BACK_TO_PROFILE, MenuButton("profile"))]])
    await show(update, ASK_FOR_FIELD[field], back)


def who(update: Update) -> TelegramUser:
    user = update.effective_user
    return TelegramUser(user.full_name.strip(), user.username) if user else TelegramUser()


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A text message while a profile field is being edited."""
    message = update.effective_message
    text = (message.text if message else "") or ""
    svc = context.services
    if state.step == "opd":
        await search_opd(update, context, text, state.token)
        return
    result = await svc.registration.submit_profile_field(user_id(update), text, who(update))
    if result.outcome is RegistrationOutcome.TAKEN:
        await reply(update, texts.PROFILE_LOCKED)
    elif result.outcome is RegistrationOutcome.INVALID:
        invalid = {
            "name": texts.NAME_INVALID,
            "golongan": texts.GOLONGAN_INVALID,
        }.get(state.step, texts.FIELD_INVALID)
        await reply(update, invalid)
    elif result.employee is not None:
        locked = await svc.registration.locked_fields(user_id(update))
        text = texts.PROFILE_SAVED + "\n\n" + profile_text(context, result.employee, locked)
        await edit_message(update, state.data.get("message_id"), text, keyboards.profile(locked))
    else:
        await reply(update, texts.BUTTON_EXPIRED)
