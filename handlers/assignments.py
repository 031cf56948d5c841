"""Required learning: the "📌 Wajib" section learners see, and ``/tugas`` for admins (the list
with progress, one assignment's page, cancel after a confirmation, extend, the overdue export).
An OPD admin's view of a superadmin's assignment is read-only. The guided creation and the
typed input of /tugas's flow are in ``handlers/assignment_drafts.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, Update

from bot.core.callbacks import AssignmentButton
from bot.core.telegram_html import escape
from bot.delivery.renderers.assignments import day_text, open_button, when_text
from bot.documents.spreadsheets import Column, ColumnKind, to_csv, to_xlsx
from bot.services.assignments import ChangeOutcome, Counts, OverdueRow, Summary
from bot.store.audience import Audience
from bot.telegram.context import BotContext
from bot.texts import assignments as t
from handlers.assignment_drafts import show_step
from handlers.assignment_views import MAX_LISTED, audience_text, recurrence_text
from handlers.commands import CommandScope, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.keyboards import button, markup
from handlers.paging import fit

MAX_REQUIRED_LINES = 5
MAX_REQUIRED_BUTTONS = 3


# --- learners --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RequiredSection:
    """The "📌 Wajib" section above /belajar and the main menu: its text and buttons."""

    text: str
    buttons: tuple[InlineKeyboardButton, ...] = ()


async def required_section(update: Update, context: BotContext) -> RequiredSection | None:
    svc = context.services
    items = await svc.assignments.for_learner(user_id(update))
    if not items:
        return None
    today = svc.assignments.today()
    lines = [t.REQUIRED_HEADER]
    for item in items[:MAX_REQUIRED_LINES]:
        icon = "✅" if item.status.done else "📌"
        lines.append(
            t.REQUIRED_LINE.format(icon=icon, title=escape(item.title), when=when_text(item, today))
        )
    if len(items) > MAX_REQUIRED_LINES:
        lines.append(t.REQUIRED_MORE.format(count=len(items) - MAX_REQUIRED_LINES))
    buttons = tuple(
        button(t.BTN_REQUIRED.format(title=item.title), open_button(item))
        for item in items
        if not item.status.done
    )[:MAX_REQUIRED_BUTTONS]
    return RequiredSection("\n".join(lines), buttons)


# --- /tugas: the list and one assignment -----------------------------------------------------
@command("tugas", rank=135, scope=CommandScope.ADMIN)
async def assignments(update: Update, context: BotContext) -> None:
    await _list(update, context)


async def _list(update: Update, context: BotContext) -> None:
    _actor, summaries = await context.services.assignments.listing(user_id(update))
    lines = [
        t.LIST_LINE.format(
            number=number,
            title=escape(item.assignment.title),
            audience=audience_text(context, Audience.from_json(item.assignment.audience)),
            due=day_text(item.assignment.due_on),
            recurrence=recurrence_text(item.assignment.recurrence_months),
            members=item.counts.members,
            done=item.counts.completed,
            on_time=item.counts.on_time,
            progress=item.counts.in_progress,
            not_started=item.counts.not_started,
            overdue=item.counts.overdue,
            orphan="" if item.creator_is_admin else t.LIST_ORPHAN,
            read_only="" if item.editable else t.LIST_READ_ONLY,
        )
        for number, item in enumerate(summaries, start=1)
    ]
    head = t.LIST_HEADER.format(count=len(summaries))
    if not summaries:
        head = f"{head}\n\n{t.LIST_EMPTY}"
    text, shown_count = fit(
        head, lines, more=lambda n: t.LIST_MORE.format(count=n), max_items=MAX_LISTED
    )
    rows = [[button(t.BTN_NEW, AssignmentButton("new"))]]
    for number, item in enumerate(summaries[:shown_count], start=1):
        label = t.BTN_OPEN.format(number=number, title=item.assignment.title)
        rows.append([button(label, AssignmentButton("open", item.assignment.id))])
    await show(update, text, markup(rows))


def _counts_text(counts: Counts) -> dict[str, int]:
    return {
        "members": counts.members,
        "done": counts.completed,
        "on_time": counts.on_time,
        "late": counts.late,
        "progress": counts.in_progress,
        "not_started": counts.not_started,
        "overdue": counts.overdue,
    }


async def _detail(update: Update, context: BotContext, summary: Summary) -> None:
    a = summary.assignment
    creator = str(a.created_by) + ("" if summary.creator_is_admin else t.LIST_ORPHAN.strip())
    text = t.DETAIL.format(
        title=escape(a.title),
        audience=audience_text(context, Audience.from_json(a.audience)),
        due=day_text(a.due_on),
        recurrence=recurrence_text(a.recurrence_months),
        join_days=a.join_days,
        creator=escape(creator),
        **_counts_text(summary.counts),
    )
    rows = [
        [
            button(t.BTN_EXPORT_XLSX, AssignmentButton("xlsx", a.id)),
            button(t.BTN_EXPORT_CSV, AssignmentButton("csv", a.id)),
        ]
    ]
    if summary.editable:
        rows.append([button(t.BTN_EXTEND, AssignmentButton("extend", a.id))])
        rows.append([button(t.BTN_CANCEL, AssignmentButton("cancel", a.id))])
    else:
        text += t.DETAIL_READ_ONLY
    rows.append([button(t.BTN_BACK_LIST, AssignmentButton("list"))])
    await show(update, text, markup(rows))


async def on_button(update: Update, context: BotContext, data: AssignmentButton) -> None:
    svc = context.services
    uid = user_id(update)
    if data.action == "list":
        await _list(update, context)
        return
    if data.action == "new":
        view = await svc.assignment_drafts.begin(uid)
        await show_step(update, context, view)
        return
    if data.assignment is None:
        await toast(update, t.NOT_FOUND)
        return
    if data.action == "open":
        summary = await svc.assignments.detail(uid, data.assignment)
        if summary is None:
            await toast(update, t.NOT_FOUND)
            return
        await _detail(update, context, summary)
    elif data.action == "cancel":  # ask first; the answer is "cancelok"
        summary = await svc.assignments.detail(uid, data.assignment)
        if summary is None:
            await toast(update, t.NOT_FOUND)
        elif not summary.editable:
            await toast(update, t.READ_ONLY)
        elif summary.assignment.status != "active":
            await toast(update, t.ALREADY_CANCELLED)
        else:
            text = t.ASK_CANCEL.format(
                title=escape(summary.assignment.title), members=summary.counts.members
            )
            rows = [
                [button(t.BTN_CANCEL_YES, AssignmentButton("cancelok", data.assignment))],
                [button(t.BTN_CANCEL_NO, AssignmentButton("open", data.assignment))],
            ]
            await show(update, text, markup(rows))
    elif data.action == "cancelok":
        outcome, title = await svc.assignments.cancel(uid, data.assignment)
        if outcome is ChangeOutcome.NOT_FOUND:
            await toast(update, t.NOT_FOUND)
        elif outcome is ChangeOutcome.ALREADY_CANCELLED:
            await toast(update, t.ALREADY_CANCELLED)
        else:
            await show(update, t.CANCELLED.format(title=escape(title)))
    elif data.action == "extend":
        summary = await svc.assignments.detail(uid, data.assignment)
        if summary is None:
            await toast(update, t.NOT_FOUND)
            return
        if not summary.editable:
            await toast(update, t.READ_ONLY)
            return
        await svc.assignment_drafts.begin_extend(uid, data.assignment)
        await answer_query(update)
        await reply(update, t.ASK_EXTEND.format(due=day_text(summary.assignment.due_on)))
    else:
        await _export(update, context, data.assignment, data.action)


OVERDUE_COLUMNS = (
    Column("nip", "NIP"),
    Column("name", "Nama"),
    Column("opd_code", "Kode OPD"),
    Column("opd_name", "Instansi"),
    Column("unit_kerja", "Unit kerja"),
    Column("due_on", "Tenggat", ColumnKind.DATE),
    Column("days_late", "Hari terlambat", ColumnKind.INTEGER),
)


def overdue_table(rows: Sequence[OverdueRow]) -> list[dict[str, object]]:
    return [
        {
            "nip": r.nip,
            "name": r.name,
            "opd_code": r.opd_code,
            "opd_name": r.opd_name,
            "unit_kerja": r.unit_kerja,
            "due_on": r.due_on,
            "days_late": r.days_late,
        }
        for r in rows
    ]


async def _export(update: Update, context: BotContext, assignment_id: int, kind: str) -> None:
    title, rows = await context.services.assignments.overdue(user_id(update), assignment_id)
    if not title:
        await toast(update, t.NOT_FOUND)
        return
    if not rows:
        await toast(update, t.EXPORT_EMPTY)
        return
    await answer_query(update)
    table = overdue_table(rows)
    if kind == "xlsx":
        content = to_xlsx(OVERDUE_COLUMNS, table, sheet_title="Terlambat", with_totals=False)
    else:
        content = to_csv(OVERDUE_COLUMNS, table)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(
            content,
            filename=f"terlambat-{assignment_id}.{kind}",
            caption=t.EXPORT_CAPTION.format(title=title[:200], count=len(rows)),
        )
