"""``/start``, ``/batal``, the main menu and registration (NIP -> name -> OPD -> consent)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.core.jp import format_jp
from bot.core.nip import EmployeeKind
from bot.core.telegram_html import escape
from bot.services.registration import Outcome, Step
from bot.store.employees import clean_name
from bot.store.sessions import FLOW_REGISTER, FlowState
from bot.texts import hours as hours_texts
from db.models import Employee
from handlers import keyboards, roster_confirm
from handlers.common import expired, reply, services, show, toast, user_id
from handlers.reminders import default_notice


def telegram_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name.strip() if user else ""


async def menu_text(context: ContextTypes.DEFAULT_TYPE, employee: Employee) -> str:
    svc = services(context)
    total = await svc.hours.year_total(employee.id)
    return texts.MENU.format(
        name=escape(employee.name),
        year=svc.hours.current_year(),
        jp=format_jp(total),
        target=format_jp(svc.settings.jp_target),
    )


async def send_menu(
    update: Update, context: ContextTypes.DEFAULT_TYPE, employee: Employee, *, fresh: bool = False
) -> None:
    """Show the main menu; ``fresh`` sends a new message instead of editing a pressed one."""
    text = await menu_text(context, employee)
    if fresh:
        await reply(update, text, keyboards.main_menu())
    else:
        await show(update, text, keyboards.main_menu())


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    uid = user_id(update)
    employee = await svc.learning.employee(uid)
    state = await svc.registration.state(uid)
    if employee is not None:
        if state is not None:
            await svc.registration.cancel(uid)
        await send_menu(update, context, employee)
        return
    if state is not None and state.flow == FLOW_REGISTER:
        await reply(update, texts.REG_RESUME)
        await prompt(update, context, state)
        return
    await svc.registration.begin(uid)
    await reply(update, texts.WELCOME)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    cancelled = await services(context).registration.cancel(user_id(update))
    await reply(update, texts.CANCELLED if cancelled else texts.NOTHING_TO_CANCEL)


async def prompt(update: Update, context: ContextTypes.DEFAULT_TYPE, state: FlowState) -> None:
    """Ask for what the current registration step needs."""
    svc = services(context)
    if state.step == Step.NIP:
        await reply(update, texts.ASK_NIP)
    elif state.step == Step.ROSTER:
        await roster_confirm.ask(update, context, state)
    elif state.step == Step.NAME:
        kind = state.data.get("kind", EmployeeKind.PNS.value)
        suggestion = clean_name(telegram_name(update))
        markup = keyboards.use_name(suggestion) if suggestion else None
        await reply(update, texts.ASK_NAME.format(kind=kind), markup)
    elif state.step == Step.OPD:
        await send_opd_page(update, context, 0)
    elif state.step == Step.CONSENT:
        opd = svc.catalog.opds.get(state.data.get("opd", ""))
        text = texts.CONSENT.format(
            nip=escape(state.data.get("nip", "")),
            name=escape(state.data.get("name", "")),
            opd=escape(opd.name if opd else "-"),
        )
        await reply(update, text, keyboards.consent())


async def send_opd_page(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> None:
    result = services(context).registration.opd_page(page)
    text = f"{texts.ASK_OPD}\n\n{texts.OPD_PAGE.format(page=result.page + 1, pages=result.pages)}"
    await show(update, text, keyboards.opd_page(result))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, state: FlowState) -> None:
    """A text message while registration is under way."""
    svc = services(context)
    uid = user_id(update)
    text = update.effective_message.text if update.effective_message else ""
    text = text or ""
    if state.step == Step.NIP:
        result = await svc.registration.submit_nip(uid, text)
        if result.outcome is Outcome.INVALID:
            await reply(update, texts.NIP_RETRY.format(reason=escape(result.reason)))
        elif result.outcome is Outcome.TAKEN:
            await reply(update, texts.NIP_TAKEN)
        elif result.outcome is Outcome.UNKNOWN:
            await reply(update, hours_texts.ROSTER_UNKNOWN_REFUSED)
        elif result.state is not None:
            await prompt(update, context, result.state)
    elif state.step == Step.NAME:
        result = await svc.registration.submit_name(uid, text)
        if result.outcome is Outcome.INVALID:
            await reply(update, texts.NAME_INVALID)
        elif result.state is not None:
            await prompt(update, context, result.state)
    elif state.step == Step.OPD:
        await search_opd(update, context, text)
    else:  # consent is a button
        await reply(update, texts.HINT_USE_BUTTONS)
        await prompt(update, context, state)


async def search_opd(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    result = services(context).registration.opd_search(query[:60])
    if not result.items:
        text = texts.OPD_NOT_FOUND.format(query=escape(query[:60]))
    else:
        text = texts.OPD_SEARCH_RESULT.format(query=escape(query[:60]), count=len(result.items))
    await reply(update, text, keyboards.opd_page(result))


async def on_use_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    result = await svc.registration.submit_name(user_id(update), telegram_name(update))
    if result.outcome is Outcome.STALE:
        await expired(update)
    elif result.outcome is Outcome.INVALID:
        await toast(update, texts.NAME_INVALID)
    elif result.state is not None:
        await prompt(update, context, result.state)


async def on_opd_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = await services(context).registration.state(user_id(update))
    if state is None or state.step != Step.OPD:
        await expired(update)
        return
    assert context.matches is not None
    await send_opd_page(update, context, int(context.matches[0].group(1)))


async def on_opd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    assert context.matches is not None
    code = context.matches[0].group(1)
    result = await svc.registration.choose_opd(user_id(update), code)
    if result.outcome is Outcome.INVALID:
        await toast(update, texts.BUTTON_INVALID)
    elif result.outcome is not Outcome.OK:
        await expired(update)
    elif result.employee is not None:  # a profile edit
        from handlers.profile import show_profile

        await show_profile(update, context, result.employee, toast_text=texts.PROFILE_SAVED)
    elif result.state is not None:
        opd = svc.catalog.opds[code]
        await show(update, f"✅ {escape(opd.name)}")
        await prompt(update, context, result.state)


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.matches is not None
    agreed = context.matches[0].group(1) == "yes"
    result = await services(context).registration.consent(user_id(update), agreed)
    if result.outcome is Outcome.STALE:
        await expired(update)
    elif result.outcome is Outcome.TAKEN:
        await show(update, texts.NIP_TAKEN)
    elif result.outcome is Outcome.INVALID:
        await show(update, texts.CONSENT_DECLINED)
    elif result.employee is not None:
        registered_text = texts.REGISTERED.format(name=escape(result.employee.name))
        await show(update, registered_text + "\n\n" + default_notice(context))
        await send_menu(update, context, result.employee, fresh=True)
