"""Point-of-sale redemption (核销): the merchant sells, the subsidy is deducted at the till.

One transaction: quota locked (issued → locked), every funding part reserved in its pool,
the claim stored with the quote that produced its amount. Any failure rolls all of it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    DeviceAlreadySubsidised,
    IdentityNotVerified,
    NotEligible,
    QuotaOutsideMerchantArea,
    SaleDateImpossible,
)
from huanxin.claims.models import Claim, Quota
from huanxin.claims.service import catalogue, common, national, quotas, signals, sites
from huanxin.core import audit, identifiers, jurisdictions, pii
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import OutOfRange, Required
from huanxin.core.models import User
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import (
    NATIONAL_CODE,
    ItemAttributes,
    Programme,
    Quote,
    RedemptionArea,
    select_version,
)
from huanxin.recycling.service import certificates


@dataclass(frozen=True)
class Sale:
    category: str
    product_model: str
    device_serial: str
    price_fen: int
    purchase_date: date
    invoice_no: str
    quota_code: str | None = None
    resident_id: str | None = None
    grade: int | None = None
    recycling_cert_no: str | None = None
    recycling_cert_code: str | None = None
    terminal_id: str | None = None
    store_id: int | None = None
    redeem_lat: float | None = None
    redeem_lon: float | None = None
    delivery_address: str | None = None
    barcode: str | None = None  # GTIN-13 the cashier scanned or keyed in


def _validate(sale: Sale) -> tuple[str, str]:
    if sale.price_fen <= 0:
        raise OutOfRange("成交价必须大于0", field="price")
    serial = sale.device_serial.strip().upper()
    if not 4 <= len(serial) <= 64:
        raise OutOfRange("设备序列号/IMEI须为4-64个字符", field="device_serial")
    invoice = identifiers.invoice_no(sale.invoice_no, field="invoice_no")
    return serial, invoice


_QUOTES = "claims.redeem.quotes"


def _quote(session: Session, quota: Quota, sale: Sale, grade: int | None) -> tuple[Quote, str]:
    """The quote for the sale and its stored JSON. A batch quotes the same few items over and
    over, so both are remembered for the session (one transaction: a batch or a request)
    under everything the engine reads: the programme versions in force (by identity:
    ``all_versions`` parses each stored version once per process), the quota's place, the
    purchase date and the item's attributes. A programme synced meanwhile is a new version
    object, hence a new key; nothing is remembered past the session."""
    handed = bool(sale.recycling_cert_no)
    versions = tuple(map(id, policies.all_versions(session)))
    key: tuple[Any, ...] = (versions, quota.jurisdiction_code, sale.purchase_date)
    key += (sale.category, sale.price_fen, grade, quota.slot, handed)
    memo: dict[tuple[Any, ...], tuple[Quote, str]] = session.info.setdefault(_QUOTES, {})
    hit = memo.get(key)
    if hit is not None:
        return hit
    item = ItemAttributes(
        category=sale.category,
        price_fen=sale.price_fen,
        grade=grade,
        prior_claims_in_category=quota.slot - 1,
        in_catalogue=True,
        old_item_handed_in=handed,
    )
    result = policies.quote_for(
        session, jurisdiction_code=quota.jurisdiction_code, on_date=sale.purchase_date, item=item
    )
    if result.total_fen <= 0:
        reasons = [r for n in result.not_applied for r in n.reasons] or ["无适用政策"]
        raise NotEligible("不符合补贴条件：" + "；".join(reasons), field="category")
    memo[key] = (result, result.model_dump_json())
    return memo[key]


def _programme(session: Session, quota: Quota, on_date: date) -> Programme | None:
    """The version of the quota's programme in force on the sale date (else its latest)."""
    versions = [p for p in policies.all_versions(session) if p.id == quota.programme_id]
    return select_version(versions, on_date) or max(versions, key=lambda p: p.version, default=None)


def redemption_area(session: Session, quota: Quota, on_date: date) -> str:
    """The jurisdiction a merchant must be registered in (at or below) to redeem ``quota``:
    the quota's own, or the programme's area when the programme says so."""
    programme = _programme(session, quota, on_date)
    if (
        programme
        and programme.quota
        and programme.quota.redemption_area is RedemptionArea.programme
    ):
        return programme.jurisdiction.code
    return quota.jurisdiction_code


def check_merchant_area(session: Session, actor: Actor, quota: Quota, on_date: date) -> None:
    """Refuse a merchant registered outside the area whose budget pays for the quota (a
    merchant of one county must not spend another county's money). A merchant registered
    higher up (a city or provincial chain) covers the places below it."""
    if actor.sees(quota.jurisdiction_code):
        return  # the common case, decided without a query
    area = redemption_area(session, quota, on_date)
    if area == NATIONAL_CODE or actor.sees(area):
        return
    if area in policies.path_of(session, actor.jurisdiction_code):
        return
    place = jurisdictions.full_name(session, area)
    raise QuotaOutsideMerchantArea(
        f"该补贴资格由{place}发放，只能由在{place}登记的商户核销", field="quota_code"
    )


_SEALER = "claims.redeem.sealer"


def _person(session: Session, user: User | None) -> tuple[str, str]:
    if user is None or not user.resident_id_enc:
        raise IdentityNotVerified("补贴资格缺少实名信息", field="quota_code")
    seal = session.info.get(_SEALER)  # the newest key, read once per session (a batch)
    if seal is None:
        seal = session.info[_SEALER] = pii.sealer()
    return seal(user.display_name), user.resident_id_enc


def handed_in(session: Session, claim: Claim, number: str | None, code: str | None) -> None:
    """Consume the recycling certificate that proves the old item was handed in (once only);
    the claim carries the weight of the old item the certificate was issued for."""
    if not number:
        return
    if not code:
        raise Required("请填写回收证明的校验码", field="recycling_cert_code")
    claim.recycled_weight_g = certificates.consume_certificate(
        session,
        number=number.strip(),
        code=code.strip(),
        claim_ref=f"claim:{claim.id}",
        category=claim.category,
    )
    claim.recycling_cert_no = number.strip()


def _insert(session: Session, claim: Claim) -> None:
    """Insert the claim; the unique device-serial key refuses a second subsidy.

    No savepoint and no prior SELECT (two round trips on the hot path): a refusal fails the
    whole transaction, which every caller rolls back (the request's unit of work, the page,
    or the demo's own savepoint) since the error is raised out of ``redeem``."""
    session.add(claim)
    try:
        session.flush()
    except IntegrityError as exc:
        raise DeviceAlreadySubsidised("该设备序列号已享受过补贴", field="device_serial") from exc


def check_sale_date(day: date, issued_on: date | None = None) -> None:
    """A sale happens on or after the day its quota was issued, and not after today."""
    today = today_cn()
    if day > today:
        raise SaleDateImpossible(
            f"购买日期{day.isoformat()}晚于今天（{today.isoformat()}），不能登记尚未发生的销售",
            field="purchase_date",
        )
    if issued_on is not None and day < issued_on:
        raise SaleDateImpossible(
            f"购买日期{day.isoformat()}早于补贴资格领取日期"
            f"{issued_on.isoformat()}：须先领取资格、再购买",
            field="purchase_date",
        )


def _signals(
    session: Session, actor: Actor, sale: Sale, consumer: User | None, quote: Quote
) -> signals.Signals:
    """The redemption's fraud signals: its place, the consumer's name and mobile, the
    delivery address and the quote's cap."""
    place = sites.place_of(
        session,
        actor,
        terminal_id=sale.terminal_id,
        store_id=sale.store_id,
        lat=sale.redeem_lat,
        lon=sale.redeem_lon,
    )
    mobile = pii.unseal(consumer.mobile_enc) if consumer and consumer.mobile_enc else None
    return signals.Signals(
        store_id=place.store_id,
        terminal_id=place.terminal_id,
        redeem_lat=place.lat,
        redeem_lon=place.lon,
        name=consumer.display_name if consumer else None,
        mobile=mobile,
        address=sale.delivery_address,
        cap_fen=signals.cap_of(quote),
    )


@dataclass(frozen=True)
class Normalised:
    """A sale with its category resolved and its identifiers checked (no database write)."""

    sale: Sale
    serial: str
    invoice: str
    person_key: str | None


_CATEGORIES = "claims.redeem.categories"


def _category(session: Session, text: str) -> str:
    """``policies.resolve_category``, remembered for the session (a batch names the same few
    categories; the programme versions are read once per session anyway)."""
    known: dict[str, str] = session.info.setdefault(_CATEGORIES, {})
    if text not in known:
        known[text] = policies.resolve_category(session, text)
    return known[text]


def normalise(session: Session, sale: Sale) -> Normalised:
    sale = replace(sale, category=_category(session, sale.category))
    serial, invoice = _validate(sale)
    person_key = None
    if sale.resident_id:
        person_key = pii.lookup_hash("resident_id", identifiers.resident_id(sale.resident_id))
    return Normalised(sale, serial, invoice, person_key)


def find_quota(session: Session, sale: Normalised) -> tuple[Quota, User | None]:
    return quotas.find_with_person(
        session,
        quota_code=sale.sale.quota_code,
        person_key=sale.person_key,
        category=sale.sale.category,
    )


def checked(
    session: Session, actor: Actor, norm: Normalised, quota: Quota, consumer: User | None
) -> tuple[dict[str, Any], Quote]:
    """Every check of a sale that needs no write, and the claims row it would store (without
    its id) with the quote that produced the amount. The single and the batched path share it."""
    sale = norm.sale
    check_sale_date(sale.purchase_date, quota.issued_on)
    check_merchant_area(session, actor, quota, sale.purchase_date)
    grade = catalogue.check(
        session,
        category=sale.category,
        model=sale.product_model,
        grade=sale.grade,
        on_date=sale.purchase_date,
        price_fen=sale.price_fen,
        barcode=sale.barcode,
    )
    result, quote_json = _quote(session, quota, sale, grade)
    ledger.check_open(
        session,
        programme_ids=[a.programme_id for a in result.applied],
        jurisdiction_code=quota.jurisdiction_code,
        on=sale.purchase_date,
    )
    name_enc, rid_enc = _person(session, consumer)
    now = utcnow()
    row = {
        "kind": "point_of_sale",
        "state": "reserved",
        "jurisdiction_code": quota.jurisdiction_code,
        "category": sale.category,
        "person_key": quota.person_key,
        "person_name_enc": name_enc,
        "resident_id_enc": rid_enc,
        "applicant_user_id": quota.consumer_user_id,
        "merchant_org_id": actor.org_id,
        "quota_id": quota.id,
        "product_model": sale.product_model,
        "grade": grade,
        "serial_key": pii.lookup_hash("device_serial", norm.serial),
        "device_serial": norm.serial,
        "invoice_no": norm.invoice,
        "purchase_date": sale.purchase_date,
        "price_fen": sale.price_fen,
        "subsidy_fen": result.total_fen,
        "consumer_pays_fen": sale.price_fen - result.total_fen,
        "quote": quote_json,
        "payee": f"org:{actor.org_id}",
        "created_at": now,
        "updated_at": now,
    }
    row.update(signals.columns(_signals(session, actor, sale, consumer, result)))
    return row, result


def record_redeemed(
    session: Session, actor: Actor, claim_id: int, row: dict[str, Any], result: Quote
) -> None:
    """The claim's own audit entry (one per redemption, batched or not)."""
    audit.record(
        session,
        actor,
        "claim.redeemed",
        object_type="claim",
        object_id=claim_id,
        after={"state": "reserved", "subsidy_fen": row["subsidy_fen"]},
        detail={
            "versions": [f"{a.programme_id}@{a.version}" for a in result.applied],
            "explanation": result.explanation,
            "quota_id": row["quota_id"],
        },
        jurisdiction_code=row["jurisdiction_code"],
    )


def redeem(session: Session, actor: Actor, sale: Sale) -> Claim:
    norm = normalise(session, sale)
    quota, consumer = find_quota(session, norm)
    row, result = checked(session, actor, norm, quota, consumer)
    claim = Claim(**row)
    _insert(session, claim)
    quotas.lock(session, quota, claim.id)
    handed_in(session, claim, norm.sale.recycling_cert_no, norm.sale.recycling_cert_code)
    national.claim(session, claim)  # before the budget: no pool lock waits on it
    common.reserve_parts(session, claim, result)
    record_redeemed(session, actor, claim.id, row, result)
    return claim
