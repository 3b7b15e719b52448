"""Trade-in API: quotas, point-of-sale redemption, applications, review, appeals,
returns and settlement. Every mutation takes an Idempotency-Key."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from huanxin.claims.errors import QuotaSoldOut
from huanxin.claims.models import Claim
from huanxin.claims.schemas import (
    BankResultRead,
    BatchCreated,
    BulkRedeemRead,
    BulkRedeemRequest,
    CatalogueImported,
    ClaimRead,
    ErrorRead,
    NoteBody,
    QuotaCreate,
    QuotaRead,
    ReasonBody,
    RedeemRequest,
    ReturnBody,
)
from huanxin.claims.service import (
    apply,
    batch,
    catalogue,
    common,
    find,
    gather,
    lifecycle,
    quotas,
    redeem,
    releases,
    settle,
)
from huanxin.config import get_settings
from huanxin.core import idempotency, pii
from huanxin.core.actor import Actor
from huanxin.core.bounds import (
    Code,
    Day,
    Id,
    IdempotencyKey,
    Line,
    PriceFen,
    Text,
    parse_attributes,
)
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import InvalidInput
from huanxin.web.deps import DbSession, get_database, require, require_any
from huanxin.web.errors import audit_refusal
from huanxin.web.idem import idempotent, upload_digest
from huanxin.web.kit import downloads, uploads
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import XLSX, download

router = APIRouter(prefix="/api/v1", tags=["trade-in"])
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Owner = Annotated[Actor, Depends(require("claims:own"))]
Reviewer = Annotated[Actor, Depends(require("claims:review"))]
Seller = Annotated[Actor, Depends(require("claims:redeem"))]
Settler = Annotated[Actor, Depends(require("settlement:write"))]


@router.get("/quotas")
def my_quotas(
    actor: Annotated[Actor, Depends(require("claims:own"))], session: DbSession, paged: Paged
) -> list[QuotaRead]:
    return [QuotaRead.of(q) for q in paged.slice(quotas.list_for(session, actor))]


@router.post("/quotas", status_code=201)
@idempotent("quotas.claim")
def claim_quota(body: QuotaCreate, actor: Owner, session: DbSession) -> QuotaRead:
    on_date = body.on_date or today_cn()
    day = releases.local_day(utcnow())
    today = body.on_date in (None, today_cn())
    # the key was claimed above (a used key was replayed there); a full round of today answers
    # 已领完 without the claim's reads and writes (releases.known_sold_out)
    if today and (
        known := releases.known_sold_out(session, actor.jurisdiction_code, body.category, day)
    ):
        raise known
    try:
        return QuotaRead.of(
            quotas.claim_quota(session, actor, category=body.category, on_date=on_date)
        )
    except QuotaSoldOut as exc:
        if today:
            releases.note_sold_out(actor.jurisdiction_code, body.category, day, exc)
        raise


def _item(actor: Actor, key: str, body: RedeemRequest) -> batch.Item:
    fields = body.model_dump(exclude={"idempotency_key"})
    payload = body.model_dump(mode="json", exclude={"resident_id", "idempotency_key"})
    return batch.Item(actor, key, payload, redeem.Sale(**fields))


@router.post("/redemptions", status_code=201, response_model=ClaimRead)
async def redeem_sale(
    body: RedeemRequest,
    actor: Annotated[Actor, Depends(require("claims:redeem"))],
    request: Request,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """One sale, applied in the process's next batch (``service/gather.py``). The route is a
    coroutine: it awaits its answer on the event loop instead of holding a worker thread,
    so a sale costs no thread hand-off (the batch's applier thread does the database work)."""
    item = _item(actor, idempotency.check_key(idempotency_key), body)
    answer = (await gather.redeem_async(get_database(request), [item]))[0]
    if answer.error is not None:
        raise answer.error
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


BULK_ERRORS = {
    422: {"description": "invalid_input: too many sales, or a malformed one"},
    403: {"description": "permission_denied: the caller may not redeem"},
}


@router.post(
    "/redemptions/bulk",
    response_model=BulkRedeemRead,
    responses=BULK_ERRORS,  # type: ignore[arg-type]
)
def redeem_bulk(
    body: BulkRedeemRequest,
    actor: Annotated[Actor, Depends(require("claims:redeem"))],
    request: Request,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """Many sales in one request (a channel's feed), each with its own key and answer.

    The answer is written straight from each sale's stored body (already the JSON of a
    ``ClaimRead``) in ``BulkRedeemRead``'s shape: validating a hundred claims again through
    the response model took more CPU than storing them."""
    key = idempotency.check_key(idempotency_key)
    limit = get_settings().bulk_max_sales
    if len(body.sales) > limit:
        raise InvalidInput(f"一次最多提交{limit}笔销售", field="sales")
    keys = [sale.idempotency_key or f"{key}#{i}" for i, sale in enumerate(body.sales)]
    items = [_item(actor, k, sale) for k, sale in zip(keys, body.sales, strict=True)]
    answers = gather.redeem(get_database(request), items)
    results = [
        _result(request, i, k, a) for i, (k, a) in enumerate(zip(keys, answers, strict=True))
    ]
    failed = sum(1 for r in results if r["error"] is not None)
    return JSONResponse({"succeeded": len(results) - failed, "failed": failed, "results": results})


def _result(request: Request, index: int, key: str, answer: batch.Answer) -> dict[str, Any]:
    """One sale's ``BulkResult``, as JSON."""
    if answer.error is not None:
        audit_refusal(request, answer.error)  # a scope refusal is audited as a denial
        error = ErrorRead.model_validate(answer.error.to_dict()).model_dump(mode="json")
        claim, status, replayed = None, answer.status, False
    else:
        error, claim, status, replayed = None, answer.body, answer.status, answer.replayed
    return {
        "index": index,
        "idempotency_key": key,
        "status": status,
        "replayed": replayed,
        "claim": claim,
        "error": error,
    }


ClaimReader = Annotated[Actor, Depends(require_any("claims:read", "claims:own"))]


@router.get("/claims")
def list_claims(
    actor: ClaimReader,
    session: DbSession,
    paged: Paged,
    state: Code | None = None,
    q: Line = "",
) -> list[ClaimRead]:
    """Claims in scope, newest first, of one state when given, found by ``q`` as the claims
    list finds them (number, invoice, model, serial, certificate, resident ID or VIN), paged."""
    stmt = common.readable(actor)
    if state:
        stmt = stmt.where(Claim.state == state)
    if q.strip():
        stmt = stmt.where(find.matching(q))
    return [ClaimRead.of(c) for c in paged.rows(session, stmt.order_by(Claim.id.desc()))]


@router.get("/claims/{claim_id}")
def get_claim(claim_id: Id, actor: ClaimReader, session: DbSession) -> ClaimRead:
    return ClaimRead.of(common.get_claim(session, actor, claim_id))


@router.post("/claims/{claim_id}/verify")
@idempotent("claims.verify.{claim_id}")
def verify_claim(claim_id: Id, body: NoteBody, actor: Reviewer, session: DbSession) -> ClaimRead:
    return ClaimRead.of(lifecycle.verify(session, actor, claim_id=claim_id, note=body.note))


@router.post("/claims/{claim_id}/approve")
@idempotent("claims.approve.{claim_id}")
def approve_claim(claim_id: Id, body: NoteBody, actor: Reviewer, session: DbSession) -> ClaimRead:
    checklist = frozenset(body.checklist)
    claim = lifecycle.approve(
        session, actor, claim_id=claim_id, note=body.note, checklist=checklist
    )
    return ClaimRead.of(claim)


@router.post("/claims/{claim_id}/reject")
@idempotent("claims.reject.{claim_id}")
def reject_claim(claim_id: Id, body: ReasonBody, actor: Reviewer, session: DbSession) -> ClaimRead:
    return ClaimRead.of(lifecycle.reject(session, actor, claim_id=claim_id, reason=body.reason))


@router.post("/claims/{claim_id}/cancel")
@idempotent("claims.cancel.{claim_id}")
def cancel_claim(claim_id: Id, body: ReasonBody, actor: Seller, session: DbSession) -> ClaimRead:
    return ClaimRead.of(lifecycle.cancel(session, actor, claim_id=claim_id, reason=body.reason))


@router.post("/claims/{claim_id}/return")
@idempotent("claims.return.{claim_id}")
def return_claim(claim_id: Id, body: ReturnBody, actor: Seller, session: DbSession) -> ClaimRead:
    claim = lifecycle.record_return(session, actor, claim_id=claim_id, returned_on=body.returned_on)
    return ClaimRead.of(claim)


def _upload(file: UploadFile, kind: str) -> lifecycle.Upload:
    return lifecycle.Upload(
        kind=kind, filename=file.filename or "upload", content=uploads.content(file)
    )


def _application_payload(
    category: str,
    price_fen: int,
    purchase_date: date,
    file: UploadFile,
    attributes: str,
    recycling_cert_no: str,
    vin: str,
    payee_account: str,
    delivery_address: str,
) -> dict[str, Any]:
    """The fingerprint of an application: personal fields only as lookup hashes."""
    return {
        "inputs": {**parse_attributes(attributes), "category": category, "price_fen": price_fen},
        "date": purchase_date.isoformat(),
        "file": file.filename or "upload",
        "cert": recycling_cert_no,
        "vin": pii.lookup_hash("vin", vin.strip().upper()),
        "account": pii.lookup_hash("bank_account", payee_account.strip()),
        "address": pii.lookup_hash("address", delivery_address.strip()),
    }


@router.post("/applications", status_code=201)
@idempotent("claims.apply", payload=_application_payload)
def submit_application(
    actor: Owner,
    session: DbSession,
    category: Annotated[Code, Form()],
    price_fen: Annotated[PriceFen, Form()],
    purchase_date: Annotated[Day, Form()],
    file: Annotated[UploadFile, File()],
    evidence_kind: Annotated[Code, Form()] = "invoice",
    attributes: Annotated[Text, Form()] = "{}",
    recycling_cert_no: Annotated[Code, Form()] = "",
    recycling_cert_code: Annotated[Code, Form()] = "",
    vin: Annotated[Code, Form()] = "",
    payee_account: Annotated[Code, Form()] = "",
    delivery_address: Annotated[Line, Form()] = "",
) -> ClaimRead:
    upload = _upload(file, evidence_kind)
    claim = apply.submit(
        session,
        actor,
        inputs={**parse_attributes(attributes), "category": category, "price_fen": price_fen},
        purchase_date=purchase_date,
        uploads=[upload],
        vin=vin or None,
        recycling_cert=(recycling_cert_no, recycling_cert_code) if recycling_cert_no else None,
        payee_account=payee_account or None,
        address=delivery_address or None,
    )
    return ClaimRead.of(claim)


@router.post("/claims/{claim_id}/appeal")
@idempotent("claims.appeal.{claim_id}", payload=lambda reason: {"reason": reason})
def appeal_claim(
    claim_id: Id,
    actor: Owner,
    session: DbSession,
    reason: Annotated[Text, Form()],
    file: Annotated[UploadFile, File()],
) -> ClaimRead:
    upload = _upload(file, "appeal")
    claim = lifecycle.appeal(session, actor, claim_id=claim_id, reason=reason, upload=upload)
    return ClaimRead.of(claim)


@router.post("/settlement/batches", status_code=201)
@idempotent("settlement.batch")
def create_batch(actor: Settler, session: DbSession) -> BatchCreated:
    batch = settle.create_batch(session, actor)
    return BatchCreated(id=batch.id, total_fen=batch.total_fen, state=batch.state)


@router.get(
    "/settlement/batches/{batch_id}/bank-file",
    response_class=Response,
    responses=download("text/csv", XLSX),
)
def bank_file(
    batch_id: Id,
    actor: Settler,
    session: DbSession,
    format: Code = "csv",  # noqa: A002
) -> Response:
    """The batch's payment file for the bank: CSV (default) or ``format=xlsx``."""
    rows = settle.bank_rows(session, actor, batch_id)
    if format == "xlsx":
        return downloads.download(settle.bank_xlsx(rows), f"batch-{batch_id}.xlsx", downloads.XLSX)
    return downloads.download(settle.bank_csv(rows), f"batch-{batch_id}.csv", downloads.CSV)


@router.post("/settlement/batches/{batch_id}/result")
@idempotent(
    "settlement.result",
    payload=lambda batch_id, file: {"batch": batch_id, "sha256": upload_digest(file)},
)
def bank_result(
    batch_id: Id, actor: Settler, session: DbSession, file: Annotated[UploadFile, File()]
) -> BankResultRead:
    content = uploads.content(file)
    counts = settle.import_result(session, actor, batch_id=batch_id, content=content)
    return BankResultRead(**counts)


@router.post("/catalogue/import")
@idempotent(
    "catalogue.import",
    payload=lambda file: {"file": file.filename or "", "sha256": upload_digest(file)},
)
def import_catalogue(
    actor: Annotated[Actor, Depends(require("catalogue:write"))],
    session: DbSession,
    file: Annotated[UploadFile, File()],
) -> CatalogueImported:
    content, name = uploads.content(file), file.filename or ""
    return CatalogueImported(
        imported=catalogue.import_file(session, actor, filename=name, content=content)
    )
