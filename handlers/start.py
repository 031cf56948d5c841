"""``/start``, ``/batal``, the main menu and registration (NIP -> roster check, or name -> OPD ->
consent)."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.core.callbacks import OpdButton, RegisterButton, RosterButton
from bot.core.flows import Flow
from bot.core.nip import EmployeeKind, sex_digit
from bot.core.telegram_html import escape
from bot.services.registration import RegistrationOutcome, RegistrationStep
from bot.store.employees import clean_name
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import hours as hours_texts
from db.models import Employee
from handlers import hours_keyboards, keyboards
from handlers.commands import command
from handlers.common import expired, reply, show, toast, user_id
from handlers.opd_picker import search_opd, send_opd_page
from handlers.profile import show_profile
from handlers.quiz import stop_polls
from handlers.reminders import default_notice


def telegram_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name.strip() if user else ""


async def menu_text(context: BotContext, employee: Employee) -> str:
    svc = context.services
    minutes, target = await svc.hours.year_minutes(employee.telegram_id)
    scale = svc.settings.scale
    return texts.MENU.format(
        salutation=texts.SALUTATIONS[sex_digit(employee.nip)],
        name=escape(employee.name),
        year=svc.hours.current_year(),
        time=scale.text(minutes),
        target=scale.jp_text(target),
    )


async def send_menu(
    update: Update, context: BotContext, employee: Employee, *, fresh: bool = False
) -> None:
    """Show the main menu; ``fresh`` sends a new message instead of editing a pressed one."""
    text = await menu_text(context, employee)
    if fresh:
        await reply(update, text, keyboards.main_menu())
    else:
        await show(update, text, keyboards.main_menu())


@command("start", rank=10)
async def start(update: Update, context: BotContext) -> None:
    svc = context.services
    uid = user_id(update)
    employee = await svc.learning.employee(uid)
    state = await svc.registration.state(uid)
    if employee is not None:
        if state is not None:
            await svc.registration.cancel(uid)
        await send_menu(update, context, employee)
        return
    if state is not None and state.flow == Flow.REGISTER:
        await reply(update, texts.REG_RESUME)
        await prompt(update, context, state)
        return
    await svc.registration.begin(uid)
    await reply(update, texts.WELCOME)


@command("batal", rank=90)
async def cancel(update: Update, context: BotContext) -> None:
    """``/batal``: stop the quiz in progress (its open polls are closed) and any flow."""
    svc = context.services
    uid = user_id(update)
    abandoned = await svc.quiz.abandon(uid)
    cancelled = await svc.registration.cancel(uid)
    if abandoned is not None:
        await stop_polls(context, abandoned.polls)
        title = abandoned.module.title if abandoned.module else ""
        await reply(update, texts.QUIZ_ABANDONED.format(title=escape(title)))
        return
    await reply(update, texts.CANCELLED if cancelled else texts.NOTHING_TO_CANCEL)


async def prompt(update: Update, context: BotContext, state: FlowState) -> None:
    """Ask for what the current registration step needs."""
    svc = context.services
    if state.step == RegistrationStep.NIP:
        await reply(update, texts.ASK_NIP)
    elif state.step == RegistrationStep.ROSTER:
        await ask_roster(update, context, state)
    elif state.step == RegistrationStep.NAME:
        kind = state.data.get("kind", EmployeeKind.PNS.value)
        suggestion = clean_name(telegram_name(update))
        markup = keyboards.use_name(suggestion) if suggestion else None
        await reply(update, texts.ASK_NAME.format(kind=kind), markup)
    elif state.step == RegistrationStep.OPD:
        await send_opd_page(update, context, 0, state.token)
    elif state.step == RegistrationStep.CONSENT:
        opd = svc.catalog.opds.get(state.data.get("opd", ""))
        text = texts.CONSENT.format(
            nip=escape(state.data.get("nip", "")),
            name=escape(state.data.get("name", "")),
            opd=escape(opd.name if opd else "-"),
        )
        await reply(update, text, keyboards.consent())


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A text message while registration is under way."""
    svc = context.services
    uid = user_id(update)
    text = update.effective_message.text if update.effective_message else ""
    text = text or ""
    if state.step == RegistrationStep.NIP:
        result = await svc.registration.submit_nip(uid, text)
        if result.outcome is RegistrationOutcome.INVALID:
            await reply(update, texts.NIP_RETRY.format(reason=escape(result.reason)))
        elif result.outcome is RegistrationOutcome.TAKEN:
            await reply(update, texts.NIP_TAKEN)
        elif result.outcome is RegistrationOutcome.UNKNOWN:
            await reply(update, hours_texts.ROSTER_UNKNOWN_REFUSED)
        elif result.state is not None:
            await prompt(update, context, result.state)
    elif state.step == RegistrationStep.NAME:
        result = await svc.registration.submit_name(uid, text)
        if result.outcome is RegistrationOutcome.INVALID:
            await reply(update, texts.NAME_INVALID)
        elif result.state is not None:
            await prompt(update, context, result.state)
    elif state.step == RegistrationStep.OPD:
        await search_opd(update, context, text, state.token)
    else:  # consent is a button
        await reply(update, texts.HINT_USE_BUTTONS)
        await prompt(update, context, state)


async def on_use_name(update: Update, context: BotContext) -> None:
    svc = context.services
    result = await svc.registration.submit_name(user_id(update), telegram_name(update))
    if result.outcome is RegistrationOutcome.STALE:
        await expired(update)
    elif result.outcome is RegistrationOutcome.INVALID:
        await toast(update, texts.NAME_INVALID)
    elif result.state is not None:
        await prompt(update, context, result.state)


async def on_opd(update: Update, context: BotContext, data: OpdButton) -> None:
    svc = context.services
    code = data.code
    result = await svc.registration.choose_opd(user_id(update), data.token, code)
    if result.outcome is RegistrationOutcome.INVALID:
        await toast(update, texts.BUTTON_INVALID)
    elif result.outcome is not RegistrationOutcome.OK:
        await expired(update)
    elif result.employee is not None:  # a profile edit
        await show_profile(update, context, result.employee, toast_text=texts.PROFILE_SAVED)
    elif result.state is not None:
        opd = svc.catalog.opds[code]
        await show(update, f"✅ {escape(opd.name)}")
        await prompt(update, context, result.state)


async def on_register_button(update: Update, context: BotContext, data: RegisterButton) -> None:
    """ "Use my Telegram name" at the name step, or the consent answer."""
    if data.action == "name":
        await on_use_name(update, context)
    else:
        await on_consent(update, context, agreed=data.action == "yes")


async def on_consent(update: Update, context: BotContext, *, agreed: bool) -> None:
    result = await context.services.registration.consent(user_id(update), agreed)
    if result.outcome is RegistrationOutcome.STALE:
        await expired(update)
    elif result.outcome is RegistrationOutcome.TAKEN:
        await show(update, texts.NIP_TAKEN)
    elif result.outcome is RegistrationOutcome.INVALID:
        await show(update, texts.CONSENT_DECLINED)
    elif result.employee is not None:
        registered_text = texts.REGISTERED.format(name=escape(result.employee.name))
        await show(update, registered_text + "\n\n" + default_notice(context))
        await send_menu(update, context, result.employee, fresh=True)


async def ask_roster(update: Update, context: BotContext, state: FlowState) -> None:
    opd = context.services.catalog.opds.get(state.data.get("opd", ""))
    text = hours_texts.ROSTER_CONFIRM.format(
        name=escape(state.data.get("name", "")),
        opd=escape(opd.name if opd else state.data.get("opd", "")),
    )
    await reply(update, text, hours_keyboards.roster_confirm())


async def on_roster_answer(update: Update, context: BotContext, data: RosterButton) -> None:
    """ "Is this you: <name>, <OPD>?" from the roster."""
    agreed = data.answer == "yes"
    result = await context.services.registration.confirm_roster(user_id(update), agreed)
    if result.outcome is RegistrationOutcome.STALE:
        await expired(update)
    elif result.outcome is RegistrationOutcome.INVALID:
        await show(update, hours_texts.ROSTER_NOT_ME)
    elif result.state is not None:
        await show(update, hours_texts.ROSTER_CONFIRMED)
        await prompt(update, context, result.state)
