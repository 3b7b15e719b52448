"""API of the secondhand domain: dealers and transactions, wiping certificates (with the
public check), valuation, credit records and the platform credit API. Equipment trading and
the 公务仓 are in ``routes.trade`` in this package."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Name, Year
from huanxin.core.clock import today_cn
from huanxin.secondhand import schemas as s
from huanxin.secondhand.service import credit, dealers, valuation, wipes
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1")
Reader = Annotated[Actor, Depends(require("secondhand:read"))]
Manager = Annotated[Actor, Depends(require("secondhand:manage"))]
Dealer = Annotated[Actor, Depends(require("secondhand:deal"))]
Checker = Annotated[Actor, Depends(require("secondhand:check"))]
Trader = Annotated[Actor, Depends(require("secondhand:trade"))]
Platform = Annotated[Actor, Depends(require("secondhand:credit"))]
P = "/secondhand"


@router.post(P + "/dealers", status_code=201)
@idempotent("sh.dealer")
def register_dealer(body: s.DealerCreate, actor: Manager, session: DbSession) -> dealers.DealerView:
    return dealers.dealer_view(
        session, dealers.register_dealer(session, actor, **body.model_dump())
    )


@router.get(P + "/dealers")
def list_dealers(
    actor: Reader,
    session: DbSession,
    paged: Paged,
    status: Code | None = None,
    kind: Code | None = None,
) -> list[dealers.DealerView]:
    rows = dealers.list_dealers(session, actor, status=status, kind=kind, pager=paged.of(session))
    return [dealers.dealer_view(session, d) for d in rows]


@router.post(P + "/dealers/{dealer_id}/status")
@idempotent("sh.dealer_status.{dealer_id}")
def set_dealer_status(
    dealer_id: Id, body: s.StatusChange, actor: Manager, session: DbSession
) -> dealers.DealerView:
    row = dealers.set_status(session, actor, dealer_id=dealer_id, **body.model_dump())
    return dealers.dealer_view(session, row)


@router.get(P + "/dealers/{dealer_id}/credit")
def dealer_credit(dealer_id: Id, actor: Reader, session: DbSession) -> credit.DealerCredit:
    return credit.dealer_credit(session, actor, dealer_id=dealer_id)


@router.post(P + "/transactions", status_code=201)
@idempotent("sh.transaction")
def register_transaction(
    body: s.TransactionCreate, actor: Dealer, session: DbSession
) -> dealers.TransactionView:
    return dealers.transaction_view(
        dealers.register_transaction(session, actor, **body.model_dump())
    )


@router.get(P + "/transactions")
def list_transactions(
    actor: Reader, session: DbSession, paged: Paged, category: Code | None = None
) -> list[dealers.TransactionView]:
    rows = dealers.list_transactions(session, actor, category=category, pager=paged.of(session))
    return [dealers.transaction_view(t) for t in rows]


@router.get(P + "/my/transactions")
def my_transactions(
    actor: Dealer, session: DbSession, paged: Paged
) -> list[dealers.TransactionView]:
    rows = dealers.list_transactions(session, actor, pager=paged.of(session))
    return [dealers.transaction_view(t) for t in rows]


@router.get(P + "/transactions/{transaction_id}/parties")
def reveal_parties(transaction_id: Id, actor: Reader, session: DbSession) -> dealers.Parties:
    return dealers.reveal_parties(session, actor, transaction_id=transaction_id)


@router.get(P + "/indicators/used-cars")
def used_cars(actor: Reader, session: DbSession, year: Year | None = None) -> dealers.UsedCars:
    return dealers.used_car_indicator(
        session, jurisdiction_codes=actor.scope_codes, year=year or today_cn().year
    )


@router.post(P + "/car-baselines")
@idempotent("sh.car_baseline")
def set_car_baseline(body: s.BaselineSet, actor: Manager, session: DbSession) -> s.CarBaselineRead:
    row = dealers.set_car_baseline(session, actor, **body.model_dump())
    return s.CarBaselineRead.model_validate(row)


@router.post(P + "/wipes", status_code=201)
@idempotent("sh.wipe")
def record_wipe(body: s.WipeCreate, actor: Dealer, session: DbSession) -> s.WipeRead:
    return s.WipeRead.model_validate(
        wipes.wipe_view(session, wipes.record_wipe(session, actor, **body.model_dump()))
    )


@router.get(P + "/my/wipes")
def my_wipes(actor: Dealer, session: DbSession, paged: Paged) -> list[s.WipeRead]:
    rows = wipes.list_wipes(session, actor, pager=paged.of(session))
    return [s.WipeRead.model_validate(wipes.wipe_view(session, w)) for w in rows]


@router.post(P + "/certificates/{cert_no}/revoke")
@idempotent("sh.revoke.{cert_no}")
def revoke_certificate(
    cert_no: Code, body: s.Reason, actor: Manager, session: DbSession
) -> s.RevokedRead:
    cert = wipes.revoke(session, actor, cert_no=cert_no, reason=body.reason)
    return s.RevokedRead.model_validate(cert)


@router.get(P + "/certificates/check", dependencies=[Depends(public)])
def check_certificate(code: Code, session: DbSession) -> s.WipeCertificateCheck:
    """Public: a buyer checks a wipe certificate by its verification code (no personal fields)."""
    return s.WipeCertificateCheck.model_validate(wipes.public_check(session, code=code))


def _estimate(
    session: Session, category: str, model: str, made_year: int, grade: str
) -> s.EstimateRead:
    return s.EstimateRead.model_validate(
        valuation.estimate(
            session, category=category, model=model, made_year=made_year, grade=grade
        )
    )


@router.get(P + "/estimate")
def consumer_estimate(
    actor: Checker, session: DbSession, category: Code, model: Name, made_year: Year, grade: Code
) -> s.EstimateRead:
    return _estimate(session, category, model, made_year, grade)


@router.get(P + "/trade/estimate")
def enterprise_estimate(
    actor: Trader, session: DbSession, category: Code, model: Name, made_year: Year, grade: Code
) -> s.EstimateRead:
    return _estimate(session, category, model, made_year, grade)


@router.get(P + "/price-guide")
def price_guide(
    actor: Reader, session: DbSession, category: Code | None = None
) -> list[s.PriceGuideRow]:
    rows = valuation.price_guide(session, category=category)
    return [s.PriceGuideRow.model_validate(r) for r in rows]


@router.post(P + "/valuation-reports", status_code=201)
@idempotent("sh.report")
def create_report(body: s.ReportCreate, actor: Dealer, session: DbSession) -> s.ValuationReportRead:
    return s.ValuationReportRead.model_validate(
        valuation.report_view(valuation.create_report(session, actor, **body.model_dump()))
    )


@router.get(P + "/valuation-reports")
def list_reports(actor: Reader, session: DbSession, paged: Paged) -> list[s.ValuationReportRead]:
    rows = paged.slice(valuation.list_reports(session, actor))
    return [s.ValuationReportRead.model_validate(valuation.report_view(r)) for r in rows]


@router.post(P + "/complaints", status_code=201)
@idempotent("sh.complaint")
def file_complaint(body: s.ComplaintCreate, actor: Checker, session: DbSession) -> credit.EventView:
    return credit.event_view(credit.file_complaint(session, actor, **body.model_dump()))


@router.post(P + "/credit-events", status_code=201)
@idempotent("sh.credit_event")
def record_credit_event(
    body: s.CreditEventCreate, actor: Manager, session: DbSession
) -> credit.EventView:
    return credit.event_view(credit.record_event(session, actor, **body.model_dump()))


@router.post(P + "/credit-events/{event_id}/resolve")
@idempotent("sh.resolve.{event_id}")
def resolve_credit_event(
    event_id: Id, body: s.Outcome, actor: Manager, session: DbSession
) -> credit.EventView:
    return credit.event_view(
        credit.resolve(session, actor, event_id=event_id, outcome=body.outcome)
    )


@router.get(P + "/credit/grades/{uscc}")
def platform_credit(uscc: Code, actor: Platform, session: DbSession) -> s.PlatformCredit:
    """For other platforms (API token of a registered platform's account); every read audited."""
    return s.PlatformCredit.model_validate(credit.platform_read(session, actor, uscc=uscc))


@router.get(P + "/credit/suspended")
def platform_suspended(actor: Platform, session: DbSession, paged: Paged) -> list[s.DealerProfile]:
    return [
        s.DealerProfile.model_validate(d)
        for d in paged.slice(credit.platform_suspended(session, actor))
    ]
