"""The certificate PDF (bot/documents/certificate.py)."""

from __future__ import annotations

import dataclasses

from bot.core.jp import JpScale
from bot.documents.certificate import render_certificate
from bot.documents.verification import make_code
from tests.unit.documents.helpers import FIELDS, SECRET, pdf_text


def test_certificate_carries_everything_an_operator_checks() -> None:
    code = make_code(SECRET, FIELDS)
    data = render_certificate(FIELDS, code, JpScale(45), bot_username="SinauBarengBot")
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert pages == 1
    for expected in (
        FIELDS.name,
        "19860926 201505 1 001",
        FIELDS.module_title,
        "Sosial Kultural",
        "1,51 JP (68 menit)",
        "27 November 2026",
        "SB-2026-000123",
        code,
        f"/verifikasi {code}",
        "@SinauBarengBot",
    ):
        assert expected in text, expected


def test_certificate_with_very_long_name_and_title_stays_on_one_page() -> None:
    fields = dataclasses.replace(
        FIELDS,
        name="Raden Roro " + "Kusumawardhani " * 7,
        module_title="Etika, Integritas dan Pencegahan Gratifikasi " * 4,
    )
    pages, text = pdf_text(render_certificate(fields, make_code(SECRET, fields), JpScale(45)))
    assert pages == 1
    assert " ".join(fields.name.split()) in text


def test_characters_outside_the_font_do_not_stop_a_certificate() -> None:
    fields = dataclasses.replace(FIELDS, name="Dewi 🌸 Lestari ꦱꦶꦤꦲꦸ")
    pages, text = pdf_text(render_certificate(fields, make_code(SECRET, fields), JpScale(45)))
    assert pages == 1
    assert "Dewi" in text and "Lestari" in text  # missing glyphs are dropped, the rest prints
