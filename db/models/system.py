"""Running the bot: the worker lease, handled update ids, and files already on Telegram."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Lease(Base):
    """A named lease one instance holds at a time (the background worker), with an expiry, so
    a second instance takes over within a bounded time if the holder dies."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is not handled twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class UploadedFile(Base):
    """A file the bot uploaded once (a card's image), by what it is: Telegram's ``file_id`` is
    sent instead of the bytes from then on, across restarts and instances."""

    __tablename__ = "uploaded_files"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # path and content hash
    file_id: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentFile(Base):
    """A file the bot sent (a chart, a transcript, a certificate, an export), by its Telegram
    ``file_id``: the same file for the same data is sent again by id instead of rebuilt."""

    __tablename__ = "sent_files"

    owner: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    file_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the data the file was built from
    media: Mapped[str] = mapped_column(String(16))  # "document" | "photo"
    file_id: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cooldown(Base):
    """When a user may next press an expensive button (a file to build) of one kind."""

    __tablename__ = "cooldowns"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(24), primary_key=True)
    until: Mapped[datetime]
