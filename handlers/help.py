"""``/bantuan``, the main-menu buttons, and a clear answer to anything unexpected."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.core.jp import format_jp
from bot.core.telegram_html import escape
from bot.services.broadcast_drafts import FLOW_BROADCAST
from bot.services.reminders import FLOW_REMINDER
from bot.services.trainings import FLOW_REJECT, FLOW_TRAINING
from bot.store.sessions import FLOW_PROFILE, FLOW_REGISTER, FlowState
from bot.texts import reminders as rtexts
from handlers import (
    admin,
    broadcast,
    hours,
    keyboards,
    learning,
    profile,
    reminders,
    start,
    trainings,
)
from handlers.common import reply, services, show, toast, user_id

# Free text longer than this is never a NIP, a name or a search; say so instead of parsing it.
MAX_INPUT = 200


def help_text(context: ContextTypes.DEFAULT_TYPE) -> str:
    settings = services(context).settings
    return texts.HELP.format(target=format_jp(settings.jp_target), minutes=settings.jp_minutes)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = help_text(context)
    if await services(context).roles.actor(user_id(update)) is not None:
        text += texts.HELP_ADMIN
        await admin.set_admin_menu(context, user_id(update), admin=True)
    await show(update, text, keyboards.main_menu())


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.matches is not None
    choice = context.matches[0].group(1)
    if choice == "learn":
        await learning.catalog(update, context)
    elif choice == "jp":
        await hours.hours(update, context)
    elif choice == "profile":
        await profile.profile(update, context)
    elif choice == "help":
        await help_command(update, context)
    elif choice == "remind":
        await reminders.reminders(update, context)
    else:
        employee = await services(context).learning.employee(user_id(update))
        if employee is None:
            await show(update, texts.NEED_REGISTRATION)
        else:
            await start.send_menu(update, context, employee)


# The multi-step flows, each waiting for typed text at some step.
TEXT_ROUTES: dict[
    str, Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowState], Awaitable[None]]
] = {
    FLOW_REGISTER: start.on_text,
    FLOW_PROFILE: profile.on_text,
    FLOW_REMINDER: reminders.on_text,
    FLOW_TRAINING: trainings.on_text,
    FLOW_REJECT: trainings.on_reason,
}


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route free text: to the step a flow is waiting for, or to a helpful hint."""
    svc = services(context)
    uid = user_id(update)
    message = update.effective_message
    text = (message.text if message else "") or ""
    state = await svc.registration.state(uid)
    if state is not None and state.flow == FLOW_BROADCAST:  # announcements may be long
        await broadcast.on_message(update, context, state)
        return
    if state is not None and len(text) > MAX_INPUT:
        await reply(update, texts.TOO_LONG.format(limit=MAX_INPUT))
        return
    route = TEXT_ROUTES.get(state.flow) if state is not None else None
    if route is not None and state is not None:
        await route(update, context, state)
        return
    employee = await svc.learning.employee(uid)
    if employee is None:
        await reply(update, texts.HINT_UNREGISTERED)
        return
    module = await svc.quiz.open_attempt_module(uid)
    if module is not None:
        await reply(update, texts.HINT_QUIZ_OPEN.format(title=escape(module.title)))
        return
    await reply(update, texts.HINT_REGISTERED, keyboards.main_menu())


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.UNKNOWN_COMMAND)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes...: we read only text and buttons, except an admin's
    announcement media and the certificate file the /lapor wizard waits for."""
    state = await services(context).registration.state(user_id(update))
    if state is not None and state.flow == FLOW_BROADCAST:
        await broadcast.on_message(update, context, state)
        return
    if state is not None and state.flow == FLOW_TRAINING:
        await trainings.on_file(update, context, state)
        return
    if state is not None and state.flow == FLOW_REMINDER:
        await reply(update, rtexts.TIME_NOT_TEXT)
        return
    await reply(update, texts.HINT_NON_TEXT + " " + texts.HINT_USE_BUTTONS_OR_HELP)


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.HINT_EDITED)


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await toast(update, texts.BUTTON_INVALID)
