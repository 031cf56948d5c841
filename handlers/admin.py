"""``/admin NIP`` (grant or revoke a role, with buttons) and ``/audit``, for superadmins."""

from __future__ import annotations

import json
import logging

from telegram import Update

from bot.core.callbacks import RoleButton
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape
from bot.services.roles import GrantOutcome, Role
from bot.telegram.context import BotContext
from bot.texts import admin as t
from handlers import admin_keyboards
from handlers.commands import CommandScope, command, set_menu
from handlers.common import reply, show, toast, user_id

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
    else:
        role_name = t.ROLE_NAMES[role.value if role else None]
        await show(update, t.ROLE_SAVED.format(name=escape(result.name or "?"), role=role_name))
        if result.telegram_id is not None:
            await set_menu(context.bot, result.telegram_id, MENU_SCOPE[role])


@command("audit", rank=160, scope=CommandScope.SUPERADMIN)
async def audit_command(update: Update, context: BotContext) -> None:
    svc = context.services
    entries = await svc.roles.audit_page(user_id(update))
    if not entries:
        await reply(update, t.AUDIT_EMPTY)
        return
    lines = [t.AUDIT_TITLE]
    for entry in entries:
        when = entry.created_at.astimezone(svc.settings.tz).strftime("%d/%m %H:%M")
        params = escape(json.dumps(entry.params, ensure_ascii=False)[:200])
        lines.append(
            t.AUDIT_ITEM.format(
                when=when, actor=entry.actor_telegram_id, action=escape(entry.action), params=params
            )
        )
    await reply(update, "\n".join(lines))
