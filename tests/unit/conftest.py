"""Unit-test fixtures: the application's services on the test's database, clock and catalog."""

from __future__ import annotations

import random

import pytest

from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from db.session import Database
from tests.support import FakeClock


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return Services.build(settings, db, catalog, clock=clock, rng=random.Random(7))
