"""Typed text and files, routed to the flow waiting for them (``bot.core.flows``), or a hint.

Buttons carry their own routing (``bot.core.callbacks``); text and media do not, so the step a
chat is at, stored in the database, decides where they go. Every flow has a route for text; the
flows that take a file (an announcement's media, a certificate) have one for media too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.core.flows import Flow
from bot.core.telegram_html import escape
from bot.services.reminders import STEP_PANEL
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import reminders as rtexts
from handlers import (
    assignment_drafts,
    broadcast,
    identity,
    keyboards,
    privacy,
    profile,
    reminders,
    start,
    trainings,
)
from handlers.common import reply, user_id

# Free text longer than this is never a NIP, a name or a search; say so instead of parsing it.
MAX_INPUT = 200

Route = Callable[[Update, BotContext, FlowState], Awaitable[None]]


async def _time_not_a_file(update: Update, context: BotContext, state: FlowState) -> None:
    await reply(update, rtexts.TIME_NOT_TEXT)


async def _use_buttons(update: Update, context: BotContext, state: FlowState) -> None:
    await reply(update, texts.HINT_USE_BUTTONS)


TEXT: dict[Flow, Route] = {
    Flow.REGISTER: start.on_text,
    Flow.PROFILE: profile.on_text,
    Flow.REMINDER: reminders.on_text,
    Flow.TRAINING: trainings.on_text,
    Flow.REJECT: trainings.on_reason,
    Flow.BROADCAST: broadcast.on_message,
    Flow.ERASE: privacy.on_text,
    Flow.REFUSE_IDENTITY: identity.on_reason,
    Flow.ADMIN: _use_buttons,
    Flow.ASSIGN: assignment_drafts.on_text,
}
MEDIA: dict[Flow, Route] = {
    Flow.REGISTER: start.on_contact,
    Flow.BROADCAST: broadcast.on_message,
    Flow.TRAINING: trainings.on_file,
    Flow.REMINDER: _time_not_a_file,
}
# Announcements may be long; every other flow's input is short.
LONG_TEXT = frozenset({Flow.BROADCAST})


def _flow(state: FlowState | None) -> Flow | None:
    """The flow of a stored state; None for none, or for a name this release does not know."""
    if state is None:
        return None
    try:
        return Flow(state.flow)
    except ValueError:
        return None


async def on_text(update: Update, context: BotContext) -> None:
    """Route free text: to the step a flow is waiting for, or to a helpful hint."""
    svc = context.services
    uid = user_id(update)
    message = update.effective_message
    text = (message.text if message else "") or ""
    state = await svc.registration.state(uid)
    flow = _flow(state)
    if (
        state is not None
        and flow is Flow.REMINDER
        and state.step == STEP_PANEL
        and not reminders.looks_like_a_time(text)
    ):
        # The /pengingat panel invites a typed time; anything else is not an answer to it.
        await svc.reminders.close_panel(uid)
        state, flow = None, None
    if state is not None and flow is not None:
        if len(text) > MAX_INPUT and flow not in LONG_TEXT:
            await reply(update, texts.TOO_LONG.format(limit=MAX_INPUT))
            return
        await TEXT[flow](update, context, state)
        return
    employee = await svc.learning.employee(uid)
    if employee is None:
        await reply(update, texts.HINT_UNREGISTERED)
        return
    module = await svc.quiz.open_attempt_module(uid)
    if module is not None:
        await reply(update, texts.HINT_QUIZ_OPEN.format(title=escape(module.title)))
        return
    learn = await svc.learning.shortcut(uid)
    if learn is not None and learn.started:  # a question about the module being read
        text = texts.HINT_DURING_MODULE.format(title=escape(learn.module.title))
        await reply(update, text, keyboards.back_to_module(learn))
        return
    await reply(update, texts.HINT_REGISTERED, keyboards.main_menu(learn=learn))


async def on_media(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes...: we read only text and buttons, except an admin's
    announcement media and the certificate file the /lapor wizard waits for."""
    state = await context.services.registration.state(user_id(update))
    flow = _flow(state)
    route = MEDIA.get(flow) if flow is not None else None
    if route is not None and state is not None:
        await route(update, context, state)
        return
    await reply(update, texts.HINT_NON_TEXT + " " + texts.HINT_USE_BUTTONS_OR_HELP)
