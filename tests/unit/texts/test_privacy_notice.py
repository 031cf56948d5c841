"""The privacy notice (bot/texts/privacy.py): versioned, complete, and within Telegram's limits
whatever the deployment puts in its settings."""

from __future__ import annotations

import hashlib

import pytest

from bot.core.telegram_html import telegram_length, visible_text
from bot.texts import privacy as t

# The digest of the notice's wording at each version. Editing the notice changes its digest:
# bump NOTICE_VERSION (employees are then asked to acknowledge the new one) and add it here.
DIGESTS = {"1": "503dc6cf6a74afe8c47ba7e9b3af70b4a7b61fe3c7b3651121931a7c91183371"}
TELEGRAM_TEXT_LIMIT = 4096


def digest() -> str:
    return hashlib.sha256("\x00".join((t.NOTICE_HEADER, *t.NOTICE_PAGES)).encode()).hexdigest()


def test_a_changed_notice_has_a_new_version() -> None:
    assert DIGESTS.get(t.NOTICE_VERSION) == digest(), (
        "the privacy notice changed: bump NOTICE_VERSION and pin the new digest"
    )


def filled(page: str, width: int) -> str:
    return page.format(
        controller="C" * width, contact="K" * (width + 100), years=50, ttl_hours=2160
    )


@pytest.mark.parametrize("number", range(1, len(t.NOTICE_PAGES) + 1))
def test_every_page_fits_a_message_with_the_longest_settings(number: int) -> None:
    page = t.NOTICE_PAGES[number - 1]
    header = t.NOTICE_HEADER.format(version=t.NOTICE_VERSION, page=number, pages=99)
    suffix = t.NOTICE_STATUS_OUTDATED.format(version=t.NOTICE_VERSION)
    text = header + filled(page, 200) + suffix  # SINAU_PRIVACY_CONTROLLER is at most 200
    assert telegram_length(visible_text(text)) <= TELEGRAM_TEXT_LIMIT
    # Short enough to read on a phone, too.
    assert telegram_length(visible_text(header + filled(page, 60))) <= 2000


def test_the_notice_says_what_the_law_asks() -> None:
    notice = "\n".join(t.NOTICE_PAGES)
    for stored in (
        "NIP",
        "nama",
        "instansi (OPD)",
        "unit kerja",
        "jabatan",
        "golongan",
        "ID Telegram",
        "waktu belajar",
        "jawaban kuis",
        "ID berkas Telegram",
        "nomor sertifikat",
        "pengingat",
        "streak",
        "audit",
    ):
        assert stored in notice, stored
    for basis in ("UU 20/2023 Pasal 49", "PP 11/2017", "huruf c", "huruf a", "Pasal 56"):
        assert basis in notice, basis
    for right in ("/dataku", "/profil", "/hapus", "/privasi", "/pengingat"):
        assert right in notice, right
    for setting in ("{controller}", "{contact}", "{years}", "{ttl_hours}"):
        assert setting in notice, setting
