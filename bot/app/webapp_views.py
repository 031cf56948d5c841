"""The Mini App's JSON views: the dashboard's reads (who the caller is, the province, an
agency, an employee, the learner's own year) and the queue of ``/antrian`` with its decisions.

Each view reads its parameters from the body, calls one service, and shapes the answer; the
role is decided in the service, as in the chat. The file views (an export to the chat, a
certificate streamed) are ``bot.app.webapp_files``; the dispatcher is ``bot.app.webapp.api``.
"""

from __future__ import annotations

from typing import Any

from bot.app.webapp_http import (
    Conflict,
    WebApp,
    int_of,
    reason_of,
    state_of,
    text_of,
    year_of,
)
from bot.core.errors import NotAllowed, Refusal
from bot.core.jp import claim_text
from bot.services.identity import Decided, Decision
from bot.services.trainings import Review, Reviewed
from bot.texts import webapp as t


async def me(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    return {**await app.services.dashboard.me(uid), "bot_username": app.bot_username}


async def province(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = year_of(body, app.services.hours.current_year())
    return await app.services.dashboard.province(uid, year)


async def agency(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = year_of(body, app.services.hours.current_year())
    opd = text_of(body, "opd", required=True).strip().lower()
    return await app.services.dashboard.agency(
        uid,
        opd,
        year,
        query=text_of(body, "q"),
        state=state_of(body),
        offset=int_of(body, "offset", 0, 0, 1_000_000),
        limit=int_of(body, "limit", 50, 1, 200),
    )


async def employee(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = year_of(body, app.services.hours.current_year())
    return await app.services.dashboard.employee(uid, text_of(body, "nip", required=True), year)


async def learner(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    year = year_of(body, app.services.hours.current_year())
    return await app.services.dashboard.learner(uid, year)


async def queue(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    """What the caller may decide (``/antrian``'s): accounts to confirm, and pending
    outside-training reports."""
    limit = int_of(body, "limit", 50, 1, 100)
    items = await app.services.reviews.pending(uid, limit=limit)
    requests = await app.services.identity.pending(uid, limit=limit)
    names = app.services.catalog.opds
    return {
        "accounts": [
            {
                "id": r.id,
                "kind": r.kind,
                "typed_name": r.typed_name,
                "telegram_name": r.telegram_name,
                "opd_name": names[r.opd_code].name if r.opd_code in names else r.opd_code,
                "created_at": r.created_at.isoformat(timespec="minutes"),
            }
            for r in requests
        ],
        "reports": [
            {
                "id": r.id,
                "name": e.name,
                "nip": e.nip,
                "opd_name": names[r.opd_code].name if r.opd_code in names else r.opd_code,
                "title": r.title,
                "organiser": r.organiser,
                "kind": r.activity_kind,
                "started_on": r.started_on.isoformat(),
                "ended_on": r.ended_on.isoformat(),
                "jp": claim_text(r.jp_centi),
                "certificate_no": r.certificate_no,
                "duplicate_of": r.duplicate_of,
            }
            for r, e in items
        ],
    }


def _decided(app: WebApp, result: Reviewed) -> dict[str, Any]:
    """A decision's outcome: OK, or the refusal the chat gives for it."""
    if result.outcome is Review.NOT_FOUND:
        raise LookupError("report")
    if result.outcome is Review.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if result.outcome is Review.ALREADY:
        who = result.decided_by or "-"
        raise Conflict(t.ALREADY_DECIDED.format(name=who))
    app.wake()
    report = result.report
    return {
        "id": report.id if report else None,
        "status": report.status if report else None,
        "credited": result.credited,
    }


def _account_decided(app: WebApp, result: Decided) -> dict[str, Any]:
    if result.outcome is Decision.NOT_FOUND:
        raise LookupError("request")
    if result.outcome is Decision.OWN:
        raise NotAllowed(Refusal.NOT_REVIEWER)
    if result.outcome is Decision.ALREADY:
        raise Conflict(t.ALREADY_DECIDED_ACCOUNT.format(name=result.decided_by or "-"))
    if result.outcome is Decision.STALE:
        raise Conflict(t.STALE_ACCOUNT)
    app.wake()
    request = result.request
    return {"id": request.id if request else None, "status": request.status if request else None}


async def approve_account(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    request_id = int_of(body, "request_id", 0, 1, 2**31 - 1)
    return _account_decided(app, await app.services.identity.approve(uid, request_id))


async def refuse_account(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    request_id = int_of(body, "request_id", 0, 1, 2**31 - 1)
    decided = await app.services.identity.refuse(uid, request_id, reason_of(body))
    return _account_decided(app, decided)


async def approve(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    report_id = int_of(body, "report_id", 0, 1, 2**31 - 1)
    return _decided(app, await app.services.reviews.approve(uid, report_id))


async def reject(app: WebApp, uid: int, body: dict[str, Any]) -> Any:
    report_id = int_of(body, "report_id", 0, 1, 2**31 - 1)
    return _decided(app, await app.services.reviews.reject(uid, report_id, reason_of(body)))
