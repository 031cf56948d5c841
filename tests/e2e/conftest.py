"""End-to-end fixtures: the real Application, long-polling a fake Bot API over HTTP."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Generator

import pytest
from telegram.ext import Application

from bot.app.application import build_application, polling
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from tests.support import TEST_TOKEN, FakeClock


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(token=TEST_TOKEN)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def bot_app(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[Application]:
    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})
    application = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(5), run_ticks=False
    )
    async with polling(application, poll_timeout=1):
        yield application
    # Every call the bot made must be one Telegram would accept.
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Each phase's report on the test item (``rep_call``), so a fixture can tell a failure
    (the browser tests save a screenshot then)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
