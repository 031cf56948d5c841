"""Keyboards and callback grammar of the admin side (roles, announcements).

    adm:<sa|oa|rm|no>:<employee id>
    bc:<token>:btn:<none|mod|url>            bc:<token>:bmod:<module>
    bc:<token>:aud:<opd|below|inactive|module>:<value>
    bc:<token>:pick:<opd|module>:<page>      bc:<token>:<prev|go|sch|x|back>
    bcr:<csv|cancel>:<broadcast id>

Every handler re-checks the role and the draft token against the database; these patterns only
parse.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.content import Catalog
from bot.services.broadcast_drafts import Draft
from bot.texts import admin as t
from handlers.keyboards import markup

PATTERN_ROLE = r"^adm:(sa|oa|rm|no):(\d{1,10})$"
PATTERN_DRAFT = (
    r"^bc:([0-9a-f]{8}):(btn|bmod|aud|pick|prev|go|sch|x|back)"
    r"(?::([a-z0-9-]{1,24}))?(?::([a-z0-9-]{0,24}))?$"
)
PATTERN_REPORT = r"^bcr:(csv|cancel):(\d{1,10})$"
PICK_PAGE = 8


def _b(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=data)


def roles(employee_id: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [_b(t.BTN_MAKE_OPD_ADMIN, f"adm:oa:{employee_id}")],
            [_b(t.BTN_MAKE_SUPERADMIN, f"adm:sa:{employee_id}")],
            [_b(t.BTN_REVOKE, f"adm:rm:{employee_id}"), _b(t.BTN_CANCEL, f"adm:no:{employee_id}")],
        ]
    )


def button_choice(draft: Draft) -> InlineKeyboardMarkup:
    d = f"bc:{draft.token}"
    return markup(
        [
            [_b(t.BTN_NO_BUTTON, f"{d}:btn:none")],
            [_b(t.BTN_MODULE_BUTTON, f"{d}:btn:mod"), _b(t.BTN_URL_BUTTON, f"{d}:btn:url")],
            [_b(t.BTN_DISCARD, f"{d}:x")],
        ]
    )


def audience(draft: Draft, superadmin: bool) -> InlineKeyboardMarkup:
    d = f"bc:{draft.token}"
    a = draft.audience
    rows = []
    if superadmin:
        rows.append([_b(t.BTN_AUD_OPD, f"{d}:pick:opd:0")])
    rows.append(
        [_b(t.BTN_AUD_BELOW.format(mark="☑️" if a.below_target else "⬜"), f"{d}:aud:below:x")]
    )
    rows.append(
        [
            _b(
                t.BTN_AUD_INACTIVE.format(mark="☑️" if a.inactive_days == days else "⬜", days=days),
                f"{d}:aud:inactive:{days}",
            )
            for days in (7, 14, 30)
        ]
    )
    rows.append([_b(t.BTN_AUD_MODULE, f"{d}:pick:module:0")])
    rows.append([_b(t.BTN_DISCARD, f"{d}:x"), _b(t.BTN_PREVIEW, f"{d}:prev")])
    return markup(rows)


def pick(draft: Draft, catalog: Catalog, what: str, page: int) -> InlineKeyboardMarkup:
    """A paged list of OPDs or modules for a filter, or of modules for the button."""
    d = f"bc:{draft.token}"
    if what == "opd":
        items = [(o.name, f"{d}:aud:opd:{o.code}") for o in catalog.opds.values()]
        first = [_b(t.BTN_ALL_OPD, f"{d}:aud:opd:")]
    else:
        action = "bmod" if what == "bmod" else "aud:module"
        items = [(m.title, f"{d}:{action}:{m.id}") for m in catalog.modules.values()]
        first = []
    pages = max(1, -(-len(items) // PICK_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [first] + [[_b(label, data)] for label, data in items[page * PICK_PAGE :][:PICK_PAGE]]
    nav = []
    if page > 0:
        nav.append(_b("«", f"{d}:pick:{what}:{page - 1}"))
    if page < pages - 1:
        nav.append(_b("»", f"{d}:pick:{what}:{page + 1}"))
    rows.append(nav)
    rows.append([_b(t.BTN_EDIT_AUDIENCE, f"{d}:back")])
    return markup(rows)


def confirm(draft: Draft) -> InlineKeyboardMarkup:
    d = f"bc:{draft.token}"
    return markup(
        [
            [_b(t.BTN_SEND_NOW, f"{d}:go"), _b(t.BTN_SCHEDULE, f"{d}:sch")],
            [_b(t.BTN_EDIT_AUDIENCE, f"{d}:back"), _b(t.BTN_DISCARD, f"{d}:x")],
        ]
    )


def failures(broadcast_id: int) -> InlineKeyboardMarkup:
    return markup([[_b(t.BTN_FAILURES_CSV, f"bcr:csv:{broadcast_id}")]])


def cancel_scheduled(ids: list[int]) -> InlineKeyboardMarkup:
    return markup([[_b(t.BTN_CANCEL_SCHEDULED.format(id=i), f"bcr:cancel:{i}")] for i in ids])
