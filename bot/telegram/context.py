"""The handlers' typed context: ``context.services``, ``context.api`` and ``context.sender``.

python-telegram-bot passes a ``CallbackContext`` to every handler and job; registered through
``ContextTypes``, this subclass gives them the application's wiring as typed attributes instead of
string keys into ``bot_data``. The wiring is built once by ``bot.app`` and never changes: it holds
no state (state that matters lives in the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import Services
from bot.telegram.bot import SinauBot

WIRING_KEY = "wiring"


class Waker(Protocol):
    def wake(self) -> None: ...


class Background(Protocol):
    """The instance's background worker (``bot.app.worker.Worker``), as handlers see it."""

    @property
    def sender(self) -> Waker: ...


@dataclass(frozen=True)
class Wiring:
    services: Services
    worker: Background


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def wiring(self) -> Wiring:
        wiring: Wiring = self.application.bot_data[WIRING_KEY]
        return wiring

    @property
    def services(self) -> Services:
        return self.wiring.services

    @property
    def sender(self) -> Waker:
        """The outbound sender; ``wake()`` after queueing rows (it polls the outbox otherwise)."""
        return self.wiring.worker.sender

    @property
    def api(self) -> SinauBot:
        """The application's bot, for its plain-JSON ``call`` (see ``SinauBot``)."""
        bot = self.bot
        if not isinstance(bot, SinauBot):  # every Application is built by bot.app
            raise TypeError(f"expected SinauBot, got {type(bot).__name__}")
        return bot


CONTEXT_TYPES = ContextTypes(context=BotContext)


def wire(application: Application[Any, Any, Any, Any, Any, Any], wiring: Wiring) -> None:
    application.bot_data[WIRING_KEY] = wiring


def wiring_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Wiring:
    wiring: Wiring = application.bot_data[WIRING_KEY]
    return wiring
