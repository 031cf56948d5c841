"""File registry: file_ids the fake has issued (user uploads, bot uploads, URLs)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

_COUNTER = itertools.count(1)  # process-wide: file ids never repeat across fakes


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes = field(repr=False)
    file_path: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.data)

    def file_json(self) -> dict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class Files:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}

    def new(self, kind: str, data: bytes, **extra: object) -> StoredFile:
        n = next(_COUNTER)
        prefix = {"photo": "AgACAgUAAxk", "document": "BQACAgUAAxk", "sticker": "CAACAgIAAxk"}
        fid = f"{prefix.get(kind, 'AAMCAgADGQ')}{n:08d}FAKE"
        ext = {"photo": "jpg", "sticker": "webp"}.get(kind, "bin")
        f = StoredFile(fid, f"AQAD{n:08d}", kind, data, f"{kind}s/file_{n}.{ext}", dict(extra))
        self.by_id[fid] = f
        self.by_path[f.file_path] = f
        return f

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)

    def photo_sizes(self, data: bytes) -> list[dict]:
        """Two PhotoSize entries (thumbnail + full), like Telegram returns."""
        out = []
        for w, h in ((90, 68), (800, 600)):
            f = self.new("photo", data, width=w, height=h)
            out.append(
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "file_size": f.size,
                    "width": w,
                    "height": h,
                }
            )
        return out

    def document(self, data: bytes, file_name: str | None, mime_type: str | None) -> dict:
        f = self.new("document", data)
        suffix = (file_name or "").rpartition(".")[2].lower()
        if file_name and "." in file_name and suffix.isalnum() and len(suffix) <= 5:
            del self.by_path[f.file_path]  # Telegram keeps a document's extension in its path
            f.file_path = f.file_path.rsplit(".", 1)[0] + "." + suffix
            self.by_path[f.file_path] = f
        doc = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": f.size}
        if file_name:
            doc["file_name"] = file_name
        if mime_type:
            doc["mime_type"] = mime_type
        return doc
