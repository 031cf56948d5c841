"""``/admin NIP`` (grant or revoke a role, with buttons) and ``/audit``, for superadmins."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from telegram import Update
from telegram.error import TelegramError

from bot.core.callbacks import AuditMenuButton, AuditPageButton, RoleButton
from bot.core.nip import NipError, parse_nip
from bot.core.telegram_html import escape
from bot.services.audit_log import PAGE_ENTRIES, AuditLine
from bot.services.roles import GrantOutcome, Role
from bot.telegram.context import BotContext
from bot.texts import admin as t
from bot.texts import hours as hours_texts
from handlers import admin_keyboards
from handlers.commands import CommandScope, command, help_lines, set_menu
from handlers.common import answer_query, reply, send, show, toast, user_id
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
        if target.configured:  # SINAU_ADMIN_IDS: only the server's settings change that role
            text = t.ADMIN_TARGET_CONFIGURED.format(
                name=escape(target.name),
                nip=target.nip,
                opd=escape(opd.name if opd else target.opd_code),
            )
            await reply(update, text)
            return
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
    await _audit(update, context, AuditPageButton())


async def on_audit_page(update: Update, context: BotContext, data: AuditPageButton) -> None:
    await _audit(update, context, data)


async def _audit(update: Update, context: BotContext, page: AuditPageButton) -> None:
    """A page of the log in words, filtered by ``page``; a command sends it, a button edits."""
    svc = context.services
    uid = user_id(update)
    lines = await svc.audit_log.page(uid, before=page.before, by=page.by, kind=page.kind)
    out = reply if update.callback_query is None else show
    filtered = page.by is not None or page.kind is not None
    if not lines:
        if page.before is not None:
            text = t.AUDIT_END
        else:
            text = t.AUDIT_NO_MATCH if filtered else t.AUDIT_EMPTY
        await out(update, text, admin_keyboards.audit(None, page) if filtered else None)
        return
    label = None
    if page.kind is not None:
        label = t.AUDIT_KINDS[page.kind]
    elif page.by is not None:
        label = f"{lines[0].who} ({lines[0].role})"
    full = len(lines) >= PAGE_ENTRIES  # older entries may exist only when the page is full
    text, older = audit_text(lines, svc.audit_log.zone(), label, full=full)
    await out(update, text, admin_keyboards.audit(older, page))


async def on_audit_menu(update: Update, context: BotContext, data: AuditMenuButton) -> None:
    svc = context.services
    uid = user_id(update)
    if data.what == "csv":
        wait = await svc.files.claim(uid, "export-audit")
        if wait:
            await toast(update, hours_texts.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
            return
        await answer_query(update)
        content, count = await svc.audit_log.export(uid)
        chat = update.effective_chat
        assert chat is not None
        day = svc.clock().astimezone(svc.settings.tz).strftime("%Y-%m-%d")
        caption = t.AUDIT_CSV_CAPTION.format(count=count, zone=svc.audit_log.zone())
        await chat.send_document(content, filename=f"log-audit-{day}.csv", caption=caption)
    elif data.what == "by":
        actors = await svc.audit_log.actors(uid)
        await show(update, t.AUDIT_PICK_ADMIN, admin_keyboards.audit_actors(actors))
    else:
        await svc.roles.require(uid, superadmin=True)
        await show(update, t.AUDIT_PICK_KIND, admin_keyboards.audit_kinds())


def audit_text(
    lines: Sequence[AuditLine], zone: str, label: str | None = None, *, full: bool = True
) -> tuple[str, int | None]:
    """The newest entries that fit in one message, and the id to continue from: None when
    every entry is shown and the page was not ``full`` (so nothing older can exist)."""
    items = [
        t.AUDIT_ITEM.format(
            when=line.when,
            who=escape(clip(line.who, 60)),
            role=escape(clip(line.role, 60)),
            what=escape(clip(line.what, 300)),
        )
        for line in lines
    ]
    head = t.AUDIT_TITLE.format(zone=zone)
    if label is not None:
        head += "\n" + t.AUDIT_FILTERED.format(what=escape(clip(label, 100)))
    text, count = fit(head, items, more=lambda n: t.AUDIT_MORE)
    if count == 0 or (count == len(lines) and not full):
        return text, None
    return text, lines[count - 1].id
