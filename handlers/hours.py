"""``/jp``: this year's competency hours against the target, and earlier years on request."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.jp import format_jp, percent, progress_bar
from bot.services.hours import HoursView
from bot.telegram_html import escape
from handlers import keyboards
from handlers.common import answer_query, reply, services, show, user_id

MAX_ITEMS = 25
MIN_YEAR = 2000


def hours_text(view: HoursView, jp_minutes: int) -> str:
    items = []
    for entry in view.entries[:MAX_ITEMS]:
        day = entry.ended_on
        items.append(
            texts.JP_ITEM.format(
                date=f"{day.day} {texts.MONTHS[day.month - 1]}",
                title=escape(entry.title),
                jp=format_jp(entry.jp_centi),
            )
        )
    if len(view.entries) > MAX_ITEMS:
        items.append(texts.JP_MORE_ITEMS.format(count=len(view.entries) - MAX_ITEMS))
    if view.missing <= 0:
        remaining = texts.JP_REACHED
    elif view.days_left is not None:
        remaining = texts.JP_REMAINING.format(missing=format_jp(view.missing), days=view.days_left)
    else:
        remaining = texts.JP_REMAINING_PAST_YEAR.format(missing=format_jp(view.missing))
    return texts.JP_SUMMARY.format(
        year=view.year,
        bar=progress_bar(view.total, view.target),
        percent=percent(view.total, view.target),
        total=format_jp(view.total),
        target=format_jp(view.target),
        minutes=int(view.total * jp_minutes),
        jp_minutes=jp_minutes,
        remaining=remaining,
        items="\n".join(items) if items else texts.JP_NO_ITEMS,
    )


async def _render(update: Update, context: ContextTypes.DEFAULT_TYPE, year: int | None) -> None:
    svc = services(context)
    view = await svc.hours.view(user_id(update), year)
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    await show(update, hours_text(view, svc.settings.jp_minutes), keyboards.years(view.other_years))


async def hours(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    year = None
    if context.args:
        arg = context.args[0]
        current = services(context).hours.current_year()
        if not arg.isdigit() or not MIN_YEAR <= int(arg) <= current:
            await reply(update, texts.JP_YEAR_INVALID)
            return
        year = int(arg)
    await _render(update, context, year)


async def on_year(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.matches is not None
    year = int(context.matches[0].group(1))
    current = services(context).hours.current_year()
    if not MIN_YEAR <= year <= current:
        await answer_query(update, texts.BUTTON_INVALID)
        return
    await _render(update, context, year)
