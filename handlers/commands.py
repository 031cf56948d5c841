"""Every slash command is declared once, with ``@command`` beside its handler.

The declaration is the single source of the handler registration (``handlers.register``), the
command menus Telegram shows (everyone's, and each admin's own, set per chat) and the command
list of ``/bantuan``. This module only keeps the table; it imports no feature, so any feature
may use it without an import cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError

from bot import texts
from bot.services.roles import Actor
from bot.telegram.context import BotContext
from bot.texts import CommandText
from handlers.webapp_buttons import set_app_menu

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
H = TypeVar("H", bound=Handler)


class CommandScope(IntEnum):
    """Who sees a command in the menu and in /bantuan (every handler still checks roles)."""

    EVERYONE = 0
    ADMIN = 1
    SUPERADMIN = 2


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: Handler
    scope: CommandScope
    text: CommandText  # the menu description and the /bantuan line, from the text catalog
    rank: int  # position in menus and help

    @property
    def help_line(self) -> str:
        args = f" {self.text.args}" if self.text.args else ""
        return f"/{self.name}{args} — {self.text.help}"


_TABLE: dict[str, Command] = {}


def command(
    name: str, *, rank: int, scope: CommandScope = CommandScope.EVERYONE
) -> Callable[[H], H]:
    """Declare ``name`` as a command handled by the decorated function."""

    def declare(callback: H) -> H:
        if name in _TABLE:
            raise ValueError(f"/{name} is declared twice")
        _TABLE[name] = Command(name, callback, scope, texts.COMMANDS[name], rank)
        return callback

    return declare


def alias(name: str, of: str) -> None:
    """Another name for a declared command, handled the same but shown nowhere (e.g. /help)."""
    _ALIASES[name] = of


_ALIASES: dict[str, str] = {}


def table() -> list[Command]:
    return sorted(_TABLE.values(), key=lambda c: c.rank)


def handlers() -> list[tuple[str, Handler]]:
    """(name, callback) for every command and alias, for the registration."""
    found = [(c.name, c.callback) for c in table()]
    found += [(name, _TABLE[of].callback) for name, of in _ALIASES.items()]
    return found


def help_lines(scope: CommandScope) -> tuple[str, str]:
    """The /bantuan lines: everyone's commands, and the admin commands (empty for learners)."""
    public = [c.help_line for c in table() if c.scope is CommandScope.EVERYONE]
    admin = [c.help_line for c in table() if CommandScope.EVERYONE < c.scope <= scope]
    return "\n".join(public), "\n".join(admin)


def menu(scope: CommandScope) -> list[BotCommand]:
    return [BotCommand(c.name, c.text.menu) for c in table() if c.scope <= scope]


async def set_menu(bot: Bot, chat_id: int, scope: CommandScope, app_url: str | None = None) -> None:
    """Admins see their own commands in Telegram's command menu; everyone else the default.
    With the dashboard configured (``app_url``), an admin's menu button opens it."""
    try:
        if scope is CommandScope.EVERYONE:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        else:
            await bot.set_my_commands(menu(scope), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a menu is a convenience; the role already holds
        log.warning("command menu of chat %s not updated: %s", chat_id, exc)
    await set_app_menu(bot, chat_id, app_url, admin=scope is not CommandScope.EVERYONE)


def scope_of(actor: Actor | None) -> CommandScope:
    """The command scope of a role holder, or of nobody."""
    if actor is None:
        return CommandScope.EVERYONE
    return CommandScope.SUPERADMIN if actor.is_superadmin else CommandScope.ADMIN
