"""Confirming people: verification and transfer requests (from ``/antrean`` and their notices)
and ``/pegawai NIP`` (verify, unbind, deactivate), for admins within their scope.

Thin: every rule (who decides, the conditional updates, the audit, the notices) is in
:mod:`bot.services.identity`; buttons carry only ids, re-checked there on every press.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.core.callbacks import IdentityButton, PersonButton
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape, single_stops
from bot.services.identity import Decided, Decision, EmployeeCard, PersonAction, when
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import hours as ht
from bot.texts import identity as t
from db.models import IdentityRequest
from handlers.commands import CommandScope, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.keyboards import button, markup


def review_markup(request_id: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(t.BTN_CONFIRM, IdentityButton("ok", request_id)),
                button(t.BTN_REFUSE, IdentityButton("no", request_id)),
            ]
        ]
    )


def queue_markup(requests: list[IdentityRequest]) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t.BTN_OPEN.format(
                        id=r.id, name=r.typed_name, kind=t.KIND_NAMES.get(r.kind, r.kind)
                    ),
                    IdentityButton("open", r.id),
                )
            ]
            for r in requests
        ]
    )


async def send_queue(update: Update, context: BotContext) -> bool:
    """The pending identity requests in the caller's scope, if any (for ``/antrean``)."""
    requests = await context.services.identity.pending(user_id(update))
    if not requests:
        return False
    await reply(update, t.QUEUE_TITLE.format(count=len(requests)), queue_markup(requests))
    return True


async def _refused(update: Update, decided: Decided, request_id: int) -> None:
    if decided.outcome is Decision.ALREADY:
        admin = escape(decided.decided_by or t.SOMEONE)
        text = single_stops(t.ALREADY.format(id=request_id, admin=admin))
    elif decided.outcome is Decision.OWN:
        text = t.OWN.format(id=request_id)
    elif decided.outcome is Decision.STALE:
        text = t.STALE.format(id=request_id)
    else:
        text = t.NOT_FOUND
    if update.callback_query is not None:
        await toast(update, text)
    else:
        await reply(update, text)


async def on_identity(update: Update, context: BotContext, data: IdentityButton) -> None:
    svc = context.services
    uid = user_id(update)
    if data.action == "open":
        decided, text = await svc.identity.review(uid, data.request)
        if text is None:
            await _refused(update, decided, data.request)
            return
        await answer_query(update)
        await reply(update, text, review_markup(data.request))
        return
    if data.action == "no":
        decided = await svc.identity.begin_refuse(uid, data.request)
        if decided.outcome is not Decision.OK:
            await _refused(update, decided, data.request)
            return
        await answer_query(update)
        await reply(update, t.ASK_REFUSE_REASON.format(id=data.request))
        return
    decided = await svc.identity.approve(uid, data.request)
    if decided.outcome is not Decision.OK or decided.employee is None:
        await _refused(update, decided, data.request)
        return
    await show(
        update,
        single_stops(
            t.DECIDED_APPROVED.format(id=data.request, name=escape(decided.employee.name))
        ),
    )
    context.sender.wake()  # the people concerned were told with the decision


async def on_reason(update: Update, context: BotContext, state: FlowState) -> None:
    """The admin's typed reason for refusing a request (routed by ``handlers.flows``)."""
    text = ((update.effective_message.text if update.effective_message else "") or "").strip()
    if not text:
        await reply(update, ht.PROBLEMS["empty"])
        return
    request_id = int(state.data.get("request", 0))
    decided = await context.services.identity.refuse_with_reason(user_id(update), text)
    if decided.outcome is not Decision.OK:
        await _refused(update, decided, request_id)
        return
    await reply(update, t.DECIDED_REFUSED.format(id=request_id, reason=escape(text)))
    context.sender.wake()


# --- /pegawai ------------------------------------------------------------------------------
def card_text(context: BotContext, card: EmployeeCard) -> str:
    employee = card.employee
    svc = context.services
    opd = svc.catalog.opds.get(employee.opd_code)
    if employee.deactivated_at is not None:
        status = t.STATUS_DEACTIVATED.format(when=when(employee.deactivated_at))
    elif employee.telegram_id is None:
        status = t.STATUS_UNBOUND
    elif employee.verified_at is None:
        status = t.STATUS_PENDING
    else:
        via = t.VIA.get(employee.verified_via or "", employee.verified_via or "-")
        status = t.STATUS_VERIFIED.format(via=via, when=when(employee.verified_at))
    account = f"id <code>{employee.telegram_id}</code>" if employee.telegram_id else t.ACCOUNT_NONE
    return t.PEGAWAI_CARD.format(
        name=escape(employee.name),
        nip=employee.nip,
        kind=employee.kind,
        opd=escape(opd.name if opd else employee.opd_code),
        status=status,
        account=account,
        since=when(employee.created_at),
    )


def card_markup(card: EmployeeCard) -> InlineKeyboardMarkup:
    employee = card.employee
    rows = []
    if employee.deactivated_at is not None:
        rows.append([button(t.BTN_REACTIVATE, PersonButton("reactivated", employee.id))])
        return markup(rows)
    if employee.telegram_id is not None and employee.verified_at is None:
        rows.append([button(t.BTN_VERIFY, PersonButton("verified", employee.id))])
    if employee.telegram_id is not None:
        rows.append([button(t.BTN_UNBIND, PersonButton("unbound", employee.id))])
    rows.append([button(t.BTN_DEACTIVATE, PersonButton("deactivated", employee.id))])
    return markup(rows)


@command("pegawai", rank=145, scope=CommandScope.ADMIN)
async def pegawai(update: Update, context: BotContext) -> None:
    svc = context.services
    uid = user_id(update)
    await svc.roles.require(uid)
    raw = " ".join(context.args or [])
    if not raw:
        await reply(update, t.PEGAWAI_USAGE)
        return
    try:
        parse_nip(raw, today=svc.clock().date())
    except NipError as exc:
        await reply(update, t.PEGAWAI_BAD_NIP.format(reason=escape(str(exc))))
        return
    card = await svc.identity.card(uid, raw)
    if card is None:
        await reply(update, t.PEGAWAI_UNKNOWN.format(nip=escape(raw[:40])))
        return
    await reply(update, card_text(context, card), card_markup(card))


async def on_person(update: Update, context: BotContext, data: PersonButton) -> None:
    svc = context.services
    employee = await svc.identity.act(user_id(update), data.employee, PersonAction(data.action))
    if employee is None:
        await toast(update, t.PEGAWAI_STALE)
        return
    done = t.PEGAWAI_DONE[data.action].format(name=escape(employee.name))
    card = await svc.identity.card(user_id(update), employee.nip)
    if card is None:
        await show(update, done)
    else:
        await show(update, done + "\n\n" + card_text(context, card), card_markup(card))
    context.sender.wake()
