"""The Mini App's API (bot/app/webapp.py) through aiohttp's test client, on a real database:
authentication, every refusal of every endpoint, the scoping of /laporan, and the figures."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import webapp
from bot.app.webapp_exports import ChatExports
from bot.config import Settings
from bot.core.content import Catalog
from bot.services import Services
from bot.services.assignments import Spec
from bot.store import ledger
from bot.store.audience import Audience
from bot.texts import REFUSALS
from bot.texts import webapp as t
from db.models import (
    AdminRole,
    AuditEntry,
    Certificate,
    Employee,
    ExternalTraining,
    JpLedgerEntry,
)
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import register
from tests.webapp_seed import (
    ADMIN,
    BEHIND,
    LEARNER,
    OTHER,
    STRANGER,
    SUPER,
    P,
    Q,
    add_report,
    nip,
    seed,
    signed,
)

OTHER_TOKEN = "654321:OTHER-abcdefghijklmnopqrstuv"
VIEWS = ("me", "province", "agency", "employee", "learner")
ADMIN_VIEWS = ("province", "agency", "employee")
PARAMS: dict[str, dict[str, Any]] = {
    "me": {},
    "province": {},
    "agency": {"opd": P},
    "employee": {"nip": "199001012018012003"},
    "learner": {},
}


class Api:
    def __init__(self, client: TestClient, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock

    async def post(
        self, view: str, uid: int | None = None, init_data: str | None = None, **params: Any
    ) -> tuple[int, Any]:
        body = dict(params)
        if init_data is not None:
            body["init_data"] = init_data
        elif uid is not None:
            body["init_data"] = signed(uid, self.clock().timestamp())
        response = await self.client.post(f"/app/api/{view}", json=body)
        return response.status, await response.json()


def server_for(services: Services, clock: FakeClock) -> web.Application:
    server = web.Application()
    webapp.mount(server, services, now=lambda: clock().timestamp())
    return server


@pytest.fixture
async def api(svc: Services, db: Database, clock: FakeClock) -> AsyncIterator[Api]:
    await seed(db)
    async with TestClient(TestServer(server_for(svc, clock))) as client:
        yield Api(client, clock)


# --- Authentication: 401, nothing leaked ------------------------------------------------------
@pytest.mark.parametrize("view", VIEWS)
async def test_every_endpoint_refuses_a_missing_forged_or_expired_init_data(
    api: Api, view: str
) -> None:
    now = api.clock().timestamp()
    forged = signed(SUPER, now).replace("%22id%22%3A1%2C", "%22id%22%3A2%2C")
    assert forged != signed(SUPER, now)
    cases = {
        "missing": await api.post(view, **PARAMS[view]),
        "empty": await api.post(view, init_data="", **PARAMS[view]),
        "forged": await api.post(view, init_data=forged, **PARAMS[view]),
        "other bot": await api.post(
            view, init_data=signed(SUPER, now, OTHER_TOKEN), **PARAMS[view]
        ),
        "expired": await api.post(view, init_data=signed(SUPER, now - 3601), **PARAMS[view]),
        "stranger": await api.post(view, STRANGER, **PARAMS[view]),
    }
    for case, (status, body) in cases.items():
        assert status == 401, case
        assert set(body) == {"error", "message"}, case
        expected = "not_registered" if case == "stranger" else "unauthorized"
        assert body == {"error": expected, "message": t.ERRORS[expected]}, case


async def test_a_replayed_init_data_stops_working_after_the_max_age(api: Api) -> None:
    init_data = signed(SUPER, api.clock().timestamp())
    assert (await api.post("me", init_data=init_data))[0] == 200
    api.clock.advance(seconds=3000)
    assert (await api.post("me", init_data=init_data))[0] == 200  # a replay within the hour
    api.clock.advance(seconds=601)
    assert (await api.post("me", init_data=init_data))[0] == 401


async def test_the_role_is_read_on_every_request(api: Api, db: Database) -> None:
    assert (await api.post("province", SUPER))[0] == 200
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == SUPER))
        assert employee is not None
        role = await s.get(AdminRole, employee.id)
        await s.delete(role)
    status, body = await api.post("province", SUPER)
    assert status == 403 and body["message"] == REFUSALS["admin_only"]
    assert (await api.post("me", SUPER))[1]["role"] == "learner"


# --- Roles and scope: 403 ---------------------------------------------------------------------
@pytest.mark.parametrize("view", ADMIN_VIEWS)
async def test_a_learner_calling_an_admin_endpoint_gets_403(api: Api, view: str) -> None:
    status, body = await api.post(view, LEARNER, **PARAMS[view])
    assert status == 403
    assert body == {"error": "forbidden", "message": REFUSALS["admin_only"]}


async def test_an_opd_admin_sees_only_their_opd(api: Api) -> None:
    assert (await api.post("province", ADMIN)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["other_opd"]},
    )
    status, body = await api.post("agency", ADMIN, opd=Q)
    assert status == 403 and body["message"] == REFUSALS["other_opd"]
    status, body = await api.post("employee", ADMIN, nip=nip(OTHER))
    assert status == 403 and body["message"] == REFUSALS["other_opd"]
    assert "Wati" not in json.dumps(body)
    status, body = await api.post("agency", ADMIN, opd=P)
    assert status == 200 and {e["name"] for e in body["employees"]} >= {"Sri Rahayu"}
    assert all(e["nip"] != nip(OTHER) for e in body["employees"])


async def test_a_superadmin_sees_every_opd(api: Api) -> None:
    assert (await api.post("agency", SUPER, opd=Q))[0] == 200
    assert (await api.post("employee", SUPER, nip=nip(OTHER)))[0] == 200


# --- Bad input: 400 and 404 -------------------------------------------------------------------
@pytest.mark.parametrize("view", VIEWS)
async def test_malformed_parameters_get_400(api: Api, view: str) -> None:
    if view == "me":
        response = await api.client.post("/app/api/me", data=b"not json")
        assert response.status == 400
        response = await api.client.post("/app/api/me", json=["a list"])
        assert response.status == 400
        return
    for bad in ({"year": "2026"}, {"year": 1999}, {"year": 2027}, {"year": True}):
        status, body = await api.post(view, SUPER, **{**PARAMS[view], **bad})
        assert (status, body["error"]) == (400, "bad_request"), bad


async def test_malformed_agency_and_employee_parameters(api: Api) -> None:
    for bad in (
        {},
        {"opd": ""},
        {"opd": 5},
        {"opd": P, "state": "sleeping"},
        {"opd": P, "limit": 500},
        {"opd": P, "offset": -1},
        {"opd": P, "q": "x" * 65},
    ):
        assert (await api.post("agency", SUPER, **bad))[0] == 400, bad
    assert (await api.post("employee", SUPER))[0] == 400
    assert (await api.post("employee", SUPER, nip=["x"]))[0] == 400


async def test_unknown_things_get_404(api: Api) -> None:
    assert (await api.post("agency", SUPER, opd="nowhere"))[0] == 404
    assert (await api.post("employee", SUPER, nip="199001012018012099"))[0] == 404
    assert (await api.post("employee", SUPER, nip="12"))[0] == 404
    assert (await api.post("secrets", SUPER))[0] == 404


async def test_an_oversized_body_is_refused(api: Api) -> None:
    response = await api.client.post("/app/api/me", data=b"{" + b" " * 20_000 + b"}")
    assert response.status in (400, 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: read up to the limit only
        yield b'{"init_data": "'
        for _ in range(40):
            yield b"x" * 1000
        yield b'"}'

    response = await api.client.post("/app/api/me", data=chunks())
    assert response.status == 400


async def test_the_rate_is_limited_per_user(
    settings: Settings, db: Database, catalog: Catalog, clock: FakeClock
) -> None:
    await seed(db)
    limited = settings.model_copy(update={"webapp_rate_per_minute": 3})
    services = Services.build(limited, db, catalog, clock=clock, rng=random.Random(1))
    async with TestClient(TestServer(server_for(services, clock))) as client:
        api = Api(client, clock)
        assert [(await api.post("me", SUPER))[0] for _ in range(4)] == [200, 200, 200, 429]
        assert (await api.post("me", LEARNER))[0] == 200  # another user is not slowed
        clock.advance(seconds=61)
        assert (await api.post("me", SUPER))[0] == 200


@pytest.mark.parametrize(
    ("view", "params"),
    [
        ("me", {}),
        ("export", {"kind": "xlsx", "opd": P}),
        ("certificate", {"report_id": 1}),
    ],
)
async def test_a_database_outage_gets_503(
    settings: Settings,
    catalog: Catalog,
    clock: FakeClock,
    tmp_path: Any,
    view: str,
    params: dict[str, Any],
) -> None:
    broken = settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"}
    )
    services = Services.build(broken, Database(broken.database_url), catalog, clock=clock)
    async with TestClient(TestServer(server_for(services, clock))) as client:
        status, body = await Api(client, clock).post(view, SUPER, **params)
    await services.db.dispose()
    assert status == 503
    assert body == {"error": "unavailable", "message": t.ERRORS["unavailable"]}


# --- What each role sees ------------------------------------------------------------------------
async def test_me(api: Api) -> None:
    assert (await api.post("me", SUPER))[1]["role"] == "superadmin"
    admin = (await api.post("me", ADMIN))[1]
    assert (admin["role"], admin["opd"]) == ("opd_admin", P)
    assert admin["opd_name"] == "Sekretariat Daerah Provinsi Jawa Tengah"
    learner = (await api.post("me", LEARNER))[1]
    assert learner == {
        "role": "learner",
        "name": "Sri Rahayu",
        "opd": P,
        "opd_name": None,
        "year": 2026,
        "minutes_per_jp": 45,
        "timezone": "Asia/Jakarta",
        "has_hours": True,
        "bot_username": None,
    }


async def test_province_figures_are_the_chats(api: Api) -> None:
    status, body = await api.post("province", SUPER)
    assert status == 200
    rows = {a["opd"]: a for a in body["agencies"]}
    assert rows[P] == {
        "opd": P,
        "name": "Sekretariat Daerah Provinsi Jawa Tengah",
        "employees": 4,
        "registered": 4,
        "verified": 4,
        "at_target": 1,
        "share": 0.25,
        "minutes": 1200,
        "assigned": 0,  # no assignment yet
        "assigned_done": 0,
        "overdue": 0,
        "compliance": None,
    }
    # The unverified employee is registered, not counted, and their minutes are in no total.
    assert (rows[Q]["employees"], rows[Q]["registered"], rows[Q]["minutes"]) == (1, 2, 0)


async def test_agency_states_search_and_paging(api: Api, db: Database) -> None:
    status, body = await api.post("agency", ADMIN, opd=P)
    assert status == 200
    assert body["states"] == {"reached": 1, "missing": 3, "pending": 0, "unregistered": 0}
    people = {e["name"]: (e["minutes"], e["state"]) for e in body["employees"]}
    assert people["Sri Rahayu"] == (900, "reached")
    assert people["Budi Santoso"] == (300, "missing")
    behind = (await api.post("agency", ADMIN, opd=P, state="missing"))[1]
    assert {e["name"] for e in behind["employees"]} == {"Budi Santoso", "Bu Super", "Pak Admin"}
    by_name = (await api.post("agency", ADMIN, opd=P, q="rahayu"))[1]
    assert [e["name"] for e in by_name["employees"]] == ["Sri Rahayu"]
    by_nip = (await api.post("agency", ADMIN, opd=P, q=nip(BEHIND)))[1]
    assert [e["name"] for e in by_nip["employees"]] == ["Budi Santoso"]
    page = (await api.post("agency", ADMIN, opd=P, limit=2, offset=2))[1]
    assert page["matched"] == 4 and len(page["employees"]) == 2
    pending = (await api.post("agency", SUPER, opd=Q))[1]
    assert pending["states"]["pending"] == 0  # without a roster, only the verified are listed
    async with db.transaction() as s:
        audited = await s.scalar(
            select(func.count()).where(AuditEntry.action == "view.webapp.agency")
        )
    assert audited == 6


async def test_an_employees_ledger_with_its_evidence(api: Api) -> None:
    status, body = await api.post("employee", ADMIN, nip=nip(LEARNER))
    assert status == 200
    assert (body["name"], body["minutes"], body["target"], body["verified"]) == (
        "Sri Rahayu",
        900,
        900,
        True,
    )
    first = body["entries"][0]
    assert first["source"] == "external" and first["ended_on"] == "2026-07-02"
    assert first["evidence"] == {"score": 90, "attempts": 1, "reading_seconds": 600}


async def test_a_learners_own_view(api: Api) -> None:
    status, body = await api.post("learner", BEHIND)
    assert status == 200
    assert (body["minutes"], body["target"], body["missing"]) == (300, 900, 600)
    assert body["by_month"] == {"8": 300}
    assert body["by_source"] == {"module": 300, "external": 0}
    own = (await api.post("learner", LEARNER))[1]
    assert own["by_source"] == {"module": 600, "external": 300}
    assert own["by_month"] == {"3": 600, "7": 300}
    assert (await api.post("learner", LEARNER, year=2025))[1]["minutes"] == 0


# --- The page and its headers -------------------------------------------------------------------
async def test_the_page_has_a_strict_policy_and_no_inline_script(api: Api) -> None:
    response = await api.client.get("/app/")
    assert response.status == 200
    html = await response.text()
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self' https://telegram.org" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    scripts = [part.split(">", 1)[0] for part in html.split("<script")[1:]]
    # The one script from elsewhere is Telegram's; the labels are a JSON data block.
    assert scripts == [
        ' src="https://telegram.org/js/telegram-web-app.js"',
        ' type="application/json" id="labels"',
        ' src="app.js" defer',
    ]
    assert t.LABELS["loading"] in html
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        static = await api.client.get(f"/app/{name}")
        assert static.status == 200 and static.content_type == kind
        assert "Content-Security-Policy" in static.headers
    assert (await api.client.get("/app/../config.py")).status == 404
    assert (await api.client.get("/app/index.html")).status == 404
    response = await api.client.post(
        "/app/api/me", json={"init_data": signed(SUPER, api.clock().timestamp())}
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    redirect = await api.client.get("/app", allow_redirects=False)
    assert redirect.status == 308 and redirect.headers["Location"] == "/app/"


async def test_the_province_is_served_at_once_and_refreshed_after_a_minute(
    api: Api, svc: Services, db: Database
) -> None:
    """The province recap is kept a minute per process and then refreshed in the background:
    a new credit shows after that, the answer saying when its figures were computed."""
    monotonic = [1000.0]
    svc.dashboard.monotonic = lambda: monotonic[0]

    def minutes(body: dict[str, Any]) -> int:
        return next(a["minutes"] for a in body["agencies"] if a["opd"] == P)

    first = (await api.post("province", SUPER))[1]
    assert minutes(first) == 1200 and first["as_of"] == "2026-11-25T03:00:00+00:00"
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == BEHIND))
        assert employee is not None
        await ledger.credit(
            s,
            ledger.Credit(
                employee_id=employee.id,
                year=2026,
                minutes=45,
                source_kind="module",
                source_id="new",
                title="Baru",
                category="teknis",
                activity_kind="E-learning (mikro)",
                organiser="BPSDMD",
                started_on=date(2026, 11, 25),
                ended_on=date(2026, 11, 25),
                evidence={},
                credited_at=datetime(2026, 11, 25, tzinfo=UTC),
            ),
        )
    monotonic[0] += 59
    assert minutes((await api.post("province", SUPER))[1]) == 1200  # still fresh
    monotonic[0] += 2
    api.clock.advance(seconds=61)
    stale = (await api.post("province", SUPER))[1]  # served at once, refreshed behind it
    assert minutes(stale) == 1200
    await svc.dashboard.settle()
    fresh = (await api.post("province", SUPER))[1]
    assert minutes(fresh) == 1245 and fresh["as_of"] == "2026-11-25T03:01:01+00:00"
    # The agency view is never cached.
    assert (await api.post("agency", SUPER, opd=P))[1]["recap"]["minutes"] == 1245


# --- The queue: approve and reject through the chat's service -------------------------------------
async def credits_of(db: Database, telegram_id: int) -> list[int]:
    async with db.transaction() as s:
        rows = await s.scalars(
            select(JpLedgerEntry.minutes)
            .join(Employee, Employee.id == JpLedgerEntry.employee_id)
            .where(Employee.telegram_id == telegram_id, JpLedgerEntry.source_kind == "external")
        )
        return list(rows)


async def test_the_queue_is_scoped_and_an_approval_credits_once(api: Api, db: Database) -> None:
    mine = await add_report(db, BEHIND)  # in P
    other = await add_report(db, OTHER)  # in Q
    own = await add_report(db, ADMIN)  # the OPD admin's own report
    queue = (await api.post("queue", ADMIN))[1]["reports"]
    assert [r["id"] for r in queue] == [mine]  # never another OPD's, never one's own
    assert queue[0]["jp"] == "4" and queue[0]["name"] == "Budi Santoso"
    assert {r["id"] for r in (await api.post("queue", SUPER))[1]["reports"]} == {mine, other, own}
    assert (await api.post("queue", LEARNER))[0] == 403

    assert (await api.post("approve", ADMIN, report_id=other)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["not_reviewer"]},
    )
    assert (await api.post("approve", ADMIN, report_id=own))[0] == 403
    assert (await api.post("approve", LEARNER, report_id=mine))[0] == 403
    assert (await api.post("approve", ADMIN, report_id=999))[0] == 404
    for bad in ({}, {"report_id": "1"}, {"report_id": 0}):
        assert (await api.post("approve", ADMIN, **bad))[0] == 400

    status, body = await api.post("approve", ADMIN, report_id=mine)
    assert (status, body) == (200, {"id": mine, "status": "approved", "credited": True})
    again = await api.post("approve", SUPER, report_id=mine)
    assert again == (
        409,
        {"error": "already", "message": t.ALREADY_DECIDED.format(name="Pak Admin")},
    )
    assert await credits_of(db, BEHIND) == [180]  # 4 JP of 45 minutes, once


async def test_a_rejection_needs_a_reason(api: Api, db: Database) -> None:
    report = await add_report(db, BEHIND)
    for bad in ({}, {"reason": ""}, {"reason": "  x "}, {"reason": "x" * 301}, {"reason": 5}):
        assert (await api.post("reject", ADMIN, report_id=report, **bad))[0] == 400, bad
    status, body = await api.post("reject", ADMIN, report_id=report, reason="Sertifikat buram")
    assert (status, body["status"], body["credited"]) == (200, "rejected", False)
    assert (await api.post("approve", SUPER, report_id=report))[0] == 409
    assert await credits_of(db, BEHIND) == []
    async with db.transaction() as s:
        row = await s.get(ExternalTraining, report)
        assert row is not None and row.reason == "Sertifikat buram"


async def test_two_admins_approving_at_once_credit_once(api: Api, db: Database) -> None:
    """The race, through HTTP: both requests reach the service's conditional update; one wins,
    the other is told who decided (on PostgreSQL the two transactions really overlap)."""
    report = await add_report(db, BEHIND)
    results = await asyncio.gather(
        api.post("approve", ADMIN, report_id=report),
        api.post("approve", SUPER, report_id=report),
    )
    assert sorted(status for status, _ in results) == [200, 409]
    assert await credits_of(db, BEHIND) == [180]


async def test_a_learner_sees_their_current_certificates(api: Api, db: Database) -> None:
    async with db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == LEARNER))
        assert employee is not None
        entry = await s.scalar(
            select(JpLedgerEntry).where(
                JpLedgerEntry.employee_id == employee.id, JpLedgerEntry.source_kind == "module"
            )
        )
        assert entry is not None
        for revision, code, superseded in ((1, "ABCDEFGHJKLM", True), (2, "NPQRSTUVWXYZ", False)):
            s.add(
                Certificate(
                    employee_id=employee.id,
                    ledger_entry_id=entry.id,
                    certificate_no="SB/2026/000001",
                    revision=revision,
                    superseded_at=datetime(2026, 4, 1, tzinfo=UTC) if superseded else None,
                    code=code,
                    nip=employee.nip,
                    name=employee.name,
                    module_id="berakhlak",
                    module_title="BerAKHLAK",
                    minutes=600,
                    completed_on=date(2026, 3, 2),
                )
            )
    body = (await api.post("learner", LEARNER))[1]
    assert body["certificates"] == [
        {
            "certificate_no": "SB/2026/000001",
            "title": "BerAKHLAK",
            "completed_on": "2026-03-02",
            "code": "NPQR-STUV-WXYZ",
        }
    ]
    assert (await api.post("learner", BEHIND))[1]["certificates"] == []
    assert (await api.post("me", LEARNER))[1]["bot_username"] is None  # not known here


async def test_accounts_waiting_for_verification_are_decided_as_in_the_chat(
    api: Api, svc: Services, db: Database
) -> None:
    await register(svc, 7001, verified=False, opd="3328")
    await register(svc, 7002, "19860926 201505 1 002", verified=False, opd="3328")
    assert (await api.post("queue", ADMIN))[1]["accounts"] == []  # another OPD's
    accounts = (await api.post("queue", SUPER))[1]["accounts"]
    assert [(a["typed_name"], a["kind"], a["opd_name"]) for a in accounts] == [
        ("Siti Aminah", "verify", "Kabupaten Tegal"),
        ("Siti Aminah", "verify", "Kabupaten Tegal"),
    ]
    first, second = (a["id"] for a in accounts)
    assert (await api.post("approve_account", ADMIN, request_id=first)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["not_reviewer"]},
    )
    assert (await api.post("approve_account", LEARNER, request_id=first))[0] == 403
    assert (await api.post("approve_account", SUPER, request_id=999))[0] == 404
    assert (await api.post("approve_account", SUPER, request_id="1"))[0] == 400
    assert (await api.post("approve_account", SUPER, request_id=first)) == (
        200,
        {"id": first, "status": "approved"},
    )
    again = await api.post("approve_account", SUPER, request_id=first)
    assert again == (
        409,
        {"error": "already", "message": t.ALREADY_DECIDED_ACCOUNT.format(name="Bu Super")},
    )
    assert (await api.post("refuse_account", SUPER, request_id=second))[0] == 400
    refused = await api.post("refuse_account", SUPER, request_id=second, reason="NIP keliru")
    assert refused == (200, {"id": second, "status": "refused"})
    async with db.transaction() as s:
        verified = await s.scalar(select(Employee.verified_at).where(Employee.telegram_id == 7001))
    assert verified is not None
    assert (await api.post("queue", SUPER))[1]["accounts"] == []


# --- "Send to my chat" and the certificates in the queue ----------------------------------------
class QueuedExports(ChatExports):
    """Records what the endpoint queued (the delivery itself is tested end to end)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[int, str, str, int]] = []

    def queue(self, telegram_id: int, kind: str, scope: str, year: int) -> None:
        self.jobs.append((telegram_id, kind, scope, year))


@pytest.fixture
async def with_exports(
    svc: Services, db: Database, clock: FakeClock
) -> AsyncIterator[tuple[Api, QueuedExports]]:
    await seed(db)
    queued = QueuedExports()
    server = web.Application()
    webapp.mount(server, svc, now=lambda: clock().timestamp(), exports=queued)
    async with TestClient(TestServer(server)) as client:
        yield Api(client, clock), queued


@pytest.mark.parametrize(
    ("view", "params"),
    [("export", {"kind": "xlsx", "opd": P}), ("certificate", {"report_id": 1})],
)
async def test_exports_and_certificates_refuse_a_bad_init_data(
    api: Api, view: str, params: dict[str, Any]
) -> None:
    now = api.clock().timestamp()
    for case, init_data in {
        "missing": None,
        "forged": signed(SUPER, now).replace("%22id%22%3A1%2C", "%22id%22%3A2%2C"),
        "expired": signed(SUPER, now - 3601),
    }.items():
        status, body = await api.post(view, init_data=init_data or "", **params)
        assert (status, body["error"]) == (401, "unauthorized"), case
    assert (await api.post(view, STRANGER, **params))[1]["error"] == "not_registered"


async def test_an_export_is_queued_for_the_callers_chat_in_their_scope(
    with_exports: tuple[Api, QueuedExports],
) -> None:
    api, queued = with_exports
    status, body = await api.post("export", ADMIN, kind="xlsx", opd=P)
    assert (status, body) == (200, {"queued": True, "message": t.EXPORT_QUEUED})
    assert (await api.post("export", SUPER, kind="recap"))[0] == 200
    assert (await api.post("export", SUPER, kind="siasn", opd=Q))[0] == 200
    assert queued.jobs == [
        (ADMIN, "xlsx", P, 2026),
        (SUPER, "recap", "all", 2026),
        (SUPER, "siasn", Q, 2026),
    ]
    # The chat's buttons and the app share one cooldown per kind.
    status, body = await api.post("export", ADMIN, kind="xlsx", opd=P)
    assert status == 429 and body["message"].startswith("Mohon tunggu")
    assert len(queued.jobs) == 3


async def test_export_refusals(with_exports: tuple[Api, QueuedExports]) -> None:
    api, queued = with_exports
    assert (await api.post("export", LEARNER, kind="xlsx", opd=P)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["admin_only"]},
    )
    assert (await api.post("export", ADMIN, kind="xlsx", opd=Q)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["other_opd"]},
    )
    assert (await api.post("export", ADMIN, kind="recap"))[0] == 403  # the province
    for bad in (
        {},
        {"kind": "chart", "opd": P},
        {"kind": "pdf", "opd": P},
        {"kind": "xlsx"},  # an agency's employees need the agency
        {"kind": "recap", "opd": P},
        {"kind": "xlsx", "opd": 5},
        {"kind": "xlsx", "opd": P, "year": 2027},
    ):
        assert (await api.post("export", SUPER, **bad))[0] == 400, bad
    assert (await api.post("export", SUPER, kind="xlsx", opd="nowhere"))[0] == 404
    assert queued.jobs == []


async def test_an_export_without_a_bot_to_send_it_gets_503(api: Api) -> None:
    status, body = await api.post("export", ADMIN, kind="xlsx", opd=P)
    assert (status, body) == (503, {"error": "no_sender", "message": t.ERRORS["no_sender"]})


async def test_certificate_refusals(api: Api, db: Database) -> None:
    mine = await add_report(db, BEHIND)  # in P
    other = await add_report(db, OTHER)  # in Q
    own = await add_report(db, ADMIN)
    assert (await api.post("certificate", LEARNER, report_id=mine)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["admin_only"]},
    )
    assert (await api.post("certificate", ADMIN, report_id=other)) == (
        403,
        {"error": "forbidden", "message": REFUSALS["not_reviewer"]},
    )
    assert (await api.post("certificate", ADMIN, report_id=own))[0] == 403
    for bad in ({}, {"report_id": "1"}, {"report_id": 0}, {"report_id": True}):
        assert (await api.post("certificate", ADMIN, **bad))[0] == 400, bad
    assert (await api.post("certificate", ADMIN, report_id=999))[0] == 404
    # Allowed, but no bot to fetch the file with (a test server): a readable 503.
    status, body = await api.post("certificate", ADMIN, report_id=mine)
    assert (status, body["error"]) == (503, "file_unavailable")


# --- The monthly trend, required learning, paths ------------------------------------------
async def test_the_province_trend_and_required_learning_in_every_view(
    api: Api, svc: Services
) -> None:
    """The province's minutes per month (verified people only, by the credit's end date); the
    assignments service's standing in each view: compliance per OPD, who is overdue in an
    agency, one employee's assignments, and the learner's own with their paths."""
    today = api.clock().date()
    created = await svc.assignments.create(
        SUPER,
        Spec("module", "gratifikasi", Audience(opd=P), today + timedelta(days=2)),
    )
    assert created.assignment is not None and created.members == 4
    title = created.assignment.title
    api.clock.advance(days=4)  # two days overdue, nobody completed

    status, province = await api.post("province", SUPER)
    assert status == 200
    assert province["months"] == {"3": 600, "7": 300, "8": 300}  # Tono's 100 is unverified
    rows = {a["opd"]: a for a in province["agencies"]}
    assert (rows[P]["assigned"], rows[P]["overdue"], rows[P]["compliance"]) == (4, 4, 0.0)
    assert (rows[Q]["assigned"], rows[Q]["compliance"]) == (0, None)
    assert province["assignments"]["members"] == 4

    status, agency = await api.post("agency", ADMIN, opd=P)
    assert status == 200
    assert {e["name"]: e["overdue"] for e in agency["employees"]}["Budi Santoso"] == [title]
    assert [(a["title"], a["members"], a["overdue"]) for a in agency["assignments"]] == [
        (title, 4, 4)
    ]
    status, employee = await api.post("employee", ADMIN, nip=nip(BEHIND))
    assert [(a["title"], a["standing"]) for a in employee["assignments"]] == [(title, "overdue")]

    status, own = await api.post("learner", LEARNER)
    assert status == 200
    assert [(a["title"], a["standing"]) for a in own["assignments"]] == [(title, "overdue")]
    paths = {p["id"]: p for p in own["paths"]}
    assert set(paths) == set(svc.catalog.paths)
    assert paths["integritas"]["total"] == len(svc.catalog.paths["integritas"].module_ids)
    assert all(p["done"] == 0 for p in own["paths"])
    # The other OPD's people are in nobody's overdue list.
    status, other = await api.post("agency", SUPER, opd=Q)
    assert all(e["overdue"] == [] for e in other["employees"]) and other["assignments"] == []


async def test_an_employees_certificates_and_outside_training_reports(
    api: Api, db: Database
) -> None:
    """The employee view shows what the admin decides on: the reports in every state (with a
    rejection's reason) and the current certificates; another OPD's admin sees none of it."""
    pending = await add_report(db, BEHIND)
    rejected = await add_report(db, BEHIND, jp_centi=250)
    async with db.transaction() as s:
        row = await s.get(ExternalTraining, rejected)
        assert row is not None
        row.status, row.reason = "rejected", "Sertifikat buram"
        employee = await s.scalar(select(Employee).where(Employee.telegram_id == BEHIND))
        assert employee is not None
        entry = await s.scalar(
            select(JpLedgerEntry.id).where(JpLedgerEntry.employee_id == employee.id)
        )
        assert entry is not None
        s.add(
            Certificate(
                employee_id=employee.id,
                ledger_entry_id=entry,
                certificate_no="SB/2026/0009",
                code="ABCD2345EFGH",
                nip=employee.nip,
                name=employee.name,
                module_id="berakhlak",
                module_title="BerAKHLAK",
                completed_on=date(2026, 8, 2),
            )
        )
    status, body = await api.post("employee", ADMIN, nip=nip(BEHIND))
    assert status == 200
    assert [(r["id"], r["status"], r["jp"]) for r in body["reports"]] == [
        (rejected, "rejected", "2,5"),
        (pending, "pending", "4"),
    ]
    assert body["reports"][0]["reason"] == "Sertifikat buram"
    assert [c["certificate_no"] for c in body["certificates"]] == ["SB/2026/0009"]
    assert (await api.post("employee", OTHER, nip=nip(BEHIND)))[0] == 403
