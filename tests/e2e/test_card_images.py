"""A card with a picture: a photo with the card as its caption, uploaded once, then by file_id."""

from __future__ import annotations

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import services_of
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import UploadedFile
from tests.e2e.helpers import open_module, register, tap
from tests.support import FakeClock

MODULE = "tata-naskah-dinas"


def _picture_index(catalog: Catalog) -> int:
    cards = catalog.modules[MODULE].cards
    return next(i for i, card in enumerate(cards) if card.image is not None)


async def test_a_picture_card_is_a_photo_uploaded_once(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock
) -> None:
    module = catalog.modules[MODULE]
    index = _picture_index(catalog)
    total = len(module.cards)
    assert index > 0 and index + 1 < total, "the test needs text cards around the picture"
    file_ids: list[str] = []
    for user_id, nip in ((8301, "19860926 201505 2 001"), (8302, "19900314 201803 2 004")):
        user = fake.user(user_id, first_name="Dian", last_name="Lestari")
        await register(fake, user, nip)
        await open_module(user, module, "Belum dimulai")
        card = await tap(user, "Mulai", f"Kartu 1/{total}")
        for number in range(2, index + 2):
            clock.advance(seconds=60)
            card = await tap(user, "Lanjut", f"Kartu {number}/{total}")
        # The picture card: a new photo message, with the card as its caption and buttons.
        assert card.kind == "photo"
        assert "Gambar di atas" in (card.text or "")
        assert any("Lanjut" in label for label in card.button_texts)
        photo = card.photo or []
        file_ids.append(str(photo[-1]["file_id"]))
        # Going on to a text card replaces the photo with a text message again.
        clock.advance(seconds=60)
        after = await tap(user, "Lanjut", f"Kartu {index + 2}/{total}")
        assert after.kind == "text" and after.message_id != card.message_id

        def shown(chat_id: int = user.id) -> list[int]:
            messages = fake.chat(chat_id).messages
            return [m.message_id for m in messages if not m.deleted and "Kartu" in (m.text or "")]

        # The photo is deleted right after the new card is sent: one card on screen at a time.
        await fake.wait_for(lambda: len(shown()) == 1)
        assert shown() == [after.message_id], "one card on screen at a time"
    uploads = [
        call
        for call in fake.calls_to("sendPhoto")
        if call.response_ok and not isinstance(call.params["photo"], str)
    ]
    by_id = [c for c in fake.calls_to("sendPhoto") if isinstance(c.params.get("photo"), str)]
    assert len(uploads) == 1, "the image goes up once"
    assert len(by_id) == 1 and by_id[0].params["photo"] == file_ids[0]
    async with services_of(bot_app).db.transaction() as s:
        stored = (await s.scalars(select(UploadedFile))).all()
    assert [row.file_id for row in stored] == [file_ids[0]]
    assert stored[0].key.startswith("images/tata-naskah-dinas-1.png:")
    assert fake.violations == []
