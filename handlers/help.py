"""``/bantuan``, the main-menu buttons, and a clear answer to an unknown command or button."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.core.callbacks import MenuButton
from bot.core.jp import decimal_text
from bot.telegram.context import BotContext
from handlers import certificates, hours, keyboards, learning, profile, reminders, start, trainings
from handlers.commands import CommandScope, alias, command, help_lines, scope_of, set_menu
from handlers.common import reply, show, toast, user_id


def help_text(context: BotContext, scope: CommandScope) -> str:
    settings = context.services.settings
    public, admin = help_lines(scope)
    text = texts.HELP.format(
        target_pppk=decimal_text(settings.jp_target_pppk),
        minutes=settings.jp_minutes,
        commands=public,
    )
    return text + texts.HELP_ADMIN.format(commands=admin) if admin else text


@command("bantuan", rank=100)
async def help_command(update: Update, context: BotContext) -> None:
    scope = scope_of(await context.services.roles.actor(user_id(update)))
    if scope is not CommandScope.EVERYONE:
        await set_menu(context.bot, user_id(update), scope, context.services.settings.webapp_url)
    await show(update, help_text(context, scope), keyboards.main_menu())


alias("help", of="bantuan")


async def on_menu(update: Update, context: BotContext, data: MenuButton) -> None:
    choice = data.target
    if choice == "learn":
        await learning.catalog(update, context)
    elif choice == "jp":
        await hours.hours(update, context)
    elif choice == "profile":
        await profile.profile(update, context)
    elif choice == "help":
        await help_command(update, context)
    elif choice == "remind":
        await reminders.reminders(update, context)
    elif choice == "cert":
        await certificates.certificates(update, context)
    elif choice == "lapor":
        await trainings.lapor(update, context)
    else:
        employee = await context.services.learning.employee(user_id(update))
        if employee is None:
            await show(update, texts.NEED_REGISTRATION)
        else:
            await start.send_menu(update, context, employee)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, texts.UNKNOWN_COMMAND)


async def on_edited(update: Update, context: BotContext) -> None:
    await reply(update, texts.HINT_EDITED)


async def on_unknown_button(update: Update, context: BotContext) -> None:
    await toast(update, texts.BUTTON_INVALID)
