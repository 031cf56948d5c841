"""``/start``, ``/batal``, the main menu and registration (the privacy notice -> NIP -> roster
check, or name -> OPD -> confirmation with the optional consent to reminders)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot import texts
from bot.core.callbacks import OpdButton, RegisterButton
from bot.core.flows import Flow
from bot.core.nip import EmployeeKind, sex_digit
from bot.core.telegram_html import escape, single_stops
from bot.services.registration import RegistrationOutcome, RegistrationStep, Result, TelegramUser
from bot.services.review_outcomes import ReviewStatus
from bot.services.trainings import STEP_KEYS, TrainingStep
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import hours as hours_texts
from bot.texts import identity as it
from bot.texts import privacy as privacy_texts
from bot.texts import review as review_texts
from db.models import Employee
from handlers import hours_keyboards as hours_kb
from handlers import keyboards, notice
from handlers.assignments import required_section
from handlers.certificates import VERIFY_PREFIX, verify_code
from handlers.commands import command
from handlers.common import answer_query, api, expired, reply, show, toast, user_id
from handlers.opd_picker import search_opd, send_opd_page
from handlers.profile import show_profile
from handlers.quiz import stop_polls
from handlers.reminders import default_notice
from handlers.spaced_review import cancel_session

STEP_NUMBERS = {step: number for number, (step, _) in enumerate(STEP_KEYS, start=1)}


async def menu_text(context: BotContext, employee: Employee) -> tuple[str, int]:
    """The menu's text, with today's review goal and the streak; and that goal."""
    svc = context.services
    minutes, target = await svc.hours.year_minutes(employee.telegram_id or 0)
    status = await svc.spaced.status(employee.telegram_id or 0)
    scale = svc.settings.scale
    text = texts.MENU.format(
        salutation=texts.SALUTATIONS[sex_digit(employee.nip)],
        name=escape(employee.name),
        year=svc.hours.current_year(),
        time=scale.text(minutes),
        target=scale.jp_text(target),
    )
    text = single_stops(text)  # "M.Si." ends the name and the sentence
    if employee.privacy_version != privacy_texts.NOTICE_VERSION:
        text += privacy_texts.NOTICE_MENU_HINT
    if employee.verified_at is None:
        text += "\n\n" + it.MENU_PENDING
    goal = status.goal if status is not None else 0
    line = review_line(context, status) if status is not None else ""
    return single_stops(text.replace("\n\n", f"\n{line}\n\n", 1) if line else text), goal


def review_line(context: BotContext, status: ReviewStatus) -> str:
    """ "Ulas 5 soal · 🔥 4 hari": today's review goal and the streak."""
    if status.goal > 0:
        return review_texts.MENU_GOAL.format(goal=status.goal, streak=status.streak)
    if status.reviewed_today > 0:
        return review_texts.MENU_DONE.format(streak=status.streak)
    if status.next_day is not None:
        today = context.services.clock().astimezone(context.services.settings.tz).date()
        day = review_texts.day_text(status.next_day, today)
        return review_texts.MENU_NOTHING.format(day=day, streak=status.streak)
    return review_texts.MENU_STREAK_ONLY.format(streak=status.streak) if status.streak else ""


async def send_menu(
    update: Update, context: BotContext, employee: Employee, *, fresh: bool = False
) -> None:
    """Show the main menu; ``fresh`` sends a new message instead of editing a pressed one."""
    text, goal = await menu_text(context, employee)
    learn = await context.services.learning.shortcut(employee.telegram_id or 0)
    required = await required_section(update, context)
    buttons = required.buttons if required is not None else ()
    if required is not None:
        text = f"{required.text}\n\n{text}"
    if fresh:
        await reply(update, text, keyboards.main_menu(goal, learn, buttons))
    else:
        await show(update, text, keyboards.main_menu(goal, learn, buttons))


@command("start", rank=10)
async def start(update: Update, context: BotContext) -> None:
    svc = context.services
    uid = user_id(update)
    if context.args and context.args[0].startswith(VERIFY_PREFIX):  # a certificate's QR code
        await verify_code(update, context, context.args[0].removeprefix(VERIFY_PREFIX))
        return
    employee = await svc.learning.employee(uid)
    state = await svc.registration.state(uid)
    if employee is not None:
        if state is not None and state.flow == Flow.TRAINING and state.data:
            # A /lapor draft is never thrown away unasked.
            step = TrainingStep(state.step)
            where = (
                hours_texts.DRAFT_AT_SUMMARY
                if step is TrainingStep.CONFIRM
                else hours_texts.DRAFT_AT_STEP.format(step=STEP_NUMBERS[step])
            )
            await reply(
                update, hours_texts.DRAFT_OPEN.format(where=where), hours_kb.draft_open(state.token)
            )
            return
        if state is not None:
            await svc.registration.cancel(uid)
        await send_menu(update, context, employee)
        return
    if state is not None and state.flow == Flow.REGISTER:
        await reply(update, texts.REG_RESUME)
        await prompt(update, context, state)
        return
    waiting = await svc.registration.waiting_request(uid)
    state = await svc.registration.begin(uid)
    if waiting is not None:
        await reply(update, it.REQUEST_WAITING.format(id=waiting.id))
    await reply(update, texts.WELCOME)
    await prompt(update, context, state)


@command("batal", rank=90)
async def cancel(update: Update, context: BotContext) -> None:
    """``/batal``: stop the quiz or the review in progress (their open polls are closed) and any
    flow."""
    svc = context.services
    uid = user_id(update)
    abandoned = await svc.quiz.abandon(uid)
    state = await svc.registration.state(uid)
    cancelled = await svc.registration.cancel(uid)
    if state is not None and state.step == RegistrationStep.CONTACT:  # hide the phone button
        await send_reply_keyboard(update, texts.CANCELLED, NO_KEYBOARD)
        return
    if await cancel_session(update, context) and abandoned is None:
        return
    if abandoned is not None:
        await stop_polls(context, abandoned.polls)
        title = abandoned.module.title if abandoned.module else ""
        await reply(update, texts.QUIZ_ABANDONED.format(title=escape(title)))
        return
    await reply(update, texts.CANCELLED if cancelled else texts.NOTHING_TO_CANCEL)


def who(update: Update) -> TelegramUser:
    """The Telegram name and username of the sender, for the reviewing admin."""
    user = update.effective_user
    if user is None:
        return TelegramUser()
    return TelegramUser(user.full_name.strip(), user.username)


async def send_reply_keyboard(update: Update, text: str, keyboard: dict[str, Any]) -> None:
    """A message with a reply keyboard (or ``{"remove_keyboard": True}``), as plain JSON."""
    chat = update.effective_chat
    if chat is None:
        return
    params = {"chat_id": chat.id, "text": text, "parse_mode": "HTML", "reply_markup": keyboard}
    await api(update).call("sendMessage", params)


CONTACT_KEYBOARD = {
    "keyboard": [[{"text": it.BTN_SHARE_CONTACT, "request_contact": True}]],
    "one_time_keyboard": True,
    "resize_keyboard": True,
}
NO_KEYBOARD = {"remove_keyboard": True}


async def prompt(update: Update, context: BotContext, state: FlowState) -> None:
    """Ask for what the current registration step needs."""
    svc = context.services
    if state.step == RegistrationStep.PRIVACY:
        # Before anything personal is asked: the notice, acknowledged with its button.
        text = notice.page_text(svc.settings, 1)
        await reply(update, text, notice.keyboard(1, notice.Reader.REGISTERING))
    elif state.step == RegistrationStep.NIP:
        await reply(update, texts.ASK_NIP)
    elif state.step == RegistrationStep.CONTACT:
        await send_reply_keyboard(update, it.ASK_CONTACT, CONTACT_KEYBOARD)
    elif state.step == RegistrationStep.NAME:
        # Typed as in the SK / MyASN, since it is printed on certificates: the Telegram name is
        # never offered as a default.
        kind = "NI PPPK" if state.data.get("kind") == EmployeeKind.PPPK.value else "NIP"
        await reply(update, texts.ASK_NAME.format(kind=kind))
    elif state.step == RegistrationStep.OPD:
        await send_opd_page(update, context, 0, state.token)
    elif state.step == RegistrationStep.CONSENT:
        opd = svc.catalog.opds.get(state.data.get("opd", ""))
        hidden = state.data.get("roster") and not state.data.get("verified")
        text = texts.CONSENT.format(
            nip=escape(state.data.get("nip", "")),
            name=escape(state.data.get("name", "")),
            opd=it.INSTANSI_HIDDEN if hidden else escape(opd.name if opd else "-"),
        )
        await reply(update, text, keyboards.consent(state.token))
    elif state.step == RegistrationStep.TAKEN:
        await reply(update, it.TAKEN, keyboards.transfer(state.token))
    elif state.step == RegistrationStep.TRANSFER_NAME:
        await reply(update, it.ASK_TRANSFER_NAME)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A text message while registration is under way."""
    svc = context.services
    uid = user_id(update)
    text = update.effective_message.text if update.effective_message else ""
    text = text or ""
    if state.step == RegistrationStep.NIP:
        result = await svc.registration.submit_nip(uid, text)
        await on_nip_result(update, context, result)
    elif state.step == RegistrationStep.NAME:
        result = await svc.registration.submit_name(uid, text)
        if result.outcome is RegistrationOutcome.INVALID:
            await reply(update, texts.NAME_INVALID)
        elif result.state is not None:
            await prompt(update, context, result.state)
    elif state.step == RegistrationStep.TRANSFER_NAME:
        result = await svc.registration.submit_transfer(uid, text, who(update))
        if result.outcome is RegistrationOutcome.INVALID:
            await reply(update, texts.NAME_INVALID)
        else:
            await on_filed(update, result)
    elif state.step == RegistrationStep.OPD:
        await search_opd(update, context, text, state.token)
    elif state.step == RegistrationStep.PRIVACY:
        await reply(update, privacy_texts.READ_NOTICE_FIRST)
        await prompt(update, context, state)
    elif state.step == RegistrationStep.CONTACT:
        await send_reply_keyboard(update, it.CONTACT_WAIT, CONTACT_KEYBOARD)
    else:  # consent and the transfer offer are buttons
        await reply(update, texts.HINT_USE_BUTTONS)
        await prompt(update, context, state)


async def on_nip_result(update: Update, context: BotContext, result: Result) -> None:
    if result.outcome is RegistrationOutcome.INVALID:
        await reply(update, texts.NIP_RETRY.format(reason=escape(result.reason)))
    elif result.outcome is RegistrationOutcome.TAKEN and result.state is not None:
        await reply(update, it.TAKEN, keyboards.transfer(result.state.token))
    elif result.outcome is RegistrationOutcome.UNKNOWN:
        await reply(update, hours_texts.ROSTER_UNKNOWN_REFUSED)
    elif result.outcome is RegistrationOutcome.LIMITED and result.retry_at is not None:
        local = result.retry_at.astimezone(context.services.settings.tz)
        await reply(update, it.LIMITED.format(at=local.strftime("%H.%M")))
    elif result.outcome is RegistrationOutcome.DEACTIVATED:
        await reply(update, it.DEACTIVATED)
    elif result.outcome is RegistrationOutcome.NO_PHONE:
        await reply(update, it.NO_PHONE)
    elif result.state is not None:
        await prompt(update, context, result.state)


async def on_contact(update: Update, context: BotContext, state: FlowState) -> None:
    """A message that is not text while registration is under way: the shared contact."""
    message = update.effective_message
    contact = message.contact if message else None
    if contact is None or state.step != RegistrationStep.CONTACT:
        await reply(update, texts.HINT_NON_TEXT + " " + texts.HINT_USE_BUTTONS_OR_HELP)
        return
    assert message is not None
    result = await context.services.registration.submit_contact(
        user_id(update),
        contact.user_id,
        contact.phone_number,
        forwarded=message.forward_origin is not None,
    )
    if result.outcome is RegistrationOutcome.NOT_OWN_CONTACT:
        await send_reply_keyboard(update, it.CONTACT_NOT_OWN, CONTACT_KEYBOARD)
    elif result.outcome is RegistrationOutcome.PHONE_MISMATCH:
        if result.admin_route:
            await send_reply_keyboard(update, it.CONTACT_MISMATCH, NO_KEYBOARD)
            assert result.state is not None  # the contact step stays, with its token
            token = result.state.token
            await reply(update, it.CONTACT_MISMATCH_ADMIN.strip(), keyboards.admin_route(token))
        else:
            await send_reply_keyboard(
                update, it.CONTACT_MISMATCH + it.CONTACT_MISMATCH_END, NO_KEYBOARD
            )
    elif result.outcome is RegistrationOutcome.STALE:
        await reply(update, texts.BUTTON_EXPIRED)
    elif result.state is not None:
        await send_reply_keyboard(update, it.CONTACT_VERIFIED, NO_KEYBOARD)
        await prompt(update, context, result.state)


async def on_filed(update: Update, result: Result) -> None:
    """A transfer request filed (or not, when the step is gone)."""
    if result.request is None:
        await show(update, texts.BUTTON_EXPIRED)
        return
    template = it.REQUEST_FILED if result.reviewers else it.REQUEST_FILED_NO_REVIEWER
    await show(update, template.format(id=result.request.id))


async def on_opd(update: Update, context: BotContext, data: OpdButton) -> None:
    svc = context.services
    code = data.code
    result = await svc.registration.choose_opd(user_id(update), data.token, code, who(update))
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
    """The consent answer, the admin route, or a transfer."""
    svc = context.services
    if data.action in ("admin", "move"):
        uid = user_id(update)
        if data.action == "admin":
            result = await svc.registration.choose_admin_route(uid, data.token)
        else:
            result = await svc.registration.begin_transfer(uid, data.token)
        if result.state is None:
            await expired(update)
            return
        await answer_query(update)
        await prompt(update, context, result.state)
    else:
        optional = data.action == "yes"
        agreed = data.action != "no"
        await on_consent(update, context, data.token, agreed=agreed, optional=optional)


async def on_consent(
    update: Update, context: BotContext, token: str, *, agreed: bool, optional: bool = True
) -> None:
    """The confirmation: register (with or without the optional messages), or not."""
    svc = context.services
    result = await svc.registration.consent(
        user_id(update), token, agreed, who(update), optional=optional
    )
    if result.outcome is RegistrationOutcome.STALE:
        await expired(update)
    elif result.outcome is RegistrationOutcome.TAKEN:
        await show(update, it.TAKEN)
    elif result.outcome is RegistrationOutcome.DEACTIVATED:
        await show(update, it.DEACTIVATED)
    elif result.outcome is RegistrationOutcome.INVALID:
        await show(update, texts.CONSENT_DECLINED)
    elif result.outcome is RegistrationOutcome.PENDING:
        await on_filed(update, result)
        context.sender.wake()
    elif result.employee is not None:
        employee = result.employee
        name = escape(employee.name)
        salutation = texts.SALUTATIONS[sex_digit(employee.nip)]
        if employee.verified_at is None:
            registered_text = it.REGISTERED_PENDING.format(salutation=salutation, name=name)
            context.sender.wake()  # the reviewers' copies were queued with the account
        else:
            registered_text = texts.REGISTERED.format(salutation=salutation, name=name)
        reminder = default_notice(context) if optional else texts.REGISTERED_QUIET
        await show(update, single_stops(registered_text) + "\n\n" + reminder)
        await send_menu(update, context, employee, fresh=True)
