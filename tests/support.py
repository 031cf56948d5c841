"""What every kind of test shares: the repository's paths, the test token and a hand-moved clock.

Test modules import these from here; ``tests/conftest.py`` only turns them into fixtures.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

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
