"""The web chat in a real browser: what a visitor of ``./scripts/demo`` does and sees."""

from __future__ import annotations

import os
import time
import urllib.request
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from bot.demo import seed
from tests.browser.conftest import DemoThread
from tests.browser.page import ChatPage

LEARNER = seed.LEARNER.persona.id
ADMIN = seed.OPD_ADMIN.persona.id
COLLEAGUE = seed.COLLEAGUE.persona.id
SCREENSHOTS = os.environ.get("SINAU_SCREENSHOTS")  # e.g. docs/screenshots: the README's images


def register(page: ChatPage) -> None:
    page.persona(LEARNER)
    page.say("/start", "Pemberitahuan Privasi")
    page.tap("Saya sudah membaca", "Kirimkan NIP")
    page.say(seed.LEARNER.nip, "Bagikan nomor HP saya")
    page.share_contact("Konfirmasi pendaftaran")
    page.tap("Daftar, dengan pengingat", "Pendaftaran berhasil")


def test_a_new_civil_servant_registers_and_reads_a_card(
    browser: Any, demo_thread: DemoThread
) -> None:
    assert demo_thread.demo is not None
    page = ChatPage(browser, demo_thread.demo.url).open()
    register(page)
    page.say("/belajar", "Katalog modul")
    page.tap("Teknis", "Pilih modul")
    page.tap("Keamanan Informasi", "menit belajar")
    card = page.tap("Mulai", "Kartu 1/")
    card_id = card.get_attribute("id")
    page.tap("Lanjut", "Kartu 2/")
    shown = page.driver.find_element(By.ID, card_id)
    assert "Kartu 2/" in shown.text  # edited in place: the same bubble, the next card
    assert sum("Kartu " in text for text in page.texts()) == 1
    assert "diedit" in shown.text
    # The registration's reply keyboard is gone, the chat shows the bot's menu button.
    assert not page.driver.find_element(By.ID, "reply-keyboard").is_displayed()
    assert page.driver.find_element(By.ID, "menu-button").is_displayed()
    width = page.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    # Card 4 has a picture: a photo message, its image loaded from the emulator (CSP 'self').
    page.tap("Lanjut", "Kartu 3/")
    picture = page.tap("Lanjut", "Kartu 4/")
    image = page.wait(lambda d: picture.find_element(By.CSS_SELECTOR, "img.photo"))
    page.wait(lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
    logs = [e for e in page.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == []  # no CSP violation, no script error
    if SCREENSHOTS:
        page.driver.execute_script("arguments[0].scrollIntoView()", image)
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(str(Path(SCREENSHOTS) / "webchat-phone.png"))


def test_the_admins_announcement_arrives_in_the_learners_chat(
    desktop: Any, demo_thread: DemoThread
) -> None:
    assert demo_thread.demo is not None
    page = ChatPage(desktop, demo_thread.demo.url).open()
    page.persona(ADMIN)
    text = "Webinar SPBE hari Jumat pukul 09.00."
    page.say("/umumkan", "Pengumuman baru")
    page.say(text, "Tambahkan tombol")
    page.tap("Tanpa tombol", "Penerima")
    page.tap("Pratinjau", text)  # one message: the announcement as sent, its actions under it
    # The status message ("Pengumuman #1 — sedang dikirim") may already have been edited into
    # its report ("Laporan pengumuman #1") when the page is read: either will do.
    page.tap("Kirim sekarang", "engumuman #1")
    badge = f'[data-persona="{COLLEAGUE}"] .badge'
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, badge).text not in ("", "0"))
    page.persona(COLLEAGUE)
    page.bot_message(text)


def test_a_message_renders_quickly_after_a_long_history(
    browser: Any, demo_thread: DemoThread
) -> None:
    """300 messages in the chat, then one more: the time until the page shows it."""
    demo = demo_thread.demo
    assert demo is not None
    page = ChatPage(browser, demo.url).open()
    page.persona(LEARNER)
    for _ in range(150):  # 300 messages: 150 of the user's, 150 replies
        page.type("halo")
    page.wait(lambda d: len(page.bubbles()) >= 300, timeout=60)
    began = time.perf_counter()
    page.say("/bantuan", "/belajar")
    elapsed = time.perf_counter() - began
    render = float(browser.find_element(By.TAG_NAME, "body").get_attribute("data-render-ms"))
    print(
        f"\n300-message history: the reply shown {elapsed * 1000:.0f} ms after sending "
        f"(the bot's work included); the page rendered it in {render:.1f} ms"
    )
    assert render < 100
    assert elapsed < 2.0


def test_the_walk_read_pass_the_quiz_see_the_jp_and_open_the_certificate(
    desktop: Any, demo_thread: DemoThread
) -> None:
    demo = demo_thread.demo
    assert demo is not None
    page = ChatPage(desktop, demo.url).open()
    register(page)
    page.say("/belajar", "Katalog modul")
    page.tap("Manajerial", "Pilih modul")
    page.tap("Budaya Kerja", "menit belajar")
    page.tap("Mulai", "Kartu 1/10")
    for number in range(2, 11):
        page.clock("clock-hour")  # an hour on the card: its reading counts up to the card's cap
        page.tap("Lanjut", f"Kartu {number}/10")
    page.clock("clock-hour")
    page.tap("Mulai kuis", "Kuis:")
    for number in range(1, 7):
        poll = page.wait(lambda d, n=number: page._poll(f"{n}/6."))
        sent = demo.fake.polls[poll.get_attribute("data-poll")].poll
        assert sent is not None
        correct = sent["correct_option_ids"][0]
        shown = page.answer_poll(f"{number}/6.", correct)
        assert "Benar!" in shown.text
        assert shown.find_element(By.CSS_SELECTOR, ".poll-option.correct")
    # Waits for the result itself: the quiz's opening message says "lulus minimal" too.
    result = page.bot_message("Selamat, Bapak/Ibu lulus", timeout=20)
    assert "JP" in result.text or "menit" in result.text
    page.tap("Sertifikat", "")
    link = page.wait(
        lambda d: next(
            (a for a in d.find_elements(By.CSS_SELECTOR, "#messages a.doc") if ".pdf" in a.text),
            None,
        ),
        timeout=30,
    )
    href = link.get_attribute("href")
    assert link.get_dom_attribute("download") is None  # a PDF opens in the browser
    with urllib.request.urlopen(href, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"
    hours = page.say("/jp", "Rekap JP tahun")
    assert "Budaya Kerja Kolaboratif" in hours.text
    if SCREENSHOTS:
        desktop.execute_script("document.getElementById('messages').scrollTop -= 420")
        page.screenshot(str(Path(SCREENSHOTS) / "webchat-desktop.png"))


def test_the_clock_brings_the_evening_reminder(desktop: Any, demo_thread: DemoThread) -> None:
    demo = demo_thread.demo
    assert demo is not None
    page = ChatPage(desktop, demo.url).open()
    register(page)
    page.say("/belajar", "Katalog modul")
    page.tap("Manajerial", "Pilih modul")
    page.tap("Budaya Kerja", "menit belajar")
    page.tap("Mulai", "Kartu 1/10")
    page.tap("Lanjut", "Kartu 2/10")
    page.clock("clock-day")  # tomorrow, so today's reading does not count as today's
    desktop.find_element(By.ID, "clock-time").send_keys("1930")
    page.clock("clock-to")
    for _ in range(4):  # a weekend has no weekday reminder: on to the next evening
        try:
            reminder = page.bot_message("Lanjutkan", timeout=5)
            break
        except TimeoutException:
            page.clock("clock-day")
    else:
        raise AssertionError(f"no reminder by {demo.clock.local():%A %H:%M}")
    assert "Budaya Kerja Kolaboratif" in reminder.text
    assert "19:30" in desktop.find_element(By.ID, "clock-now").text


def test_the_admin_opens_the_dashboard_from_laporan_in_a_panel(
    desktop: Any, demo_thread: DemoThread
) -> None:
    """A ``web_app`` button opens the Mini App beside the chat, signed for the persona: the OPD
    admin's agency, served through the web chat's own origin (its CSP holds in the frame)."""
    from bot.texts import webapp as t

    assert demo_thread.demo is not None
    page = ChatPage(desktop, demo_thread.demo.url).open()
    page.persona(ADMIN)
    page.say("/laporan", "Laporan")
    button = page.wait(lambda d: page._button(t.BTN_DASHBOARD))
    button.click()
    panel = page.wait(lambda d: d.find_element(By.ID, "web-app"))
    page.wait(lambda d: panel.is_displayed())
    assert panel.find_element(By.ID, "web-app-title").text == t.BTN_DASHBOARD
    frame = page.driver.find_element(By.ID, "web-app-frame")
    page.driver.switch_to.frame(frame)
    try:
        heading = page.wait(lambda d: d.find_element(By.ID, "heading"))
        page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#employees li"))
        assert heading.text == seed.OPD_NAME  # the admin's agency
        assert page.driver.execute_script("return document.body.dataset.role") == "opd_admin"
        # The signed string left the frame's address bar, as in Telegram.
        assert "#" not in page.driver.execute_script("return location.href")
    finally:
        page.driver.switch_to.default_content()
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(str(Path(SCREENSHOTS) / "webchat-mini-app.png"))
    # The chat's menu button opens it too (set by /laporan for an admin).
    page.driver.find_element(By.ID, "web-app-close").click()
    page.wait(lambda d: not panel.is_displayed())
    app_button = page.wait(lambda d: d.find_element(By.ID, "app-button"))
    page.wait(lambda d: app_button.is_displayed())
    app_button.click()
    page.wait(lambda d: panel.is_displayed())
    logs = [e for e in page.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert [e for e in logs if "telegram.org" not in e["message"]] == []
