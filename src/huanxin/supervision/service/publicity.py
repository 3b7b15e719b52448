"""Publicity (宣传推广、政策解读、回应社会关切): the office's questions and answers, typical
cases and notices for the public pages, and what those pages read from the other domains —
programmes with worked examples computed by the policy engine, participating merchants and
recycling points of an area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions, orgs
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import DomainError, NotFound, Required
from huanxin.policy import service as policies
from huanxin.policy.api import ItemAttributes, Programme, Quote, default_policies_dir
from huanxin.recycling.service import network
from huanxin.supervision.mechanism_models import PublicItem
from huanxin.supervision.models import Plan
from huanxin.supervision.service.common import in_scope
from huanxin.supervision.vocab import PublicKind, parse

TIER_LABELS = {
    "dropoff": "交投点",
    "transfer": "中转站",
    "sorting": "分拣中心",
    "dismantler": "报废机动车回收拆解企业",
}


def publish(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    kind: str,
    title: str,
    body: str,
    published_on: date | None = None,
) -> PublicItem:
    in_scope(actor, jurisdiction_code)
    kind = parse(PublicKind, kind, field="kind", what="内容类型")
    if not title.strip():
        raise Required("请填写标题", field="title")
    if not body.strip():
        raise Required("请填写正文", field="body")
    row = PublicItem(
        jurisdiction_code=jurisdiction_code,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        published=True,
        published_on=published_on or today_cn(),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.public_item_published",
        object_type="sv_public",
        object_id=row.id,
        after={"kind": kind, "title": row.title},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def withdraw(session: Session, actor: Actor, item_id: int) -> PublicItem:
    row = session.get(PublicItem, item_id)
    row = visible(actor, row, row.jurisdiction_code if row else None, "内容不存在")
    if row.published:
        row.published = False
        session.flush()
        audit.record(
            session,
            actor,
            "supervision.public_item_withdrawn",
            object_type="sv_public",
            object_id=row.id,
            jurisdiction_code=row.jurisdiction_code,
        )
    return row


def items_for(session: Session, actor: Actor) -> list[PublicItem]:
    stmt = select(PublicItem).where(PublicItem.jurisdiction_code.in_(actor.scope_codes))
    return list(
        session.scalars(stmt.order_by(PublicItem.published_on.desc(), PublicItem.id.desc()))
    )


def published(session: Session, code: str, kind: str) -> list[PublicItem]:
    """What the public sees for an area: its own items and those of the places above it."""
    path = [j.code for j in jurisdictions.ancestors(session, code)] + [code]
    stmt = select(PublicItem).where(
        PublicItem.jurisdiction_code.in_(path),
        PublicItem.kind == kind,
        PublicItem.published.is_(True),
    )
    return list(
        session.scalars(stmt.order_by(PublicItem.published_on.desc(), PublicItem.id.desc()))
    )


def public_actor(session: Session, code: str) -> Actor:
    """A reader of one area with no login: sees that area and the places below it."""
    scope = jurisdictions.subtree_codes(session, code)
    if not scope:
        raise NotFound("地区不存在")
    return Actor(
        user_id=0,
        username="public",
        display_name="公众",
        role="consumer",
        jurisdiction_code=code,
        scope_codes=scope,
    )


@dataclass(frozen=True)
class Example:
    name: str
    quote: Quote


@dataclass(frozen=True)
class Explained:
    programme: Programme
    examples: list[Example]


def programmes_for(session: Session, code: str, today: date | None = None) -> list[Explained]:
    """Programmes in force for the area today (latest version of each), each with the
    worked examples of the policy scenarios for that area, computed by the engine now."""
    day = today or today_cn()
    path = policies.path_of(session, code)
    latest: dict[str, Programme] = {}
    for p in policies.all_versions(session):
        applies = p.jurisdiction.code in path or p.jurisdiction.code == "100000"
        if applies and (p.id not in latest or p.version > latest[p.id].version):
            latest[p.id] = p
    scenarios = _scenarios()
    out = []
    for p in sorted(latest.values(), key=lambda p: (len(p.jurisdiction.code.rstrip("0")), p.id)):
        if p.effective.end is not None and p.effective.end < day:
            continue
        out.append(Explained(p, _examples(session, code, p, scenarios)))
    return out


def _examples(
    session: Session, code: str, p: Programme, scenarios: list[dict[str, Any]]
) -> list[Example]:
    """The area's scenario items that this programme pays for, computed on a day the
    programme is in force (the scenario's own day when it falls in the period)."""
    out: list[Example] = []
    seen: set[str] = set()
    for s in scenarios:
        if str(s.get("jurisdiction")) != code or not isinstance(s.get("item"), dict):
            continue
        try:
            item = ItemAttributes.from_inputs(dict(s["item"]))
        except (DomainError, ValueError):
            continue
        category = p.category(item.category)
        name = _example_name(category.name, item) if category else ""
        if not name or name in seen:
            continue
        raw = s.get("date")
        day: date = raw if isinstance(raw, date) else p.effective.start
        if not (p.effective.start <= day and (p.effective.end is None or day <= p.effective.end)):
            day = p.effective.start
        quote = policies.quote_for(session, jurisdiction_code=code, on_date=day, item=item)
        if any(a.programme_id == p.id and a.version == p.version for a in quote.applied):
            seen.add(name)
            out.append(Example(name, quote))
        if len(out) >= 3:
            break
    return out


def _example_name(category: str, item: ItemAttributes) -> str:
    words = [f"购买{category}，售价{item.price_fen // 100:,}元"]
    if item.grade:
        words.append(f"{item.grade}级能效")
    if item.resident:
        words.append("本地户籍")
    return "，".join(words)


def _scenarios() -> list[dict[str, Any]]:
    folder = Path(default_policies_dir()) / "scenarios"
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        out += [d for d in data if isinstance(d, dict)]
    return out


def merchants_of(session: Session, code: str) -> list[tuple[str, str]]:
    """(area, merchant name) of the registered merchants of the area and below."""
    actor = public_actor(session, code)
    return [
        (jurisdictions.full_name(session, o.jurisdiction_code), o.name)
        for o in orgs.list_for(session, actor, "merchant")
    ]


def recycling_points_of(session: Session, code: str) -> list[tuple[str, str, str, str]]:
    """(area, kind, name, address) of the active recycling sites of the area and below."""
    actor = public_actor(session, code)
    return [
        (
            jurisdictions.full_name(session, s.jurisdiction_code),
            TIER_LABELS.get(s.tier, "回收网点"),
            s.name,
            s.address,
        )
        for s in network.sites_for(session, actor)
        if s.active
    ]


def areas(session: Session) -> list[tuple[str, str]]:
    """(code, full name) of the places that run the programme here (a plan or content)."""
    codes = set(session.scalars(select(Plan.jurisdiction_code).distinct()))
    codes |= set(session.scalars(select(PublicItem.jurisdiction_code).distinct()))
    return sorted((c, jurisdictions.full_name(session, c)) for c in codes)
