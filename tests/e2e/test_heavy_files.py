"""Heavy work must not freeze the bot: expensive buttons are rate-limited per user, a file is
sent again by its Telegram file_id until its data changes, and an export beyond a sheet's rows
comes as zipped CSV parts with a caption that says so. (The 300,000-employee export and its
effect on other users' latency are measured in ``bench/export.py``.)"""

from __future__ import annotations

import io
import zipfile

from telegram.ext import Application

from bot.app.application import services_of
from bot.emulator import FakeBotApi
from bot.texts import hours as t
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import NIP_ADMIN, callback_answer, credit_module, grant
from tests.support import FakeClock


def uploads(fake: FakeBotApi, method: str) -> list[object]:
    """The file parameter of each accepted send: an upload, or a file_id string (a reuse)."""
    field = "photo" if method == "sendPhoto" else "document"
    return [c.params.get(field) for c in fake.calls_to(method) if c.response_ok]


async def test_sixty_transcript_presses_build_one_pdf_and_reuse_it(
    fake: FakeBotApi, bot_app: Application, clock: FakeClock
) -> None:
    user = fake.user(8601, first_name="Siti", last_name="Aminah")
    await register(fake, user, app=bot_app)
    await credit_module(bot_app, user.id, "berakhlak", 30)
    jp = await say(user, "/jp", "JP")
    presses = [user.press_button(t.BTN_TRANSCRIPT, jp.message_id) for _ in range(60)]
    answers = [await callback_answer(fake, q) for q in presses]
    await fake.wait_for(lambda: len(uploads(fake, "sendDocument")) >= 1)
    assert len(uploads(fake, "sendDocument")) == 1  # one PDF rendered and uploaded
    assert sum("Mohon tunggu" in a for a in answers) == 59
    first = uploads(fake, "sendDocument")[0]
    assert not isinstance(first, str)  # an upload

    # After the cooldown, the same data: sent again by file_id, nothing rendered.
    clock.advance(seconds=11)
    await callback_answer(fake, user.press_button(t.BTN_TRANSCRIPT, jp.message_id))
    await fake.wait_for(lambda: len(uploads(fake, "sendDocument")) == 2)
    assert isinstance(uploads(fake, "sendDocument")[1], str)
    # The chart has its own cooldown and file.
    await callback_answer(fake, user.press_button(t.BTN_CHART, jp.message_id))
    await fake.wait_for(lambda: len(uploads(fake, "sendPhoto")) == 1)

    # New data (another credit): a new PDF.
    await credit_module(bot_app, user.id, "integritas", 30)
    clock.advance(seconds=11)
    await callback_answer(fake, user.press_button(t.BTN_TRANSCRIPT, jp.message_id))
    await fake.wait_for(lambda: len(uploads(fake, "sendDocument")) == 3)
    assert not isinstance(uploads(fake, "sendDocument")[2], str)
    assert fake.violations == []


async def test_an_export_beyond_a_sheet_comes_as_zipped_csv_parts_and_says_so(
    fake: FakeBotApi, bot_app: Application, clock: FakeClock
) -> None:
    learner = fake.user(8611, first_name="Siti", last_name="Aminah")
    admin = fake.user(8612, first_name="Budi", last_name="Santoso")
    await register(fake, learner, app=bot_app)
    await register(fake, admin, NIP_ADMIN, app=bot_app)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    for module in ("berakhlak", "integritas", "gratifikasi"):
        await credit_module(bot_app, learner.id, module, 30)
    reports = services_of(bot_app).reports
    reports.max_rows, reports.part_rows = 3, 2  # a "sheet" of 3 rows; 2 rows per CSV part
    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    admin.press_button(t.BTN_SIASN, recap.message_id)
    await fake.wait_for(lambda: len(uploads(fake, "sendDocument")) == 2, 20)
    sent = [c for c in fake.calls_to("sendDocument") if c.response_ok]
    captions = [str(c.params.get("caption")) for c in sent]
    assert all("3 baris" in c and "CSV dalam ZIP, 2 bagian" in c for c in captions), captions
    assert "bagian 1 dari 2" in captions[0] and "bagian 2 dari 2" in captions[1]
    rows = []
    for call in sent:
        upload = call.params["document"]
        assert upload.filename.endswith(".zip")
        with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
            [name] = archive.namelist()
            lines = archive.read(name).decode("utf-8-sig").splitlines()
        assert lines[0].startswith("nip;nama;namaKursus")
        rows += lines[1:]
    assert len(rows) == 3
    # The same button again within the cooldown is refused, not rebuilt.
    again = admin.press_button(t.BTN_SIASN, recap.message_id)
    assert "Mohon tunggu" in await callback_answer(fake, again)
    assert fake.violations == []


async def test_a_sheet_too_big_for_telegram_comes_as_zipped_csv_parts(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8621, first_name="Siti", last_name="Aminah")
    admin = fake.user(8622, first_name="Budi", last_name="Santoso")
    await register(fake, learner, app=bot_app)
    await register(fake, admin, NIP_ADMIN, app=bot_app)
    await grant(bot_app, admin.id, "opd_admin", "3328")
    await credit_module(bot_app, learner.id, "berakhlak", 30)
    # Far below a sheet's rows, but over a (shrunk) file limit: any XLSX is larger than 3 KB.
    services_of(bot_app).reports.max_bytes = fake.upload_limit = 3000
    recap = await say(admin, "/laporan", "Laporan Kabupaten Tegal")
    admin.press_button(t.BTN_XLSX, recap.message_id)
    await fake.wait_for(lambda: len(uploads(fake, "sendDocument")) >= 1, 20)
    [sent] = [c for c in fake.calls_to("sendDocument") if c.response_ok]
    upload = sent.params["document"]
    assert upload.filename.endswith(".zip") and len(upload.data) <= 3000
    assert "CSV dalam ZIP, 1 bagian" in str(sent.params.get("caption"))
    with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
        [name] = archive.namelist()
        lines = archive.read(name).decode("utf-8-sig").splitlines()
    assert len(lines) == 3  # the header and the two registered employees
    assert fake.violations == []
