"""Taps and messages of the main jobs (issue 16), measured on the fake Bot API: what a learner
does (taps, including quiz answers, and messages typed or files sent) and what the bot does
(new messages, edits). The figures are asserted, so a change that adds friction shows here."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application

from bot.core.content import Catalog, reading_seconds
from bot.emulator import FakeBotApi, FakeUser
from tests.e2e.helpers import register, say, tap
from tests.e2e.hours_helpers import report_training
from tests.support import FakeClock

NEW = ("sendMessage", "sendPhoto", "sendDocument", "sendPoll")
MENU = "Apa yang ingin dikerjakan hari ini?"


@dataclass(frozen=True)
class Tally:
    taps: int
    typed: int
    sent: int
    edited: int


class Meter:
    def __init__(self, fake: FakeBotApi, user: FakeUser) -> None:
        self.fake, self.user = fake, user
        self.votes = 0
        self.mark = self._now()

    def _now(self) -> Tally:
        calls = [c for c in self.fake.calls if str(c.params.get("chat_id")) == str(self.user.id)]
        taps = sum(q.user_id == self.user.id for q in self.fake.callback_queries.values())
        return Tally(
            taps + self.votes,
            len(self.user.chat.user_messages),
            sum(c.method in NEW and c.response_ok for c in calls),
            sum(c.method == "editMessageText" and c.response_ok for c in calls),
        )

    def vote(self, poll_id: str, options: list[int]) -> None:
        self.user.answer_poll(poll_id, options)
        self.votes += 1

    def take(self) -> Tally:
        now = self._now()
        mark, self.mark = self.mark, now
        return Tally(
            now.taps - mark.taps,
            now.typed - mark.typed,
            now.sent - mark.sent,
            now.edited - mark.edited,
        )


async def test_taps_and_messages_of_the_main_jobs(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    user = fake.user(16301, first_name="Siti", last_name="Aminah")
    meter = Meter(fake, user)
    await register(fake, user, app=bot_app)
    register_tally = meter.take()

    # Finish a module: from the menu's first button to the pass message.
    module = catalog.modules["keamanan-informasi"]
    total = len(module.cards)
    await tap(user, "Mulai:", f"Kartu 1/{total}")
    for number in range(2, total + 1):
        clock.advance(seconds=reading_seconds(module.cards[number - 2].words))
        await tap(user, "Lanjut", f"Kartu {number}/{total}")
    clock.advance(seconds=reading_seconds(module.cards[-1].words) + 600)
    await tap(user, "Mulai kuis", "Kuis:")
    for number in range(1, module.ask + 1):
        await fake.wait_for(lambda n=number: len(fake.calls_to("sendPoll")) >= n)  # type: ignore[misc]
        poll = fake.last_poll(user.id)
        assert poll is not None
        meter.vote(poll["id"], poll["correct_option_ids"])
    passed = await user.wait_for_reply(lambda m: "lulus" in (m.text or ""))
    finish = meter.take()

    # The certificate from the pass message, then my JP and the certificate from the menu.
    user.press_button("Sertifikat", passed.message_id)
    await user.wait_for_reply(lambda m: m.kind == "document")
    cert_from_pass = meter.take()
    await say(user, "/start", MENU)
    meter.take()
    await tap(user, "JP Saya", "Rekap JP")
    jp = meter.take()
    await say(user, "/start", MENU)
    meter.take()
    clock.advance(minutes=5)  # past the file cooldown
    await tap(user, "Sertifikat", "Pilih modul")
    user.press_button(module.title[:20])
    await user.wait_for_reply(lambda m: m.kind == "document")
    cert_from_menu = meter.take()

    # Resume after a break: the next module (Manajerial now has the fewest minutes), two cards
    # read, then /start.
    following = catalog.modules["budaya-kerja-kolaboratif"]
    count = len(following.cards)
    await say(user, "/start", MENU)
    await tap(user, "Mulai: Budaya", f"Kartu 1/{count}")
    await tap(user, "Lanjut", f"Kartu 2/{count}")
    await tap(user, "Lanjut", f"Kartu 3/{count}")
    meter.take()
    await say(user, "/start", MENU)
    await tap(user, "Lanjutkan:", f"Kartu 3/{count}")
    resume = meter.take()

    # /lapor with one mistake refused on the spot (a date that does not exist).
    await say(user, "/lapor", "nama pelatihan")
    await say(user, "Webinar Literasi Digital ASN", "penyelenggara")
    await say(user, "Kominfo Jateng", "jenis")
    await tap(user, "Webinar", "tanggal mulai")
    await say(user, "31-02-2026", "tidak dikenali")
    await say(user, "20-11-2026", "tanggal selesai")
    await say(user, "21-11-2026", "jumlah JP")
    await say(user, "4", "nomor sertifikat")
    await say(user, "SRT/2026/001", "foto atau PDF")
    user.send_photo()
    await user.wait_for_reply(lambda m: "Periksa laporan" in (m.text or ""))
    await tap(user, "Kirim", "menunggu verifikasi")
    lapor_typo = meter.take()

    # /lapor with one mistake noticed before sending (the JP): changed from the summary.
    await report_training(user, jp="14", cert="SRT/2026/002")
    user.send_photo()
    await user.wait_for_reply(lambda m: "Periksa laporan" in (m.text or ""))
    await tap(user, "Ubah JP", "jumlah JP")
    await say(user, "4", "Periksa laporan")
    await tap(user, "Kirim", "menunggu verifikasi")
    lapor_fix = meter.take()

    figures = {
        "register": register_tally,
        "resume a module": resume,
        "finish a module": finish,
        "check my JP": jp,
        "certificate from the pass message": cert_from_pass,
        "certificate from the menu": cert_from_menu,
        "/lapor, a typo refused": lapor_typo,
        "/lapor, a wrong JP fixed before sending": lapor_fix,
    }
    for job, tally in figures.items():
        print(f"{job}: {tally}")
    assert register_tally == Tally(taps=3, typed=4, sent=9, edited=3)  # the name is typed
    assert resume == Tally(taps=1, typed=1, sent=1, edited=1)
    assert finish.taps == 1 + (total - 1) + 1 + module.ask and finish.typed == 0
    assert jp == Tally(taps=1, typed=0, sent=0, edited=1)
    assert cert_from_pass == Tally(taps=1, typed=0, sent=1, edited=0)
    assert cert_from_menu.taps == 2 and cert_from_menu.typed == 0
    assert lapor_typo.taps == 2 and lapor_typo.typed == 9
    assert lapor_fix.taps == 4 and lapor_fix.typed == 9
    assert fake.violations == []
