"""The guided creation of an assignment in /tugas (what, who with a live count, due date,
recurrence, join days, preview, confirm) and the typed input of its flow (ids, filters,
dates, months, an extended due date). Its own module: the creation is a flow of steps, apart
from the list and one assignment's page in ``handlers/assignments.py``."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.core.assignments import parse_due
from bot.core.callbacks import AssignDraftButton
from bot.core.telegram_html import escape
from bot.delivery.renderers.assignments import day_text
from bot.services.assignment_drafts import AssignDraft, DraftView, Outcome, Step
from bot.services.assignments import ChangeOutcome
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import assignments as t
from handlers.assignment_views import MAX_LISTED, audience_text, recurrence_text
from handlers.common import reply, show, toast, user_id
from handlers.keyboards import button, markup

MODULES_PER_PAGE = 8


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


async def show_step(update: Update, context: BotContext, view: DraftView, page: int = 0) -> None:
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
            recurrence=recurrence_text(draft.months),
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
        await show_step(update, context, view, page)
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
    await show_step(update, context, view)


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
    await show_step(update, context, view)


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
