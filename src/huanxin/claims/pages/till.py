"""The merchant's till (收银台, Chinese pages): the redemption form — the till chosen once and
kept from sale to sale, the model found in the catalogue as it is typed (model, brand, pinyin
initials or the scanned 69 barcode), serial/IMEI and barcode scanned by the phone's camera
where the browser can — then the consumer's printable receipt with the subsidy arithmetic,
and "下一笔" back to an empty form at the same till."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from huanxin.claims.service import redeem, sites, till
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Latitude, Line, Longitude, Name
from huanxin.core.clock import today_cn
from huanxin.core.errors import Required
from huanxin.core.vocab import CATEGORIES, Vocabulary
from huanxin.policy import service as policies
from huanxin.web.deps import DbSession, page_require, page_require_any
from huanxin.web.kit import forms as kit
from huanxin.web.kit.forms import Blank, Day, OptionalCode, OptionalWhole, PageForm, Yuan
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Merchant = Annotated[Actor, Depends(page_require("claims:redeem"))]
Posted = Annotated[FormData, Depends(kit.posted)]


def _tills(session: DbSession, actor: Actor) -> list[dict[str, str]]:
    """The merchant's tills as the till picker shows them: ``门店 · 终端号``."""
    stores = {s.id: s.name for s in sites.stores_of(session, actor)}
    return [
        {"terminal_id": t.terminal_id, "name": f"{stores.get(t.store_id, '')} · {t.terminal_id}"}
        for t in sites.tills_of(session, actor)
    ]


def _choices(session: DbSession, actor: Actor) -> dict[str, Any]:
    """What the till offers: the categories subsidised here and the merchant's tills."""
    return {
        "categories": policies.category_vocabulary(session, actor.jurisdiction_code),
        "tills": _tills(session, actor),
    }


@router.get("/merchant/redeem")
def redeem_form(
    request: Request,
    session: DbSession,
    actor: Merchant,
    category: Code = "",
    recycling_cert_no: Code = "",
    recycling_cert_code: Code = "",
    terminal_id: Code = "",
) -> HTMLResponse:
    """An empty sale at the till ``terminal_id`` (kept by "下一笔"); a scanned recycling
    certificate arrives with its fields filled."""
    form = {
        "purchase_date": today_cn().isoformat(),
        "category": CATEGORIES.label(category[:32]) if category else "",
        "recycling_cert_no": recycling_cert_no[:40],
        "recycling_cert_code": recycling_cert_code[:16],
        "terminal_id": terminal_id[:32],
    }
    return render(request, "claims/redeem.html", error=None, form=form, **_choices(session, actor))


class SaleForm(PageForm):
    """The till's sale: the category may be left to the model picked from the catalogue."""

    quota_code: OptionalCode = None
    category: Code = ""
    product_model: Name = ""
    device_serial: Code = ""
    grade: OptionalWhole = None
    price: Yuan
    invoice_no: Code = ""
    purchase_date: Day
    recycling_cert_no: OptionalCode = None
    recycling_cert_code: OptionalCode = None
    terminal_id: OptionalCode = None
    barcode: OptionalCode = None
    delivery_address: Annotated[Line | None, Blank] = None
    redeem_lat: Annotated[Latitude | None, Blank] = None
    redeem_lon: Annotated[Longitude | None, Blank] = None

    def sale(self, category: str) -> redeem.Sale:
        return redeem.Sale(
            category=category,
            product_model=self.product_model,
            device_serial=self.device_serial,
            price_fen=self.price,
            purchase_date=self.purchase_date,
            invoice_no=self.invoice_no,
            quota_code=self.quota_code,
            grade=self.grade,
            recycling_cert_no=self.recycling_cert_no,
            recycling_cert_code=self.recycling_cert_code,
            terminal_id=self.terminal_id,
            barcode=self.barcode,
            delivery_address=self.delivery_address,
            redeem_lat=self.redeem_lat,
            redeem_lon=self.redeem_lon,
        )


def category_of(session: DbSession, form: SaleForm, vocabulary: Vocabulary) -> str:
    """The category typed or picked; left empty, the category of the catalogue model."""
    if form.category:
        return form.category
    if form.product_model:
        found = till.category_of_model(session, form.product_model, list(vocabulary.labels))
        if found:
            return found
    raise Required("请选择品类，或从商品目录中选择型号", field="category")


@router.post("/merchant/redeem")
def redeem_submit(request: Request, session: DbSession, actor: Merchant, data: Posted) -> Response:
    """The sale; on success the consumer's receipt."""

    def change() -> str:
        form = kit.parse(SaleForm, data)
        vocabulary = policies.category_vocabulary(session, actor.jurisdiction_code)
        claim = redeem.redeem(session, actor, form.sale(category_of(session, form, vocabulary)))
        return f"/claims/{claim.id}/receipt"

    def page(error: kit.PageError) -> HTMLResponse:
        form = kit.text_of(data)
        return render(
            request, "claims/redeem.html", error=error, form=form, **_choices(session, actor)
        )

    return kit.submit(request, session, change, page)


@router.get("/claims/{claim_id}/receipt")
def receipt_page(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("claims:read", "claims:own"))],
) -> HTMLResponse:
    """The consumer's receipt (printable): the sale, each programme's share, who pays what."""
    receipt = till.receipt(session, actor, claim_id)
    return render(request, "claims/receipt.html", r=receipt, can_sell=actor.can("claims:redeem"))
