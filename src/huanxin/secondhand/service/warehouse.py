"""The public-institution warehouse (公务仓): public institutions (enterprise organisations the
office flags as 公共机构) declare idle or retired office assets; the office puts each into the
reallocation pool (调剂) first; another institution may claim it (→ transfer); only an item
nobody claimed may be auctioned, recycled through a recycler or destroyed. Recycling or
destroying a data-bearing device needs a valid wipe certificate bound to its serial. Every
step is recorded (``sh_steps``) and audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from huanxin.core import audit, orgs
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import Conflict, Required
from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.errors import (
    AlreadyRegistered,
    IllegalTransition,
    NotPublicInstitution,
    OrgNotInstitution,
)
from huanxin.secondhand.models import PublicInstitution, WarehouseItem
from huanxin.secondhand.service import common, wipes
from huanxin.secondhand.states import DISPOSALS, DisposalState

NEEDS_CERTIFICATE = frozenset({"recycle", "destroy"})


def register_institution(session: Session, actor: Actor, *, org_id: int) -> PublicInstitution:
    org = orgs.get(session, actor, org_id)
    if org.kind != "enterprise":
        raise OrgNotInstitution("公共机构须为企业（单位）类型的机构", field="org_id")
    if session.get(PublicInstitution, org.id) is not None:
        raise AlreadyRegistered("该机构已标记为公共机构", field="org_id")
    row = PublicInstitution(
        org_id=org.id, jurisdiction_code=org.jurisdiction_code, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.institution_flagged",
        object_type="organization",
        object_id=org.id,
        jurisdiction_code=org.jurisdiction_code,
    )
    return row


def is_institution(session: Session, org_id: int | None) -> bool:
    return org_id is not None and session.get(PublicInstitution, org_id) is not None


def _institution(session: Session, actor: Actor) -> int:
    if not is_institution(session, actor.org_id):
        raise NotPublicInstitution("只有登记为公共机构的单位可以办理公务仓业务")
    assert actor.org_id is not None
    return actor.org_id


def _move(
    session: Session, actor: Actor, item: WarehouseItem, to_state: str, note: str = ""
) -> None:
    before = item.state
    item.state = DISPOSALS.check(before, to_state)
    common.add_step(
        session,
        actor,
        subject="warehouse",
        subject_id=item.id,
        from_state=before,
        to_state=to_state,
        note=note,
    )
    session.flush()
    audit.record(
        session,
        actor,
        f"secondhand.warehouse_{to_state}",
        object_type="sh_warehouse",
        object_id=item.id,
        before={"state": before},
        after=asdict(item_view(session, item)),
        detail={"note": note},
        jurisdiction_code=item.jurisdiction_code,
    )


def _need(item: WarehouseItem, *states: str) -> None:
    if item.state not in states:
        raise IllegalTransition(
            f"当前状态“{vocab.WAREHOUSE_STATES[item.state]}”不能办理此步骤", field="state"
        )


def declare(
    session: Session,
    actor: Actor,
    *,
    asset_no: str,
    category: str,
    brand: str,
    model: str,
    serial: str,
    acquired_year: int,
) -> WarehouseItem:
    org_id = _institution(session, actor)
    org = session.get(Organization, org_id)
    assert org is not None
    common.choice(category, vocab.WAREHOUSE_CATEGORIES, field="category", label="资产类别")
    number = common.text(asset_no, field="asset_no", label="资产编号")
    if session.scalars(
        select(WarehouseItem.id).where(
            WarehouseItem.institution_org_id == org_id, WarehouseItem.asset_no == number
        )
    ).first():
        raise AlreadyRegistered("该资产编号已申报", field="asset_no")
    item = WarehouseItem(
        institution_org_id=org_id,
        jurisdiction_code=org.jurisdiction_code,
        asset_no=number,
        category=category,
        brand=common.text(brand, field="brand", label="品牌"),
        model=common.text(model, field="model", label="型号"),
        serial=common.serial(serial, category=category),
        acquired_year=common.year(acquired_year, field="acquired_year", label="购置年份"),
        declared_year=today_cn().year,
        state=DisposalState.DECLARED,
        created_at=utcnow(),
    )
    session.add(item)
    session.flush()
    _move_first(session, actor, item)
    return item


def _move_first(session: Session, actor: Actor, item: WarehouseItem) -> None:
    common.add_step(
        session,
        actor,
        subject="warehouse",
        subject_id=item.id,
        from_state=None,
        to_state="declared",
    )
    audit.record(
        session,
        actor,
        "secondhand.warehouse_declared",
        object_type="sh_warehouse",
        object_id=item.id,
        after=asdict(item_view(session, item)),
        jurisdiction_code=item.jurisdiction_code,
    )


def get_item(session: Session, actor: Actor, item_id: int) -> WarehouseItem:
    item = session.get(WarehouseItem, item_id)
    return visible(actor, item, item.jurisdiction_code if item else None, "公务仓资产不存在")


def review(
    session: Session, actor: Actor, *, item_id: int, accept: bool, note: str = ""
) -> WarehouseItem:
    """The office puts a declared item into the reallocation pool, or sends it back."""
    item = get_item(session, actor, item_id)
    _need(item, "declared")
    _move(session, actor, item, "pooled" if accept else "rejected", note=note)
    return item


def claim(session: Session, actor: Actor, *, item_id: int, note: str = "") -> WarehouseItem:
    """Another public institution asks for a pooled item (调剂)."""
    org_id = _institution(session, actor)
    item = get_item(session, actor, item_id)
    if item.institution_org_id == org_id:
        raise Conflict("不能申领本单位申报的资产")
    _need(item, "pooled")
    item.claimant_org_id = org_id
    _move(session, actor, item, "claimed", note=note)
    return item


def release_claim(session: Session, actor: Actor, *, item_id: int, note: str) -> WarehouseItem:
    item = get_item(session, actor, item_id)
    _need(item, "claimed")
    item.claimant_org_id = None
    _move(
        session,
        actor,
        item,
        "pooled",
        note=common.text(note, field="note", label="原因", max_len=256),
    )
    return item


def approve(
    session: Session,
    actor: Actor,
    *,
    item_id: int,
    route: str,
    recycler_org_id: int | None = None,
    note: str = "",
) -> WarehouseItem:
    """The office approves the route: transfer to the claimant, or (nobody claimed) sale or disposal."""
    item = get_item(session, actor, item_id)
    common.choice(route, vocab.WAREHOUSE_ROUTES, field="route", label="处置方式")
    if route == "transfer":
        _need(item, "claimed")
    elif item.state == "claimed":
        raise Conflict("已有公共机构申领，应优先调剂", field="route")
    else:
        _need(item, "pooled")
    if route == "recycle":
        recycler = orgs.get(session, actor, recycler_org_id) if recycler_org_id else None
        if recycler is None or recycler.kind != "recycler":
            raise Required("回收处置须指定回收企业", field="recycler_org_id")
        item.recycler_org_id = recycler.id
    item.route = route
    _move(session, actor, item, "approved", note=f"{vocab.WAREHOUSE_ROUTES[route]} {note}".strip())
    return item


def complete(
    session: Session,
    actor: Actor,
    *,
    item_id: int,
    certificate_no: str | None = None,
    proceeds_fen: int | None = None,
    note: str = "",
) -> WarehouseItem:
    item = get_item(session, actor, item_id)
    _need(item, "approved")
    if item.route in NEEDS_CERTIFICATE and item.category in vocab.WAREHOUSE_DATA_BEARING:
        cert = wipes.usable_certificate(session, cert_no=certificate_no, serial=item.serial)
        cert.status, item.certificate_id = "used", cert.id
    if item.route == "auction":
        item.proceeds_fen = common.positive_fen(
            proceeds_fen or 0, field="proceeds_fen", label="拍卖所得"
        )
    _move(session, actor, item, "done", note=note)
    return item


@dataclass(frozen=True)
class ItemView:
    """An item declared to the 公务仓, with its institution's name and state label."""

    id: int
    institution_org_id: int
    institution: str
    asset_no: str
    category: str
    brand: str
    model: str
    serial: str
    acquired_year: int
    declared_year: int
    state: str
    state_label: str
    route: str | None
    claimant_org_id: int | None
    recycler_org_id: int | None
    certificate_id: int | None
    proceeds_fen: int | None


def item_view(session: Session, item: WarehouseItem) -> ItemView:
    owner = session.get(Organization, item.institution_org_id)
    return ItemView(
        id=item.id,
        institution_org_id=item.institution_org_id,
        institution=owner.name if owner else "",
        asset_no=item.asset_no,
        category=item.category,
        brand=item.brand,
        model=item.model,
        serial=item.serial,
        acquired_year=item.acquired_year,
        declared_year=item.declared_year,
        state=item.state,
        state_label=vocab.WAREHOUSE_STATES[item.state],
        route=item.route,
        claimant_org_id=item.claimant_org_id,
        recycler_org_id=item.recycler_org_id,
        certificate_id=item.certificate_id,
        proceeds_fen=item.proceeds_fen,
    )


@dataclass(frozen=True)
class YearFigures:
    """One institution's items declared in one year: done per disposal route, pending,
    proceeds (fen)."""

    institution_org_id: int
    institution: str
    year: int
    declared: int
    pending: int
    proceeds_fen: int
    transfer: int
    auction: int
    recycle: int
    destroy: int


def readable(actor: Actor) -> Select[WarehouseItem]:
    """Items in scope; a unit without ``secondhand:read`` sees its own and the pooled ones."""
    stmt = select(WarehouseItem).where(WarehouseItem.jurisdiction_code.in_(actor.scope_codes))
    if not actor.can("secondhand:read"):
        own = WarehouseItem.institution_org_id == actor.org_id
        stmt = stmt.where(or_(WarehouseItem.state == "pooled", own))
    return stmt


def items_of(
    actor: Actor, *, state: str | None = None, pool_of: int | None = None
) -> Select[WarehouseItem]:
    """The items in scope, newest first: of one state when given; with ``pool_of``, the pooled
    items an institution may claim and its own declarations."""
    stmt = select(WarehouseItem).where(WarehouseItem.jurisdiction_code.in_(actor.scope_codes))
    if state:
        stmt = stmt.where(WarehouseItem.state == state)
    if pool_of is not None:
        stmt = stmt.where(
            (WarehouseItem.state == "pooled") | (WarehouseItem.institution_org_id == pool_of)
        )
    return stmt.order_by(WarehouseItem.id.desc())


def _counted(condition: ColumnElement[bool], value: Any = 1) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def statistics(session: Session, actor: Actor) -> list[YearFigures]:
    """Per institution and declared year, over every item in scope (one GROUP BY): items
    declared, done per route, pending, proceeds."""
    item = WarehouseItem
    done = (item.state == "done") & item.route.is_not(None)
    routes = [_counted(done & (item.route == r)).label(r) for r in vocab.WAREHOUSE_ROUTES]
    stmt = (
        select(
            item.institution_org_id,
            Organization.name,
            item.declared_year,
            func.count().label("declared"),
            *routes,
            _counted(~done & (item.state != "rejected")).label("pending"),
            _counted(done, func.coalesce(item.proceeds_fen, 0)).label("proceeds_fen"),
        )
        .join(Organization, Organization.id == item.institution_org_id)
        .where(item.jurisdiction_code.in_(actor.scope_codes))
        .group_by(item.institution_org_id, Organization.name, item.declared_year)
        .order_by(item.declared_year, item.institution_org_id)
    )
    return [
        YearFigures(
            institution_org_id=row.institution_org_id,
            institution=row.name,
            year=row.declared_year,
            declared=int(row.declared),
            pending=int(row.pending),
            proceeds_fen=int(row.proceeds_fen),
            **{r: int(getattr(row, r)) for r in vocab.WAREHOUSE_ROUTES},
        )
        for row in session.execute(stmt)
    ]
