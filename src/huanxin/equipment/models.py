"""Tables of the equipment domain: enterprises, ledger rows and their flags, imports,
renewal projects with their steps and documents, interest subsidies, investment baselines and
the enterprises' digitalisation reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Enterprise(Base):
    """An enterprise or institution keyed to its ``organizations`` row (kind enterprise)."""

    __tablename__ = "equipment_enterprises"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry_code: Mapped[str] = mapped_column(String(8))
    above_size: Mapped[bool] = mapped_column(Boolean, default=False)
    sector: Mapped[str] = mapped_column(String(24), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerImport(Base):
    """One accepted ledger file (rejected files leave no row; their errors are returned)."""

    __tablename__ = "equipment_imports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("equipment_enterprises.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EquipmentItem(Base):
    """One ledger row: the columns lists and reports need, the full record as JSON, and
    the outcome of its latest classification."""

    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("equipment_enterprises.id"))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment_imports.id"), index=True, default=None
    )
    jurisdiction_code: Mapped[str] = mapped_column(String(6))
    sector: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(8))
    commissioning_year: Mapped[int] = mapped_column(Integer)
    rated_power_kw: Mapped[float | None] = mapped_column(Float, default=None)
    capacity: Mapped[float | None] = mapped_column(Float, default=None)
    capacity_unit: Mapped[str | None] = mapped_column(String(8), default=None)
    record: Mapped[str] = mapped_column(Text)  # EquipmentRecord fields as JSON
    assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    grade: Mapped[int | None] = mapped_column(Integer, default=None)
    elimination: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    safety: Mapped[bool] = mapped_column(Boolean, default=False)
    saving_kwh: Mapped[float | None] = mapped_column(Float, default=None)
    saving_tce: Mapped[float | None] = mapped_column(Float, default=None)
    saving_tco2: Mapped[float | None] = mapped_column(Float, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    classified_year: Mapped[int | None] = mapped_column(Integer, default=None)
    scrapped_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment_projects.id"), index=True, default=None
    )

    __table_args__ = (
        UniqueConstraint("enterprise_id", "code"),
        Index("ix_equipment_items_scope", "jurisdiction_code", "sector"),
    )


class EquipmentFlag(Base):
    """One finding of the classifier on one ledger row, with rule, threshold and source."""

    __tablename__ = "equipment_flags"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    rule: Mapped[str] = mapped_column(String(64))
    rule_zh: Mapped[str] = mapped_column(String(255))
    threshold: Mapped[str] = mapped_column(Text)
    actual: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class Project(Base):
    """A renewal project in the dynamic project library; money in fen."""

    __tablename__ = "equipment_projects"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("equipment_enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(24), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    equipment_investment_fen: Mapped[int] = mapped_column(BigInteger)
    total_investment_fen: Mapped[int] = mapped_column(BigInteger)
    bonds_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    central_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    local_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    loan_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    planned_on: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date, default=None)
    approved_on: Mapped[date | None] = mapped_column(Date, default=None)
    started_on: Mapped[date | None] = mapped_column(Date, default=None)
    completed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectStep(Base):
    """One move of a project to a stage: when, by whom."""

    __tablename__ = "equipment_project_steps"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("equipment_projects.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16), default=None)
    to_stage: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectDocument(Base):
    """An uploaded PDF/JPG/PNG of a project (content kept in the database)."""

    __tablename__ = "equipment_project_documents"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("equipment_projects.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(24))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InterestSubsidy(Base):
    """An application for interest subsidy (贴息) on an equipment-renewal loan."""

    __tablename__ = "equipment_interest_subsidies"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("equipment_projects.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    loan_fen: Mapped[int] = mapped_column(BigInteger)
    rate_bp: Mapped[int] = mapped_column(Integer)
    subsidy_bp: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer)
    repayment: Mapped[str] = mapped_column(String(24))
    cap_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    subsidy_fen: Mapped[int] = mapped_column(BigInteger)
    schedule: Mapped[str] = mapped_column(Text)  # JSON list of per-period amounts in fen
    status: Mapped[str] = mapped_column(String(16), index=True)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvestmentBaseline(Base):
    """The 2023 (or other base-year) equipment investment of a jurisdiction and sector."""

    __tablename__ = "equipment_investment_baselines"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    sector: Mapped[str] = mapped_column(String(24))
    year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(255))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "sector", "year"),)


class DigitalReport(Base):
    """An enterprise's self-reported digitalisation indicators for one year, in basis points:
    关键工序数控化率 (key-process CNC rate) and 数字化研发设计工具普及率 (digital design-tool
    penetration). Either may be absent (not reported)."""

    __tablename__ = "equipment_digital_reports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("equipment_enterprises.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    cnc_rate_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    design_tool_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    reported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)
