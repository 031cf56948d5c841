"""The one way a service says "you may not": it raises ``NotAllowed`` with the reason.

Roles are checked on every call, inside the transaction of the action itself. A refusal is not
an outcome to branch on in every handler: the application's error handler answers it, in one
place, with the Indonesian sentence for its reason (``bot.texts.REFUSALS``).
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    ADMIN_ONLY = "admin_only"  # not an admin at all
    SUPERADMIN_ONLY = "superadmin_only"
    OTHER_OPD = "other_opd"  # an OPD admin reaching outside their OPD
    NOT_REVIEWER = "not_reviewer"  # a report the caller may not review
    UNVERIFIED = "unverified"  # a document with one's name and NIP, before verification
    OPD_HAS_ADMIN = "opd_has_admin"  # a superadmin confirming a person the OPD's admins confirm
    # A button of another draft, or of an earlier step of this one (``bot.store.sessions``).
    STALE_BUTTON = "stale_button"


class NotAllowed(Exception):
    def __init__(self, refusal: Refusal = Refusal.ADMIN_ONLY) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
