"""Reminders end to end: set in /pengingat, due on the clock, sent by the outbound sender."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of, worker_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi, FakeUser
from db.models import Employee, OutboundMessage
from tests.e2e.helpers import register, say, tap
from tests.support import FakeClock

WIB = ZoneInfo("Asia/Jakarta")


def at_wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


async def tick(app: Application) -> None:
    """What the minute job does: enqueue due reminders and wake the sender."""
    await services_of(app).reminders.tick()
    worker_of(app).sender.wake()


def reminders_to(fake: FakeBotApi, user: FakeUser) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_to("sendMessage")
        if c.response_ok
        and str(c.params.get("chat_id")) == str(user.id)
        and "/pengingat" in c.params["text"]
        and "Atur pengingat" in c.params["text"]
    ]


async def test_a_reminder_set_in_pengingat_arrives_and_resumes_the_module(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(8001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    registered = [
        c for c in fake.calls if "Pengingat belajar harian" in str(c.params.get("text", ""))
    ]
    assert registered, "a new learner is told about the default reminder"

    settings_message = await say(user, "/pengingat", "Pengingat belajar")
    assert settings_message.text is not None
    assert "hari kerja" in settings_message.text and "19.30 WIB" in settings_message.text
    await tap(user, "06:30", "pukul 06.30 WIB")
    await tap(user, "Setiap hari", "Aktif setiap hari pukul 06.30")

    module = catalog.modules["berakhlak"]
    await tap(user, "Menu", "Apa yang ingin dikerjakan hari ini?")
    await tap(user, "Belajar", "Katalog modul")
    await tap(user, "Sosial Kultural", "Pilih modul")
    await tap(user, module.title[:20], "Belum dimulai")
    await tap(user, "Mulai belajar", f"Kartu 1/{len(module.cards)}")
    await tap(user, "Lanjut", f"Kartu 2/{len(module.cards)}")

    # Nothing before it is due; then the next morning (a Thursday) at 06:30 it comes.
    clock.now = at_wib(2026, 11, 26, 6, 29)
    await tick(bot_app)
    clock.now = at_wib(2026, 11, 26, 6, 30)
    await tick(bot_app)
    reminder = await user.wait_for_reply(lambda m: "Lanjutkan" in (m.text or ""))
    assert reminder.text is not None
    assert module.title in reminder.text and f"kartu 3 dari {len(module.cards)}" in reminder.text
    assert "Runtun belajar" in reminder.text

    # Its button opens the next card directly, in the reminder's own message.
    card = await tap(user, "Buka kartu 3", f"Kartu 3/{len(module.cards)}", reminder.message_id)
    assert module.cards[2].title in (card.text or "")

    # The same minute again, or a later one that day: no second copy.
    await tick(bot_app)
    clock.now = at_wib(2026, 11, 26, 6, 45)
    await tick(bot_app)
    await asyncio.sleep(0.3)
    assert len(reminders_to(fake, user)) == 1


async def test_a_blocked_learner_is_marked_inactive_and_gets_nothing_more(
    fake: FakeBotApi, bot_app: Application, clock: FakeClock
) -> None:
    user = fake.user(8002, first_name="Budi", last_name="Santoso")
    await register(fake, user)
    # The learner blocks the bot; Telegram answers the reminder with 403.
    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    clock.now = at_wib(2026, 11, 25, 19, 30)
    await tick(bot_app)
    services = services_of(bot_app)

    async def state() -> tuple[bool, str]:
        async with services.db.transaction() as s:
            active = await s.scalar(select(Employee.is_active).where(Employee.telegram_id == 8002))
            status = await s.scalar(select(OutboundMessage.status))
        return bool(active), str(status)

    for _ in range(100):
        if await state() == (False, "blocked"):
            break
        await asyncio.sleep(0.05)
    assert await state() == (False, "blocked")
    sends_before = len(fake.calls_to("sendMessage"))
    for day in range(1, 4):
        clock.now = at_wib(2026, 11, 25 + day, 19, 30)
        await tick(bot_app)
    await asyncio.sleep(0.3)
    assert len(fake.calls_to("sendMessage")) == sends_before


async def test_bad_input_at_pengingat(fake: FakeBotApi, bot_app: Application) -> None:
    user = fake.user(8003, first_name="Ani", last_name="Lestari")
    await say(user, "/pengingat", "belum terdaftar")
    await register(fake, user)
    await say(user, "/pengingat", "Pengingat belajar")
    await tap(user, "Jam lain", "format JJ:MM")
    await say(user, "25:00", "bukan jam yang valid")
    await say(user, "besok", "bukan jam yang valid")
    await say(user, "🙂", "bukan jam yang valid")
    user.send_sticker()
    await user.wait_for_reply(lambda m: "teks" in (m.text or ""))
    await say(user, "22:00", "jam tenang")
    # Indonesians write 7.30: accepted, and the reply states the time it understood.
    await say(user, "7.30", "Pengingat diatur ke pukul 07.30 WIB")
    # The panel shown again invites typing, so a time typed now is taken too; text that is
    # no time leaves the panel, and after it a time is just text.
    await say(user, "8.00", "Pengingat diatur ke pukul 08.00 WIB")
    await say(user, "halo", "belum memahami")
    await say(user, "08:00", "belum memahami")
    await say(user, "/pengingat", "Pengingat belajar")
    await say(user, "7.30", "Pengingat diatur ke pukul 07.30 WIB")

    settings = await say(user, "/pengingat", "Pengingat belajar")
    # Forged buttons: a time that is not a preset, a pause that is not offered.
    for forged in ("rem:t:2500", "rem:t:0700", "rem:pause:5"):
        user.press(settings.message_id, forged)
        await fake.wait_for(lambda: not fake.unanswered_callback_queries())
    again = await say(user, "/pengingat", "Pengingat belajar")
    assert "07.30" in (again.text or "")  # nothing changed
    # A stale button from an old settings message still works on the current settings.
    await tap(user, "Jeda 3 hari", "Dijeda sampai", settings.message_id)
    await tap(user, "Lanjutkan sekarang", "Aktif setiap", settings.message_id)
    await tap(user, "Matikan", "mati", settings.message_id)
    await tap(user, "Nyalakan", "Aktif setiap", settings.message_id)


async def test_reminders_survive_a_restart_without_duplicates(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})

    def app() -> Application:
        return build_application(
            settings, catalog=catalog, clock=clock, rng=random.Random(1), run_ticks=False
        )

    user = fake.user(8004, first_name="Dewi", last_name="Sartika")
    first = app()
    async with polling(first, poll_timeout=1):
        await register(fake, user)
        clock.now = at_wib(2026, 11, 25, 19, 30)
        await tick(first)
        await user.wait_for_reply(lambda m: "Atur pengingat" in (m.text or ""))
    # A deploy: the new process ticks the same minute again, and the next day as usual.
    second = app()
    async with polling(second, poll_timeout=1):
        await tick(second)
        await asyncio.sleep(0.3)
        assert len(reminders_to(fake, user)) == 1
        clock.now = at_wib(2026, 11, 26, 19, 30)
        await tick(second)
        await fake.wait_for(lambda: len(reminders_to(fake, user)) == 2)
    assert fake.violations == []


async def test_the_minute_job_runs_the_tick(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "tick_seconds": 0.2}
    )
    application = build_application(settings, catalog=catalog, clock=clock)
    user = fake.user(8005, first_name="Rina", last_name="Wati")
    async with polling(application, poll_timeout=1):
        await register(fake, user)
        clock.now = at_wib(2026, 11, 25, 19, 30)
        await user.wait_for_reply(lambda m: "Atur pengingat" in (m.text or ""))
    assert fake.violations == []


async def test_the_panel_that_invites_typing_accepts_typing(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """ "Pilih jam di bawah atau ketik jam lain": typing 15:01 right away saves it."""
    user = fake.user(8011, first_name="Ani", last_name="Lestari")
    await register(fake, user)
    panel = await say(user, "/pengingat", "ketik jam lain")
    await say(user, "15:01", "Pengingat diatur ke pukul 15.01 WIB")
    again = await user.wait_for_reply(lambda m: "Pengingat belajar" in (m.text or ""))
    assert "15.01" in (again.text or "") and panel.message_id != again.message_id
    await say(user, "22:30", "jam tenang")  # refused, and still at the panel
    await say(user, "6.45", "Pengingat diatur ke pukul 06.45 WIB")

    # With another step waiting for text (/lapor), the panel does not take it over and does
    # not invite typing; what is typed goes to that step.
    await say(user, "/lapor", "nama pelatihan")
    busy = await say(user, "/pengingat", "Pengingat belajar")
    assert "ketik jam lain" not in (busy.text or "") and "Jam lain" in (busy.text or "")
    await say(user, "15:30", "penyelenggara")  # the training's name, not a reminder time
    view = await services_of(bot_app).reminders.view(user.id)
    assert view is not None and (view.at.hour, view.at.minute) == (6, 45)
    assert fake.violations == []


async def test_a_burst_of_taps_makes_no_rejected_edit(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """Double (and quadruple) taps, all sent before the first is handled: every edit the bot
    makes is one Telegram accepts, none identical to what the message already shows."""
    user = fake.user(8012, first_name="Ani", last_name="Lestari")
    await register(fake, user)
    panel = await say(user, "/pengingat", "Pengingat belajar")
    edits_before = len(fake.calls_to("editMessageText"))
    pressed = []
    for label in ("06:30",) * 4 + ("Setiap hari",) * 2 + ("12:00", "12:00", "Jeda 3 hari") * 2:
        pressed.append(user.press_button(label, message_id=panel.message_id))
    await fake.wait_for(lambda: all(fake.callback_queries[q].answered for q in pressed), 10)
    edits = fake.calls_to("editMessageText")[edits_before:]
    assert edits and all(c.response_ok for c in edits), [c.description for c in edits]
    assert not [c for c in fake.calls if not c.response_ok]
    final = user.chat.get(panel.message_id)
    assert final is not None and "Dijeda sampai" in (final.text or "")
    assert fake.violations == []
