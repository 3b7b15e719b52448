"""Trade-in pages (Chinese): programmes explained, quote, consumer quotas and claims,
review queue with appeals, settlement batches. The till and its receipt: ``pages/till.py``."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import Field
from sqlalchemy import func, select
from starlette.datastructures import FormData

from huanxin.claims import batch_list, catalogue_list, lists, states
from huanxin.claims.errors import NoProgrammeForCategory
from huanxin.claims.models import CatalogueProduct, Claim, PaymentBatch
from huanxin.claims.pages import clocks as clock_pages
from huanxin.claims.schemas import masked_vin
from huanxin.claims.service import (
    apply,
    catalogue,
    common,
    evidence,
    lifecycle,
    quotas,
    releases,
    settle,
)
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import InvalidInput, NotAChoice, Required
from huanxin.core.vocab import CATEGORIES, Vocabulary
from huanxin.policy import service as policies
from huanxin.policy.api import ItemAttributes
from huanxin.web.deps import DbSession, page_require, page_require_any
from huanxin.web.kit import downloads, uploads
from huanxin.web.kit import forms as kit
from huanxin.web.kit.forms import (
    Day,
    OptionalDay,
    OptionalWhole,
    PageForm,
    Yuan,
)
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Posted = Annotated[FormData, Depends(kit.posted)]
Lister = Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _local_category(vocabulary: Vocabulary, session: DbSession, text: str) -> str:
    """The code for ``text``; a category no programme covers here is refused by name."""
    code = policies.resolve_category(session, text)
    if code not in vocabulary.labels:
        raise NoProgrammeForCategory(
            f"当地没有“{CATEGORIES.label(code)}”的补贴政策", field="category"
        )
    return code


class QuoteDay(PageForm):
    on: OptionalDay = None


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

        def quote() -> Any:
            code = _local_category(vocabulary, session, category)
            item = ItemAttributes.from_inputs({"category": code, "price": price, **_grade(grade)})
            when = kit.parse(QuoteDay, {"on": on}).on or today_cn()
            quoted = policies.quote_for(
                session, jurisdiction_code=actor.jurisdiction_code, on_date=when, item=item
            )
            return vocabulary.label(code), quoted

        named, error = kit.outcome(quote)
        category, result = named if named else (category, None)
    form = {
        "category": category,
        "price": price,
        "grade": grade,
        "on": on or today_cn().isoformat(),
    }
    return render(
        request, "claims/quote.html", result=result, error=error, form=form, categories=vocabulary
    )


def _my_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    error: kit.PageError | None = None,
    query: ListQuery | None = None,
    chosen: dict[str, str] | None = None,
) -> HTMLResponse:
    """The consumer's quotas and claims; the claims page like ``/claims``, open ones first."""
    chosen = chosen or dict(lists.filters(actor, None, "", ""))
    stmt = common.readable(actor)
    page = page_of(session, lists.SPEC, stmt, query or ListQuery(), path="/my", filters=chosen)
    return render(
        request,
        "claims/my.html",
        quotas=quotas.list_for(session, actor),
        page=page,
        labels=states.LABELS,
        error=error,
        categories=policies.category_vocabulary(session, actor.jurisdiction_code),
        releases=releases.next_releases(session, actor, utcnow()),
    )


@router.get("/my")
def my_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    query: Query,
    state: Code | None = None,
    kind: Code = "",
    category: Code = "",
) -> HTMLResponse:
    chosen = dict(lists.filters(actor, state, kind, category))
    return _my_page(request, session, actor, query=query, chosen=chosen)


@router.post("/my/quotas")
def my_quota_claim(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    category: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        quotas.claim_quota(session, actor, category=category, on_date=today_cn())
        return "/my"

    return kit.submit(
        request, session, change, lambda error: _my_page(request, session, actor, error)
    )


CAR_CHOICES: dict[str, dict[str, str]] = {
    "new_vehicles": {"nev": "新能源乘用车", "fuel": "燃油乘用车"},
    "disposals": {"scrapped": "报废（报废更新）", "transferred": "转出（置换更新）"},
    "fuels": {"petrol": "汽油", "diesel": "柴油", "nev": "新能源", "other": "其他"},
    "standards": {str(n): f"国{'一二三四五六'[n - 1]}" for n in range(1, 7)},
}


class CarForm(PageForm):
    """A consumer's car application (the files come with it, read apart)."""

    vin: Code = ""
    new_vehicle: Literal["nev", "fuel"]
    fuel_displacement_ml: OptionalWhole = None
    price: Yuan
    purchase_date: Day
    disposal: Literal["scrapped", "transferred"]
    old_vehicle_fuel: Literal["petrol", "diesel", "nev", "other"]
    old_vehicle_emission_standard: Annotated[int, Field(ge=1, le=6)]
    old_vehicle_registered_on: Day
    old_vehicle_owned_since: Day

    def inputs(self) -> dict[str, Any]:
        """The rule inputs of the application."""
        inputs: dict[str, Any] = {
            "category": "passenger_car",
            "price_fen": self.price,
            "new_vehicle": self.new_vehicle,
            "old_vehicle_fuel": self.old_vehicle_fuel,
            "old_vehicle_emission_standard": self.old_vehicle_emission_standard,
            "old_vehicle_registered_on": self.old_vehicle_registered_on,
            "old_vehicle_owned_since": self.old_vehicle_owned_since,
            f"old_vehicle_{self.disposal}": True,
        }
        if self.fuel_displacement_ml is not None:
            inputs["fuel_displacement_ml"] = self.fuel_displacement_ml
        return inputs


def _car_form(
    request: Request, form: dict[str, str], error: kit.PageError | None = None
) -> HTMLResponse:
    choices: dict[str, Any] = dict(CAR_CHOICES)
    return render(request, "claims/car.html", form=form, error=error, **choices)


@router.get("/my/car")
def car_form(
    request: Request, actor: Annotated[Actor, Depends(page_require("claims:own"))]
) -> HTMLResponse:
    return _car_form(request, {"purchase_date": today_cn().isoformat()})


@router.post("/my/car")
def car_submit(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    data: Posted,
) -> Response:
    files = [
        lifecycle.Upload(
            kind="application", filename=f.filename or "upload", content=uploads.content(f)
        )
        for f in kit.files_of(data, "files")
    ]

    def change() -> str:
        form = kit.parse(CarForm, data)
        claim = apply.submit(
            session,
            actor,
            inputs=form.inputs(),
            purchase_date=form.purchase_date,
            uploads=files,
            vin=form.vin,
        )
        return f"/claims/{claim.id}"

    return kit.submit(
        request, session, change, lambda error: _car_form(request, kit.text_of(data), error)
    )


def _listed(
    actor: Actor, state: Code | None, kind: Code, category: Code, day: Code = ""
) -> tuple[Any, dict[str, str]]:
    return common.readable(actor), dict(lists.filters(actor, state, kind, category, day))


@router.get("/claims")
def claims_page(
    request: Request,
    session: DbSession,
    actor: Lister,
    query: Query,
    state: Code | None = None,
    kind: Code = "",
    category: Code = "",
    day: Code = "",
) -> HTMLResponse:
    """Every claim the caller may see, a page at a time; opens on the caller's waiting work."""
    stmt, chosen = _listed(actor, state, kind, category, day)
    page = page_of(session, lists.SPEC, stmt, query, path="/claims", filters=chosen)
    view = chosen["state"]
    heading = lists.VIEW_LABELS.get(view) or states.LABELS.get(view, "")
    return render(
        request,
        "claims/list.html",
        page=page,
        labels=states.LABELS,
        heading=heading,
        today=today_cn(),
    )


@router.get("/claims.xlsx")
def claims_export(
    session: DbSession,
    actor: Lister,
    query: Query,
    state: Code | None = None,
    kind: Code = "",
    category: Code = "",
    day: Code = "",
) -> Response:
    """What the list shows under the same filters and search, every page, as .xlsx."""
    stmt, chosen = _listed(actor, state, kind, category, day)
    return export(session, lists.SPEC, stmt, query, filters=chosen, on=today_cn())


@router.get("/claims/{claim_id}")
def claim_page(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))],
) -> HTMLResponse:
    claim = common.get_claim(session, actor, claim_id)
    return _claim_view(request, session, actor, claim, reveal=False)


def _claim_view(
    request: Request, session: DbSession, actor: Actor, claim: Claim, *, reveal: bool
) -> HTMLResponse:
    quote: dict[str, Any] = json.loads(claim.quote)
    return render(
        request,
        "claims/detail.html",
        claim=claim,
        quote=quote,
        labels=states.LABELS,
        vin=masked_vin(claim),
        applicant=evidence.applicant(session, actor, claim, reveal=reveal),
        opened=evidence.opened_ids(session, actor, claim.id),
        inline_types=evidence.INLINE_TYPES,
        evidence=lifecycle.evidence_of(session, claim.id),
        required=lifecycle.required_evidence(session, claim) if claim.kind == "application" else {},
        next_states=sorted(states.TRANSITIONS[claim.state]),
        **clock_pages.clock_context(session, actor, claim),
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
    if decision not in actions:
        raise NotAChoice("未知的审核操作", field="decision")
    if decision == "approve":
        claim = common.get_claim(session, actor, claim_id)
        evidence.check_opened(session, actor, claim, checked)
    actions[decision]()
    return kit.go(f"/claims/{claim_id}")


@router.get("/claims/{claim_id}/evidence/{evidence_id}")
def claim_evidence_file(
    claim_id: Id,
    evidence_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))],
) -> Response:
    """One evidence file, shown inline when a browser can (PDF, images); opening is audited."""
    found = evidence.open_file(session, actor, claim_id=claim_id, evidence_id=evidence_id)
    inline = found.content_type in evidence.INLINE_TYPES
    media = found.content_type if inline else "application/octet-stream"
    return downloads.download(found.content, found.filename, media, inline=inline)


@router.post("/claims/{claim_id}/reveal")
def claim_reveal(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("pii:read_full"))],
) -> HTMLResponse:
    """The applicant's full name and resident ID, once, on this page (audited)."""
    claim = common.get_claim(session, actor, claim_id)
    return _claim_view(request, session, actor, claim, reveal=True)


@router.post("/claims/{claim_id}/appeal")
def claim_appeal(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
    reason: Annotated[Text, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None:
        raise Required("申诉须上传新的证明材料", field="file")
    upload = lifecycle.Upload(
        kind="appeal", filename=file.filename or "upload", content=uploads.content(file)
    )
    lifecycle.appeal(session, actor, claim_id=claim_id, reason=reason, upload=upload)
    return kit.go(f"/claims/{claim_id}")


def _batches(actor: Actor, state: Code | None) -> tuple[Any, dict[str, str]]:
    stmt = select(PaymentBatch).where(PaymentBatch.jurisdiction_code.in_(actor.scope_codes))
    return stmt, {"state": batch_list.OPENING if state is None else state}


@router.get("/settlement")
def settlement_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:read"))],
    query: Query,
    state: Code | None = None,
) -> HTMLResponse:
    """Payment batches a page at a time, opening on those not yet settled."""
    stmt, chosen = _batches(actor, state)
    page = page_of(session, batch_list.SPEC, stmt, query, path="/settlement", filters=chosen)
    to_pay = common.readable(actor).where(Claim.state == "approved").subquery()
    waiting = session.scalar(select(func.count()).select_from(to_pay)) or 0
    items = {b.id: settle.items_of(session, b.id) for b in page.rows}
    return render(
        request,
        "claims/settlement.html",
        page=page,
        states=batch_list.STATES,
        items=items,
        waiting=waiting,
        error=None,
    )


@router.get("/settlement.xlsx")
def settlement_export(
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:read"))],
    query: Query,
    state: Code | None = None,
) -> Response:
    """The batches the list shows under the same filter and search, every page, as .xlsx."""
    stmt, chosen = _batches(actor, state)
    return export(session, batch_list.SPEC, stmt, query, filters=chosen, on=today_cn())


@router.post("/settlement/batches")
def settlement_create(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
) -> Response:
    settle.create_batch(session, actor)
    return kit.go("/settlement")


@router.post("/settlement/batches/{batch_id}/result")
def settlement_result(
    batch_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None:
        raise Required("请选择银行结果文件", field="file")
    settle.import_result(session, actor, batch_id=batch_id, content=uploads.content(file))
    return kit.go("/settlement")


CATALOGUE = "/catalogue"


def _catalogue_filters(category: Code = "", valid: Code | None = None) -> dict[str, str]:
    """The catalogue's filters from the address; it opens on the models in force."""
    return {"category": category, "valid": catalogue_list.OPENING if valid is None else valid}


CatalogueFilters = Annotated[dict[str, str], Depends(_catalogue_filters)]


def _catalogue_page(
    request: Request,
    session: DbSession,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    error: kit.PageError | None = None,
    imported: int | None = None,
) -> HTMLResponse:
    chosen = filters or _catalogue_filters()
    stmt, spec = select(CatalogueProduct), catalogue_list.spec(today_cn())
    page = page_of(session, spec, stmt, query or ListQuery(), path=CATALOGUE, filters=chosen)
    return render(
        request,
        "claims/catalogue.html",
        page=page,
        rows=page.rows,
        headers=[*catalogue.HEADERS, catalogue.BARCODE],
        error=error,
        errors=list(error.rows) if error else [],
        imported=imported,
    )


@router.get(CATALOGUE)
def catalogue_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
    query: Query,
    filters: CatalogueFilters,
) -> HTMLResponse:
    """Every catalogued model, a page at a time, in force first; search, filter, export."""
    return _catalogue_page(request, session, query=query, filters=filters)


@router.get(CATALOGUE + ".xlsx")
def catalogue_export(
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
    query: Query,
    filters: CatalogueFilters,
) -> Response:
    """The models the list shows under the same filters and search, every page, as .xlsx."""
    stmt, spec = select(CatalogueProduct), catalogue_list.spec(today_cn())
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


@router.post("/catalogue")
def catalogue_upload(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("catalogue:write"))],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    content = uploads.content(file) if file is not None and file.filename else None

    def change() -> HTMLResponse:
        if file is None or content is None:
            raise Required("请选择 .xlsx 或 .csv 文件", field="file")
        name = file.filename or "upload"
        count = catalogue.import_file(session, actor, filename=name, content=content)
        return _catalogue_page(request, session, imported=count)

    return kit.show(request, session, change, lambda e: _catalogue_page(request, session, error=e))


@router.get("/catalogue/template.xlsx")
def catalogue_template(actor: Annotated[Actor, Depends(page_require("policy:read"))]) -> Response:
    return downloads.download(catalogue.template_xlsx(), "商品目录模板.xlsx", downloads.XLSX)
