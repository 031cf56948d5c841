"""``/laporan``: JP reports for admins, in their scope, with XLSX/CSV/PNG exports.

``/laporan [year]`` shows an OPD admin their OPD; a superadmin the province ranking, or one OPD
with ``/laporan <opd code> [year]``. Each button re-checks the role in the service, so a forged
``lap:xlsx:<other opd>:<year>`` gets a refusal, not a file.
"""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import ReportFileButton
from bot.core.telegram_html import escape
from bot.services.reports import RecapView
from bot.telegram.context import BotContext
from bot.texts import documents as labels
from bot.texts import hours as t
from handlers import hours_keyboards as kb
from handlers.commands import CommandScope, command
from handlers.common import answer_query, invalid_button, reply, user_id

MIN_YEAR = 2000
MAX_RANKED = 40
MESSAGE_BUDGET = 4000  # Telegram's 4096 characters, less room for the HTML tags
FILE_NAMES = {"xlsx": "pegawai", "csv": "pegawai", "siasn": "riwayat-kursus", "recap": "rekap-opd"}


def _names(context: BotContext) -> dict[str, str]:
    return {code: opd.name for code, opd in context.services.catalog.opds.items()}


def opd_text(context: BotContext, view: RecapView, opd_code: str) -> str:
    svc = context.services
    row = view.rows[0] if view.rows else None
    if row is None:
        return t.REPORT_EMPTY
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
    names, scale = _names(context), context.services.settings.scale
    lines = [
        t.REPORT_RANK_LINE.format(
            rank=rank,
            opd=escape(names.get(r.opd_code, r.opd_code)),
            percent=f"{r.share * 100:.1f}".replace(".", ","),
            at_target=r.at_target,
            employees=r.employees,
            average=scale.jp_text(r.average_minutes),
        )
        for rank, r in enumerate(view.rows[:MAX_RANKED], start=1)
    ]
    text = t.REPORT_RANKING.format(year=view.year, lines="\n".join(lines) or t.REPORT_EMPTY)
    if not view.rows:
        return text
    employees = sum(r.employees for r in view.rows)
    review = review_text(context, view, employees)
    if len(text) + len(review) > MESSAGE_BUDGET:  # a long ranking: the participation line only
        review = review_text(context, view, employees, with_missed=False)
    return text + review


@command("laporan", rank=120, scope=CommandScope.ADMIN)
async def report(update: Update, context: BotContext) -> None:
    svc = context.services
    uid = user_id(update)
    actor = await svc.reports.actor(uid)
    year = svc.hours.current_year()
    opd_code = None if actor.is_superadmin else actor.opd_code
    for arg in context.args or []:
        if arg.isdigit() and len(arg) == 4 and MIN_YEAR <= int(arg) <= year:
            year = int(arg)
        else:
            opd_code = arg.lower()[:24]
    view = await svc.reports.recap(uid, year, opd_code)
    if opd_code is None:
        await reply(update, ranking_text(context, view), kb.province_report(year))
    else:
        markup = kb.opd_report(opd_code, year, province=actor.is_superadmin)
        await reply(update, opd_text(context, view, opd_code), markup)


async def on_button(update: Update, context: BotContext, data: ReportFileButton) -> None:
    kind, scope, year = data.kind, data.opd, data.year
    opd_code = None if scope == kb.ALL else scope
    svc = context.services
    if not MIN_YEAR <= int(year) <= svc.hours.current_year():
        await invalid_button(update)
        return
    data_file = await svc.reports.file(user_id(update), kind, opd_code, int(year), _names(context))
    chat = update.effective_chat
    if data_file is None or chat is None:
        await invalid_button(update)
        return
    await answer_query(update)
    caption = t.REPORT_FILE_CAPTION.format(what=escape(scope), year=year)
    if kind == "chart":
        await chat.send_photo(data_file, caption=caption)
        return
    extension = "csv" if kind == "csv" else "xlsx"
    await chat.send_document(
        data_file, filename=f"{FILE_NAMES[kind]}-{scope}-{year}.{extension}", caption=caption
    )
