"""Programme API: the programmes a caller sees and the subsidy quote for an item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from huanxin.core.actor import Actor
from huanxin.core.bounds import Attributes, Code, Count, Day, PriceFen
from huanxin.core.errors import InvalidInput
from huanxin.policy import service as policies
from huanxin.policy.engine import ItemAttributes, Quote
from huanxin.policy.schema import Programme
from huanxin.web.deps import DbSession, require
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1", tags=["policy"])


class QuoteRequest(BaseModel):
    jurisdiction_code: Code
    purchase_date: Day
    category: Code
    price_fen: PriceFen = Field(gt=0)
    grade: Count | None = Field(default=None, ge=1, le=5)
    attributes: Attributes = {}


@router.get("/programmes")
def list_programmes(
    actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession, paged: Paged
) -> list[Programme]:
    return paged.slice(policies.visible_programmes(session, actor.scope_codes))


@router.post("/quote")
def quote(
    body: QuoteRequest, actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession
) -> Quote:
    if not actor.sees(body.jurisdiction_code) and actor.role not in {"consumer", "merchant"}:
        raise InvalidInput("区划不在您的管辖范围内", field="jurisdiction_code")
    item = ItemAttributes.from_inputs(
        {
            "category": body.category,
            "price_fen": body.price_fen,
            "grade": body.grade,
            **body.attributes,
        }
    )
    return policies.quote_for(
        session, jurisdiction_code=body.jurisdiction_code, on_date=body.purchase_date, item=item
    )
