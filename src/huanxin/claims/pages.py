"""Trade-in pages (Chinese): programmes explained, quote, merchant redemption, consumer
quotas and claims, review queue with appeals, settlement batches."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from huanxin.claims import states
from huanxin.claims.models import Claim, PaymentBatch
from huanxin.claims.schemas import masked_vin
from huanxin.claims.service import apply, catalogue, common, lifecycle, quotas, redeem, settle
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Name, Text
from huanxin.core.clock import today_cn
from huanxin.core.errors import DomainError, InvalidInput
from huanxin.core.money import parse_yuan
from huanxin.core.vocab import CATEGORIES, Vocabulary
from huanxin.policy import service as policies
from huanxin.policy.engine import ItemAttributes
from huanxin.web.deps import DbSession, page_require, page_require_any
from huanxin.web.errors import page_refused
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


def _fen(text: str, field: str) -> int:
    try:
        return parse_yuan(text)
    except ValueError:
        raise InvalidInput("金额格式不正确（元，最多两位小数）", field=field) from None


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("日期格式应为YYYY-MM-DD", field=field) from None


@router.get("/programmes")
def programmes_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
) -> HTMLResponse:
    rows = sorted(
        policies.visible_programmes(session, actor.scope_codes), key=lambda p: (p.id, p.version)
    )
    return render(request, "claims/programmes.html", programmes=rows)


def _local_category(vocabulary: Vocabulary, session: DbSession, text: str) -> str:
    """The code for ``text``; a category no programme covers here is refused by name."""
    code = policies.resolve_category(session, text)
    if code not in vocabulary.labels:
        raise InvalidInput(f"当地没有“{CATEGORIES.label(code)}”的补贴政策", field="category")
    return code


def _grade(text: str) -> dict[str, int]:
    if not text.strip():
        return {}
    if not text.strip().isdigit():
        raise InvalidInput("能效等级应为1-5的整数", field="grade")
    return {"grade": int(text)}


@router.get("/quote")
def quote_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
    category: Code = "",
    price: Code = "",
    grade: Code = "",
    on: Code = "",
) -> HTMLResponse:
    result, error = None, None
    vocabulary = policies.category_vocabulary(session, actor.jurisdiction_code)
    if category and price:
        try:
            code = _local_category(vocabulary, session, category)
            category = vocabulary.label(code)
            item = ItemAttributes.from_inputs({"category": code, "price": price, **_grade(grade)})
            result = policies.quote_for(
                session,
                jurisdiction_code=actor.jurisdiction_code,
                on_date=_day(on, "on") if on else today_cn(),
                item=item,
            )
        except DomainError as exc:
            error = exc.message
    form = {
        "category": category,
        "price": price,
        "grade": grade,
        "on": on or today_cn().isoformat(),
    }
    return render(
        request, "claims/quote.html", result=result, error=error, form=form, categories=vocabulary
    )


def _redeem_choices(session: DbSession, actor: Actor) -> dict[str, Any]:
    """What the redemption form offers: the categories here and the catalogue's models."""
    return {
        "categories": policies.category_vocabulary(session, actor.jurisdiction_code),
        "products": catalogue.list_products(session)[:MODEL_CHOICES],
    }


MODEL_CHOICES = 500


@router.get("/merchant/redeem")
def redeem_form(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:redeem"))],
    category: Code = "",
    recycling_cert_no: Code = "",
    recycling_cert_code: Code = "",
) -> HTMLResponse:
    """The redemption form; a scanned recycling certificate arrives with its fields filled."""
    form = {
        "purchase_date": today_cn().isoformat(),
        "category": CATEGORIES.label(category[:32]),
        "recycling_cert_no": recycling_cert_no[:40],
        "recycling_cert_code": recycling_cert_code[:16],
    }
    return render(
        request,
        "claims/redeem.html",
        error=None,
        form=form,
        claim=None,
        **_redeem_choices(session, actor),
    )


@router.post("/merchant/redeem")
def redeem_submit(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:redeem"))],
    quota_code: Annotated[Code, Form()] = "",
    category: Annotated[Code, Form()] = "",
    product_model: Annotated[Name, Form()] = "",
    device_serial: Annotated[Code, Form()] = "",
    grade: Annotated[Code, Form()] = "",
    price: Annotated[Code, Form()] = "",
    invoice_no: Annotated[Code, Form()] = "",
    purchase_date: Annotated[Code, Form()] = "",
    recycling_cert_no: Annotated[Code, Form()] = "",
    recycling_cert_code: Annotated[Code, Form()] = "",
) -> Response:
    form = {
        "quota_code": quota_code,
        "category": category,
        "product_model": product_model,
        "device_serial": device_serial,
        "grade": grade,
        "price": price,
        "invoice_no": invoice_no,
        "purchase_date": purchase_date,
        "recycling_cert_no": recycling_cert_no,
    }
    try:
        sale = redeem.Sale(
            category=category,
            product_model=product_model,
            device_serial=device_serial,
            price_fen=_fen(price, "price"),
            purchase_date=_day(purchase_date, "purchase_date"),
            invoice_no=invoice_no,
            quota_code=quota_code or None,
            grade=int(grade) if grade.isdigit() else None,
            recycling_cert_no=recycling_cert_no or None,
            recycling_cert_code=recycling_cert_code or None,
        )
        claim = redeem.redeem(session, actor, sale)
    except DomainError as exc:
        page_refused(request, session, exc)
        return render(
            request,
            "claims/redeem.html",
            status_code=exc.status,
            error=exc.message,
            form=form,
            claim=None,
            **_redeem_choices(session, actor),
        )
    return RedirectResponse(f"/claims/{claim.id}", status_code=303)


@router.get("/my")
def my_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
) -> HTMLResponse:
    claims = list(session.scalars(common.readable(actor).order_by(Claim.id.desc()).limit(100)))
    return render(
        request,
        "claims/my.html",
        quotas=quotas.list_for(session, actor),
        claims=claims,
        labels=states.LABELS,
        error=None,
        categories=policies.category_vocabulary(session, actor.jurisdiction_code),
    )


@router.post("/my/quotas")
def my_quota_claim(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    category: Annotated[Code, Form()] = "",
) -> Response:
    try:
        quotas.claim_quota(session, actor, category=category, on_date=today_cn())
    except DomainError as exc:
        page_refused(request, session, exc)
        claims = list(session.scalars(common.readable(actor).order_by(Claim.id.desc()).limit(100)))
        return render(
            request,
            "claims/my.html",
            status_code=exc.status,
            quotas=quotas.list_for(session, actor),
            claims=claims,
            labels=states.LABELS,
            error=exc.message,
            categories=policies.category_vocabulary(session, actor.jurisdiction_code),
        )
    return RedirectResponse("/my", status_code=303)


CAR_CHOICES: dict[str, dict[str, str]] = {
    "new_vehicles": {"nev": "新能源乘用车", "fuel": "燃油乘用车"},
    "disposals": {"scrapped": "报废（报废更新）", "transferred": "转出（置换更新）"},
    "fuels": {"petrol": "汽油", "diesel": "柴油", "nev": "新能源", "other": "其他"},
    "standards": {str(n): f"国{'一二三四五六'[n - 1]}" for n in range(1, 7)},
}


def _car_form(
    request: Request, form: dict[str, str], error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request, "claims/car.html", status_code=status_code, form=form, error=error, **CAR_CHOICES
    )


def _car_inputs(form: dict[str, str]) -> dict[str, Any]:
    """The rule inputs of a car application from the page's fields (refusals name the field)."""
    for name, choices in (
        ("new_vehicle", "new_vehicles"),
        ("disposal", "disposals"),
        ("old_vehicle_fuel", "fuels"),
        ("old_vehicle_emission_standard", "standards"),
    ):
        if form[name] not in CAR_CHOICES[choices]:
            raise InvalidInput("请从列表中选择", field=name)
    displacement = form["fuel_displacement_ml"].strip()
    if displacement and not displacement.isdigit():
        raise InvalidInput("燃油车排量应为整数（毫升）", field="fuel_displacement_ml")
    inputs: dict[str, Any] = {
        "category": "passenger_car",
        "price_fen": _fen(form["price"], "price"),
        "new_vehicle": form["new_vehicle"],
        "old_vehicle_fuel": form["old_vehicle_fuel"],
        "old_vehicle_emission_standard": int(form["old_vehicle_emission_standard"]),
        "old_vehicle_registered_on": _day(
            form["old_vehicle_registered_on"], "old_vehicle_registered_on"
        ),
        "old_vehicle_owned_since": _day(form["old_vehicle_owned_since"], "old_vehicle_owned_since"),
        f"old_vehicle_{form['disposal']}": True,
    }
    if displacement:
        inputs["fuel_displacement_ml"] = int(displacement)
    return inputs


@router.get("/my/car")
def car_form(
    request: Request, actor: Annotated[Actor, Depends(page_require("claims:own"))]
) -> HTMLResponse:
    return _car_form(request, {"purchase_date": today_cn().isoformat()})


@router.post("/my/car")
async def car_submit(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
) -> Response:
    data = await request.form()
    fields = (
        "vin",
        "new_vehicle",
        "fuel_displacement_ml",
        "price",
        "purchase_date",
        "disposal",
        "old_vehicle_fuel",
        "old_vehicle_emission_standard",
        "old_vehicle_registered_on",
        "old_vehicle_owned_since",
    )
    form = {name: str(data.get(name) or "") for name in fields}
    files = [f for f in data.getlist("files") if isinstance(f, StarletteUpload) and f.filename]
    try:
        uploads = [
            lifecycle.Upload(
                kind="application", filename=f.filename or "upload", content=await f.read()
            )
            for f in files
        ]
        claim = apply.submit(
            session,
            actor,
            inputs=_car_inputs(form),
            purchase_date=_day(form["purchase_date"], "purchase_date"),
            uploads=uploads,
            vin=form["vin"],
        )
    except DomainError as exc:
        page_refused(request, session, exc)
        return _car_form(request, form, exc.message, exc.status)
    return RedirectResponse(f"/claims/{claim.id}", status_code=303)


@router.get("/claims")
def claims_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))],
    state: Code = "",
) -> HTMLResponse:
    stmt = common.readable(actor)
    if state:
        stmt = stmt.where(Claim.state == state)
    rows = list(session.scalars(stmt.order_by(Claim.id.desc()).limit(200)))
    return render(
        request, "claims/list.html", rows=rows, labels=states.LABELS, state=state, today=today_cn()
    )


@router.get("/claims/{claim_id}")
def claim_page(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))],
) -> HTMLResponse:
    claim = common.get_claim(session, actor, claim_id)
    quote: dict[str, Any] = json.loads(claim.quote)
    return render(
        request,
        "claims/detail.html",
        claim=claim,
        quote=quote,
        labels=states.LABELS,
        vin=masked_vin(claim),
        evidence=lifecycle.evidence_of(session, claim.id),
        required=lifecycle.required_evidence(session, claim) if claim.kind == "application" else {},
        next_states=sorted(states.TRANSITIONS[claim.state]),
    )


@router.post("/claims/{claim_id}/decide")
def claim_decide(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:review"))],
    decision: Annotated[Code, Form()] = "",
    note: Annotated[Text, Form()] = "",
    checklist: Annotated[list[Code] | None, Form(max_length=20)] = None,
) -> Response:
    checked = frozenset(checklist or [])
    actions = {
        "verify": lambda: lifecycle.verify(session, actor, claim_id=claim_id, note=note),
        "approve": lambda: lifecycle.approve(
            session, actor, claim_id=claim_id, note=note, checklist=checked
        ),
        "reject": lambda: lifecycle.reject(session, actor, claim_id=claim_id, reason=note),
    }
    try:
        if decision not in actions:
            raise InvalidInput("未知的审核操作", field="decision")
        actions[decision]()
    except DomainError as exc:
        page_refused(request, session, exc)
        return render(request, "error.html", status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.post("/claims/{claim_id}/appeal")
async def claim_appeal(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    reason: Annotated[Text, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        if file is None:
            raise InvalidInput("申诉须上传新的证明材料", field="file")
        upload = lifecycle.Upload(
            kind="appeal", filename=file.filename or "upload", content=await file.read()
        )
        lifecycle.appeal(session, actor, claim_id=claim_id, reason=reason, upload=upload)
    except DomainError as exc:
        page_refused(request, session, exc)
        return render(request, "error.html", status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.get("/settlement")
def settlement_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:read"))],
) -> HTMLResponse:
    from sqlalchemy import func, select

    batches = list(
        session.scalars(
            select(PaymentBatch)
            .where(PaymentBatch.jurisdiction_code.in_(actor.scope_codes))
            .order_by(PaymentBatch.id.desc())
            .limit(50)
        )
    )
    waiting = (
        session.scalar(
            select(func.count()).select_from(
                common.readable(actor).where(Claim.state == "approved").subquery()
            )
        )
        or 0
    )
    items = {b.id: settle.items_of(session, b.id) for b in batches}
    return render(
        request, "claims/settlement.html", batches=batches, items=items, waiting=waiting, error=None
    )


@router.post("/settlement/batches")
def settlement_create(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
) -> Response:
    try:
        settle.create_batch(session, actor)
    except DomainError as exc:
        page_refused(request, session, exc)
        return render(request, "error.html", status_code=exc.status, message=exc.message)
    return RedirectResponse("/settlement", status_code=303)


@router.post("/settlement/batches/{batch_id}/result")
async def settlement_result(
    batch_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        if file is None:
            raise InvalidInput("请选择银行结果文件", field="file")
        settle.import_result(session, actor, batch_id=batch_id, content=await file.read())
    except DomainError as exc:
        page_refused(request, session, exc)
        return render(request, "error.html", status_code=exc.status, message=exc.message)
    return RedirectResponse("/settlement", status_code=303)


@router.get("/catalogue")
def catalogue_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
    category: Code = "",
) -> HTMLResponse:
    return render(
        request,
        "claims/catalogue.html",
        rows=catalogue.list_products(session, category or None),
        headers=catalogue.HEADERS,
        error=None,
        errors=[],
        imported=None,
        category=category,
    )


@router.post("/catalogue")
async def catalogue_upload(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("catalogue:write"))],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    errors: list[catalogue.RowError] = []
    try:
        if file is None or not file.filename:
            raise InvalidInput("请选择 .xlsx 或 .csv 文件", field="file")
        count = catalogue.import_file(
            session, actor, filename=file.filename, content=await file.read()
        )
    except DomainError as exc:
        page_refused(request, session, exc)
        errors = getattr(exc, "errors", [])
        return render(
            request,
            "claims/catalogue.html",
            status_code=exc.status,
            rows=catalogue.list_products(session),
            headers=catalogue.HEADERS,
            error=exc.message,
            errors=errors,
            imported=None,
            category="",
        )
    return render(
        request,
        "claims/catalogue.html",
        rows=catalogue.list_products(session),
        headers=catalogue.HEADERS,
        error=None,
        errors=[],
        imported=count,
        category="",
    )


@router.get("/catalogue/template.xlsx")
def catalogue_template(actor: Annotated[Actor, Depends(page_require("policy:read"))]) -> Response:
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        catalogue.template_xlsx(),
        media_type=media,
        headers={"Content-Disposition": "attachment; filename=catalogue-template.xlsx"},
    )
