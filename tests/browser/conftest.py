"""Browser tests: the demo in a thread, the web chat in headless Chromium (Debian's ``chromium``
and ``chromium-driver``, driven by Selenium).

They skip, saying why, only when Chromium or its driver is not installed on this machine;
``.ci/run`` installs both and sets ``SINAU_REQUIRE_BROWSER``, so in CI they run or fail. A
failing test leaves a screenshot of the page in ``SINAU_ARTIFACTS`` (default
``.artifacts/browser``).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.demo.runner import Demo, DemoOptions, running
from tests.support import CONTENT_DIR, ROOT, TEST_TOKEN, headless_chromium

ARTIFACTS = Path(os.environ.get("SINAU_ARTIFACTS", ROOT / ".artifacts" / "browser"))
PHONE = (390, 844)
DESKTOP = (1280, 800)


class DemoThread:
    """The demo on its own event loop in a thread, as ``./scripts/demo`` runs it."""

    def __init__(self, database: Path) -> None:
        self.options = DemoOptions(port=0, database=database)
        self.ready = threading.Event()
        self.demo: Demo | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            base = Settings(
                TELEGRAM_BOT_TOKEN=TEST_TOKEN, SINAU_CONTENT_DIR=CONTENT_DIR, _env_file=None
            )
            async with running(self.options, base) as demo:
                self.demo = demo
                self.ready.set()
                await self._stop.wait()

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by start()
            self.error = exc
            self.ready.set()

    def start(self) -> Demo:
        self._thread.start()
        self.ready.wait(30)
        if self.error or self.demo is None:
            raise RuntimeError(f"the demo did not start: {self.error!r}")
        return self.demo

    def call(self, coroutine: Any) -> Any:
        """Run a coroutine on the demo's loop (to look at its database or the fake)."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def stop(self) -> None:
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture
def demo_thread(tmp_path: Path) -> Iterator[DemoThread]:
    thread = DemoThread(tmp_path / "demo.db")
    thread.start()
    yield thread
    thread.stop()
    assert thread.demo is not None
    assert thread.demo.fake.violations == []


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _chrome(size: tuple[int, int]) -> Any:
    return headless_chromium(*size)


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Chromium as a phone: a 390 px wide viewport, touch, twice the pixels."""
    driver = _chrome(PHONE)
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )
    yield driver
    _finish(driver, request)


@pytest.fixture
def desktop(request: pytest.FixtureRequest) -> Iterator[Any]:
    driver = _chrome(DESKTOP)
    driver.set_window_size(*DESKTOP)
    yield driver
    _finish(driver, request)


def _finish(driver: Any, request: pytest.FixtureRequest) -> None:
    """After a failed test, its screenshot and page as artefacts; then close the browser."""
    try:
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))
            (ARTIFACTS / f"{request.node.name}.html").write_text(driver.page_source)
    finally:
        driver.quit()
