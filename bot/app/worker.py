"""The background half of an instance: the lease, the outbound sender and the scheduled jobs.

Every instance handles updates; only the lease holder (``bot.app.lease``) ticks reminders, starts
and follows announcements and sends in bulk. Jobs are registered on every instance and simply
return when the lease is elsewhere, so a takeover needs no rescheduling.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.app.lease import LeaseKeeper
from bot.config import Settings
from bot.core.outgoing import MessageKind, Outgoing, Skip
from bot.delivery.renderers.accounts import AccountNoticeRenderer
from bot.delivery.renderers.assignments import AssignmentRenderer
from bot.delivery.renderers.broadcasts import BroadcastRenderer, sender_of
from bot.delivery.renderers.notices import NoticeRenderer
from bot.delivery.renderers.reminders import NudgeRenderer
from bot.delivery.sender import OutboundSender, Renderer
from bot.services import Services
from bot.telegram.outbound import TelegramTransport
from db.models import OutboundMessage

# Announcement status messages are edited at most this often (and scheduled ones start).
PROGRESS_SECONDS = 3

Job = Callable[[Any], Coroutine[Any, Any, None]]


class Worker:
    def __init__(
        self,
        application: Application,
        services: Services,
        settings: Settings,
    ) -> None:
        self.settings = settings
        self.services = services
        db, catalog, clock = services.db, services.catalog, services.clock
        self.lease = LeaseKeeper(
            services.db, services.clock, ttl=timedelta(seconds=settings.lease_seconds)
        )
        self.sender = OutboundSender(
            services.db,
            services.clock,
            TelegramTransport(application.bot, paid_broadcast=settings.paid_broadcast),
            {
                MessageKind.REMINDER: reminder_renderer(
                    NudgeRenderer(db, catalog, clock, settings)
                ),
                MessageKind.BROADCAST: BroadcastRenderer(db, sender_of(settings, catalog)).render,
                MessageKind.NOTICE: NoticeRenderer(services.db, services.catalog).render,
                MessageKind.ACCOUNT: AccountNoticeRenderer(services.db).render,
                MessageKind.ASSIGNMENT: AssignmentRenderer(db, services.assignments).render,
            },
            rate=settings.send_rate,
            chat_interval=settings.send_chat_interval,
            max_attempts=settings.send_max_attempts,
            may_send=lambda: self.lease.held,
            holder=self.lease.holder,  # claims are the lease holder's, taken over with it
        )
        self._tasks: list[asyncio.Task[Any]] = []

    def schedule(
        self,
        application: Application,
        progress_job: Job,
        *,
        run_ticks: bool,
    ) -> None:
        """The reminder tick every minute (aligned to the minute) and the announcement job."""
        queue = application.job_queue
        if queue is None:
            return
        queue.run_repeating(
            self._on_worker(progress_job),
            interval=PROGRESS_SECONDS,
            first=PROGRESS_SECONDS,
            name="announcements",
        )
        queue.run_repeating(
            self._housekeeping, interval=timedelta(hours=1), first=timedelta(minutes=5)
        )
        if run_ticks:
            interval = self.settings.tick_seconds
            first = 60 - time.time() % 60 + 1 if interval == 60 else interval
            queue.run_repeating(
                self._on_worker(self.reminder_tick), interval=interval, first=first, name="tick"
            )

    def _on_worker(self, job: Job) -> Job:
        async def run(context: CallbackContext) -> None:
            if self.lease.held:
                await job(context)

        return run

    async def _housekeeping(self, context: CallbackContext) -> None:
        """Old update ids, abandoned flows (``SINAU_SESSION_TTL_HOURS``), and what the retention
        policy keeps only for a time."""
        await self.services.housekeeping.run()

    async def reminder_tick(self, context: CallbackContext) -> None:
        await self.services.reminders.tick()
        await self.services.assignments.tick()  # required learning: once a day, same lane
        self.sender.wake()

    @property
    def running(self) -> bool:
        """For /healthz: the lease keeper and the sender are alive."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    async def start(self) -> None:
        await self.lease.refresh()
        self._tasks = [
            asyncio.create_task(self.lease.run(), name="lease"),
            asyncio.create_task(self.sender.run(), name="sender"),
        ]

    async def stop(self) -> None:
        """Let the sender finish its batch and record it, then hand the lease over."""
        if not self._tasks:
            return
        self.sender.stop()
        tasks, self._tasks = self._tasks, []
        await self.lease.stop()
        for task in tasks:
            with contextlib.suppress(Exception):
                await task


def reminder_renderer(nudges: NudgeRenderer) -> Renderer:
    async def render(rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        by_employee = await nudges.render([r.employee_id for r in rows if r.employee_id])
        return {r.id: by_employee.get(r.employee_id or 0, Skip("no employee")) for r in rows}

    return render
