"""Post-purchase applications (先买后补): cars, lifts, elderly adaptation. The applicant
uploads evidence; the claim waits for review; the budget is reserved on approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    IdentityNotVerified,
    NotEligible,
    VehicleAlreadySubsidised,
    VinOnlyForCars,
)
from huanxin.claims.models import Claim
from huanxin.claims.service import catalogue, lifecycle, redeem, signals
from huanxin.claims.service.lifecycle import Upload
from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import Required
from huanxin.core.models import User
from huanxin.policy import service as policies
from huanxin.policy.api import ItemAttributes

# Categories whose item is a vehicle identified by its VIN (one subsidy per vehicle).
VEHICLE_CATEGORIES = frozenset({"passenger_car"})


def checked_vin(category: str, vin: str | None) -> str | None:
    """The normalised VIN a vehicle claim must carry (ISO 3779 check digit), else None."""
    text = (vin or "").strip()
    if category not in VEHICLE_CATEGORIES:
        if text:
            raise VinOnlyForCars("只有汽车补贴申请需要填写车架号(VIN)", field="vin")
        return None
    if not text:
        raise Required("汽车补贴申请须填写新车车架号(VIN)", field="vin")
    return identifiers.vin(text, field="vin")


def seal_vin(claim: Claim, vin: str | None) -> None:
    if vin is not None:
        claim.vin_enc, claim.vin_key = pii.seal(vin), pii.lookup_hash("vin", vin)


def _insert(session: Session, claim: Claim) -> None:
    """Insert the claim; the unique VIN key refuses a second subsidy for the same car (the
    caller rolls the whole transaction back, as for device serials)."""
    session.add(claim)
    try:
        session.flush()
    except IntegrityError as exc:
        raise VehicleAlreadySubsidised(
            "该车辆（车架号）已申请或享受过补贴，同一辆车只能补贴一次", field="vin"
        ) from exc


def submit(
    session: Session,
    actor: Actor,
    *,
    inputs: dict[str, Any],
    purchase_date: date,
    uploads: list[Upload],
    recycling_cert: tuple[str, str] | None = None,
    vin: str | None = None,
    payee_account: str | None = None,
    address: str | None = None,
) -> Claim:
    """File an application. Handing in the old item counts only with a recycling certificate
    (number and verification code), never as a self-declared attribute. A car carries the
    new vehicle's VIN; the subsidy is paid to ``payee_account`` (a bank card, sealed)."""
    user = session.get(User, actor.user_id)
    if user is None or not user.resident_id_enc or not user.resident_id_hash:
        raise IdentityNotVerified("申请须先完成实名认证（登记身份证号码）", field="resident_id")
    if not uploads:
        raise Required("请上传证明材料（PDF、JPG或PNG）", field="file")
    for upload in uploads:
        lifecycle.check_evidence(upload.filename, upload.content)
    redeem.check_sale_date(purchase_date)
    fields = {k: v for k, v in inputs.items() if k != "old_item_handed_in"}
    fields["category"] = policies.resolve_category(session, str(fields.get("category", "")))
    item = ItemAttributes.from_inputs({**fields, "old_item_handed_in": recycling_cert is not None})
    vin_text = checked_vin(item.category, vin)
    account = identifiers.bank_card(payee_account, field="payee_account") if payee_account else None
    catalogue.check_price_ceiling(item.price_fen)
    result = policies.quote_for(
        session,
        jurisdiction_code=actor.jurisdiction_code,
        on_date=purchase_date,
        item=item,
        applied_on=today_cn(),
    )
    if result.total_fen <= 0:
        reasons = [r for n in result.not_applied for r in n.reasons] or ["无适用政策"]
        raise NotEligible("不符合补贴条件：" + "；".join(reasons), field="category")
    now = utcnow()
    claim = Claim(
        kind="application",
        state="submitted",
        jurisdiction_code=actor.jurisdiction_code,
        category=item.category,
        person_key=user.resident_id_hash,
        person_name_enc=pii.seal(user.display_name),
        resident_id_enc=user.resident_id_enc,
        applicant_user_id=user.id,
        purchase_date=purchase_date,
        price_fen=item.price_fen,
        subsidy_fen=result.total_fen,
        consumer_pays_fen=item.price_fen,
        attributes=item.model_dump_json(),
        quote=result.model_dump_json(),
        payee=f"person:{user.resident_id_hash}",
        created_at=now,
        updated_at=now,
    )
    seal_vin(claim, vin_text)
    mobile = pii.unseal(user.mobile_enc) if user.mobile_enc else None
    signals.capture(
        claim,
        signals.Signals(
            name=user.display_name,
            mobile=mobile,
            address=address,
            payee_account=account,
            cap_fen=signals.cap_of(result),
        ),
    )
    _insert(session, claim)
    for upload in uploads:
        lifecycle.attach(session, claim, upload)
    if recycling_cert is not None:
        redeem.handed_in(session, claim, *recycling_cert)
    claim.review_due = lifecycle.review_due(session, claim)
    audit.record(
        session,
        actor,
        "claim.submitted",
        object_type="claim",
        object_id=claim.id,
        after={"state": "submitted", "subsidy_fen": claim.subsidy_fen},
        detail={"explanation": result.explanation},
        jurisdiction_code=claim.jurisdiction_code,
    )
    return claim
