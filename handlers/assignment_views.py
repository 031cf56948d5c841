"""What the /tugas list and the guided creation show alike: an assignment's audience and
recurrence in words, and how many a list or keyboard holds. Its own module so that both
``handlers/assignments.py`` and ``handlers/assignment_drafts.py`` use it without importing
each other."""

from __future__ import annotations

from bot.core.telegram_html import escape
from bot.store.audience import Audience
from bot.telegram.context import BotContext
from bot.texts import assignments as t

MAX_LISTED = 10


def recurrence_text(months: int | None) -> str:
    return t.RECURRENCE.format(months=months) if months else ""


def audience_text(context: BotContext, audience: Audience) -> str:
    catalog = context.services.catalog
    parts = []
    if audience.opd is not None:
        opd = catalog.opds.get(audience.opd)
        parts.append(t.AUD_OPD.format(opd=escape(opd.name if opd else audience.opd)))
    for template, value in (
        (t.AUD_UNIT, audience.unit_kerja),
        (t.AUD_JABATAN, audience.jabatan),
        (t.AUD_GOLONGAN, audience.golongan),
        (t.AUD_KIND, audience.kind),
    ):
        if value is not None:
            parts.append(template.format(value=escape(value)))
    return ", ".join(parts) if parts else t.AUD_ALL
