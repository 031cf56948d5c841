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
