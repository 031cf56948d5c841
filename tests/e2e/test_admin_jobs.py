"""The admins' main jobs without friction (issue 16, items 8-14): agencies by name in
/laporan, a readable /audit, roles shown and told, announcements, reviews that keep their
context, readable charts and CSV that opens right in Excel."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.app.application import build_application, polling
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from tests.e2e.helpers import say, tap
from tests.e2e.hours_helpers import NIP_ADMIN, NIP_OTHER, add_employee, credit_module, uploaded
from tests.support import FakeClock, active_sheet

SUPER = 9100
DINKES = "Dinas Kesehatan Provinsi Jawa Tengah"


@pytest.fixture
async def app(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[Application]:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({SUPER})}
    )
    application = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(7), run_ticks=False
    )
    async with polling(application, poll_timeout=1):
        yield application
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


async def test_laporan_finds_agencies_by_name_and_names_its_files(
    fake: FakeBotApi, app: Application
) -> None:
    boss = fake.user(SUPER, first_name="Kepala", started=True)
    fake.user(8301, first_name="Sari", started=True)
    await add_employee(app, 8301, NIP_ADMIN, "prov-dinkes", "Sari Wulandari")
    await add_employee(app, 8302, NIP_OTHER, "3328", "Rina Lestari")
    await credit_module(app, 8301, "berakhlak", 900)

    # The name as people say it: the agency, with its employees, never "belum ada pegawai".
    found = await say(boss, "/laporan Dinas Kesehatan", "Laporan")
    assert f"Laporan {DINKES}" in found.html and "Pegawai: <b>1</b>" in found.html
    assert "Belum ada pegawai" not in found.html
    assert "📊 Pegawai (XLSX)" in found.button_texts

    # Part of a name that fits two agencies: a button each, by name.
    choice = await say(boss, "/laporan semarang", "Pilih salah satu")
    assert choice.button_texts[:2] == ["Kabupaten Semarang", "Kota Semarang"]
    empty = await tap(boss, "Kota Semarang", "Laporan Kota Semarang")
    assert "Belum ada pegawai" in empty.html and empty.buttons == []  # nothing to export

    # A name that does not exist: "tidak ditemukan", suggestions, and no exports.
    unknown = await say(boss, "/laporan dinas keshatan", "tidak ditemukan")
    assert "📊 Pegawai (XLSX)" not in unknown.button_texts
    assert DINKES in unknown.button_texts
    await tap(boss, "Dinas Kesehatan", f"Laporan {DINKES}")
    nothing = await say(boss, "/laporan zzzz qqqq", "tidak ditemukan")
    assert nothing.buttons == []

    # The ranking offers each agency as a button, by its name without the province.
    ranking = await say(boss, "/laporan", "Peringkat OPD")
    assert "1. Dinas Kesehatan" in ranking.button_texts, ranking.button_texts
    report = await tap(boss, "1. Dinas Kesehatan", f"Laporan {DINKES}")

    boss.press_button("Pegawai (XLSX)", report.message_id)
    sent = await boss.wait_for_reply(lambda m: m.kind == "document")
    assert sent.document is not None
    assert sent.document["file_name"] == "pegawai-dinas-kesehatan-provinsi-jawa-tengah-2026.xlsx"
    assert sent.text == f"Pegawai: {DINKES} — 2026"
    assert active_sheet(uploaded(fake, sent)).title == "Dinas Kesehatan"

    boss.press_button("Rekap OPD", ranking.message_id)
    recap = await boss.wait_for_reply(lambda m: m.kind == "document")
    assert recap.document is not None
    assert recap.document["file_name"] == "rekap-opd-seluruh-instansi-2026.xlsx"
    assert recap.text == "Rekap OPD: Seluruh instansi Jawa Tengah — 2026"
    for message in fake.chat(SUPER).messages:  # no internal code anywhere an admin reads
        assert "prov-dinkes" not in (message.text or "") and " all " not in (message.text or "")
