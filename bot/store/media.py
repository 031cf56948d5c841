"""The file ids of uploaded content images (``uploaded_files``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.dialects import insert_for
from db.models import UploadedFile


async def remember(s: AsyncSession, key: str, file_id: str, now: datetime) -> None:
    """Keep ``file_id`` for ``key``; the latest upload wins (two instances may both upload)."""
    statement = insert_for(s, UploadedFile).values(key=key, file_id=file_id, uploaded_at=now)
    await s.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"file_id": file_id, "uploaded_at": now}
        )
    )
