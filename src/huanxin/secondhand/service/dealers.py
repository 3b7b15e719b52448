"""Dealer and platform registration, suspension, and registered second-hand transactions
(real-name parties sealed; resale of a data-bearing device needs a valid wipe certificate).
Also the used-car indicator (transactions this year against a 2023 baseline entered as data)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from fractions import Fraction
from math import floor
from typing import Any

from sqlalchemy import Select, extract, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, orgs
from huanxin.core.actor import Actor, visible, within
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import Conflict, OutOfRange, PermissionDenied, Required
from huanxin.core.models import Organization
from huanxin.core.paging import Pager
from huanxin.secondhand import vocab
from huanxin.secondhand.errors import AlreadyRegistered, OrgNotMerchant, UsccMismatch
from huanxin.secondhand.models import CarBaseline, Dealer, Transaction
from huanxin.secondhand.service import common, wipes

BASELINE_YEAR = 2023


@dataclass(frozen=True)
class DealerView:
    """A registered dealer with its organisation's name."""

    id: int
    org_id: int
    name: str
    kind: str
    uscc: str
    licence_no: str
    categories: list[str]
    status: str
    status_reason: str | None
    jurisdiction_code: str


def dealer_view(session: Session, dealer: Dealer) -> DealerView:
    org = session.get(Organization, dealer.org_id)
    return DealerView(
        id=dealer.id,
        org_id=dealer.org_id,
        name=org.name if org else "",
        kind=dealer.kind,
        uscc=dealer.uscc,
        licence_no=dealer.licence_no,
        categories=dealer.categories.split(","),
        status=dealer.status,
        status_reason=dealer.status_reason,
        jurisdiction_code=dealer.jurisdiction_code,
    )


def _categories(values: list[str]) -> str:
    if not values:
        raise Required("经营范围至少选择一个品类", field="categories")
    for value in values:
        common.choice(value, vocab.CATEGORIES, field="categories", label="经营品类")
    return ",".join(sorted(set(values)))


def register_dealer(
    session: Session,
    actor: Actor,
    *,
    org_id: int,
    kind: str,
    uscc: str,
    licence_no: str,
    categories: list[str],
) -> Dealer:
    org = orgs.get(session, actor, org_id)
    if org.kind != "merchant":
        raise OrgNotMerchant("只能登记商户类型的机构", field="org_id")
    common.choice(kind, vocab.DEALER_KINDS, field="kind", label="登记类型")
    code = identifiers.uscc(uscc, field="uscc")
    if org.uscc and org.uscc != code:
        raise UsccMismatch("统一社会信用代码与机构登记的不一致", field="uscc")
    licence = common.text(licence_no, field="licence_no", label="许可/备案编号")
    scope = _categories(categories)
    if session.scalars(select(Dealer.id).where(Dealer.org_id == org.id)).first():
        raise AlreadyRegistered("该机构已登记", field="org_id")
    if session.scalars(select(Dealer.id).where(Dealer.uscc == code)).first():
        raise AlreadyRegistered("该统一社会信用代码已登记", field="uscc")
    dealer = Dealer(
        org_id=org.id,
        jurisdiction_code=org.jurisdiction_code,
        kind=kind,
        uscc=code,
        licence_no=licence,
        categories=scope,
        status="active",
        created_at=utcnow(),
    )
    session.add(dealer)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.dealer_registered",
        object_type="sh_dealer",
        object_id=dealer.id,
        after=asdict(dealer_view(session, dealer)),
        jurisdiction_code=dealer.jurisdiction_code,
    )
    return dealer


def readable_dealers(actor: Actor) -> Select[Dealer]:
    return select(Dealer).where(Dealer.jurisdiction_code.in_(actor.scope_codes))


def dealer_names(session: Session, dealer_ids: Iterable[int]) -> dict[int, str]:
    """Dealers' names (their organisations'), for the rows of one page of a list."""
    wanted = set(dealer_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Dealer.id, Organization.name)
        .join(Organization, Organization.id == Dealer.org_id)
        .where(Dealer.id.in_(wanted))
    )
    return {row.id: row.name for row in rows}


def list_dealers(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    pager: Pager | None = None,
) -> list[Dealer]:
    stmt = readable_dealers(actor)
    if status:
        stmt = stmt.where(Dealer.status == status)
    if kind:
        stmt = stmt.where(Dealer.kind == kind)
    stmt = stmt.order_by(Dealer.id)
    return pager(stmt) if pager else list(session.scalars(stmt))


def get_dealer(session: Session, actor: Actor, dealer_id: int) -> Dealer:
    dealer = session.get(Dealer, dealer_id)
    return visible(actor, dealer, dealer.jurisdiction_code if dealer else None, "经营者不存在")


def set_status(
    session: Session, actor: Actor, *, dealer_id: int, status: str, reason: str
) -> Dealer:
    dealer = get_dealer(session, actor, dealer_id)
    common.choice(status, {"active": "正常", "suspended": "暂停"}, field="status", label="状态")
    note = common.text(reason, field="reason", label="原因", max_len=256)
    if dealer.status == status:
        raise Conflict("经营者已处于该状态", field="status")
    before = asdict(dealer_view(session, dealer))
    dealer.status, dealer.status_reason = status, note
    session.flush()
    action = (
        "secondhand.dealer_suspended" if status == "suspended" else "secondhand.dealer_reinstated"
    )
    audit.record(
        session,
        actor,
        action,
        object_type="sh_dealer",
        object_id=dealer.id,
        before=before,
        after=asdict(dealer_view(session, dealer)),
        detail={"reason": note},
        jurisdiction_code=dealer.jurisdiction_code,
    )
    return dealer


def register_transaction(
    session: Session,
    actor: Actor,
    *,
    direction: str,
    category: str,
    brand: str,
    model: str,
    serial: str,
    made_year: int,
    grade: str,
    price_fen: int,
    traded_on: date,
    seller_name: str,
    seller_resident_id: str,
    buyer_name: str,
    buyer_resident_id: str,
    certificate_no: str | None = None,
) -> Transaction:
    dealer = common.own_dealer(session, actor)
    common.choice(direction, vocab.DIRECTIONS, field="direction", label="交易方向")
    common.choice(category, vocab.CATEGORIES, field="category", label="品类")
    if category not in dealer.categories.split(","):
        raise Conflict("该品类超出经营者登记的经营范围", field="category")
    common.choice(grade, vocab.GRADES, field="grade", label="成色等级")
    if traded_on > today_cn():
        raise OutOfRange("成交日期不能晚于今天", field="traded_on")
    number = common.serial(serial, category=category)
    item: dict[str, Any] = {
        "brand": common.text(brand, field="brand", label="品牌"),
        "model": common.text(model, field="model", label="型号"),
        "made_year": common.year(made_year, field="made_year", label="出厂年份"),
    }
    seller = common.seal_person(seller_name, seller_resident_id, field="seller", label="卖方")
    buyer = common.seal_person(buyer_name, buyer_resident_id, field="buyer", label="买方")
    price = common.positive_fen(price_fen, field="price_fen", label="成交价")
    cert = None
    if direction == "resale" and category in vocab.DATA_BEARING:
        cert = wipes.usable_certificate(session, cert_no=certificate_no, serial=number)
        cert.status = "used"
    row = Transaction(
        dealer_id=dealer.id,
        jurisdiction_code=dealer.jurisdiction_code,
        direction=direction,
        category=category,
        grade=grade,
        price_fen=price,
        traded_on=traded_on,
        serial=number,
        **item,
        seller_name_enc=seller[0],
        seller_id_enc=seller[1],
        seller_id_hash=seller[2],
        buyer_name_enc=buyer[0],
        buyer_id_enc=buyer[1],
        buyer_id_hash=buyer[2],
        certificate_id=cert.id if cert else None,
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.transaction_registered",
        object_type="sh_transaction",
        object_id=row.id,
        after=_snapshot(row),
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def _snapshot(t: Transaction) -> dict[str, Any]:
    return {
        "dealer_id": t.dealer_id,
        "direction": t.direction,
        "category": t.category,
        "serial": t.serial,
        "grade": t.grade,
        "price_fen": t.price_fen,
        "traded_on": t.traded_on.isoformat(),
        "certificate_id": t.certificate_id,
    }


@dataclass(frozen=True)
class TransactionView:
    """A registered transaction with the parties' names and resident IDs masked."""

    id: int
    dealer_id: int
    direction: str
    category: str
    brand: str
    model: str
    serial: str
    made_year: int
    grade: str
    price_fen: int
    traded_on: str
    certificate_id: int | None
    jurisdiction_code: str
    seller: common.Person
    buyer: common.Person


def transaction_view(t: Transaction) -> TransactionView:
    """Masked view of a transaction (real names and IDs masked)."""
    return TransactionView(
        id=t.id,
        dealer_id=t.dealer_id,
        direction=t.direction,
        category=t.category,
        brand=t.brand,
        model=t.model,
        serial=t.serial,
        made_year=t.made_year,
        grade=t.grade,
        price_fen=t.price_fen,
        traded_on=t.traded_on.isoformat(),
        certificate_id=t.certificate_id,
        jurisdiction_code=t.jurisdiction_code,
        seller=common.masked_person(t.seller_name_enc, t.seller_id_enc),
        buyer=common.masked_person(t.buyer_name_enc, t.buyer_id_enc),
    )


@dataclass(frozen=True)
class Parties:
    seller: common.Person
    buyer: common.Person


def list_transactions(
    session: Session,
    actor: Actor,
    *,
    category: str | None = None,
    limit: int = 200,
    pager: Pager | None = None,
) -> list[Transaction]:
    """Office/department: everything in scope; a dealer: its own transactions."""
    stmt = select(Transaction).where(Transaction.jurisdiction_code.in_(actor.scope_codes))
    if not actor.can("secondhand:read"):
        stmt = stmt.where(
            Transaction.dealer_id == common.own_dealer(session, actor, active=False).id
        )
    if category:
        stmt = stmt.where(Transaction.category == category)
    stmt = stmt.order_by(Transaction.id.desc())
    return pager(stmt) if pager else list(session.scalars(stmt.limit(limit)))


def reveal_parties(session: Session, actor: Actor, *, transaction_id: int) -> Parties:
    """Unmasked real names and IDs; only with ``pii:read_full``; each read is audited."""
    if not actor.can("pii:read_full"):
        raise PermissionDenied("无权查看完整个人信息")
    row = session.get(Transaction, transaction_id)
    t = visible(actor, row, row.jurisdiction_code if row else None, "交易不存在")
    audit.record(
        session,
        actor,
        "pii.revealed",
        object_type="sh_transaction",
        object_id=t.id,
        detail={"fields": ["seller", "buyer"]},
        jurisdiction_code=t.jurisdiction_code,
    )
    return Parties(
        seller=common.person(t.seller_name_enc, t.seller_id_enc),
        buyer=common.person(t.buyer_name_enc, t.buyer_id_enc),
    )


def set_car_baseline(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    count: int,
    target_growth_bp: int,
    source: str,
    target_year: int = 2027,
) -> CarBaseline:
    within(actor, jurisdiction_code, "区划不在您的管辖范围内", field="jurisdiction_code")
    if count <= 0:
        raise OutOfRange("2023年交易量基数须大于0", field="count")
    if not 0 <= target_growth_bp <= 100_000:
        raise OutOfRange("目标增幅应在0%至1000%之间", field="target_growth_bp")
    if not BASELINE_YEAR < target_year <= BASELINE_YEAR + 12:
        raise OutOfRange(
            f"目标年份应在{BASELINE_YEAR + 1}至{BASELINE_YEAR + 12}之间", field="target_year"
        )
    text = common.text(source, field="source", label="数据来源", max_len=256)
    row = session.scalars(
        select(CarBaseline).where(
            CarBaseline.jurisdiction_code == jurisdiction_code, CarBaseline.year == BASELINE_YEAR
        )
    ).first()
    before = None if row is None else {"count": row.count, "target_growth_bp": row.target_growth_bp}
    if row is None:
        row = CarBaseline(jurisdiction_code=jurisdiction_code, year=BASELINE_YEAR)
        session.add(row)
    row.count, row.target_growth_bp, row.target_year, row.source = (
        count,
        target_growth_bp,
        target_year,
        text,
    )
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.car_baseline_set",
        object_type="sh_car_baseline",
        object_id=row.id,
        before=before,
        after={"count": count, "target_growth_bp": target_growth_bp, "source": text},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def list_car_baselines(session: Session, actor: Actor) -> list[CarBaseline]:
    """The 2023 baselines entered for the jurisdictions in the caller's scope."""
    stmt = select(CarBaseline).where(
        CarBaseline.jurisdiction_code.in_(actor.scope_codes), CarBaseline.year == BASELINE_YEAR
    )
    return list(session.scalars(stmt.order_by(CarBaseline.jurisdiction_code)))


def _half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class UsedCars:
    """The used-car indicator of some places in a year: registered car transactions against
    the summed 2023 baselines and targets (each ``None`` while no baseline is entered)."""

    year: int
    count: int
    baseline_year: int
    baseline: int | None
    growth_bp: int | None
    target_count: int | None
    target_growth_bp: int | None
    met: bool | None
    sources: list[str]
    baseline_codes: list[str]


def used_car_indicator(
    session: Session, *, jurisdiction_codes: list[str] | frozenset[str], year: int
) -> UsedCars:
    """Used-car transactions registered in ``year`` against the 2023 baselines of the codes.

    Every registered car transaction (acquire or resale) is one change of ownership and
    counts once. Baselines are summed over the codes given: enter them at one level only.
    """
    codes = sorted(set(jurisdiction_codes))
    count = int(
        session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(
                Transaction.category == "car",
                Transaction.jurisdiction_code.in_(codes),
                extract("year", Transaction.traded_on) == year,
            )
        )
        or 0
    )
    rows = list(
        session.scalars(
            select(CarBaseline)
            .where(CarBaseline.jurisdiction_code.in_(codes), CarBaseline.year == BASELINE_YEAR)
            .order_by(CarBaseline.jurisdiction_code)
        )
    )
    sources, baseline_codes = [r.source for r in rows], [r.jurisdiction_code for r in rows]
    if not rows:
        return UsedCars(year, count, BASELINE_YEAR, None, None, None, None, None, sources, [])
    baseline = sum(r.count for r in rows)
    target = sum(_half_up(Fraction(r.count * (10_000 + r.target_growth_bp), 10_000)) for r in rows)
    return UsedCars(
        year=year,
        count=count,
        baseline_year=BASELINE_YEAR,
        baseline=baseline,
        growth_bp=_half_up(Fraction((count - baseline) * 10_000, baseline)),
        target_count=target,
        target_growth_bp=_half_up(Fraction((target - baseline) * 10_000, baseline)),
        met=count >= target,
        sources=sources,
        baseline_codes=baseline_codes,
    )
