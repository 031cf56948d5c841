"""The agency search (bot/core/agencies.py) on the shipped agency list."""

from __future__ import annotations

import pytest

from bot.core.agencies import normalize, search, suggest
from bot.core.content import Catalog


def _codes(catalog: Catalog, query: str) -> list[str]:
    return [opd.code for opd in search(catalog.opds.values(), query)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dinkes", "prov-dinkes"),
        ("Dinas Kesehatan", "prov-dinkes"),
        ("disdik", "prov-disdikbud"),
        ("bappeda", "prov-bappeda"),
        ("bpsdm", "prov-bpsdmd"),
        ("Kab. Semarang", "3322"),
        ("kabupaten semarang", "3322"),
        ("pemkot semarang", "3374"),
        ("Kota Semarang", "3374"),
        ("solo", "3372"),
        ("tugurejo", "prov-rsud-tugurejo"),
        ("adhyatma", "prov-rsud-tugurejo"),
        ("3328", "3328"),
    ],
)
def test_the_words_people_type_find_the_agency(catalog: Catalog, query: str, first: str) -> None:
    codes = _codes(catalog, query)
    assert codes and codes[0] == first, codes


def test_both_tegals_and_nothing_for_nonsense(catalog: Catalog) -> None:
    assert set(_codes(catalog, "tegal")[:2]) == {"3328", "3376"}
    assert _codes(catalog, "zzzz") == []
    assert _codes(catalog, "  ") == []


def test_suggestions_for_a_typo(catalog: Catalog) -> None:
    names = [opd.code for opd in suggest(catalog.opds.values(), "dinas kesahatan")]
    assert "prov-dinkes" in names


def test_normalize() -> None:
    assert normalize("Kab. Semarang") == "kabupaten semarang"
    assert normalize("PemProv Jateng") == "provinsi jawa tengah"


def test_exact_names_one_agency_even_when_the_search_finds_more(catalog: Catalog) -> None:
    from bot.core.agencies import exact

    opds = list(catalog.opds.values())
    assert exact(opds, "Dinas Kesehatan") is not None
    assert exact(opds, "Dinas Kesehatan").code == "prov-dinkes"  # type: ignore[union-attr]
    assert len(search(opds, "Dinas Kesehatan")) == 2  # the Dinas Peternakan dan Kesehatan Hewan
    assert exact(opds, "semarang") is None  # the kabupaten and the kota: a choice, not a guess
    assert exact(opds, "  ") is None


def test_short_names_keep_the_words_that_tell_agencies_apart() -> None:
    from bot.core.agencies import short_name

    assert short_name("Dinas Kesehatan Provinsi Jawa Tengah") == "Dinas Kesehatan"
    assert short_name("Kabupaten Tegal") == "Kabupaten Tegal"
    long = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana Provinsi Jawa Tengah"  # noqa: E501
    short = short_name(long, 40)
    assert len(short) <= 40 and short.startswith("Pemberdayaan")  # "Dinas" tells nothing
    assert short.endswith("Keluarga Berencana")
    assert short_name("Dinas Peternakan dan Kesehatan Hewan Provinsi Jawa Tengah", 34) == (
        "Peternakan dan Kesehatan Hewan"
    )
    assert short_name("Dinas Kesehatan Provinsi Jawa Tengah", 10) == "Kesehatan"
    assert short_name("Provinsi Jawa Tengah") == "Provinsi Jawa Tengah"  # nothing else to keep


def test_slugs_are_safe_ascii_file_names() -> None:
    from bot.core.agencies import slug

    assert slug("Dinas Kesehatan Provinsi Jawa Tengah") == "dinas-kesehatan-provinsi-jawa-tengah"
    assert slug("RSUD dr. Adhyatma, MPH") == "rsud-dr-adhyatma-mph"
    assert slug("Dinas Pariwisata Café / ../etc") == "dinas-pariwisata-cafe-etc"
    assert slug("ṡṡṡ") == "sss" and slug("🙂") == "instansi"
    assert len(slug("x" * 200)) == 60
