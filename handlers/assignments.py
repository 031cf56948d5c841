"""Required learning: the "📌 Wajib" section learners see, and ``/tugas`` for admins (the list
with progress, one assignment's page, cancel after a confirmation, extend, the overdue export,
and the guided creation: what, who with a live count, due date, recurrence, join days,
preview, confirm). An OPD admin's view of a superadmin's assignment is read-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import texts
from bot.core.assignments import parse_due
from bot.core.callbacks import AssignDraftButton, AssignmentButton
from bot.core.telegram_html import escape
from bot.delivery.renderers.assignments import day_text, open_button, when_text
from bot.documents.spreadsheets import Column, ColumnKind, to_csv, to_xlsx
from bot.services.assignment_drafts import AssignDraft, DraftView, Outcome, Step
from bot.services.assignments import ChangeOutcome, Counts, OverdueRow, Summary
from bot.store.audience import Audience
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import assignments as t
from handlers.commands import CommandScope, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.keyboards import button, markup
from handlers.paging import fit

MAX_LISTED = 10
MAX_REQUIRED_LINES = 5
MAX_REQUIRED_BUTTONS = 3
MODULES_PER_PAGE = 8


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
            recurrence=_recurrence(item.assignment.recurrence_months),
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


def _recurrence(months: int | None) -> str:
    return t.RECURRENCE.format(months=months) if months else ""


def audience_text(context: BotContext, audience: Audience) -> str:
    catalog = context.services.catalog
    parts = []
    if audience.opd is not None:
        opd = catalog.opds.get(audience.opd)
        parts.append(t.AUD_OPD.format(opd=escape(opd.name if opd else audience.opd)))
    for template, value in (
        (t.AUD_UNIT, audience.unit_kerja),
        (t.AUD_JABATAN, audience.jabatan),
        (t.AUD_GOLONGAN, audience.golongan),
        (t.AUD_KIND, audience.kind),
    ):
        if value is not None:
            parts.append(template.format(value=escape(value)))
    return ", ".join(parts) if parts else t.AUD_ALL


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
        recurrence=_recurrence(a.recurrence_months),
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
        await _step(update, context, view)
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


# --- the guided creation ---------------------------------------------------------------------
def _what_text(context: BotContext, draft: AssignDraft) -> str:
    catalog = context.services.catalog
    if draft.target_kind == "path" and draft.target_id:
        path = catalog.path(draft.target_id)
        if path is not None:
            return t.WHAT_PATH.format(title=escape(path.title), count=len(path.modules))
    if draft.target_id:
        module = catalog.module(draft.target_id)
        if module is not None:
            return t.WHAT_MODULE.format(title=escape(module.title))
    return ""


def _what_keyboard(context: BotContext, token: str, page: int) -> InlineKeyboardMarkup:
    catalog = context.services.catalog
    rows = [
        [button(t.BTN_WHAT_PATH.format(title=p.title), AssignDraftButton(token, "what", p.id, "p"))]
        for p in list(catalog.paths.values())[:MAX_LISTED]
    ]
    modules = catalog.ordered()
    start = page * MODULES_PER_PAGE
    for module in modules[start : start + MODULES_PER_PAGE]:
        label = t.BTN_WHAT_MODULE.format(title=module.title)
        rows.append([button(label, AssignDraftButton(token, "what", module.id, "m"))])
    following = page + 1 if start + MODULES_PER_PAGE < len(modules) else 0
    rows.append(
        [
            button(t.BTN_WHAT_PAGE, AssignDraftButton(token, "page", None, str(following))),
            button(t.BTN_DISCARD, AssignDraftButton(token, "x")),
        ]
    )
    return markup(rows)


async def _step(update: Update, context: BotContext, view: DraftView, page: int = 0) -> None:
    draft = view.draft
    if draft is None or view.actor is None or view.outcome is Outcome.STALE:
        await show(update, t.STALE)
        return
    token = draft.token
    discard = button(t.BTN_DISCARD, AssignDraftButton(token, "x"))
    if view.step == Step.WHAT:
        await show(update, t.STEP_WHAT, _what_keyboard(context, token, page))
    elif view.step == Step.WHO:
        audience = draft.audience
        kind_next = {None: "PNS", "PNS": "PPPK", "PPPK": "all"}[audience.kind]
        rows = [
            [
                button(
                    t.BTN_WHO_KIND.format(kind=audience.kind or t.ALL_KINDS),
                    AssignDraftButton(token, "kind", None, kind_next),
                )
            ]
        ]
        if view.actor.is_superadmin and audience.opd is not None:
            rows.append([button(t.BTN_WHO_ALL_OPD, AssignDraftButton(token, "opd"))])
        if audience.unit_kerja or audience.jabatan or audience.golongan:
            rows.append([button(t.BTN_WHO_CLEAR, AssignDraftButton(token, "clear"))])
        rows.append([button(t.BTN_WHO_NEXT, AssignDraftButton(token, "who")), discard])
        text = t.STEP_WHO.format(
            what=_what_text(context, draft),
            audience=audience_text(context, audience),
            count=view.count,
        )
        await show(update, text, markup(rows))
    elif view.step == Step.DUE:
        await show(update, t.STEP_DUE, markup([[discard]]))
    elif view.step == Step.RECUR:
        rows = [
            [button(t.BTN_RECUR_NONE, AssignDraftButton(token, "rec", None, "0"))],
            [
                button(
                    t.BTN_RECUR_MONTHS.format(months=m),
                    AssignDraftButton(token, "rec", None, str(m)),
                )
                for m in (6, 12, 24)
            ],
            [discard],
        ]
        await show(update, t.STEP_RECURRENCE, markup(rows))
    elif view.step == Step.JOIN:
        default = context.services.settings.assignment_join_days
        choices = sorted({7, 14, 30, 60, default})
        labels = [
            (t.BTN_JOIN_DEFAULT if days == default else t.BTN_JOIN_DAYS).format(days=days)
            for days in choices
        ]
        buttons = [
            button(label, AssignDraftButton(token, "join", None, str(days)))
            for label, days in zip(labels, choices, strict=True)
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)] + [[discard]]
        await show(update, t.STEP_JOIN, markup(rows))
    elif view.step == Step.PREVIEW and draft.due_on is not None:
        text = t.PREVIEW.format(
            what=_what_text(context, draft),
            audience=audience_text(context, draft.audience),
            count=view.count,
            due=day_text(draft.due_on),
            recurrence=_recurrence(draft.months),
            join_days=draft.join_days or context.services.settings.assignment_join_days,
        )
        rows = [[button(t.BTN_CONFIRM, AssignDraftButton(token, "ok")), discard]]
        await show(update, text, markup(rows))
    else:
        await show(update, t.STALE)


BAD = {
    Outcome.NO_TARGET: t.NO_SUCH_MODULE,
    Outcome.EMPTY: t.EMPTY_AUDIENCE,
    Outcome.BAD_FILTER: t.BAD_FILTER,
    Outcome.INVALID_DATE: t.BAD_DATE,
    Outcome.PAST: t.DATE_PAST,
    Outcome.TOO_FAR: t.DATE_TOO_FAR,
    Outcome.BAD_RECURRENCE: t.BAD_RECURRENCE,
    Outcome.BAD_JOIN_DAYS: t.BAD_JOIN_DAYS,
}


async def _bad(update: Update, view: DraftView, value: str = "") -> None:
    text = BAD.get(view.outcome, t.STALE).format(value=escape(value[:40]))
    if update.callback_query is not None:
        await toast(update, text)
    else:
        await reply(update, text)


async def on_draft_button(update: Update, context: BotContext, data: AssignDraftButton) -> None:
    drafts = context.services.assignment_drafts
    uid = user_id(update)
    if data.action == "x":
        await drafts.discard(uid, data.token)
        await show(update, t.DISCARDED)
        return
    if data.action == "page":
        view = await drafts.current(uid)
        if view.draft is None or view.draft.token != data.token or view.step != Step.WHAT:
            await show(update, t.STALE)
            return
        page = int(data.value) if data.value and data.value.isdigit() else 0
        await _step(update, context, view, page)
        return
    if data.action == "what":
        kind = "path" if data.value == "p" else "module"
        view = await drafts.choose_target(uid, data.token, kind, data.arg or "")
    elif data.action in ("opd", "kind", "clear"):
        value = data.arg if data.action == "opd" else data.value
        view = await drafts.change_audience(uid, data.token, data.action, value)
    elif data.action == "who":
        view = await drafts.to_due(uid, data.token)
    elif data.action == "rec":
        months = int(data.value) if data.value and data.value.isdigit() else 0
        view = await drafts.set_recurrence(uid, data.token, months or None)
    elif data.action == "join":
        days = int(data.value) if data.value and data.value.isdigit() else 0
        view = await drafts.set_join_days(uid, data.token, days)
    else:  # ok
        view = await drafts.confirm(uid, data.token)
        if view.outcome is Outcome.OK and view.created is not None:
            assignment = view.created.assignment
            assert assignment is not None
            text = t.CREATED.format(
                title=escape(assignment.title),
                count=view.created.members,
                due=day_text(assignment.due_on),
            )
            await show(update, text)
            return
    if view.outcome is not Outcome.OK:
        await _bad(update, view, data.arg or "")
        return
    await _step(update, context, view)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """Typed input at the step the draft is at (ids, filters, dates, months, a new due date)."""
    drafts = context.services.assignment_drafts
    uid = user_id(update)
    message = update.effective_message
    text = (message.text if message else "") or ""
    if state.step == Step.EXTEND:
        await _extend(update, context, text)
        return
    if state.step == Step.WHAT:
        view = await drafts.type_target(uid, text)
    elif state.step == Step.WHO:
        view = await drafts.type_filter(uid, text)
    elif state.step == Step.DUE:
        view = await drafts.type_due(uid, text)
    elif state.step == Step.RECUR:
        view = await drafts.type_recurrence(uid, text)
    elif state.step == Step.JOIN:
        view = await drafts.type_join_days(uid, text)
    else:
        await reply(update, texts.HINT_USE_BUTTONS)
        return
    if view.outcome is not Outcome.OK:
        await _bad(update, view, text)
        return
    await _step(update, context, view)


async def _extend(update: Update, context: BotContext, text: str) -> None:
    svc = context.services
    uid = user_id(update)
    check, day = parse_due(text, svc.assignments.today())
    if day is None:
        await reply(
            update,
            BAD[
                {"past": Outcome.PAST, "too_far": Outcome.TOO_FAR}.get(
                    check.value, Outcome.INVALID_DATE
                )
            ],
        )
        return
    assignment_id = await svc.assignment_drafts.extend_target(uid)
    if assignment_id is None:
        await reply(update, t.STALE)
        return
    outcome, assignment = await svc.assignments.extend(uid, assignment_id, day)
    if outcome is ChangeOutcome.OK and assignment is not None:
        await reply(update, t.EXTENDED.format(title=escape(assignment.title), due=day_text(day)))
    elif outcome is ChangeOutcome.NOT_LATER and assignment is not None:
        await reply(update, t.EXTEND_NOT_LATER.format(due=day_text(assignment.due_on)))
    elif outcome is ChangeOutcome.TOO_FAR:
        await reply(update, t.DATE_TOO_FAR)
    elif outcome is ChangeOutcome.ALREADY_CANCELLED:
        await reply(update, t.ALREADY_CANCELLED)
    else:
        await reply(update, t.NOT_FOUND)
