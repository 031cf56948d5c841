"""The dashboard page in a real browser: Debian's headless Chromium, driven by Selenium through
the system chromedriver, at a phone's width (390 px), against the real server and database.

The page is opened as Telegram opens a Mini App: the signed ``initData`` and the theme in the URL
fragment (Telegram's ``telegram-web-app.js`` cannot load here: the browser resolves no outside
name, as in the emulator). Screenshots of each view go to ``SINAU_SCREENSHOTS`` when it is set
(the README's pictures are made so), and to ``test-artifacts/`` when a test fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select, update
from telegram import Bot

from bot.app import webapp
from bot.app.webapp_exports import ChatExports
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from bot.services import Services
from bot.services.assignments import Spec
from bot.store.audience import Audience
from bot.texts import webapp as t
from db.models import ExternalTraining, JpLedgerEntry
from db.session import Database
from tests.support import TEST_TOKEN, FakeClock, headless_chromium
from tests.unit.helpers import register
from tests.webapp_seed import ADMIN, BEHIND, LEARNER, SUPER, P, add_report, seed, signed

WIDTH, HEIGHT = 390, 844
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
THEME = {"bg_color": "#ffffff", "text_color": "#000000", "button_color": "#3390ec"}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "button_color": "#5288c1",
    "secondary_bg_color": "#232e3c",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # No outside name resolves: telegram.org fails at once, as offline.
    offline = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)
    driver = headless_chromium(WIDTH, HEIGHT, offline)
    driver.set_page_load_timeout(30)
    # A phone's viewport (headless windows are at least 500 px wide).
    metrics = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    yield driver
    driver.quit()


class QueuedExports(ChatExports):
    """What the page asked the bot to send (the delivery is tested in test_webapp)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[int, str, str, int]] = []

    def queue(self, telegram_id: int, kind: str, scope: str, year: int) -> None:
        self.jobs.append((telegram_id, kind, scope, year))


@pytest.fixture
def exports() -> QueuedExports:
    return QueuedExports()


@pytest.fixture
async def site(
    settings: Settings,
    db: Database,
    catalog: Catalog,
    clock: FakeClock,
    fake: FakeBotApi,
    exports: QueuedExports,
) -> AsyncIterator[str]:
    await seed(db)
    svc = Services.build(settings, db, catalog, clock=clock, rng=random.Random(7))
    server = web.Application()
    bot = Bot(TEST_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    async with bot:
        webapp.mount(server, svc, now=lambda: clock().timestamp(), bot=bot, exports=exports)
        test_server = TestServer(server, host="127.0.0.1")
        await test_server.start_server()
        yield str(test_server.make_url("/app/"))
        await test_server.close()


def opened(base: str, uid: int, clock: FakeClock, theme: dict[str, str] = THEME) -> str:
    fragment = urlencode(
        {
            "tgWebAppData": signed(uid, clock().timestamp()),
            "tgWebAppVersion": "9.0",
            "tgWebAppThemeParams": json.dumps(theme),
        },
        quote_via=quote,
    )
    return f"{base}#{fragment}"


def visit(url: str) -> Callable[[Any], Any]:
    return lambda driver: driver.get(url)


class Page:
    """Selenium, called from a thread (its calls block), one step at a time."""

    def __init__(self, driver: Any, name: str) -> None:
        self.driver = driver
        self.name = name

    async def run(self, step: Callable[[Any], Any]) -> Any:
        return await asyncio.to_thread(step, self.driver)

    async def wait(self, css: str, text: str | None = None, seconds: float = 15) -> Any:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def find(driver: Any) -> Any:
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed() and (text is None or text in element.text):
                    return element
            return False

        # An element the page replaced while it was read: look again.
        ignored = (StaleElementReferenceException,)
        return await self.run(
            lambda d: WebDriverWait(d, seconds, ignored_exceptions=ignored).until(find)
        )

    async def shoot(self, view: str) -> None:
        folder = os.environ.get("SINAU_SCREENSHOTS")
        if folder:

            def save(driver: Any) -> None:
                Path(folder).mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(Path(folder) / f"dashboard-{view}.png"))

            await self.run(save)

    def width_fits(self) -> bool:
        """Nothing wider than the phone: the page never scrolls sideways (a wide table scrolls
        in its own box)."""
        return bool(
            self.driver.execute_script(
                "return document.documentElement.scrollWidth <= window.innerWidth"
            )
        )

    def policy_violations(self) -> list[str]:
        logs = self.driver.get_log("browser")
        return [e["message"] for e in logs if "Content Security Policy" in e["message"]]


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    browser.get("about:blank")
    browser.get_log("browser")  # start each test with an empty console
    yield Page(browser, request.node.name)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


async def test_a_superadmin_sorts_searches_and_drills_down(
    page: Page, site: str, clock: FakeClock, settings: Settings, db: Database, catalog: Catalog
) -> None:
    from selenium.webdriver.common.by import By

    # Required learning in P, two days overdue by now: in every admin view.
    svc = Services.build(settings, db, catalog, clock=clock)
    due = clock().date() + timedelta(days=2)
    spec = Spec("module", "gratifikasi", Audience(opd=P), due)
    created = await svc.assignments.create(SUPER, spec)
    assert created.assignment is not None
    report = await add_report(db, LEARNER)  # waiting: in her page, with its state
    clock.advance(days=4)
    await page.run(lambda d: d.get(opened(site, SUPER, clock)))
    await page.wait("#agencies tbody tr")
    heading = await page.wait("#heading")
    assert heading.text == t.LABELS["province"]
    rows = await page.run(lambda d: d.find_elements(By.CSS_SELECTOR, "#agencies tbody tr"))
    assert len(rows) == 2 and rows[0].get_attribute("data-opd") == P  # best share first
    assert "10.00" in (await page.wait("#as-of")).text  # 03:00 UTC, shown in WIB
    trend = await page.wait("#trend")
    assert "Mar" in trend.text and "13,33 JP" in trend.text  # 600 minutes credited in March
    assert "0,0%" in rows[0].text  # P: nobody of 4 completed the assignment
    assert t.LABELS["col_compliance"] in (await page.wait("#agencies thead")).text
    await page.shoot("province")
    assert await page.run(lambda d: d.execute_script("return window.innerWidth")) == WIDTH
    assert await page.run(lambda d: page.width_fits())
    # At a phone's width the table keeps the columns that matter; none is cut off.
    table_fits = "return document.querySelector('.scroll').scrollWidth <= window.innerWidth"
    assert await page.run(lambda d: d.execute_script(table_fits))
    assert await page.run(lambda d: d.find_element(By.ID, "distribution").is_displayed())

    # Sort by name (ascending), then search by name.
    name_header = await page.wait("#agencies th[data-key=name]")
    await page.run(lambda d: name_header.click())
    first = await page.run(
        lambda d: d.find_element(By.CSS_SELECTOR, "#agencies tbody tr").get_attribute("data-opd")
    )
    assert first == "prov-bappeda"  # "Bappeda ..." before "Sekretariat ..."
    search = await page.wait("#search")
    await page.run(lambda d: search.send_keys("sekretariat"))
    rows = await page.run(lambda d: d.find_elements(By.CSS_SELECTOR, "#agencies tbody tr"))
    assert [r.get_attribute("data-opd") for r in rows] == [P]

    # Into the agency, its people and their states; then one employee's ledger.
    await page.run(lambda d: rows[0].click())
    await page.wait("#employees li", "Sri Rahayu")
    assert (await page.wait("#heading")).text == "Sekretariat Daerah Provinsi Jawa Tengah"
    late = await page.wait("#employees li", "Budi Santoso")
    assert t.LABELS["overdue_list"].split(":")[0] in late.text
    assert created.assignment.title in (await page.wait("#compliance li")).text
    await page.shoot("agency")
    state = await page.wait("#state")
    await page.run(lambda d: state.send_keys(t.STATES["reached"]))
    await page.wait("#counter", "1")
    person = await page.wait("#employees li", "Sri Rahayu")
    await page.run(lambda d: person.click())
    await page.wait("#ledger li", "Kursus 1")
    assert "20 JP" in (await page.wait(".cards")).text
    standing = await page.wait("#assignments li[data-standing=overdue]")
    assert created.assignment.title in standing.text
    waiting = await page.wait("#reports li[data-status=pending]", "Webinar Literasi Digital")
    assert t.LABELS["report_pending"] in waiting.text and report > 0
    await page.shoot("employee")
    assert await page.run(lambda d: page.width_fits())
    back = await page.wait("#back")
    await page.run(lambda d: back.click())
    await page.wait("#employees li")
    assert await page.run(lambda d: page.policy_violations()) == []


async def test_an_opd_admin_sees_only_their_agency(page: Page, site: str, clock: FakeClock) -> None:
    await page.run(lambda d: d.get(opened(site, ADMIN, clock)))
    await page.wait("#employees li", "Budi Santoso")
    assert (await page.wait("#heading")).text == "Sekretariat Daerah Provinsi Jawa Tengah"
    assert await page.run(lambda d: d.find_element("id", "back").is_displayed()) is False
    assert await page.run(lambda d: len(d.find_elements("css selector", "#agencies"))) == 0
    text = await page.run(lambda d: d.find_element("id", "view").text)
    assert "Wati Lain" not in text and "Tono" not in text  # the other OPD's people


async def test_a_learner_sees_their_own_year_in_the_dark_theme(
    page: Page, site: str, clock: FakeClock, catalog: Catalog
) -> None:
    await page.run(lambda d: d.get(opened(site, LEARNER, clock, DARK)))
    await page.wait("#months")
    assert t.LABELS["reached"] in (await page.wait("#remaining")).text
    background = await page.run(
        lambda d: d.execute_script("return getComputedStyle(document.body).backgroundColor")
    )
    assert background == "rgb(23, 33, 43)"  # Telegram's dark bg_color
    paths = await page.run(lambda d: d.find_elements("css selector", "#paths li"))
    assert len(paths) == len(catalog.paths) and "0/" in paths[0].text
    # The signed string does not stay in the address bar.
    assert "#" not in await page.run(lambda d: d.current_url)
    await page.shoot("learner")
    assert await page.run(lambda d: page.width_fits())


async def test_an_expired_session_shows_a_readable_message(
    page: Page, site: str, clock: FakeClock
) -> None:
    url = opened(site, SUPER, clock)
    clock.advance(seconds=3601)
    await page.run(lambda d: d.get(url))
    error = await page.wait(".error")
    assert error.text == t.ERRORS["unauthorized"]
    assert error.get_attribute("data-status") == "401"


def certificate_jpeg() -> bytes:
    """A certificate as a learner photographs it: a JPEG, 320 px wide."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (320, 220), "#fdf6e3")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, 311, 211), outline="#b58900", width=4)
    draw.text((40, 60), "SERTIFIKAT", fill="#073642")
    draw.text((40, 100), "Webinar Literasi Digital", fill="#073642")
    draw.text((40, 140), "Kominfo, 10 November 2026", fill="#586e75")
    out = BytesIO()
    picture.save(out, "JPEG")
    return out.getvalue()


async def test_a_superadmin_approves_a_pending_report_which_is_credited_once(
    page: Page,
    site: str,
    clock: FakeClock,
    db: Database,
    settings: Settings,
    catalog: Catalog,
    fake: FakeBotApi,
) -> None:
    report = await add_report(db, BEHIND)
    # Its certificate, a photo on Telegram's servers (the fake's): shown in the queue.
    photo = fake.files.new("photo", certificate_jpeg())
    async with db.transaction() as s:
        await s.execute(
            update(ExternalTraining)
            .where(ExternalTraining.id == report)
            .values(file_id=photo.file_id, file_kind="photo")
        )
    # And an account waiting for verification, registered through the chat's service.
    await register(Services.build(settings, db, catalog, clock=clock), 7001, verified=False)
    await page.run(lambda d: d.get(opened(site, SUPER, clock)))
    button = await page.wait("#open-queue")
    await page.run(lambda d: button.click())
    item = await page.wait(f"#queue li[data-report='{report}']", "Webinar Literasi Digital")
    assert "Budi Santoso" in item.text and "4 JP" in item.text
    account = await page.wait("#accounts li", "Siti Aminah")
    assert "Kabupaten Tegal" in account.text
    show = await page.wait(f"#queue li[data-report='{report}'] .show-certificate")
    await page.run(lambda d: show.click())
    image = await page.wait(f"#queue li[data-report='{report}'] .certificate img")
    loaded = "return arguments[0].complete && arguments[0].naturalWidth"
    for _ in range(100):
        if await page.run(lambda d: d.execute_script(loaded, image)):
            break
        await asyncio.sleep(0.05)
    assert await page.run(lambda d: d.execute_script(loaded, image)) == 320
    assert (await page.run(lambda d: image.get_attribute("src"))).startswith("blob:")
    await page.shoot("queue")
    approve = await page.wait(f"#queue li[data-report='{report}'] .approve")
    await page.run(lambda d: approve.click())
    await page.wait(f"#queue li[data-report='{report}'] [role=status]", t.LABELS["approved"])
    async with db.transaction() as s:
        credits = list(
            await s.scalars(
                select(JpLedgerEntry.minutes).where(
                    JpLedgerEntry.source_kind == "external", JpLedgerEntry.source_id == str(report)
                )
            )
        )
        row = await s.get(ExternalTraining, report)
    assert credits == [180] and row is not None and row.status == "approved"
    # Back in the queue, the report is gone: it was decided.
    back = await page.wait("#back")
    await page.run(lambda d: back.click())
    button = await page.wait("#open-queue")
    await page.run(lambda d: button.click())
    await page.wait("#accounts li", "Siti Aminah")  # still waiting
    assert await page.run(lambda d: len(d.find_elements("css selector", "#queue li"))) == 0
    assert await page.run(lambda d: page.policy_violations()) == []


async def test_every_view_fits_a_360_px_phone(page: Page, site: str, clock: FakeClock) -> None:
    """The issue's narrowest phone: no view scrolls sideways (the agency table keeps only the
    columns that fit)."""
    narrow = {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}
    wide = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True}
    await page.run(lambda d: d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", narrow))
    try:
        for uid, ready in (
            (SUPER, "#agencies tbody tr"),
            (ADMIN, "#employees li"),
            (LEARNER, "#months"),
        ):
            # Only the fragment differs between users: leave the page so that it loads again.
            await page.run(lambda d: d.get("about:blank"))
            await page.run(visit(opened(site, uid, clock)))
            await page.wait(ready)
            assert await page.run(lambda d: d.execute_script("return window.innerWidth")) == 360
            assert await page.run(lambda d: page.width_fits()), uid
    finally:
        await page.run(lambda d: d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", wide))


async def test_send_to_my_chat_queues_the_reports_exports(
    page: Page, site: str, clock: FakeClock, exports: QueuedExports
) -> None:
    await page.run(lambda d: d.get(opened(site, ADMIN, clock)))
    await page.wait("#employees li", "Budi Santoso")
    button = await page.wait("#exports button[data-kind=xlsx]")
    assert button.text == t.LABELS["export_xlsx"]
    await page.run(lambda d: d.execute_script("arguments[0].scrollIntoView()", button))
    await page.run(lambda d: button.click())
    await page.wait("#export-status", t.EXPORT_QUEUED[:20])
    assert exports.jobs == [(ADMIN, "xlsx", P, 2026)]
    await page.run(lambda d: button.click())  # again at once: the cooldown's message
    await page.wait("#export-status", "Mohon tunggu")
    assert len(exports.jobs) == 1
    # The province's exports, for a superadmin.
    await page.run(lambda d: d.get("about:blank"))
    await page.run(visit(opened(site, SUPER, clock)))
    recap = await page.wait("#exports button[data-kind=recap]")
    await page.run(lambda d: d.execute_script("arguments[0].scrollIntoView()", recap))
    await page.run(lambda d: recap.click())
    await page.wait("#export-status", t.EXPORT_QUEUED[:20])
    assert exports.jobs[-1] == (SUPER, "recap", "all", 2026)
    assert await page.run(lambda d: page.policy_violations()) == []
