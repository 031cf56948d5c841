"""``/jp``: this year's competency hours against the target, and earlier years on request."""

from __future__ import annotations

import math

from telegram import Update

from bot import texts
from bot.core.callbacks import HoursFileButton, MenuButton, YearButton
from bot.core.digits import ascii_int
from bot.core.jp import percent, progress_bar
from bot.core.telegram_html import escape
from bot.services import hours_files
from bot.services.hours import HoursView
from bot.telegram.context import BotContext
from bot.texts import documents as labels
from bot.texts import hours as ht
from bot.texts import identity as it
from bot.texts import webapp as wt
from handlers import hours_keyboards, keyboards
from handlers.commands import command
from handlers.common import (
    answer_query,
    remember,
    reply,
    resend,
    show,
    toast,
    uploading,
    user_id,
)
from handlers.paging import TEXT_LIMIT, clip, fit, shown
from handlers.webapp_buttons import with_app

MAX_ITEMS = 25
MAX_TITLE = 120  # characters of a title in the list (the transcript has it whole)
MIN_YEAR = 2000


def hours_text(view: HoursView) -> str:
    """The year on one screen, within Telegram's 4,096 characters whatever the titles: the
    newest activities that fit, then how many more there are (all are in the transcript)."""
    scale = view.scale
    items = [
        texts.JP_ITEM.format(
            date=f"{entry.ended_on.day} {texts.MONTHS[entry.ended_on.month - 1]}",
            title=escape(clip(entry.title, MAX_TITLE)),
            time=scale.text(entry.minutes),
        )
        for entry in view.entries
    ]
    if view.missing <= 0:
        remaining = texts.JP_REACHED
    elif view.days_left is not None:
        remaining = texts.JP_REMAINING.format(missing=scale.text(view.missing), days=view.days_left)
    else:
        remaining = texts.JP_REMAINING_PAST_YEAR.format(missing=scale.text(view.missing))

    def summary(lines: str) -> str:
        return texts.JP_SUMMARY.format(
            year=view.year,
            bar=progress_bar(view.minutes, view.target_minutes),
            percent=percent(view.minutes, view.target_minutes),
            total=scale.text(view.minutes),
            target=scale.jp_text(view.target_minutes),
            jp_minutes=scale.minutes_per_jp,
            remaining=remaining,
            items=lines,
        )

    # Recorded, but in no official total yet: said first.
    pending = it.PENDING_NOTE + "\n\n" if view.employee.verified_at is None else ""
    if not items:
        return pending + summary(texts.JP_NO_ITEMS)
    detail = detail_text(view)
    room = TEXT_LIMIT - shown(pending) - shown(summary("")) - shown(detail)
    more = texts.JP_MORE_ITEMS.format
    listed, _ = fit("", items, more=lambda n: more(count=n), limit=room, max_items=MAX_ITEMS)
    return pending + summary(listed.lstrip("\n")) + detail


def detail_text(view: HoursView) -> str:
    """Module vs verified outside time, then the year per month and per competency category."""
    scale = view.scale
    module, external = hours_files.by_source(view)
    months = [
        ht.JP_LINE.format(label=texts.MONTHS[m - 1], time=scale.text(minutes))
        for m, minutes in hours_files.by_month(view).items()
    ]
    categories = [
        ht.JP_LINE.format(
            label=escape(labels.category_name(c) if c else ht.JP_EXTERNAL_CATEGORY),
            time=scale.text(minutes),
        )
        for c, minutes in sorted(hours_files.by_category(view).items(), key=lambda i: -i[1])
    ]
    return "\n\n" + "\n\n".join(
        [
            ht.JP_SOURCES.format(module=scale.text(module), external=scale.text(external)),
            ht.JP_BY_MONTH.format(lines="\n".join(months)),
            ht.JP_BY_CATEGORY.format(lines="\n".join(categories)),
        ]
    )


async def _render(update: Update, context: BotContext, year: int | None) -> None:
    svc = context.services
    view = await svc.hours.view(user_id(update), year)
    if view is None:
        await show(update, texts.NEED_REGISTRATION)
        return
    years = keyboards.years(view.other_years)
    rows = [
        hours_keyboards.jp_files(view.year),
        *(years.inline_keyboard if years else ()),
        [keyboards.button(texts.BTN_CERTIFICATES, MenuButton("cert")), *keyboards.home()],
    ]
    markup = with_app(keyboards.markup(rows), svc.settings.webapp_url, wt.BTN_MY_DASHBOARD)
    await show(update, hours_text(view), markup)


@command("jp", rank=30)
async def hours(update: Update, context: BotContext) -> None:
    year = None
    if context.args:
        arg = context.args[0]
        current = context.services.hours.current_year()
        number = ascii_int(arg, max_digits=4)  # "²⁰²⁶".isdigit() is True, int() refuses it
        if number is None or not MIN_YEAR <= number <= current:
            await reply(update, texts.JP_YEAR_INVALID)
            return
        year = number
    await _render(update, context, year)


async def on_year(update: Update, context: BotContext, data: YearButton) -> None:
    year = data.year
    current = context.services.hours.current_year()
    if not MIN_YEAR <= year <= current:
        await answer_query(update, texts.BUTTON_INVALID)
        return
    await _render(update, context, year)


async def on_files(update: Update, context: BotContext, data: HoursFileButton) -> None:
    """The chart (a photo) or the transcript (a PDF) of the caller's own year; the year in the
    button is checked, and whose hours they are comes from the caller, never from the button.
    One press per user and kind per cooldown; the same data is sent again by its file_id."""
    kind, year = data.kind, data.year
    svc = context.services
    uid = user_id(update)
    if not MIN_YEAR <= year <= svc.hours.current_year():
        await answer_query(update, texts.BUTTON_INVALID)
        return
    view = await svc.hours.view(uid, year)
    chat = update.effective_chat
    if view is None or chat is None:
        await answer_query(update, texts.NEED_REGISTRATION)
        return
    wait = await svc.files.claim(uid, f"jp-{kind}")
    if wait:
        await toast(update, ht.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
        return
    today = svc.clock().astimezone(svc.settings.tz).date()
    opd = svc.catalog.opds.get(view.employee.opd_code)
    opd_name = opd.name if opd else view.employee.opd_code
    code = ""
    if kind != "chart":  # a transcript carries a verification code: verified accounts only
        fields = hours_files.transcript_fields(view, opd_name, today)
        code = await svc.certificates.transcript_code(uid, fields)
    digest = hours_files.fingerprint(view, kind, opd_name, today)
    if kind == "chart":
        caption = ht.CHART_CAPTION.format(year=year, target=view.scale.jp_text(view.target_minutes))
    else:
        caption = ht.TRANSCRIPT_CAPTION.format(year=year)
    key = f"jp:{kind}:{year}"
    cached = await svc.files.cached(uid, key, digest)
    await answer_query(update)
    if cached is not None and await resend(chat, cached, caption):
        return
    await uploading(chat, "photo" if kind == "chart" else "document")
    if kind == "chart":
        png = await hours_files.chart_png(view, today)
        sent = await chat.send_photo(png, caption=caption)
    else:
        pdf = await hours_files.transcript_pdf(
            view, opd_name, today, code=code, bot_username=context.bot.username or ""
        )
        sent = await chat.send_document(pdf, filename=f"transkrip-jp-{year}.pdf", caption=caption)
    await remember(context, uid, key, digest, sent)
