"""Interest subsidy (贴息) on equipment-renewal loans: the calculator and the applications.

Rule (stated on the page): the subsidy of each monthly period is the loan principal
outstanding at the start of the period × the subsidised points ÷ 12, computed exactly and
rounded half-up to the fen per period; the total is the sum of the periods. Periods beyond
the subsidy term (``max_months``) get nothing; the subsidised points may not exceed the loan
rate; a cap, when given, cuts the last periods so that the total never exceeds it.

Defaults (parameters, not fixed): ``DEFAULT_SUBSIDY_BP`` = 1.5 percentage points and
``MAX_SUBSIDY_MONTHS`` = 24. Source (``SOURCE_ZH``): the June 2024 four-department notice set
1 point for at most 2 years; 发改环资〔2024〕1104号 (25 Jul 2024, listed in the shared
national rules) raised it to 1.5 points a year, term 2 years; the January 2026 notice keeps
1.5 points, at most 2 years, extends it to fixed-asset loans of renewal projects and runs to
31 Dec 2026. Read from press reprints (the official texts were not retrieved): check them.

>>> schedule(1_000_000_00, subsidy_bp=150, term_months=12, repayment="bullet")[0]
SubsidyPeriod(period=1, outstanding_fen=100000000, subsidy_fen=125000)
>>> total(schedule(1_000_000_00, subsidy_bp=150, term_months=12, repayment="bullet"))
1500000
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    Conflict,
    NotAChoice,
    NotFound,
    OutOfRange,
    PermissionDenied,
    Required,
)
from huanxin.equipment.errors import AlreadyDecided
from huanxin.equipment.models import InterestSubsidy
from huanxin.equipment.service.access import (
    get_project,
    manages,
    readable_projects,
    writable_project,
)
from huanxin.equipment.vocab import REPAYMENTS

DEFAULT_SUBSIDY_BP = 150
MAX_SUBSIDY_MONTHS = 24
SOURCE_ZH = (
    "默认值依据：《关于加力支持大规模设备更新和消费品以旧换新的若干措施》（发改环资〔2024〕1104号）"
    "将设备更新贷款中央财政贴息由每年1个百分点提高到1.5个百分点，贴息期限2年；"
    "财政部等四部门2026年1月《关于优化实施设备更新贷款财政贴息政策的通知》继续按1.5个百分点、"
    "贴息期限不超过2年执行（政策实施至2026年12月31日）。以上据新闻转载整理，以正式文件为准；"
    "贴息点数和贴息期限均可按当地政策调整。"
)
SOURCE_URLS = (
    "https://chchumg.com/a/she-bei-geng-xin-dai-kuan-cai-zheng-tie-xi-bi-li-ti-zhi-1-5.html",
    "https://economy.caixin.com/m/2024-06-26/102210150.html",
    "https://gubaposthk.eastmoney.com/news,cjpl,1656541746.html",
)


def rule_zh(max_months: int = MAX_SUBSIDY_MONTHS) -> str:
    return (
        "贴息金额＝每期期初贷款本金余额×贴息点数÷12，按月计算，每期四舍五入到分后合计；"
        f"贴息期限最长{max_months}个月，超出期限的各期不贴息；"
        "贴息点数不得高于贷款年利率；设有上限的，合计不超过上限。"
    )


RULE_ZH = rule_zh()
_DENOMINATOR = 10_000 * 12


def _half_up(numerator: int, denominator: int) -> int:
    whole, rest = divmod(numerator, denominator)
    return whole + (1 if rest * 2 >= denominator else 0)


@dataclass(frozen=True)
class SubsidyPeriod:
    """One subsidised month: principal outstanding at its start and its subsidy (fen)."""

    period: int
    outstanding_fen: int
    subsidy_fen: int


@dataclass(frozen=True)
class SubsidyQuote:
    """The interest-subsidy calculator's answer (nothing is stored): the schedule, its total
    (fen), the rule applied, the defaults' source."""

    subsidy_fen: int
    periods: list[SubsidyPeriod]
    rule: str
    subsidy_bp: int
    max_months: int
    source: str
    source_urls: list[str]


def schedule(
    loan_fen: int,
    *,
    subsidy_bp: int,
    term_months: int,
    repayment: str,
    cap_fen: int | None = None,
    max_months: int = MAX_SUBSIDY_MONTHS,
) -> list[SubsidyPeriod]:
    """Per-period outstanding principal and subsidy (fen) for the subsidised months."""
    out, paid = [], 0
    for k in range(min(term_months, max_months)):
        remaining = term_months - k if repayment == "equal_principal" else term_months
        outstanding = _half_up(loan_fen * remaining, term_months)
        amount = _half_up(loan_fen * remaining * subsidy_bp, term_months * _DENOMINATOR)
        if cap_fen is not None:
            amount = max(0, min(amount, cap_fen - paid))
        paid += amount
        out.append(SubsidyPeriod(k + 1, outstanding, amount))
    return out


def total(periods: list[SubsidyPeriod]) -> int:
    return sum(p.subsidy_fen for p in periods)


def check_terms(
    *,
    loan_fen: int,
    rate_bp: int,
    subsidy_bp: int,
    term_months: int,
    repayment: str,
    cap_fen: int | None,
    max_months: int = MAX_SUBSIDY_MONTHS,
) -> None:
    if loan_fen <= 0:
        raise OutOfRange("贷款金额应大于0", field="loan_fen")
    if not 0 < rate_bp <= 3000:
        raise OutOfRange("贷款年利率应在0至30%之间", field="rate_bp")
    if subsidy_bp <= 0:
        raise OutOfRange("贴息点数应大于0", field="subsidy_bp")
    if subsidy_bp > rate_bp:
        raise OutOfRange("贴息点数不得高于贷款年利率", field="subsidy_bp")
    if not 1 <= term_months <= 360:
        raise OutOfRange("贷款期限应为1至360个月", field="term_months")
    if repayment not in REPAYMENTS:
        raise NotAChoice("还款方式不正确", field="repayment")
    if cap_fen is not None and cap_fen <= 0:
        raise OutOfRange("贴息上限应大于0", field="cap_fen")
    if not 1 <= max_months <= 120:
        raise OutOfRange("贴息期限应为1至120个月", field="max_months")


def quote(
    *,
    loan_fen: int,
    rate_bp: int,
    term_months: int,
    repayment: str,
    subsidy_bp: int = DEFAULT_SUBSIDY_BP,
    cap_fen: int | None = None,
    max_months: int = MAX_SUBSIDY_MONTHS,
) -> SubsidyQuote:
    """The calculator: validate the terms and return the schedule, total and the rule."""
    check_terms(
        loan_fen=loan_fen,
        rate_bp=rate_bp,
        subsidy_bp=subsidy_bp,
        term_months=term_months,
        repayment=repayment,
        cap_fen=cap_fen,
        max_months=max_months,
    )
    periods = schedule(
        loan_fen,
        subsidy_bp=subsidy_bp,
        term_months=term_months,
        repayment=repayment,
        cap_fen=cap_fen,
        max_months=max_months,
    )
    return SubsidyQuote(
        subsidy_fen=total(periods),
        periods=periods,
        rule=rule_zh(max_months),
        subsidy_bp=subsidy_bp,
        max_months=max_months,
        source=SOURCE_ZH,
        source_urls=list(SOURCE_URLS),
    )


def apply(
    session: Session,
    actor: Actor,
    *,
    project_id: int,
    loan_fen: int,
    rate_bp: int,
    term_months: int,
    repayment: str,
    subsidy_bp: int = DEFAULT_SUBSIDY_BP,
    cap_fen: int | None = None,
    max_months: int = MAX_SUBSIDY_MONTHS,
) -> InterestSubsidy:
    p = writable_project(session, actor, project_id)
    result = quote(
        loan_fen=loan_fen,
        rate_bp=rate_bp,
        subsidy_bp=subsidy_bp,
        term_months=term_months,
        repayment=repayment,
        cap_fen=cap_fen,
        max_months=max_months,
    )
    if p.stage in ("planning", "applied"):
        raise Conflict("项目尚未通过审批，不能申请贴息")
    if loan_fen > p.equipment_investment_fen:
        raise OutOfRange("贷款金额不能超过项目设备投资", field="loan_fen")
    row = InterestSubsidy(
        project_id=p.id,
        jurisdiction_code=p.jurisdiction_code,
        loan_fen=loan_fen,
        rate_bp=rate_bp,
        subsidy_bp=subsidy_bp,
        term_months=term_months,
        repayment=repayment,
        cap_fen=cap_fen,
        subsidy_fen=result.subsidy_fen,
        schedule=json.dumps([asdict(p) for p in result.periods]),
        status="submitted",
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.subsidy_applied",
        object_type="interest_subsidy",
        object_id=row.id,
        after=_snapshot(row),
        detail={"max_months": max_months},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def _snapshot(row: InterestSubsidy) -> dict[str, Any]:
    return {
        "project_id": row.project_id,
        "loan_fen": row.loan_fen,
        "rate_bp": row.rate_bp,
        "subsidy_bp": row.subsidy_bp,
        "term_months": row.term_months,
        "repayment": row.repayment,
        "cap_fen": row.cap_fen,
        "subsidy_fen": row.subsidy_fen,
        "status": row.status,
    }


def get(session: Session, actor: Actor, subsidy_id: int) -> InterestSubsidy:
    row = session.get(InterestSubsidy, subsidy_id)
    if row is None:
        raise NotFound("贴息申请不存在")
    get_project(session, actor, row.project_id)
    return row


def decide(
    session: Session, actor: Actor, *, subsidy_id: int, approve: bool, note: str = ""
) -> InterestSubsidy:
    row = get(session, actor, subsidy_id)
    if not manages(actor):
        raise PermissionDenied("贴息申请须由主管部门审核")
    if row.status != "submitted":
        raise AlreadyDecided("该贴息申请已审核，不能重复审核")
    if not approve and not note.strip():
        raise Required("驳回须填写理由", field="note")
    before = _snapshot(row)
    row.status = "approved" if approve else "rejected"
    row.decision_note, row.decided_by, row.decided_at = note.strip()[:500], actor.user_id, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.subsidy_decided",
        object_type="interest_subsidy",
        object_id=row.id,
        before=before,
        after=_snapshot(row),
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def list_for(
    session: Session, actor: Actor, *, project_id: int | None = None, status: str | None = None
) -> list[InterestSubsidy]:
    ids = select(readable_projects(actor).subquery().c.id)
    stmt = select(InterestSubsidy).where(InterestSubsidy.project_id.in_(ids))
    if project_id is not None:
        stmt = stmt.where(InterestSubsidy.project_id == project_id)
    if status:
        stmt = stmt.where(InterestSubsidy.status == status)
    return list(session.scalars(stmt.order_by(InterestSubsidy.id)))


def periods_of(row: InterestSubsidy) -> list[SubsidyPeriod]:
    """The stored schedule of an application."""
    data: list[dict[str, int]] = json.loads(row.schedule)
    return [SubsidyPeriod(**p) for p in data]
