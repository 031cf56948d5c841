"""The Mini App's "send to my chat": the reports ``/laporan`` exports, delivered by the bot as
documents in the admin's private chat.

The HTTP handler (``bot.app.webapp``) only decides: the role and the scope
(``ReportService.require``), the per-user cooldown the chat's buttons share
(``FileService.claim``, ``export-<kind>``). It then queues the job here and answers at once;
the job runs after the answer, one at a time per instance, on the chat's own export path
(``handlers.reports.send_export``: the fingerprint and the file_id cache, the child process
that streams the rows, the split into parts within Telegram's 50 MB, the role checked again).
A job lost with the process (a restart while it builds) is asked for again after the cooldown;
nothing about it is kept.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Chat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.errors import NotAllowed
from bot.services import Services
from bot.texts import REFUSALS
from bot.texts import webapp as t
from handlers.reports import send_export

log = logging.getLogger(__name__)
EXPORTS_KEY = "webapp_exports"


class ChatExports:
    def __init__(self, bot: Bot, services: Services, concurrency: int = 1) -> None:
        self.bot = bot
        self.services = services
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    def queue(self, telegram_id: int, kind: str, scope: str, year: int) -> None:
        """Build and send the export after the HTTP answer (``scope``: an OPD or "all")."""
        task = asyncio.get_running_loop().create_task(
            self._run(telegram_id, kind, scope, year), name=f"webapp-export-{kind}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, telegram_id: int, kind: str, scope: str, year: int) -> None:
        async with self._slots:
            chat = Chat(id=telegram_id, type=Chat.PRIVATE)
            chat.set_bot(self.bot)
            try:
                await send_export(chat, self.services, telegram_id, kind, scope, year)
            except NotAllowed as exc:  # the role changed between the request and the job
                await self._tell(chat, REFUSALS[exc.refusal.value])
            except Exception:
                log.exception("webapp: the %s export of %s was not sent", kind, scope)
                await self._tell(chat, t.EXPORT_FAILED)

    async def _tell(self, chat: Chat, text: str) -> None:
        try:
            await chat.send_message(text)
        except TelegramError:
            log.warning("webapp: the export's failure could not be told to %s", chat.id)

    async def settle(self) -> None:
        """Wait for the jobs under way (tests, shutdown)."""
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


def exports_of(application: Application, services: Services) -> ChatExports:
    """The application's one queue of exports (made on first use)."""
    found = application.bot_data.get(EXPORTS_KEY)
    if not isinstance(found, ChatExports):
        found = ChatExports(application.bot, services)
        application.bot_data[EXPORTS_KEY] = found
    return found
