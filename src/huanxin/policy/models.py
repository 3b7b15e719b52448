"""Programme versions as stored: each (programme id, version) once, with its exact JSON."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class ProgrammeVersion(Base):
    __tablename__ = "programme_versions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    effective_start: Mapped[date] = mapped_column(Date)
    effective_end: Mapped[date | None] = mapped_column(Date, default=None)
    payment_mode: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("programme_id", "version"),)
