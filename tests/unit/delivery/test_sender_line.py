"""The sender line every announcement starts with (``bot.delivery.renderers.broadcasts``)."""

from __future__ import annotations

from bot.delivery.renderers.broadcasts import Sender, message_of
from bot.services.broadcast_drafts import Draft

SENDER = Sender("BPSDMD Provinsi Jawa Tengah", "Admin Sinau Bareng", {"3328": "Kabupaten Tegal"})


def test_a_superadmins_announcement_names_the_deployments_agency_and_role() -> None:
    line = SENDER.line(None)
    assert line == "📣 <i>Dari Admin Sinau Bareng · BPSDMD Provinsi Jawa Tengah</i>\n\n"


def test_an_opd_admins_announcement_names_their_agency() -> None:
    assert SENDER.line("3328") == "📣 <i>Dari Admin OPD · Kabupaten Tegal</i>\n\n"


def test_names_are_escaped_and_the_line_leaves_the_text_as_typed() -> None:
    sender = Sender("Dinas <Uji> & Co", "Admin", {})
    draft = Draft.from_json({"text": "<b>Rapat</b> besok"})
    message = message_of(draft, sender.line(None))
    assert message.text == "📣 <i>Dari Admin · Dinas &lt;Uji&gt; &amp; Co</i>\n\n<b>Rapat</b> besok"
