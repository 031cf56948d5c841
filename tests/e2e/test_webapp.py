"""The Mini App's buttons end to end: /laporan and /jp carry a web_app button, an admin's chat
menu button opens the dashboard, and the dashboard (started beside long polling) answers the
signed initData the emulator's user hands it, as Telegram would. Without SINAU_WEBAPP_URL no
button is offered."""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import WEBAPP_RUNNER, build_application, polling
from bot.app.webhook import serving
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from bot.texts import webapp as t
from db.models import Employee, ExternalTraining
from tests.e2e.helpers import NIP, say
from tests.e2e.hours_helpers import (
    NIP_ADMIN,
    NIP_FAR,
    add_employee,
    credit_module,
    db_of,
    grant,
)
from tests.support import FakeClock

APP_URL = "https://sinau.example.go.id/app/"


@pytest.fixture
async def app_bot(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[Application]:
    settings = settings.model_copy(
        update={
            "telegram_api_base_url": fake.base_url,
            "webapp_url": APP_URL,
            "webapp_port": 0,  # any free port: the test reads it from the runner
            "webhook_listen": "127.0.0.1",
        }
    )
    application = build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(5), run_ticks=False
    )
    async with polling(application, poll_timeout=1):
        yield application
    assert fake.violations == []


def local_url(app: Application) -> str:
    runner = app.bot_data[WEBAPP_RUNNER]
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}/app/"


async def api(app: Application, view: str, init_data: str, **params: object) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        body = {"init_data": init_data, **params}
        async with session.post(local_url(app) + f"api/{view}", json=body) as response:
            return response.status, await response.json()


def init_data_of(url: str) -> str:
    fragment = parse_qs(urlsplit(url).fragment)
    return fragment["tgWebAppData"][0]


async def test_buttons_open_the_dashboard_with_signed_init_data(
    fake: FakeBotApi, app_bot: Application
) -> None:
    admin = fake.user(8322, first_name="Budi", last_name="Santoso", started=True)
    learner = fake.user(8321, first_name="Siti", last_name="Aminah", started=True)
    await add_employee(app_bot, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
    await add_employee(app_bot, learner.id, NIP, "3328", "Siti Aminah")
    await grant(app_bot, admin.id, "opd_admin", "3328")
    await credit_module(app_bot, learner.id, "berakhlak", 450)

    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    first = recap.buttons[0]
    assert first == {"text": t.BTN_DASHBOARD, "web_app": {"url": APP_URL}}
    assert "callback_data" in recap.buttons[1]  # the exports are still there
    # The admin's chat menu button now opens the dashboard too (set right after the reply).
    for _ in range(500):
        if admin.id in fake.menu_buttons:
            break
        await asyncio.sleep(0.01)
    assert fake.menu_buttons[admin.id] == {
        "type": "web_app",
        "text": t.MENU_BUTTON,
        "web_app": {"url": APP_URL},
    }
    opened = admin.open_web_app(t.BTN_DASHBOARD, recap.message_id)
    assert opened.startswith(APP_URL + "#tgWebAppData=")
    assert "8322" not in urlsplit(opened).path + urlsplit(opened).query  # only in the fragment
    status, me = await api(app_bot, "me", init_data_of(opened))
    assert (status, me["role"], me["opd"]) == (200, "opd_admin", "3328")
    assert me["bot_username"] == "sinau_bareng_bot"  # for certificates' verification links
    status, agency = await api(app_bot, "agency", init_data_of(opened), opd="3328")
    assert status == 200 and {e["name"] for e in agency["employees"]} == {
        "Budi Santoso",
        "Siti Aminah",
    }
    status, _ = await api(app_bot, "agency", init_data_of(opened), opd="3376")
    assert status == 403
    from_menu = admin.open_web_app("")
    assert (await api(app_bot, "me", init_data_of(from_menu)))[1]["role"] == "opd_admin"

    jp = await say(learner, "/jp", "JP")
    assert jp.buttons[0] == {"text": t.BTN_MY_DASHBOARD, "web_app": {"url": APP_URL}}
    mine = learner.open_web_app(t.BTN_MY_DASHBOARD, jp.message_id)
    status, own = await api(app_bot, "learner", init_data_of(mine))
    assert (status, own["minutes"], own["target"]) == (200, 450, 900)
    assert (await api(app_bot, "agency", init_data_of(mine), opd="3328"))[0] == 403
    assert learner.id not in fake.menu_buttons  # learners keep Telegram's default menu

    # The page itself is served beside long polling.
    async with aiohttp.ClientSession() as session, session.get(local_url(app_bot)) as page:
        assert page.status == 200 and "Content-Security-Policy" in page.headers


async def test_an_export_is_sent_to_the_admins_chat_as_a_document(
    fake: FakeBotApi, app_bot: Application
) -> None:
    """ "Send to my chat": the app answers at once, the bot sends the same XLSX /laporan sends;
    a learner and another OPD's admin get a refusal and no file."""
    admin = fake.user(8351, first_name="Budi", last_name="Santoso", started=True)
    learner = fake.user(8352, first_name="Siti", last_name="Aminah", started=True)
    await add_employee(app_bot, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
    await add_employee(app_bot, learner.id, NIP, "3328", "Siti Aminah")
    await grant(app_bot, admin.id, "opd_admin", "3328")
    await credit_module(app_bot, learner.id, "berakhlak", 450)
    signed = admin.web_app_init_data()

    status, body = await api(app_bot, "export", signed, kind="xlsx", opd="3328")
    assert (status, body["queued"]) == (200, True)
    sent = await admin.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert sent.document is not None
    assert sent.document["file_name"] == "pegawai-kabupaten-tegal-2026.xlsx"
    assert sent.caption is not None and "Kabupaten Tegal" in sent.caption
    status, body = await api(app_bot, "export", signed, kind="csv", opd="3328")
    assert status == 200
    csv = await admin.wait_for_reply(lambda m: m.kind == "document", timeout=30)
    assert csv.document is not None and csv.document["file_name"].endswith(".csv")

    before = len(learner.chat.events) + len(admin.chat.events)
    mine = learner.web_app_init_data()
    assert (await api(app_bot, "export", mine, kind="xlsx", opd="3328"))[0] == 403
    assert (await api(app_bot, "export", signed, kind="xlsx", opd="3376"))[0] == 403
    await asyncio.sleep(0.3)
    assert len(learner.chat.events) + len(admin.chat.events) == before  # nothing was sent


async def add_report_with_file(
    app: Application, telegram_id: int, file_id: str, kind: str, name: str | None
) -> int:
    async with db_of(app).transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
        assert employee is not None
        report = ExternalTraining(
            employee_id=employee.id,
            opd_code=employee.opd_code,
            title="Webinar Literasi Digital",
            organiser="Kominfo",
            activity_kind="webinar",
            started_on=date(2026, 11, 10),
            ended_on=date(2026, 11, 10),
            jp_centi=400,
            certificate_no=f"KOM/{file_id}/2026",
            certificate_key=f"kom{file_id}",
            file_id=file_id,
            file_unique_id=f"u{file_id}",
            file_kind=kind,
            file_name=name,
            submitted_at=datetime(2026, 11, 11, tzinfo=UTC),
        )
        s.add(report)
        await s.flush()
        return report.id


async def test_a_reports_certificate_is_streamed_from_telegram(
    fake: FakeBotApi, app_bot: Application
) -> None:
    """The queue's certificate, fetched with getFile and the file URL of the (fake) Bot API
    and passed on as it is: a photo and a PDF; another OPD's admin gets a 403."""
    admin = fake.user(8361, first_name="Budi", last_name="Santoso", started=True)
    far = fake.user(8362, first_name="Joko", last_name="Lain", started=True)
    learner = fake.user(8363, first_name="Siti", last_name="Aminah", started=True)
    await add_employee(app_bot, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
    await add_employee(app_bot, far.id, NIP_FAR, "3376", "Joko Lain")
    await add_employee(app_bot, learner.id, NIP, "3328", "Siti Aminah")
    await grant(app_bot, admin.id, "opd_admin", "3328")
    await grant(app_bot, far.id, "opd_admin", "3376")
    photo = learner.send_photo(data=b"\xff\xd8JPEG certificate")["photo"][-1]["file_id"]
    pdf = learner.send_document("sertifikat.pdf", b"%PDF-1.4 certificate")["document"]
    photo_report = await add_report_with_file(app_bot, learner.id, photo, "photo", None)
    pdf_report = await add_report_with_file(
        app_bot, learner.id, pdf["file_id"], "document", "sertifikat.pdf"
    )
    signed = admin.web_app_init_data()
    async with aiohttp.ClientSession() as session:
        url = local_url(app_bot) + "api/certificate"
        body = {"init_data": signed, "report_id": photo_report}
        async with session.post(url, json=body) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "image/jpeg"
            assert r.headers["Cache-Control"] == "no-store"
            assert "img-src 'self' data: blob:" in r.headers["Content-Security-Policy"]
            assert await r.read() == b"\xff\xd8JPEG certificate"
        body = {"init_data": signed, "report_id": pdf_report}
        async with session.post(url, json=body) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "application/pdf"
            assert await r.read() == b"%PDF-1.4 certificate"
        body = {"init_data": far.web_app_init_data(), "report_id": pdf_report}
        async with session.post(url, json=body) as r:
            assert r.status == 403
        fake.fail_next("getFile", status=400, description="Bad Request: file is too big")
        body = {"init_data": signed, "report_id": photo_report}
        async with session.post(url, json=body) as r:
            assert r.status == 503 and (await r.json())["error"] == "file_unavailable"


async def test_without_the_setting_no_button_is_offered(
    fake: FakeBotApi, bot_app: Application
) -> None:
    admin = fake.user(8332, first_name="Budi", last_name="Santoso", started=True)
    await add_employee(bot_app, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
    await grant(bot_app, admin.id, "opd_admin", "3328")
    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    assert all("web_app" not in b for b in recap.buttons)
    jp = await say(admin, "/jp", "JP")
    assert all("web_app" not in b for b in jp.buttons)
    assert fake.menu_buttons == {}
    assert bot_app.bot_data.get(WEBAPP_RUNNER) is None


async def test_webhook_mode_serves_the_dashboard_on_the_webhook_port(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = settings.model_copy(
        update={
            "telegram_api_base_url": fake.base_url,
            "webhook_url": f"http://127.0.0.1:{port}/telegram/sinau",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr("s3cret-Token_for-tests"),
            "webapp_url": APP_URL,
        }
    )
    app = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    user = fake.user(8341, first_name="Siti", last_name="Aminah", started=True)
    base = f"http://127.0.0.1:{port}"
    async with serving(app, settings), aiohttp.ClientSession() as http:
        await add_employee(app, user.id, NIP, "3328", "Siti Aminah")
        assert app.bot_data.get(WEBAPP_RUNNER) is None  # no second server: the webhook's
        async with http.get(f"{base}/app", allow_redirects=False) as r:
            assert r.status == 308
        async with http.get(f"{base}/app/") as r:
            assert r.status == 200 and "Content-Security-Policy" in r.headers
        body = {"init_data": user.web_app_init_data()}
        async with http.post(f"{base}/app/api/me", json=body) as r:
            me = await r.json()
            assert r.status == 200 and me["role"] == "learner"
            assert me["bot_username"] == "sinau_bareng_bot"
        async with http.post(f"{base}/app/api/province", json=body) as r:
            assert r.status == 403
    assert fake.violations == []
