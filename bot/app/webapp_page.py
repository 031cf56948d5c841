"""The Mini App's page and its static files, and the security headers every answer carries.

It exists so that what the browser loads (``bot/app/webapp_static/``, the labels put into the
page, the strict Content-Security-Policy) has one home apart from the API's views.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.texts import webapp as t

STATIC = Path(__file__).resolve().parent / "webapp_static"
# Only this server's own files and Telegram's script; no inline script or style at all.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        # blob: for a certificate photo the page fetched (POST, with the initData) and shows.
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-src blob:",  # a certificate PDF, fetched the same way, in a frame of its own
        "font-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        # Telegram Web opens a Mini App in a frame of its own pages; nobody else may.
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}


def index_html() -> bytes:
    """The page, with every label it shows (from ``bot.texts.webapp``) in a JSON data block:
    data, not script, so the strict policy holds."""
    labels = {
        "labels": t.LABELS,
        "states": t.STATES,
        "errors": t.ERRORS,
    }
    data = json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c")
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    return page.replace("{{TITLE}}", t.LABELS["title"]).replace("{{LABELS}}", data).encode()


async def index(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[PAGE_KEY],
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    path = STATIC / name
    if path.suffix not in STATIC_TYPES or path.parent != STATIC or not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type=STATIC_TYPES[path.suffix],
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


PAGE_KEY: web.AppKey[bytes] = web.AppKey("page", bytes)
