"""Pictures of the course content, uploaded to Telegram once and then sent by ``file_id``.

A card's image is a file in the content folder. The first time a card with it is shown, the
bytes go up with the message; Telegram answers with a ``file_id``, kept in ``uploaded_files``
under the image's path and content hash, so every later card, restart and instance sends the id
instead (and a changed image is uploaded anew).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.core.clock import Clock
from bot.store import media
from db.models import UploadedFile
from db.session import Database


@dataclass(frozen=True, slots=True)
class Picture:
    key: str  # "images/x.png:<sha256 prefix>"
    path: Path
    file_id: str | None  # None until uploaded once

    def read(self) -> bytes:
        return self.path.read_bytes()


class MediaService:
    def __init__(self, db: Database, clock: Clock, folder: Path | None) -> None:
        self.db = db
        self.clock = clock
        self.folder = folder
        self._keys: dict[str, str] = {}  # content path -> key (images do not change while running)

    def _key(self, image: str) -> str | None:
        key = self._keys.get(image)
        if key is None and self.folder is not None:
            path = self.folder.parent / image
            if not path.is_file():
                return None
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            key = self._keys[image] = f"{image}:{digest}"
        return key

    async def picture(self, image: str) -> Picture | None:
        """The image of a card (``images/x.png``), with its file_id once uploaded."""
        key = self._key(image)
        if key is None or self.folder is None:
            return None
        async with self.db.transaction() as s:
            row = await s.get(UploadedFile, key)
        return Picture(key, self.folder.parent / image, row.file_id if row else None)

    async def remember(self, picture: Picture, file_id: str) -> None:
        async with self.db.transaction() as s:
            await media.remember(s, picture.key, file_id, self.clock())
