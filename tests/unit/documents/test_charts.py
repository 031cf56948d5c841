"""The JP progress and OPD compliance charts (bot/documents/charts.py)."""

from __future__ import annotations

import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import matplotlib.image as mpimg
import pytest

from bot.documents.charts import (
    DPI,
    PROGRESS_HEIGHT_IN,
    WIDTH_IN,
    JpProgress,
    OpdCompliance,
    compliance_height_in,
    compliance_order,
    cumulative_steps,
    render_compliance_chart,
    render_progress_chart,
)


def png_shape(data: bytes) -> tuple[int, int]:
    """(height, width) of a PNG, decoded by matplotlib (through Pillow)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return mpimg.imread(io.BytesIO(data), format="png").shape[:2]


PROGRESS = JpProgress(
    year=2026,
    credits=[
        (date(2026, 5, 20), 1000),
        (date(2026, 2, 3), 150),
        (date(2026, 2, 3), 200),
        (date(2025, 12, 31), 999),  # last year: not on this year's line
        (date(2026, 12, 1), 500),  # after `until`: not yet
    ],
    until=date(2026, 11, 27),
)


def test_cumulative_steps_add_up_within_the_year() -> None:
    assert cumulative_steps(PROGRESS) == [
        (date(2026, 1, 1), 0),
        (date(2026, 2, 3), 350),
        (date(2026, 5, 20), 1350),
        (date(2026, 11, 27), 1350),
    ]
    whole_year = dataclasses.replace(PROGRESS, until=None)
    assert cumulative_steps(whole_year)[-1] == (date(2026, 12, 31), 1850)
    assert cumulative_steps(JpProgress(year=2026, credits=[])) == [
        (date(2026, 1, 1), 0),
        (date(2026, 12, 31), 0),
    ]


def test_progress_chart_is_a_phone_sized_png_that_shows_the_data() -> None:
    data = render_progress_chart(PROGRESS)
    assert png_shape(data) == (PROGRESS_HEIGHT_IN * DPI, WIDTH_IN * DPI)
    assert png_shape(data)[1] >= 1000  # sharp on a phone after Telegram's scaling
    assert render_progress_chart(dataclasses.replace(PROGRESS, credits=[])) != data


def test_compliance_order_ranks_by_share_then_name() -> None:
    rows = [
        OpdCompliance("Bappeda", 30, 0),
        OpdCompliance("Dinkes", 200, 150),
        OpdCompliance("BKPSDM", 40, 40),
        OpdCompliance("Arsip", 4, 3),
        OpdCompliance("Baru", 0, 0),
    ]
    assert [row.name for row in compliance_order(rows)] == [
        "BKPSDM",
        "Arsip",
        "Dinkes",
        "Bappeda",
        "Baru",  # no employees yet: 0%, ranked with the other zeros by name
    ]
    with pytest.raises(ValueError):
        compliance_order([OpdCompliance("Salah", 10, 11)])


def test_compliance_chart_grows_with_the_number_of_opds() -> None:
    few = [OpdCompliance(f"OPD {i}", 10, i) for i in range(3)]
    many = [OpdCompliance(f"Dinas nomor {i} dengan nama panjang", 10, i % 11) for i in range(30)]
    few_shape = png_shape(render_compliance_chart(few, year=2026))
    many_shape = png_shape(render_compliance_chart(many, year=2026))
    assert few_shape == (round(compliance_height_in(3) * DPI), WIDTH_IN * DPI)
    assert many_shape == (round(compliance_height_in(30) * DPI), WIDTH_IN * DPI)
    assert many_shape[0] > few_shape[0]
    assert png_shape(render_compliance_chart([], year=2026))[1] == WIDTH_IN * DPI


def test_charts_rendered_in_parallel_threads_match_sequential_ones() -> None:
    rows = [OpdCompliance(f"OPD {i}", 10, i) for i in range(8)]
    expected = (render_progress_chart(PROGRESS), render_compliance_chart(rows, year=2026))
    with ThreadPoolExecutor(max_workers=4) as pool:
        progress = list(pool.map(lambda _: render_progress_chart(PROGRESS), range(4)))
        compliance = list(pool.map(lambda _: render_compliance_chart(rows, year=2026), range(4)))
    assert set(progress) == {expected[0]}
    assert set(compliance) == {expected[1]}


def test_the_province_chart_is_pages_of_twenty_readable_on_a_phone() -> None:
    from bot.documents.charts import CHART_PAGE, compliance_pages, render_compliance_pages

    rows = [OpdCompliance(f"Dinas Nomor {i:02d} Provinsi Jawa Tengah", 100, i) for i in range(77)]
    pages = compliance_pages(rows)
    assert [len(p) for p in pages] == [20, 20, 20, 17] and CHART_PAGE == 20
    assert pages[0][0].at_target == 76 and pages[-1][-1].at_target == 0  # best first
    images = render_compliance_pages(rows, year=2026)
    assert len(images) == 4
    for image in images:
        height, width = png_shape(image)
        # Not the 1200 x 5061 strip of before: about as tall as wide, so a phone shows it at
        # about its full width.
        assert width == WIDTH_IN * DPI and height <= round(compliance_height_in(20) * DPI)
    assert len(render_compliance_pages(rows[:5], year=2026)) == 1
    assert len(render_compliance_pages([], year=2026)) == 1  # "no data", as one image
