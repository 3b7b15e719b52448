"""Credit records of dealers and platforms (complaints, disputes, violations, fulfilment), the
credit grade with its reasons, and the audited read API for other platforms.

Scoring rule (ours, see ``vocab``): 100 points; events of the last 365 days that ended
against the dealer deduct — complaint upheld 5, dispute with the dealer at fault 8, violation
20 (serious 40), fulfilment breached 5. Grade A ≥ 90, B ≥ 75, C ≥ 60, else D; a suspended
dealer is D whatever its points. Pending events are listed but deduct nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import Conflict, NotFound, OutOfRange, PermissionDenied
from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import CreditEvent, Dealer
from huanxin.secondhand.service import common, dealers

PENDING = "pending"


def _event(
    session: Session,
    actor: Actor,
    *,
    dealer: Dealer,
    kind: str,
    outcome: str,
    description: str,
    occurred_on: date,
    severity: str = "normal",
) -> CreditEvent:
    if occurred_on > today_cn():
        raise OutOfRange("发生日期不能晚于今天", field="occurred_on")
    row = CreditEvent(
        dealer_id=dealer.id,
        jurisdiction_code=dealer.jurisdiction_code,
        kind=kind,
        outcome=outcome,
        severity=severity,
        occurred_on=occurred_on,
        description=common.text(description, field="description", label="情况说明", max_len=512),
        created_by=actor.user_id,
        created_at=utcnow(),
        resolved_at=None if outcome == PENDING else utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        f"secondhand.credit_{kind}",
        object_type="sh_credit_event",
        object_id=row.id,
        after=asdict(event_view(row)),
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def file_complaint(
    session: Session, actor: Actor, *, dealer_id: int, description: str, occurred_on: date
) -> CreditEvent:
    """A consumer's complaint about a dealer in scope; it starts pending."""
    dealer = dealers.get_dealer(session, actor, dealer_id)
    return _event(
        session,
        actor,
        dealer=dealer,
        kind="complaint",
        outcome=PENDING,
        description=description,
        occurred_on=occurred_on,
    )


def record_event(
    session: Session,
    actor: Actor,
    *,
    dealer_id: int,
    kind: str,
    outcome: str,
    description: str,
    occurred_on: date,
    severity: str = "normal",
) -> CreditEvent:
    dealer = dealers.get_dealer(session, actor, dealer_id)
    common.choice(kind, vocab.CREDIT_KINDS, field="kind", label="信用记录类型")
    common.choice(outcome, vocab.CREDIT_OUTCOMES[kind], field="outcome", label="处理结果")
    common.choice(
        severity, {"normal": "一般", "serious": "严重"}, field="severity", label="严重程度"
    )
    return _event(
        session,
        actor,
        dealer=dealer,
        kind=kind,
        outcome=outcome,
        severity=severity,
        description=description,
        occurred_on=occurred_on,
    )


def resolve(session: Session, actor: Actor, *, event_id: int, outcome: str) -> CreditEvent:
    row = session.get(CreditEvent, event_id)
    event = visible(actor, row, row.jurisdiction_code if row else None, "信用记录不存在")
    if event.outcome != PENDING:
        raise Conflict("该记录已处理完毕", field="outcome")
    allowed = {k: v for k, v in vocab.CREDIT_OUTCOMES[event.kind].items() if k != PENDING}
    common.choice(outcome, allowed, field="outcome", label="处理结果")
    event.outcome, event.resolved_at = outcome, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.credit_resolved",
        object_type="sh_credit_event",
        object_id=event.id,
        before={"outcome": PENDING},
        after={"outcome": outcome},
        jurisdiction_code=event.jurisdiction_code,
    )
    return event


@dataclass(frozen=True)
class EventView:
    """A credit event (complaint, dispute, violation) and its outcome."""

    id: int
    dealer_id: int
    kind: str
    outcome: str
    severity: str
    description: str
    occurred_on: str
    outcome_label: str


def event_view(e: CreditEvent) -> EventView:
    return EventView(
        id=e.id,
        dealer_id=e.dealer_id,
        kind=e.kind,
        outcome=e.outcome,
        severity=e.severity,
        description=e.description,
        occurred_on=e.occurred_on.isoformat(),
        outcome_label=vocab.CREDIT_OUTCOMES[e.kind][e.outcome],
    )


@dataclass(frozen=True)
class Grade:
    """A dealer's credit points over the window, its grade and the reasons behind them."""

    score: int
    grade: str
    reasons: list[str]
    window_days: int


@dataclass(frozen=True)
class Profile:
    """A dealer as other platforms see it."""

    uscc: str
    name: str
    kind: str
    status: str
    status_reason: str | None
    jurisdiction_code: str


@dataclass(frozen=True)
class PlatformGrade(Profile, Grade):
    """A dealer's public profile with its credit grade."""


def _deduction_key(e: CreditEvent) -> tuple[str, str] | None:
    key = (e.kind, e.severity) if e.kind == "violation" else (e.kind, e.outcome)
    return key if key in vocab.CREDIT_DEDUCTIONS else None


def grade(session: Session, dealer: Dealer, *, today: date | None = None) -> Grade:
    """The dealer's points, grade and the reasons behind them."""
    since = (today or today_cn()) - timedelta(days=vocab.CREDIT_WINDOW_DAYS)
    events = list(
        session.scalars(
            select(CreditEvent).where(
                CreditEvent.dealer_id == dealer.id, CreditEvent.occurred_on > since
            )
        )
    )
    counts = Counter(k for e in events if (k := _deduction_key(e)) is not None)
    score, reasons = vocab.CREDIT_START, []
    for key, n in sorted(counts.items()):
        points = vocab.CREDIT_DEDUCTIONS[key] * n
        score -= points
        reasons.append(f"{_reason_label(key)}{n}起，扣{points}分")
    letter = next((g for floor_, g in vocab.CREDIT_GRADES if score >= floor_), "D")
    if dealer.status == "suspended":
        letter = "D"
        reasons.append(f"经营者已被暂停登记（{dealer.status_reason}），评为D级")
    pending = sum(1 for e in events if e.outcome == PENDING)
    if pending:
        reasons.append(f"待处理投诉或纠纷{pending}起（不扣分）")
    if not reasons:
        reasons.append("近一年无失信记录")
    return Grade(max(score, 0), letter, reasons, vocab.CREDIT_WINDOW_DAYS)


def _reason_label(key: tuple[str, str]) -> str:
    kind, detail = key
    if kind == "violation":
        return "严重违规" if detail == "serious" else "一般违规"
    return f"{vocab.CREDIT_KINDS[kind]}{vocab.CREDIT_OUTCOMES[kind][detail]}"


def readable(actor: Actor, *, own: bool = False) -> Select[CreditEvent]:
    """The credit records the actor may read: its scope's, or (a consumer, or ``own``) only
    those it filed."""
    stmt = select(CreditEvent).where(CreditEvent.jurisdiction_code.in_(actor.scope_codes))
    if own or not actor.can("secondhand:read"):
        stmt = stmt.where(CreditEvent.created_by == actor.user_id)
    return stmt


def list_events(
    session: Session, actor: Actor, *, dealer_id: int | None = None
) -> list[CreditEvent]:
    stmt = readable(actor)
    if dealer_id is not None:
        stmt = stmt.where(CreditEvent.dealer_id == dealer_id)
    return list(session.scalars(stmt.order_by(CreditEvent.id.desc()).limit(300)))


@dataclass(frozen=True)
class DealerCredit(dealers.DealerView):
    """A dealer with its credit points, grade and the reasons, and its credit records."""

    score: int
    grade: str
    reasons: list[str]
    window_days: int
    events: list[EventView]


def dealer_credit(session: Session, actor: Actor, *, dealer_id: int) -> DealerCredit:
    """A dealer in scope with its grade and its newest 300 credit records."""
    dealer = dealers.get_dealer(session, actor, dealer_id)
    events = [event_view(e) for e in list_events(session, actor, dealer_id=dealer_id)]
    view, graded = dealers.dealer_view(session, dealer), grade(session, dealer)
    return DealerCredit(**asdict(view), **asdict(graded), events=events)


def _platform_caller(session: Session, actor: Actor) -> Dealer:
    caller = common.own_dealer(session, actor)
    if caller.kind != "platform":
        raise PermissionDenied("信用查询接口仅向登记的交易平台专用账号开放")
    return caller


def platform_read(session: Session, actor: Actor, *, uscc: str) -> PlatformGrade:
    """Another platform reads a dealer's grade by USCC (any jurisdiction); audited."""
    caller = _platform_caller(session, actor)
    dealer = session.scalars(select(Dealer).where(Dealer.uscc == uscc.strip().upper())).first()
    audit.record(
        session,
        actor,
        "secondhand.credit_read",
        object_type="sh_dealer",
        object_id=dealer.id if dealer else uscc[:64],
        detail={"uscc": uscc, "caller_dealer_id": caller.id, "found": dealer is not None},
        jurisdiction_code=dealer.jurisdiction_code if dealer else actor.jurisdiction_code,
    )
    if dealer is None:
        raise NotFound("未登记该统一社会信用代码的经营者", field="uscc")
    return PlatformGrade(
        **asdict(public_profile(session, dealer)), **asdict(grade(session, dealer))
    )


def public_profile(session: Session, dealer: Dealer) -> Profile:
    org = session.get(Organization, dealer.org_id)
    return Profile(
        uscc=dealer.uscc,
        name=org.name if org else "",
        kind=dealer.kind,
        status=dealer.status,
        status_reason=dealer.status_reason,
        jurisdiction_code=dealer.jurisdiction_code,
    )


def platform_suspended(session: Session, actor: Actor) -> list[Profile]:
    """Every suspended dealer (all jurisdictions) for a platform; audited."""
    caller = _platform_caller(session, actor)
    rows = list(
        session.scalars(select(Dealer).where(Dealer.status == "suspended").order_by(Dealer.id))
    )
    audit.record(
        session,
        actor,
        "secondhand.credit_suspended_read",
        object_type="sh_dealer",
        object_id="suspended",
        detail={"caller_dealer_id": caller.id, "count": len(rows)},
    )
    return [public_profile(session, d) for d in rows]
