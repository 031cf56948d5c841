"""What every kind of test shares: the repository's paths, the test token, a hand-moved clock and
the first sheet of a spreadsheet.

Test modules import these from here; ``tests/conftest.py`` only turns them into fixtures.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

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
