"""The certificate PDF (bot/documents/certificate.py)."""

from __future__ import annotations

import dataclasses
from datetime import date

import segno

from bot.core.jp import JpScale
from bot.documents.certificate import render_certificate
from bot.documents.verification import make_code, verify_link
from tests.unit.documents.helpers import (
    FIELDS,
    SECRET,
    decode_qr,
    pdf_text,
    qr_image,
    qr_matrix,
)


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


def test_the_qr_code_opens_the_deep_link_that_verifies() -> None:
    """Read back from the PDF's own drawing, the QR code decodes to t.me/<bot>?start=v_<code>,
    module for module the code segno makes of that link."""
    code = make_code(SECRET, FIELDS)
    data = render_certificate(FIELDS, code, JpScale(45), bot_username="SinauBarengBot")
    link = f"https://t.me/SinauBarengBot?start=v_{code.replace('-', '')}"
    assert verify_link("SinauBarengBot", code) == link
    image = qr_image(data)
    assert decode_qr(image) == [link]
    expected = [list(row) for row in segno.make(link, error="m").matrix]
    assert qr_matrix(image, len(expected)) == expected


def test_a_signed_certificate_prints_who_signs_where_and_when() -> None:
    fields = dataclasses.replace(
        FIELDS,
        fields_version=3,
        revision=2,
        issued_on=date(2026, 11, 28),
        issuer="Badan Pengembangan Sumber Daya Manusia Daerah Provinsi Jawa Tengah",
        signer_name="Dr. Sumarno, M.M.",
        signer_nip="19680101 199303 1 005",
        signer_title="Kepala BPSDMD Provinsi Jawa Tengah",
        city="Semarang",
    )
    pages, text = pdf_text(render_certificate(fields, make_code(SECRET, fields), JpScale(45)))
    assert pages == 1
    for expected in (
        "BADAN PENGEMBANGAN SUMBER DAYA MANUSIA DAERAH PROVINSI JAWA TENGAH",
        "Semarang, 28 November 2026",
        "Kepala BPSDMD Provinsi Jawa Tengah",
        "Dr. Sumarno, M.M.",
        "NIP 19680101 199303 1 005",
        "Revisi 2",
        "1,51 JP (68 menit)",
    ):
        assert expected in text, expected
