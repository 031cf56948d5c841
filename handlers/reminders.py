"""``/pengingat``: see and change the daily learning reminder."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.core.callbacks import ReminderButton
from bot.core.digits import ascii_int
from bot.core.schedule import QuietHours, parse_clock_time
from bot.core.telegram_html import escape
from bot.services.reminders import PAUSE_CHOICES, ReminderView, TimeOutcome
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import reminders as t
from handlers import keyboards
from handlers.commands import command
from handlers.common import answer_query, expired, reply, show, toast, user_id


def clock_text(at: time) -> str:
    """Indonesian spelling of a time: 19.30."""
    return f"{at.hour:02d}.{at.minute:02d}"


def zone_name(tz: tzinfo, moment: datetime) -> str:
    return moment.astimezone(tz).tzname() or str(tz)


def when_text(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return t.DATE_TIME.format(
        weekday=t.WEEKDAYS[local.weekday()],
        day=local.day,
        month=t.MONTHS_LONG[local.month - 1],
        year=local.year,
        time=clock_text(local.time()),
        zone=zone_name(tz, local),
    )


def settings_text(context: BotContext, view: ReminderView) -> str:
    svc = context.services
    tz = svc.settings.tz
    now = svc.clock()
    zone = zone_name(tz, now)
    days = t.DAYS_WEEKDAYS if view.weekdays_only else t.DAYS_EVERY
    next_text = when_text(view.next_due_at, tz) if view.next_due_at else "—"
    if not view.enabled:
        state = t.STATE_OFF
    elif view.quiet:
        state = t.STATE_QUIET.format(at=clock_text(view.at), zone=zone)
    elif view.paused_until is not None:
        state = t.STATE_PAUSED.format(
            until=when_text(view.paused_until, tz),
            days=days,
            at=clock_text(view.at),
            zone=zone,
            next=next_text,
        )
    else:
        state = t.STATE_ON.format(days=days, at=clock_text(view.at), zone=zone, next=next_text)
    quiet_start, quiet_end = svc.settings.quiet_hours
    return t.SETTINGS.format(
        state=state,
        how=t.HOW_TYPE if view.typing else t.HOW_BUTTON,
        quiet_start=clock_text(quiet_start),
        quiet_end=clock_text(quiet_end),
    )


def presets(context: BotContext) -> tuple[str, ...]:
    """The preset times outside quiet hours (the deployer may have widened them)."""
    quiet = QuietHours(*context.services.settings.quiet_hours)
    return tuple(p for p in keyboards.REMINDER_PRESETS if not quiet.contains(parse_clock_time(p)))


def panel(context: BotContext, view: ReminderView) -> InlineKeyboardMarkup:
    return keyboards.reminder_settings(view, presets(context))


@command("pengingat", rank=50)
async def reminders(update: Update, context: BotContext) -> None:
    view = await context.services.reminders.view(user_id(update))
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    await show(update, settings_text(context, view), panel(context, view))


def looks_like_a_time(text: str) -> bool:
    """Typed at the open panel: a try at a time (answered, even if wrong), or something else."""
    return len(text.strip()) <= 12 and any(c.isdigit() for c in text)


async def on_button(update: Update, context: BotContext, data: ReminderButton) -> None:
    action, value = data.action, data.value or ""
    svc = context.services.reminders
    uid = user_id(update)
    view: ReminderView | None
    if action == "show":
        await reminders(update, context)
        return
    if action == "other":
        if not await svc.begin_typing(uid):
            await show(update, texts.NEED_REGISTRATION)
            return
        await answer_query(update)
        await reply(update, t.ASK_TIME)
        return
    if action == "t":
        preset = f"{value[:2]}:{value[2:]}"
        if preset not in keyboards.REMINDER_PRESETS:
            await expired(update)  # forged: only the preset buttons carry a time
            return
        if preset not in presets(context):  # an old panel's preset, now in quiet hours
            await toast(update, quiet_text(context, parse_clock_time(preset)))
            return
        view = await svc.set_time(uid, parse_clock_time(preset))
    elif action == "pause":
        days = ascii_int(value, max_digits=2) or 0
        if days not in PAUSE_CHOICES:
            await expired(update)
            return
        view = await svc.pause(uid, days)
    elif action == "days":
        if value not in ("wd", "all"):
            await expired(update)
            return
        view = await svc.set_weekdays_only(uid, value == "wd")
    else:
        view = await svc.set_enabled(uid, action == "on")
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    await show(update, settings_text(context, view), panel(context, view), toast=t.SAVED)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A typed reminder time."""
    message = update.effective_message
    text = (message.text if message else "") or ""
    svc = context.services
    outcome, view = await svc.reminders.submit_time(user_id(update), text)
    if outcome is TimeOutcome.INVALID:
        await reply(update, t.TIME_INVALID.format(text=escape(text.strip()[:20])))
        return
    if outcome is TimeOutcome.QUIET:
        await reply(update, quiet_text(context, parse_clock_time(text)))
        return
    if view is None:
        await reply(update, texts.NEED_REGISTRATION)
        return
    zone = zone_name(svc.settings.tz, svc.clock())
    await reply(update, t.SAVED_TIME.format(at=clock_text(view.at), zone=zone))
    await reply(update, settings_text(context, view), panel(context, view))


def quiet_text(context: BotContext, at: time) -> str:
    quiet_start, quiet_end = context.services.settings.quiet_hours
    return t.TIME_QUIET.format(
        at=clock_text(at), quiet_start=clock_text(quiet_start), quiet_end=clock_text(quiet_end)
    )


def default_notice(context: BotContext) -> str:
    """Told once, at registration: the default reminder and how to change it."""
    svc = context.services
    return t.DEFAULT_SET.format(
        at=clock_text(svc.settings.reminder_default_time),
        zone=zone_name(svc.settings.tz, svc.clock()),
    )
