"""The demo's data: a small roster of a few agencies with phones, and personas ready to play.

Seeding goes through the same services a chat does (registration with the roster's phone, an
appointment by the superadmin), so the demo database is one the bot itself could have written.
It runs once: a database that already has the superadmin's NIP is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.core.roster_file import RosterRow
from bot.emulator.webchat import Persona
from bot.services import Services
from bot.services.registration import RegistrationOutcome, TelegramUser
from bot.services.roles import Role
from bot.store import roster
from bot.texts import demo as t
from bot.texts.privacy import NOTICE_VERSION
from db.models import Employee

OPD = "prov-bkd"  # the learners' and the OPD admin's agency
OPD_NAME = "BKD Provinsi Jawa Tengah"
ORGANISER_OPD = "prov-bpsdmd"


@dataclass(frozen=True)
class DemoPerson:
    persona: Persona
    nip: str
    opd: str
    registered: bool  # seeded as a registered, verified account
    kind: str = "PNS"
    jabatan: str = "Analis SDM Aparatur"
    golongan: str | None = "III/a"


LEARNER = DemoPerson(
    Persona(
        1001,
        "Rina",
        "Wulandari",
        "+6281200001001",
        t.PERSONA_LEARNER,
        t.PERSONA_LEARNER_ABOUT.format(nip="19920315 202012 2 001"),
    ),
    "199203152020122001",
    OPD,
    registered=False,
)
OPD_ADMIN = DemoPerson(
    Persona(
        1002,
        "Budi",
        "Santoso",
        "+6281200001002",
        t.PERSONA_OPD_ADMIN,
        t.PERSONA_OPD_ADMIN_ABOUT.format(opd=OPD_NAME),
        started=True,
    ),
    "198507102010011002",
    OPD,
    registered=True,
    jabatan="Kepala Subbagian Kepegawaian",
    golongan="III/d",
)
SUPERADMIN = DemoPerson(
    Persona(
        1003,
        "Sri",
        "Lestari",
        "+6281200001003",
        t.PERSONA_SUPERADMIN,
        t.PERSONA_SUPERADMIN_ABOUT,
        started=True,
    ),
    "197804222005012001",
    ORGANISER_OPD,
    registered=True,
    jabatan="Widyaiswara Ahli Madya",
    golongan="IV/b",
)
COLLEAGUE = DemoPerson(
    Persona(
        1004,
        "Agus",
        "Prasetyo",
        "+6281200001004",
        t.PERSONA_COLLEAGUE,
        t.PERSONA_COLLEAGUE_ABOUT.format(opd=OPD_NAME),
        started=True,
    ),
    "199511082021211003",
    OPD,
    registered=True,
    kind="PPPK",
    jabatan="Pranata Komputer Ahli Pertama",
    golongan=None,
)
PEOPLE = (LEARNER, OPD_ADMIN, SUPERADMIN, COLLEAGUE)
PERSONAS = [p.persona for p in PEOPLE]
SUPERADMIN_IDS = frozenset({SUPERADMIN.persona.id})

# The rest of the roster: a few more agencies, so reports have more than one row.
OTHERS = (
    RosterRow("198801012012012001", "Dewi Anggraini", "3374", "Bagian Organisasi",
              "Analis Kebijakan", "III/c", "PNS", "+6281200002001"),
    RosterRow("199002022015031002", "Eko Nugroho", "3374", "Dinas Kominfo",
              "Pranata Komputer", "III/b", "PNS", "+6281200002002"),
    RosterRow("198703032011012003", "Fitri Handayani", "3328", "Dinas Pendidikan",
              "Guru Ahli Muda", "III/c", "PNS", "+6281200002003"),
    RosterRow("199404042020122004", "Gita Permata", "3328", "RSUD dr. Soeselo",
              "Perawat Ahli Pertama", "III/a", "PNS", None),
    RosterRow("198205052008011005", "Hadi Susilo", ORGANISER_OPD, "Bidang Pengembangan",
              "Widyaiswara Ahli Muda", "III/d", "PNS", "+6281200002005"),
)  # fmt: skip


def roster_rows() -> list[RosterRow]:
    own = [
        RosterRow(
            p.nip,
            f"{p.persona.first_name} {p.persona.last_name}",
            p.opd,
            "Bidang Pengembangan Kompetensi" if p.opd == OPD else "Bidang Penyelenggaraan",
            p.jabatan,
            p.golongan,
            p.kind,
            p.persona.phone,
        )
        for p in PEOPLE
    ]
    return [*own, *OTHERS]


async def is_seeded(services: Services) -> bool:
    async with services.db.transaction() as s:
        found = await s.scalar(select(Employee.id).where(Employee.nip == SUPERADMIN.nip))
    return found is not None


async def seed(services: Services) -> bool:
    """Seed an empty demo database; False when it was seeded already."""
    if await is_seeded(services):
        return False
    await roster.upsert(services.db, roster_rows(), services.clock())
    for person in PEOPLE:
        if person.registered:
            await _register(services, person)
    outcome, target = await services.roles.find(SUPERADMIN.persona.id, OPD_ADMIN.nip)
    assert target is not None, outcome
    result = await services.roles.grant(
        SUPERADMIN.persona.id, target.employee_id, Role.OPD_ADMIN, token=target.token
    )
    assert result.outcome.value == "ok", result
    return True


async def _register(services: Services, person: DemoPerson) -> None:
    """The registration a chat does: privacy notice, NIP, the roster's phone, consent."""
    uid, reg = person.persona.id, services.registration
    await reg.begin(uid)
    steps = [
        await reg.acknowledge_privacy(uid, NOTICE_VERSION),
        await reg.submit_nip(uid, person.nip),
        await reg.submit_contact(uid, uid, person.persona.phone or "", forwarded=False),
    ]
    name = f"{person.persona.first_name} {person.persona.last_name}"
    at_consent = steps[-1].state  # the consent button carries this state's token
    assert at_consent is not None, f"seeding {name}: {steps[-1]}"
    steps.append(await reg.consent(uid, at_consent.token, True, TelegramUser(name), optional=True))
    bad = [r for r in steps if r.outcome is not RegistrationOutcome.OK]
    assert not bad, f"seeding {name}: {bad}"
