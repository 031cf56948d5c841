"""A button acts only on the draft and step it was drawn for: every old-draft button, pressed
against a newer draft, is refused ("tombol ini dari draf lama") and sends, schedules or changes
nothing. Announcements, /lapor, /admin and the agency picker of profile edits, each the way
the red team found it: start the flow, start it again, press the first one's buttons."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select
from telegram.ext import Application

from bot import texts
from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from bot.services.broadcast_drafts import DraftOutcome
from db.models import AdminRole, AuditEntry, Broadcast, ChatSession, Employee, OutboundMessage
from tests.e2e.helpers import NIP, preview, register, say, start_registration, tap
from tests.e2e.hours_helpers import NIP_OTHER, add_employee
from tests.support import FakeClock

ADMIN = 9500
STALE = texts.REFUSALS["stale_button"]


def app_for(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({ADMIN})}
    )
    return build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(3), run_ticks=False
    )


async def answer_to(fake: FakeBotApi, user: FakeUser, message: BotMessage, data: str) -> str:
    qid = user.press(message.message_id, data)
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    return str((fake.callback_queries[qid].answer or {}).get("text") or "")


def callbacks(message: BotMessage) -> list[str]:
    return [b["callback_data"] for b in message.buttons if "callback_data" in b]


async def session_of(app: Application, telegram_id: int) -> tuple[Any, ...] | None:
    async with services_of(app).db.transaction() as s:
        row = await s.get(ChatSession, telegram_id)
        return None if row is None else (row.flow, row.step, row.token, dict(row.data))


async def count(app: Application, model: type) -> int:
    async with services_of(app).db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


Pressable = tuple[BotMessage, list[str]]


def keyboard(message: BotMessage) -> Pressable:
    """A message with the buttons it shows now (a later edit may replace them)."""
    return message, callbacks(message)


async def all_refused(
    fake: FakeBotApi, app: Application, user: FakeUser, old: list[Pressable]
) -> None:
    """Every button of ``old`` is refused, and the newer draft is exactly as it was."""
    before = await session_of(app, user.id)
    pressed = 0
    for message, datas in old:
        for data in datas:
            assert await answer_to(fake, user, message, data) == STALE, data
            pressed += 1
    assert pressed > 0
    assert await session_of(app, user.id) == before
    assert await count(app, Broadcast) == 0
    assert await count(app, OutboundMessage) == 0


async def test_old_announcement_buttons_never_act_on_a_newer_draft(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin")
    for i in range(3):
        await_user = fake.user(700 + i, first_name=f"P{i}", started=True)
        assert await_user.started
    async with polling(app, poll_timeout=1):
        for i in range(3):
            await add_employee(app, 700 + i, f"19860926201505100{i + 2}", "3328", f"P {i}")
        # The first draft, walked to its confirmation, leaving a keyboard at every step.
        await say(admin, "/umumkan", "Pengumuman baru")
        choice = await say(admin, "Draf pertama", "Tambahkan tombol")
        await tap(admin, "Tombol tautan", "label dan tautan", choice.message_id)
        audience = await say(admin, "Daftar | https://bpsdmd.jatengprov.go.id", "Jumlah penerima")
        picker = await tap(admin, "Belum selesai modul", "belum menyelesaikan", audience.message_id)
        await tap(admin, "Ubah penerima", "Jumlah penerima", picker.message_id)
        summary = await preview(admin, 3)
        first_draft = [keyboard(choice), keyboard(audience), keyboard(summary)]
        assert all(datas for _, datas in first_draft)

        # A second /umumkan: the new draft has no text yet (the "[]" announcement).
        await say(admin, "/umumkan", "Pengumuman baru")
        await all_refused(fake, app, admin, first_draft)

        # The new draft at its button step, then at its audience step: still all refused.
        choice2 = await say(admin, "Draf kedua", "Tambahkan tombol")
        await all_refused(fake, app, admin, first_draft)
        earlier_step = keyboard(choice2)
        audience2 = await tap(admin, "Tanpa tombol", "Jumlah penerima", choice2.message_id)
        await all_refused(fake, app, admin, first_draft)
        # An earlier step of the same draft is stale too: its button choice was used.
        await all_refused(fake, app, admin, [earlier_step])

        # A change after the preview makes the preview's confirmation stale.
        summary2 = await preview(admin, 3, audience2.message_id)
        await tap(admin, "Tidak aktif 7 hari", "Jumlah penerima", audience2.message_id)
        await all_refused(fake, app, admin, [keyboard(summary2)])
        # A double tap on a filter: the second tap was drawn for the state the first changed.
        current = admin.chat.get(audience2.message_id)
        assert current is not None
        toggle = next(d for d in callbacks(current) if ":aud:below" in d)
        admin.press(current.message_id, toggle)
        assert await answer_to(fake, admin, current, toggle) == STALE

        # The newest preview's confirmation sends the newest draft, once.
        summary3 = await preview(admin, None, audience2.message_id)
        drawn = callbacks(summary3)
        await tap(admin, "Kirim sekarang", "Pengumuman #1", summary3.message_id)
        # The preview lost its draft buttons; one pressed anyway (an old client) is stale.
        assert callbacks(summary3) == []
        assert await answer_to(fake, admin, summary3, drawn[0]) == STALE
        async with services_of(app).db.transaction() as s:
            broadcasts = (await s.scalars(select(Broadcast))).all()
        assert [b.text for b in broadcasts] == ["Draf kedua"]
    assert fake.violations == []


async def test_an_announcement_without_content_is_never_queued(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    """Even with the newest token: a draft still waiting for its content has no audience
    step, and the service refuses to queue a draft whose text shows nothing."""
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin")
    async with polling(app, poll_timeout=1):
        prompt = await say(admin, "/umumkan", "Pengumuman baru")
        state = await session_of(app, ADMIN)
        assert state is not None
        token = state[2]
        for action in ("go", "prev", "sch", "aud:below:x", "btn:none"):
            assert await answer_to(fake, admin, prompt, f"bc:{token}:{action}") == STALE
        # A draft at its audience step whose text shows nothing (written straight to the
        # table: the content step refuses such a text): confirming it queues nobody.
        async with services_of(app).db.transaction() as s:
            row = await s.get(ChatSession, ADMIN)
            assert row is not None
            row.step, row.data = "audience", {**row.data, "text": "<b> </b>"}
        outcome, broadcast = await services_of(app).broadcasts.confirm(ADMIN, token, None, ADMIN)
        assert outcome is DraftOutcome.EMPTY and broadcast is None
    assert await count(app, Broadcast) == 0
    assert fake.violations == []


async def test_old_lapor_kind_buttons_never_act_on_a_newer_report(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(4101, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    await say(user, "/lapor", "nama pelatihan")
    await say(user, "Pelatihan pertama", "penyelenggara")
    old_kinds = await say(user, "Penyelenggara A", "jenis")
    await say(user, "/lapor", "nama pelatihan")
    await say(user, "Pelatihan kedua", "penyelenggara")
    # The new report waits at the same step: the old report's kinds still do nothing.
    new_kinds = await say(user, "Penyelenggara B", "jenis")
    before = await session_of(bot_app, user.id)
    for data in callbacks(old_kinds):
        assert await answer_to(fake, user, old_kinds, data) == STALE
    assert await session_of(bot_app, user.id) == before
    webinar = new_kinds.button("Webinar")["callback_data"]
    await tap(user, "Webinar", "tanggal mulai", new_kinds.message_id)
    state = await session_of(bot_app, user.id)
    assert state is not None and state[1] == "start" and state[3]["title"] == "Pelatihan kedua"
    # A second tap of a kind, and the old report's kinds, act on nothing now.
    assert await answer_to(fake, user, new_kinds, webinar) == STALE
    for data in callbacks(old_kinds):
        assert await answer_to(fake, user, old_kinds, data) == STALE
    assert await session_of(bot_app, user.id) == state
    assert fake.violations == []


async def test_old_role_confirmations_never_act_on_a_newer_one(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(ADMIN, first_name="Admin")
    async with polling(app, poll_timeout=1):
        first = await add_employee(app, 4201, NIP, "3328", "Siti Aminah")
        second = await add_employee(app, 4202, NIP_OTHER, "3374", "Budi Santoso")
        # Budi has started the bot, so the notice of his appointment can reach him.
        await say(fake.user(4202, first_name="Budi"), "/start", "Budi Santoso")
        old = await say(admin, f"/admin {NIP}", "Pilih peran baru")
        new = await say(admin, f"/admin {NIP_OTHER}", "Pilih peran baru")
        for data in callbacks(old):
            assert await answer_to(fake, admin, old, data) == STALE
        async with services_of(app).db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(AdminRole)) == 0
        await tap(admin, "Jadikan admin OPD", "Budi Santoso", new.message_id)
        # Used once: the same confirmation cannot grant again, nor can the old one.
        for message in (new, old):
            for data in callbacks(message):
                assert await answer_to(fake, admin, message, data) == STALE
        async with services_of(app).db.transaction() as s:
            roles = (await s.execute(select(AdminRole.employee_id, AdminRole.role))).all()
            grants = await s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "role.grant")
            )
        assert [tuple(r) for r in roles] == [(second, "opd_admin")] and grants == 1
        assert first != second
    assert fake.violations == []


async def test_an_old_agency_picker_never_changes_a_profile(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(4301, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    # Registration's first picker page still has its buttons (the search result was tapped).
    registration_picker = next(
        m for m in user.chat.messages if any(d.startswith("opd:") for d in callbacks(m))
    )
    await say(user, "/profil", "Profil")
    await tap(user, "Instansi", "Pilih")
    edit_picker = user.chat.last_message()
    assert edit_picker is not None
    before = await session_of(bot_app, user.id)
    for data in callbacks(registration_picker):
        assert await answer_to(fake, user, registration_picker, data) == STALE
    assert await session_of(bot_app, user.id) == before
    # An earlier profile edit's picker is stale once a new edit started.
    await say(user, "/profil", "Profil")
    await tap(user, "Instansi", "Pilih")
    for data in callbacks(edit_picker):
        assert await answer_to(fake, user, edit_picker, data) == STALE
    async with services_of(bot_app).db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == user.id))
    assert employee is not None and employee.opd_code == "3328"
    assert fake.violations == []


async def test_a_consent_button_of_an_earlier_attempt_never_registers_a_later_nip(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """The summary of NIP A, then /start again with NIP B: A's "Daftar" must not register B,
    which the person never saw summarised on that message."""
    user = fake.user(9620, first_name="Siti", last_name="Aminah")

    async def to_consent(nip: str) -> BotMessage:
        await start_registration(user)
        await say(user, nip, "nama lengkap")
        await say(user, "Siti Aminah", "instansi")
        await say(user, "tegal", "Hasil pencarian")
        return await tap(user, "Kabupaten Tegal", "Konfirmasi pendaftaran")

    first = await to_consent(NIP)
    old_buttons = callbacks(first)
    await say(user, "/batal", "dibatalkan")  # and again, with another NIP
    await to_consent(NIP_OTHER)
    for data in old_buttons:
        assert await answer_to(fake, user, first, data) == STALE
    assert await count(bot_app, Employee) == 0
    state = await session_of(bot_app, user.id)
    assert state is not None and state[1] == "consent" and "".join(NIP_OTHER.split()) in str(state)
    # The current summary's own button registers the NIP it shows.
    await tap(user, "Daftar, dengan pengingat", "Pendaftaran tercatat")
    async with services_of(bot_app).db.transaction() as s:
        nips = list((await s.scalars(select(Employee.nip))).all())
    assert nips == ["".join(NIP_OTHER.split())]
    assert fake.violations == []
