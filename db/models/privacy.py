"""What the retention policy keeps of an erased account (``/hapus``, ``python -m bot erase``).

The ledger of competency development is a record the agency must keep (UU 20/2023 Pasal 49,
PP 11/2017): when an account is erased, each of its ledger rows is copied here under the NIP,
without the name, the Telegram id or any file id, and held until ``keep_until``
(``SINAU_RETENTION_YEARS`` after the erasure); the worker then deletes it. Everything else of the
account is deleted with the employee row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class RetainedRecord(Base):
    __tablename__ = "retained_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    opd_code: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(8))  # "PNS" or "PPPK"
    year: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(24))
    activity_kind: Mapped[str] = mapped_column(String(40))
    organiser: Mapped[str] = mapped_column(String(120))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(80))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)  # without file ids
    credited_at: Mapped[datetime]
    erased_at: Mapped[datetime]
    keep_until: Mapped[datetime] = mapped_column(index=True)
