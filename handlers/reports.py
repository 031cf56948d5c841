"""``/laporan``: JP reports for admins, in their scope, with XLSX/CSV/PNG exports.

``/laporan [year]`` shows an OPD admin their OPD; a superadmin the province ranking (with a
button per agency), or one agency with ``/laporan <name or part of it> [year]``, found by the
search of registration (``bot.core.agencies``). Each button re-checks the role in the service,
so a forged ``lap:xlsx:<other opd>:<year>`` gets a refusal, not a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from telegram import Chat, Message, Update

from bot import texts
from bot.core import agencies
from bot.core.callbacks import ReportFileButton, ReportOpdButton
from bot.core.digits import ascii_int
from bot.core.jp import JpScale
from bot.core.telegram_html import escape
from bot.services import Services
from bot.services.reports import RecapView
from bot.telegram.context import BotContext
from bot.texts import assignments as at
from bot.texts import documents as labels
from bot.texts import hours as t
from handlers import hours_keyboards as kb
from handlers.commands import CommandScope, command
from handlers.common import (
    answer_query,
    invalid_button,
    reply,
    resend,
    toast,
    uploading,
    user_id,
)
from handlers.paging import TEXT_LIMIT, clip, fit, shown
from handlers.webapp_buttons import set_app_menu, with_app

MIN_YEAR = 2000
MAX_RANKED = 40
MAX_MATCHES = 8  # agencies offered as buttons for one search
MAX_QUERY = 60
REVIEW_BUDGET = 1500  # characters the review lines may take below the ranking


def _names(context: BotContext) -> dict[str, str]:
    return {code: opd.name for code, opd in context.services.catalog.opds.items()}


def opd_text(context: BotContext, view: RecapView, opd_code: str) -> str:
    svc = context.services
    row = view.rows[0] if view.rows else None
    if row is None:
        name = escape(_names(context).get(opd_code, opd_code))
        return t.REPORT_EMPTY_OPD.format(opd=name, year=view.year)
    scale = svc.settings.scale
    categories = [
        t.JP_LINE.format(
            label=escape(labels.category_name(c) if c else t.JP_EXTERNAL_CATEGORY),
            time=scale.text(minutes),
        )
        for c, minutes in sorted(view.categories.items(), key=lambda i: -i[1])
    ]
    text = t.REPORT_OPD.format(
        opd=escape(_names(context).get(opd_code, opd_code)),
        year=view.year,
        employees=row.employees,
        registered=row.registered,
        verified=row.verified,
        at_target=row.at_target,
        percent=f"{row.share * 100:.1f}".replace(".", ","),
        average=scale.text(row.average_minutes),
        categories=t.JP_BY_CATEGORY.format(lines="\n".join(categories) or "-"),
    )
    return text + review_text(context, view, row.employees) + "\n\n" + t.REPORT_COUNTING


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def review_text(
    context: BotContext, view: RecapView, employees: int, *, with_missed: bool = True
) -> str:
    """Who reviewed in the last 30 days, and the questions missed most (workshop topics)."""
    reviewers = sum(view.reviewers.values())
    share = reviewers / employees * 100 if employees else 0.0
    text = t.REPORT_REVIEWERS.format(
        days=t.REPORT_REVIEW_DAYS,
        reviewers=reviewers,
        employees=employees,
        percent=f"{share:.1f}".replace(".", ","),
    )
    if not with_missed:
        return text
    modules = context.services.catalog.modules
    lines = []
    for rank, missed in enumerate(view.missed, start=1):
        module = modules.get(missed.module_id)
        question = module.question(missed.question_id) if module is not None else None
        lines.append(
            t.REPORT_MISSED_LINE.format(
                rank=rank,
                question=escape(_short(question.question if question else missed.question_id)),
                module=escape(module.title if module else missed.module_id),
                misses=missed.misses,
                answers=missed.answers,
            )
        )
    if lines:
        return text + t.REPORT_MISSED.format(days=t.REPORT_REVIEW_DAYS, lines="\n".join(lines))
    return text + t.REPORT_MISSED_NONE.format(days=t.REPORT_REVIEW_DAYS)


def ranking_text(context: BotContext, view: RecapView) -> str:
    """The ranking, then who reviewed and the questions missed most (only the participation
    line when the ranking is long: the list keeps its room)."""
    tail = ""
    if view.rows:
        employees = sum(r.employees for r in view.rows)
        tail = "\n" + review_text(context, view, employees).strip("\n")
        if shown(tail) > REVIEW_BUDGET:
            tail = "\n" + review_text(context, view, employees, with_missed=False).strip("\n")
    return ranking_page(_names(context), context.services.settings.scale, view, tail)


def ranking_page(names: Mapping[str, str], scale: JpScale, view: RecapView, tail: str = "") -> str:
    """The best OPDs that fit in one message; the rest are counted (all are in the recap);
    ``tail`` after them."""
    lines = [
        t.REPORT_RANK_LINE.format(
            rank=rank,
            opd=escape(clip(names.get(r.opd_code, r.opd_code), 80)),
            percent=f"{r.share * 100:.1f}".replace(".", ","),
            at_target=r.at_target,
            employees=r.employees,
            average=scale.jp_text(r.average_minutes),
        )
        for rank, r in enumerate(view.rows, start=1)
    ]
    if not lines:
        return t.REPORT_RANKING.format(year=view.year, lines=t.REPORT_EMPTY)
    head = t.REPORT_RANKING.format(year=view.year, lines="").rstrip("\n")
    text, _ = fit(
        head,
        lines,
        tail,
        more=lambda n: t.REPORT_RANK_MORE.format(count=n),
        max_items=MAX_RANKED,
    )
    return text


@command("laporan", rank=120, scope=CommandScope.ADMIN)
async def report(update: Update, context: BotContext) -> None:
    """``/laporan [agency name or part of it] [year]``: the name is found by the search of
    registration; several matches are offered as buttons, none gets suggestions."""
    svc = context.services
    uid = user_id(update)
    actor = await svc.reports.actor(uid)
    year = svc.hours.current_year()
    words = []
    for arg in context.args or []:
        number = ascii_int(arg, max_digits=4)
        if number is not None and len(arg) == 4 and MIN_YEAR <= number <= year:
            year = number
        else:
            words.append(arg)
    query = " ".join(words)[:MAX_QUERY]
    if not query:
        await show_report(update, context, None if actor.is_superadmin else actor.opd_code, year)
        return
    opds = svc.catalog.opds
    named = opds.get(query.casefold()) or agencies.exact(opds.values(), query)
    found = [named] if named else agencies.search(opds.values(), query, MAX_MATCHES)
    if not actor.is_superadmin:  # their own agency first; another one is refused by the service
        found = [o for o in found if o.code == actor.opd_code] or found[:1]
    if len(found) == 1:
        await show_report(update, context, found[0].code, year)
    elif found:
        text = t.REPORT_CHOOSE_OPD.format(count=len(found), query=escape(query))
        await reply(update, text, kb.report_choices(found, year))
    else:  # never the text itself into a button: only the codes of the agencies suggested
        close = agencies.suggest(opds.values(), query)
        text = t.REPORT_UNKNOWN_OPD.format(query=escape(query))
        if close:
            text += "\n\n" + t.REPORT_SUGGESTIONS
        await reply(update, text, kb.report_choices(close, year) if close else None)


async def on_opd(update: Update, context: BotContext, data: ReportOpdButton) -> None:
    """An agency picked from the search results or the ranking: its report, as a new message
    (the ranking stays where it was)."""
    svc = context.services
    if data.opd not in svc.catalog.opds or not MIN_YEAR <= data.year <= svc.hours.current_year():
        await invalid_button(update)
        return
    await answer_query(update)
    await show_report(update, context, data.opd, data.year)


async def show_report(update: Update, context: BotContext, opd_code: str | None, year: int) -> None:
    """One agency's report with its exports, or the province ranking (``opd_code`` None)."""
    svc = context.services
    uid = user_id(update)
    view = await svc.reports.recap(uid, year, opd_code)  # checks the role and the scope
    actor = await svc.reports.actor(uid)
    if opd_code is None:
        app_url = svc.settings.webapp_url
        markup = with_app(
            kb.province_report(year, view.rows[:MAX_RANKED], _names(context)), app_url
        )
        text = ranking_text(context, view)
        text += await compliance_text(context, uid, text, opd_code)
        await reply(update, text, markup)
    elif not view.rows:  # an agency nobody of has registered or is listed: nothing to export
        name = escape(_names(context).get(opd_code, opd_code))
        await reply(update, t.REPORT_EMPTY_OPD.format(opd=name, year=year))
    else:
        opd_markup = kb.opd_report(opd_code, year, province=actor.is_superadmin)
        text = opd_text(context, view, opd_code)
        text += await compliance_text(context, uid, text, opd_code)
        await reply(update, text, with_app(opd_markup, svc.settings.webapp_url))
    await set_app_menu(context.bot, uid, svc.settings.webapp_url, admin=True)


async def compliance_text(context: BotContext, uid: int, above: str, opd_code: str | None) -> str:
    """Required learning in the report: those who completed among those assigned, per
    assignment, as many lines as fit under ``above`` (``report assignments`` has them all)."""
    found = await context.services.assignments.compliance_for(uid, opd_code)
    if not found:
        return ""
    lines = [
        at.REPORT_LINE.format(
            title=escape(a.title),
            done=c.completed,
            members=c.members,
            share=f"{c.share():.1%}".replace(".", ","),
            on_time=c.on_time,
            on_time_share=f"{c.on_time_share():.1%}".replace(".", ","),
            overdue=c.overdue,
        )
        for a, c in found
    ]
    budget = TEXT_LIMIT - shown(above) - 2
    text, _count = fit(
        at.REPORT_HEADER.strip(),
        lines,
        more=lambda n: at.REPORT_MORE.format(count=n),
        limit=budget,
    )
    return "\n\n" + text if shown(text) <= budget else ""


async def on_button(update: Update, context: BotContext, data: ReportFileButton) -> None:
    """An export: at most one per user per cooldown; the same data is sent again by its
    Telegram file_id; otherwise built off the event loop (``ReportService.file``)."""
    kind, scope, year = data.kind, data.opd, data.year
    opd_code = None if scope == kb.ALL else scope
    svc = context.services
    uid = user_id(update)
    chat = update.effective_chat
    if not MIN_YEAR <= int(year) <= svc.hours.current_year() or chat is None:
        await invalid_button(update)
        return
    await svc.reports.require(uid, opd_code)
    wait = await svc.files.claim(uid, f"export-{kind}")
    if wait:
        await toast(update, t.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
        return
    await answer_query(update, t.REPORT_BUILDING)
    await send_export(chat, svc, uid, kind, scope, year)


async def send_export(
    chat: Chat, svc: Services, uid: int, kind: str, scope: str, year: int
) -> None:
    """Build one export (or find it unchanged by its fingerprint) and send it to ``chat`` as
    documents, in parts beyond a sheet or Telegram's 50 MB: for the button above and for the
    Mini App's "send to my chat" (``bot.app.webapp_exports``). The role and the scope are
    checked again by the service."""
    opd_code = None if scope == kb.ALL else scope
    digest = await svc.reports.fingerprint(uid, kind, opd_code, year)  # checks the role too
    names = {code: opd.name for code, opd in svc.catalog.opds.items()}
    what = escape(names.get(scope, t.REPORT_ALL_NAME))
    caption = t.REPORT_FILE_CAPTION.format(kind=t.REPORT_FILE_KINDS[kind], what=what, year=year)
    key = f"lap:{kind}:{scope}:{year}"
    cached = await svc.files.cached(uid, key, digest)
    if cached is not None and await resend(chat, cached, caption):
        return
    await uploading(chat, "photo" if kind == "chart" else "document")
    made = await svc.reports.file(uid, kind, opd_code, int(year), names)
    if made is None:
        await chat.send_message(texts.BUTTON_INVALID)
        return
    try:
        parts = len(made.files)
        for number, (filename, content) in enumerate(made.files, start=1):
            if made.split:
                caption = t.REPORT_SPLIT_CAPTION.format(
                    kind=t.REPORT_FILE_KINDS[kind],
                    what=what,
                    year=year,
                    rows=made.rows,
                    parts=parts,
                    part=number,
                )
            if kind == "chart":
                if parts > 1:  # a page of the ranking per image, readable on a phone
                    caption = t.REPORT_CHART_PART.format(
                        kind=t.REPORT_FILE_KINDS[kind],
                        what=what,
                        year=year,
                        part=number,
                        parts=parts,
                    )
                sent = await chat.send_photo(content, caption=caption)
            else:
                sent = await chat.send_document(content, filename=filename, caption=caption)
            if parts == 1:
                await remember_sent(svc, uid, key, digest, sent)
    finally:
        made.discard()


async def remember_sent(svc: Services, owner: int, key: str, digest: str, sent: Message) -> None:
    """Keep the file_id of a file just sent, for ``resend`` while its data is unchanged."""
    if sent.document is not None:
        await svc.files.remember(owner, key, digest, "document", sent.document.file_id)
    elif sent.photo:
        await svc.files.remember(owner, key, digest, "photo", sent.photo[-1].file_id)
