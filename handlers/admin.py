"""``/admin NIP`` (grant or revoke a role, with buttons) and ``/audit``, for superadmins."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import TelegramError

from bot.core.callbacks import AuditPageButton, RoleButton
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape
from bot.services.roles import GrantOutcome, Role
from bot.telegram.context import BotContext
from bot.texts import admin as t
from handlers import admin_keyboards
from handlers.commands import CommandScope, command, help_lines, set_menu
from handlers.common import reply, send, show, toast, user_id
from handlers.paging import clip, fit

log = logging.getLogger(__name__)
ROLE_BY_CODE = {"sa": Role.SUPERADMIN, "oa": Role.OPD_ADMIN, "rm": None}
MENU_SCOPE = {
    Role.SUPERADMIN: CommandScope.SUPERADMIN,
    Role.OPD_ADMIN: CommandScope.ADMIN,
    None: CommandScope.EVERYONE,
}


@command("admin", rank=150, scope=CommandScope.SUPERADMIN)
async def admin_command(update: Update, context: BotContext) -> None:
    svc = context.services
    await svc.roles.require(user_id(update), superadmin=True)
    raw = " ".join(context.args or [])
    if not raw:
        await reply(update, t.ADMIN_USAGE)
        return
    try:
        parse_nip(raw)
    except NipError as exc:
        await reply(update, t.ADMIN_BAD_NIP.format(reason=escape(str(exc))))
        return
    _, target = await svc.roles.find(user_id(update), raw)
    if target is None:
        await reply(update, t.ADMIN_UNKNOWN.format(nip=escape(raw)))
    else:
        opd = svc.catalog.opds.get(target.opd_code)
        text = t.ADMIN_TARGET.format(
            name=escape(target.name),
            nip=target.nip,
            opd=escape(opd.name if opd else target.opd_code),
            role=t.ROLE_NAMES[target.current.value if target.current else None],
        )
        await reply(update, text, admin_keyboards.roles(target.employee_id, target.token))


async def on_role_button(update: Update, context: BotContext, data: RoleButton) -> None:
    code, employee_id = data.action, data.employee
    svc = context.services
    if code == "no":
        await svc.roles.cancel_confirmation(user_id(update), data.token)
        await show(update, t.ROLE_CANCELLED)
        return
    role = ROLE_BY_CODE[code]
    result = await svc.roles.grant(user_id(update), employee_id, role, token=data.token)
    outcome = result.outcome
    if outcome is GrantOutcome.SELF:
        await toast(update, t.ROLE_SELF)
    elif outcome is GrantOutcome.UNKNOWN:
        await toast(update, t.ADMIN_UNKNOWN.format(nip="?"))
    elif outcome is GrantOutcome.UNVERIFIED:
        await toast(update, t.ROLE_UNVERIFIED)
    else:
        role_name = t.ROLE_NAMES[role.value if role else None]
        text = t.ROLE_SAVED.format(name=escape(result.name or "?"), role=role_name)
        if result.cancelled:
            ids = ", ".join(f"#{i}" for i in result.cancelled)
            text += "\n" + t.ROLE_SCHEDULES_CANCELLED.format(ids=ids)
        await show(update, text)
        if result.telegram_id is not None:
            await announce_role(context, result.telegram_id, role)
        context.sender.wake()  # the superadmins' notice of cancelled announcements


async def announce_role(context: BotContext, telegram_id: int, role: Role | None) -> None:
    """Tell the person appointed or revoked, with what they can now do, and set their menu to
    exactly the commands their role allows."""
    scope = MENU_SCOPE[role]
    await set_menu(context.bot, telegram_id, scope, context.services.settings.webapp_url)
    public, admin = help_lines(scope)
    if role is None:
        text = t.REVOKED.format(commands=public)
    else:
        actor = await context.services.roles.actor(telegram_id)
        opd = context.services.catalog.opds.get(actor.opd_code or "") if actor else None
        where = t.APPOINTED_SCOPE.format(opd=escape(opd.name)) if opd else ""
        text = t.APPOINTED.format(role=t.ROLE_NAMES[role.value], scope=where, commands=admin)
    try:
        await send(context, telegram_id, text)
    except TelegramError as exc:  # they blocked the bot: the role holds all the same
        log.warning("role notice to %s not sent: %s", telegram_id, exc)


@command("audit", rank=160, scope=CommandScope.SUPERADMIN)
async def audit_command(update: Update, context: BotContext) -> None:
    await _audit(update, context, None)


async def on_audit_page(update: Update, context: BotContext, data: AuditPageButton) -> None:
    await _audit(update, context, data.before)


async def _audit(update: Update, context: BotContext, before: int | None) -> None:
    svc = context.services
    entries = await svc.roles.audit_page(user_id(update), before_id=before)
    if not entries:
        await (reply if before is None else show)(
            update, t.AUDIT_EMPTY if before is None else t.AUDIT_END
        )
        return
    tz = svc.settings.tz
    rows = [
        (
            e.id,
            e.created_at.astimezone(tz).strftime("%d/%m %H:%M"),
            e.actor_telegram_id,
            e.action,
            e.params,
        )
        for e in entries
    ]
    text, older = audit_text(rows)
    markup = admin_keyboards.audit_older(older) if older is not None else None
    await (reply if before is None else show)(update, text, markup)


def audit_text(
    rows: Sequence[tuple[int, str, int, str, object]],
) -> tuple[str, int | None]:
    """The newest entries that fit in one message (id, when, actor, action, params), and the
    id to continue from when some did not fit or more may be older."""
    lines = [
        t.AUDIT_ITEM.format(
            when=when,
            actor=actor,
            action=escape(clip(action, 60)),
            params=escape(clip(json.dumps(params, ensure_ascii=False), 200)),
        )
        for _, when, actor, action, params in rows
    ]
    text, count = fit(t.AUDIT_TITLE, lines, more=lambda n: t.AUDIT_MORE)
    if count == 0:
        return text, None
    return text, rows[count - 1][0]
