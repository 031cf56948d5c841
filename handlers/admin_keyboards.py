"""Keyboards of the admin side (roles, announcements). Every handler re-checks the role and the
draft token against the database; the typed callback data (``bot.core.callbacks``) only parses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import get_args

from telegram import InlineKeyboardMarkup

from bot.core.callbacks import (
    AuditKind,
    AuditMenuButton,
    AuditPageButton,
    BroadcastButton,
    DraftButton,
    RoleButton,
    ScheduledPageButton,
)
from bot.core.content import Catalog, Opd
from bot.core.outgoing import Button
from bot.services.broadcast_drafts import Draft
from bot.texts import admin as t
from handlers.keyboards import button, markup

PICK_PAGE = 8
_b = button


def _draft(draft: Draft) -> Callable[..., DraftButton]:
    """The buttons of one draft all carry its token."""
    return partial(DraftButton, draft.token)


def roles(employee_id: int, token: str) -> InlineKeyboardMarkup:
    """The choices of one /admin confirmation (``token``)."""
    return markup(
        [
            [_b(t.BTN_MAKE_OPD_ADMIN, RoleButton(token, "oa", employee_id))],
            [_b(t.BTN_MAKE_SUPERADMIN, RoleButton(token, "sa", employee_id))],
            [
                _b(t.BTN_REVOKE, RoleButton(token, "rm", employee_id)),
                _b(t.BTN_CANCEL, RoleButton(token, "no", employee_id)),
            ],
        ]
    )


def button_choice(draft: Draft) -> InlineKeyboardMarkup:
    d = _draft(draft)
    return markup(
        [
            [_b(t.BTN_NO_BUTTON, d("btn", "none"))],
            [_b(t.BTN_MODULE_BUTTON, d("btn", "mod")), _b(t.BTN_URL_BUTTON, d("btn", "url"))],
            [_b(t.BTN_DISCARD, d("x"))],
        ]
    )


def audience(draft: Draft, superadmin: bool) -> InlineKeyboardMarkup:
    d = _draft(draft)
    a = draft.audience
    rows = []
    if superadmin:
        rows.append([_b(t.BTN_AUD_OPD, d("pick", "opd", "0"))])
    rows.append(
        [_b(t.BTN_AUD_BELOW.format(mark="☑️" if a.below_target else "⬜"), d("aud", "below", "x"))]
    )
    rows.append(
        [
            _b(
                t.BTN_AUD_INACTIVE.format(mark="☑️" if a.inactive_days == days else "⬜", days=days),
                d("aud", "inactive", str(days)),
            )
            for days in (7, 14, 30)
        ]
    )
    rows.append([_b(t.BTN_AUD_MODULE, d("pick", "module", "0"))])
    rows.append(
        [_b(t.BTN_AUD_REQUIRED.format(mark="☑️" if a.required else "⬜"), d("aud", "req", "x"))]
    )
    rows.append([_b(t.BTN_DISCARD, d("x")), _b(t.BTN_PREVIEW, d("prev"))])
    return markup(rows)


def pick(draft: Draft, catalog: Catalog, what: str, page: int) -> InlineKeyboardMarkup:
    """A paged list of OPDs or modules for a filter, or of modules for the button."""
    d = _draft(draft)
    if what == "opd":
        items = [(o.name, d("aud", "opd", o.code)) for o in catalog.opds.values()]
        first = [_b(t.BTN_ALL_OPD, d("aud", "opd"))]
    else:

        def module_button(module_id: str) -> DraftButton:
            if what == "bmod":
                return d("bmod", module_id)
            return d("aud", "module", module_id)

        items = [(m.title, module_button(m.id)) for m in catalog.modules.values()]
        first = []
    pages = max(1, -(-len(items) // PICK_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [first] + [[_b(label, data)] for label, data in items[page * PICK_PAGE :][:PICK_PAGE]]
    nav = []
    if page > 0:
        nav.append(_b("«", d("pick", what, str(page - 1))))
    if page < pages - 1:
        nav.append(_b("»", d("pick", what, str(page + 1))))
    rows.append(nav)
    rows.append([_b(t.BTN_EDIT_AUDIENCE, d("back"))])
    return markup(rows)


FROM_PREVIEW = "pv"  # the ``arg`` of the draft buttons under the preview


def preview_actions(draft: Draft, count: int) -> tuple[tuple[Button, ...], ...]:
    """The actions under the preview, after the announcement's own button (if any)."""
    d = _draft(draft)

    def b(label: str, action: str) -> Button:
        return Button(label, callback_data=d(action, FROM_PREVIEW).pack())

    return (
        (b(t.BTN_SEND_NOW_COUNT.format(count=count), "go"), b(t.BTN_SCHEDULE, "sch")),
        (b(t.BTN_EDIT_AUDIENCE, "back"), b(t.BTN_DISCARD, "x")),
    )


def opd_choices(draft: Draft, found: Sequence[Opd]) -> InlineKeyboardMarkup:
    """Agencies a typed name found, each setting the audience to it."""
    d = _draft(draft)
    rows = [[_b(o.name, d("aud", "opd", o.code))] for o in found]
    return markup([*rows, [_b(t.BTN_EDIT_AUDIENCE, d("back"))]])


def failures(broadcast_id: int) -> InlineKeyboardMarkup:
    return markup([[_b(t.BTN_FAILURES_CSV, BroadcastButton("csv", broadcast_id))]])


def cancel_scheduled(ids: list[int], page: int = 0, pages: int = 1) -> InlineKeyboardMarkup:
    rows = [
        [_b(t.BTN_CANCEL_SCHEDULED.format(id=i), BroadcastButton("cancel", i, page or None))]
        for i in ids
    ]
    nav = []
    if page > 0:
        nav.append(_b("«", ScheduledPageButton(page - 1)))
    if page < pages - 1:
        nav.append(_b("»", ScheduledPageButton(page + 1)))
    return markup([*rows, nav] if nav else rows)


def audit(older: int | None, page: AuditPageButton) -> InlineKeyboardMarkup:
    """Under a page of /audit: older entries (the same filter), the filters, the CSV."""
    rows = []
    if older is not None:
        rows.append([_b(t.BTN_AUDIT_OLDER, AuditPageButton(older, page.by, page.kind))])
    filters = [_b(t.BTN_AUDIT_BY_ADMIN, AuditMenuButton("by"))]
    filters.append(_b(t.BTN_AUDIT_BY_KIND, AuditMenuButton("kind")))
    rows.append(filters)
    if page.by is not None or page.kind is not None:
        rows.append([_b(t.BTN_AUDIT_ALL, AuditPageButton())])
    rows.append([_b(t.BTN_AUDIT_CSV, AuditMenuButton("csv"))])
    return markup(rows)


def audit_actors(actors: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[_b(label, AuditPageButton(by=telegram_id))] for telegram_id, label in actors]
    return markup([*rows, [_b(t.BTN_AUDIT_ALL, AuditPageButton())]])


def audit_kinds() -> InlineKeyboardMarkup:
    kinds = get_args(AuditKind)
    rows = [[_b(t.AUDIT_KINDS[kind], AuditPageButton(kind=kind))] for kind in kinds]
    return markup([*rows, [_b(t.BTN_AUDIT_ALL, AuditPageButton())]])
