"""What every kind of test shares: the repository's paths, the test token, a hand-moved clock and
the first sheet of a spreadsheet.

Test modules import these from here; ``tests/conftest.py`` only turns them into fixtures.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
DATA_DIR = ROOT / "tests" / "data"
TEST_TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


class FakeClock:
    """A clock the test moves by hand; never sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def active_sheet(workbook: bytes | Path) -> Worksheet:
    """The active sheet of an XLSX file or of its bytes (which openpyxl types as maybe missing)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    source = io.BytesIO(workbook) if isinstance(workbook, bytes) else workbook
    sheet = load_workbook(source).active
    assert isinstance(sheet, Worksheet)
    return sheet


def excel_csv(data: bytes, delimiter: str = ";") -> list[list[object]]:
    """A CSV read the way Excel reads one opened with a double-click (the General format of an
    Indonesian locale: "," decimal mark, "." thousands): a cell that looks like a number
    becomes a float (15 significant digits: the rest of an 18-digit NIP is lost, and leading
    zeros go), one that looks like a date a ``date``, a text formula ``="..."`` its text, and
    anything else stays text. Enough of Excel to tell whether text columns stay text."""
    import csv
    import io
    import re
    from datetime import date

    number = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?(E[+-]?\d+)?$", re.IGNORECASE)
    day_first = re.compile(r"^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2,4}))?$")
    iso = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    text_formula = re.compile(r'^="((?:[^"]|"")*)"$')

    def cell(raw: str) -> object:
        value = raw.strip()
        if (found := text_formula.match(value)) is not None:
            return found.group(1).replace('""', '"')
        if number.match(value):
            plain = value.replace(".", "").replace(",", ".")
            return float(f"{float(plain):.15g}")
        if value.endswith("%") and number.match(value[:-1]):
            return float(value[:-1].replace(".", "").replace(",", ".")) / 100
        for pattern, order in ((iso, (0, 1, 2)), (day_first, (2, 1, 0))):
            found = pattern.match(value)
            if found is not None:
                parts = found.groups()
                year = parts[order[0]] or "2026"
                try:
                    return date(int(year), int(parts[order[1]]), int(parts[order[2]]))
                except ValueError:
                    return raw
        return raw

    text = data.decode("utf-8-sig")
    return [[cell(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CHROMEDRIVER = shutil.which("chromedriver")


def headless_chromium(width: int, height: int, extra: Sequence[str] = ()) -> Any:
    """Debian's headless Chromium driven by Selenium, for every browser test (the web chat's and
    the dashboard's). Without Chromium or its driver the test skips, saying why; under
    ``SINAU_REQUIRE_BROWSER`` (``.ci/run`` installs both) it fails instead, so CI never hides
    the browser tests behind a skip."""
    import pytest

    if CHROMIUM is None or CHROMEDRIVER is None:
        why = (
            "no Chromium here: install Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; .ci/run does)"
        )
        if os.environ.get("SINAU_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--lang=id-ID",
        *extra,
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
