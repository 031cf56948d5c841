"""The Mini App's views that answer with more than figures: ``export`` queues one of
``/laporan``'s files for the caller's chat, and ``certificate`` streams a pending report's
certificate from Telegram to the page.

They exist apart from the JSON views because they reach outside the database (the chat's export
path, Telegram's ``getFile`` and file URL) and answer 429 and 503 for reasons of their own.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from telegram.error import TelegramError

from bot.app.webapp_http import (
    BadParameter,
    Download,
    Limited,
    Unavailable,
    WebApp,
    int_of,
    text_of,
    year_of,
)
from bot.app.webapp_page import SECURITY_HEADERS
from bot.core.errors import NotAllowed, Refusal
from bot.services.trainings import Review
from bot.texts import hours as hours_texts
from bot.texts import webapp as t
from handlers.hours_keyboards import ALL

log = logging.getLogger("bot.app.webapp")  # the API's one logger, as before the split


# --- "Send to my chat": the reports /laporan exports, delivered by the bot --------------------
EXPORT_KINDS = ("xlsx", "csv", "siasn", "recap")  # the documents; the chart is a photo in chat
OPD_ONLY = ("xlsx", "csv")  # an agency's employees
PROVINCE_ONLY = ("recap",)  # every agency's recap


async def export(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """Queue one export for the caller's chat: checked here (the role, the scope, the
    cooldown the chat's buttons share), built and sent after the answer by
    ``bot.app.webapp_exports`` on the chat's own export path."""
    kind = body.get("kind")
    if kind not in EXPORT_KINDS:
        raise BadParameter("kind")
    year = year_of(body, app.services.hours.current_year())
    opd: str | None = None
    if body.get("opd") is not None:
        opd = text_of(body, "opd", required=True).strip().lower()
    if (opd is None and kind in OPD_ONLY) or (opd is not None and kind in PROVINCE_ONLY):
        raise BadParameter("opd")
    if opd is not None and opd not in app.services.catalog.opds:
        raise LookupError(opd)
    await app.services.reports.require(uid, opd)  # 403 for a learner, or another OPD
    if app.exports is None:
        raise Unavailable("no_sender")
    wait = await app.services.files.claim(uid, f"export-{kind}")
    if wait:
        raise Limited(hours_texts.FILE_COOLDOWN.format(seconds=math.ceil(wait)))
    app.exports.queue(uid, str(kind), opd or ALL, year)
    return {"queued": True, "message": t.EXPORT_QUEUED}


# --- A certificate in the queue: fetched through getFile and streamed ------------------------
CHUNK = 64 * 1024
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


async def certificate(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """The certificate file of one report, for an admin who may review it (an OPD admin: their
    OPD's reports), as the chat shows it to its reviewers: read from Telegram by its
    ``file_id`` and passed on chunk by chunk, never written anywhere."""
    report_id = int_of(body, "report_id", 0, 1, 2**31 - 1)
    outcome, report, _ = await app.services.reviews.report_for_review(uid, report_id)
    if outcome is Review.NOT_FOUND or report is None:
        raise LookupError("report")
    if outcome is Review.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if app.bot is None:
        raise Unavailable("file_unavailable")
    name = report.file_name or ("sertifikat.jpg" if report.file_kind == "photo" else "sertifikat")
    suffix = Path(name).suffix.lower()
    content_type = "image/jpeg" if report.file_kind == "photo" else FILE_TYPES.get(suffix)
    try:
        found = await app.bot.get_file(report.file_id)
    except TelegramError as exc:  # too big for getFile (20 MB), gone, or Telegram is down
        log.warning("webapp: getFile for report %s failed: %s", report.id, type(exc).__name__)
        raise Unavailable("file_unavailable") from None
    if not found.file_path:
        raise Unavailable("file_unavailable")
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
    try:
        response = await session.get(found.file_path)  # the URL holds the token: never logged
        if response.status != 200:
            raise Unavailable("file_unavailable")
    except (aiohttp.ClientError, TimeoutError):
        await session.close()
        raise Unavailable("file_unavailable") from None
    except Unavailable:
        await session.close()
        raise

    async def chunks() -> AsyncGenerator[bytes, None]:
        try:
            async for chunk in response.content.iter_chunked(CHUNK):
                yield chunk
        finally:
            response.release()
            await session.close()

    return Download(content_type or "application/octet-stream", name, chunks())


async def stream(request: web.Request, download: Download) -> web.StreamResponse:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in download.name)
    response = web.StreamResponse(
        headers={
            "Content-Type": download.content_type,
            "Content-Disposition": f'inline; filename="{safe}"',
            "Cache-Control": "no-store",
            **SECURITY_HEADERS,  # sent with the first chunk, before the middleware sees it
        }
    )
    try:
        await response.prepare(request)
        async for chunk in download.chunks:
            await response.write(chunk)
        await response.write_eof()
    except (aiohttp.ClientError, TimeoutError, ConnectionResetError) as exc:
        log.warning("webapp: a certificate stream stopped: %s", type(exc).__name__)
    finally:
        await download.chunks.aclose()
    return response
