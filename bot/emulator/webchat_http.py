"""The web chat's small request and answer helpers: a JSON body from the page's own origin,
a JSON answer, a 400, an id read leniently, a safe file name, a file's type from its bytes.

It exists so that the chat's routes (``webchat``), its message rendering (``webchat_render``)
and its event feed (``webchat_events``) share one definition of each.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


async def read_body(request: web.Request) -> dict[str, Any]:
    """A JSON object from the page itself: a form or another site's script is refused."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise web.HTTPForbidden(text="cross-origin request refused")
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send JSON")
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("invalid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("a JSON object is expected")
    return body


def json_answer(data: Any) -> web.Response:
    return web.json_response(
        data,
        dumps=lambda d: json.dumps(d, ensure_ascii=False),
        headers={"Cache-Control": "no-store"},
    )


def bad_request(text: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=text)


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def ascii_name(name: str) -> str:
    return name.encode("ascii", "replace").decode().replace("?", "_")


def sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
