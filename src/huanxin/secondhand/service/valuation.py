"""Valuation: the price guide per category/model/age/grade computed from registered
transactions (robust statistics, stated confidence), the instant estimate for a consumer or an
enterprise, and reports of registered third-party valuers.

The guide pools every registered transaction (prices carry no personal data); age is the
trade year minus the year of manufacture, capped at 10. Resale and acquisition prices form
separate cells (what a buyer pays vs what a dealer pays a seller)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import Select, extract, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import OutOfRange, PermissionDenied
from huanxin.secondhand import vocab
from huanxin.secondhand.models import Transaction, ValuationReport
from huanxin.secondhand.service import common, stats

MAX_AGE = 10


def _age(trade_year: int, made_year: int) -> int:
    return max(0, min(MAX_AGE, trade_year - made_year))


def _prices(
    session: Session, *, category: str, model: str, grade: str, direction: str
) -> dict[int, list[int]]:
    """Prices of one category/model/grade/direction, by age."""
    rows = session.execute(
        select(
            extract("year", Transaction.traded_on), Transaction.made_year, Transaction.price_fen
        ).where(
            Transaction.category == category,
            func.lower(Transaction.model) == model.lower(),
            Transaction.grade == grade,
            Transaction.direction == direction,
        )
    )
    by_age: dict[int, list[int]] = defaultdict(list)
    for trade_year, made_year, price in rows:
        by_age[_age(int(trade_year), made_year)].append(int(price))
    return by_age


@dataclass(frozen=True)
class EstimateCell(stats.Cell):
    basis: str = ""  # which transactions the figures come from


@dataclass(frozen=True)
class Estimate:
    """The instant estimate: the acquisition and resale cells for one item."""

    category: str
    model: str
    grade: str
    age: int
    scale: str
    method: str
    acquire: EstimateCell
    resale: EstimateCell


@dataclass(frozen=True)
class GuideRow(stats.Cell):
    """One cell of the price guide: category, model, age, grade and direction."""

    category: str = ""
    brand: str = ""
    model: str = ""
    age: int = 0
    grade: str = ""
    direction: str = ""


def _cell(by_age: dict[int, list[int]], age: int) -> EstimateCell:
    basis = f"同品类同型号、同成色、机龄{age}年的成交记录"
    cell = EstimateCell(**asdict(stats.summarise(by_age.get(age, []))), basis=basis)
    if cell.median_fen is not None:
        return cell
    pooled = [p for a in (age - 1, age, age + 1) for p in by_age.get(a, [])]
    wider = stats.summarise(pooled)
    if wider.median_fen is None:
        return cell
    level = stats.downgrade(wider.confidence)
    return EstimateCell(
        **asdict(replace(wider, confidence=level, confidence_label=vocab.CONFIDENCE_LABELS[level])),
        basis=f"机龄{age}年样本不足，合并机龄{max(age - 1, 0)}至{age + 1}年的成交记录（可信度降一级）",
    )


def estimate(
    session: Session,
    *,
    category: str,
    model: str,
    made_year: int,
    grade: str,
    as_of: date | None = None,
) -> Estimate:
    """Instant estimate: the resale and acquisition cells for the item."""
    common.choice(category, vocab.CATEGORIES, field="category", label="品类")
    common.choice(grade, vocab.GRADES, field="grade", label="成色等级")
    name = common.text(model, field="model", label="型号")
    year = common.year(made_year, field="made_year", label="出厂年份")
    age = _age((as_of or today_cn()).year, year)
    cells = {
        direction: _cell(
            _prices(session, category=category, model=name, grade=grade, direction=direction), age
        )
        for direction in vocab.DIRECTIONS
    }
    return Estimate(
        category=category,
        model=name,
        grade=grade,
        age=age,
        scale=vocab.GRADE_SCALE_SOURCE,
        method="中位数与四分位区间；离散度用中位数绝对偏差(MAD)",
        acquire=cells["acquire"],
        resale=cells["resale"],
    )


def price_guide(session: Session, *, category: str | None = None) -> list[GuideRow]:
    """Every guide cell with enough or too few transactions, for the office's table."""
    stmt = select(
        Transaction.category,
        Transaction.brand,
        Transaction.model,
        Transaction.grade,
        Transaction.direction,
        extract("year", Transaction.traded_on),
        Transaction.made_year,
        Transaction.price_fen,
    )
    if category:
        stmt = stmt.where(Transaction.category == category)
    cells: dict[tuple[str, str, str, int, str, str], list[int]] = defaultdict(list)
    for cat, brand, model, grade, direction, trade_year, made_year, price in session.execute(stmt):
        key = (cat, brand, model, _age(int(trade_year), made_year), grade, direction)
        cells[key].append(int(price))
    return [
        GuideRow(
            **asdict(stats.summarise(prices)),
            category=cat,
            brand=brand,
            model=model,
            age=age,
            grade=grade,
            direction=direction,
        )
        for (cat, brand, model, age, grade, direction), prices in sorted(cells.items())
    ]


def create_report(
    session: Session,
    actor: Actor,
    *,
    category: str,
    brand: str,
    model: str,
    serial: str,
    grade: str,
    value_fen: int,
    valued_on: date,
    note: str = "",
) -> ValuationReport:
    valuer = common.own_dealer(session, actor)
    if valuer.kind != "valuer":
        raise PermissionDenied("只有登记的第三方评估机构可以出具评估报告")
    common.choice(category, vocab.CATEGORIES, field="category", label="品类")
    common.choice(grade, vocab.GRADES, field="grade", label="成色等级")
    if valued_on > today_cn():
        raise OutOfRange("评估日期不能晚于今天", field="valued_on")
    row = ValuationReport(
        valuer_id=valuer.id,
        jurisdiction_code=valuer.jurisdiction_code,
        report_no="pending",
        category=category,
        brand=common.text(brand, field="brand", label="品牌"),
        model=common.text(model, field="model", label="型号"),
        serial=common.serial(serial, category=category),
        grade=grade,
        value_fen=common.positive_fen(value_fen, field="value_fen", label="评估价值"),
        valued_on=valued_on,
        note=note.strip()[:512],
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    row.report_no = f"VR{valued_on.year}{row.id:08d}"
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.valuation_reported",
        object_type="sh_valuation",
        object_id=row.id,
        after=asdict(report_view(row)),
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


@dataclass(frozen=True)
class ReportView:
    """A registered valuer's report."""

    id: int
    report_no: str
    valuer_id: int
    category: str
    brand: str
    model: str
    serial: str
    grade: str
    value_fen: int
    valued_on: str
    note: str


def report_view(r: ValuationReport) -> ReportView:
    return ReportView(
        id=r.id,
        report_no=r.report_no,
        valuer_id=r.valuer_id,
        category=r.category,
        brand=r.brand,
        model=r.model,
        serial=r.serial,
        grade=r.grade,
        value_fen=r.value_fen,
        valued_on=r.valued_on.isoformat(),
        note=r.note,
    )


def readable(session: Session, actor: Actor) -> Select[ValuationReport]:
    """The reports the actor may read: its scope's, or a valuer's own."""
    stmt = select(ValuationReport).where(ValuationReport.jurisdiction_code.in_(actor.scope_codes))
    if not actor.can("secondhand:read"):
        stmt = stmt.where(
            ValuationReport.valuer_id == common.own_dealer(session, actor, active=False).id
        )
    return stmt


def list_reports(session: Session, actor: Actor) -> list[ValuationReport]:
    stmt = readable(session, actor)
    return list(session.scalars(stmt.order_by(ValuationReport.id.desc())))
