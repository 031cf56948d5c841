"""The main jobs without friction (issue 16, learners): the one-tap shortcut to the module to
learn now, a menu with the main jobs, a way back to the menu from every screen, a typed question
during a module answered with the way back to its card, and the certificate within reach."""

from __future__ import annotations

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import services_of
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import Employee, ModuleProgress
from tests.e2e.helpers import register, say, tap
from tests.e2e.hours_helpers import credit_module

MENU = "Apa yang ingin dikerjakan hari ini?"
FIRST = "Keamanan Informasi dan SPBE"  # teknis comes first, and nothing is passed yet


async def test_the_welcome_offers_a_module_and_resuming_takes_one_tap(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog
) -> None:
    user = fake.user(16001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    welcome = user.chat.last_message()
    assert welcome is not None and MENU in (welcome.text or "")
    # The welcome (the menu after registration) offers the first module, and the main jobs.
    assert welcome.button_texts[0] == f"▶️ Mulai: {FIRST}"
    for job in ("Belajar", "JP Saya", "Sertifikat", "Lapor pelatihan", "Pengingat", "Profil"):
        assert any(job in label for label in welcome.button_texts), welcome.button_texts
    assert any("Bantuan" in label for label in welcome.button_texts)
    total = len(catalog.modules["keamanan-informasi"].cards)

    # One tap: the first card, in the same message.
    card = await tap(user, "Mulai:", f"Kartu 1/{total}")
    assert card.message_id == welcome.message_id
    await tap(user, "Lanjut", f"Kartu 2/{total}")
    await tap(user, "Lanjut", f"Kartu 3/{total}")

    # After a break: /start offers to resume at card 3, and one tap opens it.
    menu = await say(user, "/start", MENU)
    assert menu.button_texts[0] == f"▶️ Lanjutkan: {FIRST} (kartu 3/{total})"
    await tap(user, "Lanjutkan:", f"Kartu 3/{total}", menu.message_id)
    # /belajar shows the same shortcut above the categories.
    shelf = await say(user, "/belajar", "Katalog modul")
    assert shelf.button_texts[0] == f"▶️ Lanjutkan: {FIRST} (kartu 3/{total})"
    assert shelf.button_texts[-1] == "🏠 Menu"
    assert fake.violations == []


async def test_the_suggestion_is_the_category_with_the_fewest_minutes(
    fake: FakeBotApi, bot_app: Application
) -> None:
    """A module passed in Teknis: the suggestion moves to Manajerial, its first module."""
    user = fake.user(16002, first_name="Budi", last_name="Santoso")
    await register(fake, user, app=bot_app)
    await credit_module(bot_app, user.id, "keamanan-informasi", 10)
    async with services_of(bot_app).db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == user.id))
        assert employee is not None
        s.add(
            ModuleProgress(
                employee_id=employee.id,
                module_id="keamanan-informasi",
                content_version=1,
                current_card=11,
                furthest_card=11,
                attempts=1,
                completed_at=employee.verified_at,
            )
        )
    menu = await say(user, "/start", MENU)
    assert menu.button_texts[0].startswith("▶️ Mulai: Budaya Kerja Kolaboratif")
    assert fake.violations == []


async def test_every_screen_leads_back_to_the_menu(fake: FakeBotApi, bot_app: Application) -> None:
    user = fake.user(16003, first_name="Siti", last_name="Aminah")
    await register(fake, user, app=bot_app)
    jp = await say(user, "/jp", "Rekap JP")
    assert "🏠 Menu" in jp.button_texts and "🎓 Sertifikat" in jp.button_texts
    await tap(user, "Menu", MENU, jp.message_id)
    await tap(user, "Belajar", "Katalog modul")
    await tap(user, "Teknis", "Pilih modul")
    await tap(user, "Menu", MENU)
    await tap(user, "Sertifikat", "Belum ada modul yang lulus")
    await tap(user, "Menu", MENU)
    assert fake.violations == []


async def test_a_question_during_a_module_leads_back_to_its_card(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog
) -> None:
    user = fake.user(16004, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    total = len(catalog.modules["keamanan-informasi"].cards)
    await tap(user, "Mulai:", f"Kartu 1/{total}")
    await tap(user, "Lanjut", f"Kartu 2/{total}")
    answer = await say(user, "maksudnya gratifikasi itu apa ya?", "belum dapat saya jawab")
    assert "Saya belum memahami" not in (answer.text or "")
    assert answer.button_texts == ["📖 Kembali ke kartu 2", "🏠 Menu"]
    card = await tap(user, "Kembali ke kartu 2", f"Kartu 2/{total}", answer.message_id)
    assert card.message_id != answer.message_id  # a new message: the old card is far up
    assert fake.violations == []


async def test_the_certificate_is_reachable_from_the_menu_and_from_jp(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16005, first_name="Siti", last_name="Aminah")
    await register(fake, user, app=bot_app)
    await credit_module(bot_app, user.id, "berakhlak", 90)
    menu = await say(user, "/start", MENU)
    await tap(user, "Sertifikat", "Pilih modul", menu.message_id)
    user.press_button("BerAKHLAK")
    pdf = await user.wait_for_reply(lambda m: m.kind == "document")
    assert "E-sertifikat" in (pdf.text or "")
    jp = await say(user, "/jp", "Rekap JP")
    await tap(user, "Sertifikat", "Pilih modul", jp.message_id)
    assert fake.violations == []


async def test_profile_edits_happen_in_the_profile_message(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16006, first_name="Siti", last_name="Aminah")
    await register(fake, user, app=bot_app)
    profile = await say(user, "/profil", "Profil Bapak/Ibu")
    sent = len(user.chat.messages)
    ask = await tap(user, "Jabatan", "jabatan", profile.message_id)
    assert ask.message_id == profile.message_id and "« Profil" in ask.button_texts
    await say(user, "Analis Kebijakan Ahli Muda", "Profil diperbarui")
    shown = user.chat.get(profile.message_id)
    assert shown is not None and "Jabatan: Analis Kebijakan Ahli Muda" in (shown.text or "")
    await tap(user, "Unit kerja", "unit kerja", profile.message_id)
    await say(user, "Bidang Pengembangan SDM", "Profil diperbarui")
    assert len(user.chat.messages) == sent  # no new message per field
    # Back from a question: the profile again, and what is typed next is no answer.
    await tap(user, "Golongan", "golongan", profile.message_id)
    await tap(user, "« Profil", "Profil Bapak/Ibu", profile.message_id)
    await say(user, "III/a", "Saya belum memahami")
    assert fake.violations == []


async def test_a_name_ending_in_a_full_stop_gets_one(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16007, first_name="Dr. Siti Aminah,", last_name="M.Si.")
    await register(fake, user)
    texts = [m.text or "" for m in user.chat.messages]
    assert any("Selamat datang, Bapak Dr. Siti Aminah, M.Si.\n" in t for t in texts)
    assert any("Pendaftaran tercatat 🎉, Bapak Dr. Siti Aminah, M.Si.\n" in t for t in texts)
    assert not any("M.Si.." in t for t in texts)
    assert fake.violations == []
