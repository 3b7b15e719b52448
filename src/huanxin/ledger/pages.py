"""Pages of the budget ledger: pools in scope, and a dashboard per pool (balances, burn-down
chart, exhaustion forecast, shards, journal) with a form to allocate budget."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import idempotency, jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text
from huanxin.ledger import service
from huanxin.ledger.chart import burn_svg
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Pool, Shard
from huanxin.ledger.report import ACCOUNT_LABELS
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)

KIND_LABELS = {
    "allocate": "下达",
    "reserve": "预留",
    "commit": "确认支出",
    "release": "释放",
    "claw_back": "追回",
    "consolidate": "分片归集",
    "rebalance": "分片平衡",
}


def _percent(part: int, whole: int) -> str:
    """Share as a percentage with one decimal, rounded half-up, in integers only."""
    if whole <= 0:
        return "—"
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return f"{tenths // 10}.{tenths % 10}%"


@router.get("/ledger")
def pools_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:read"))],
) -> HTMLResponse:
    rows = [
        (s.pool, s.balances, _percent(s.balances.spent, s.balances.allocated))
        for s in service.list_pools(session, actor)
    ]
    return render(
        request, "ledger/pools.html", rows=rows, layers=service.LAYER_LABELS, money=yuan_grouped
    )


def _dashboard(session: Session, actor: Actor, pool: Pool) -> dict[str, Any]:
    balances = service.pool_balances(session, pool.id)
    shards = session.scalars(select(Shard).where(Shard.pool_id == pool.id).order_by(Shard.slot))
    return {
        "pool": pool,
        "balances": balances,
        "burn": service.burn(session, pool.id),
        "place": jurisdictions.full_name(session, pool.jurisdiction_code),
        "layer": service.LAYER_LABELS.get(pool.layer, pool.layer),
        "used": _percent(balances.spent, balances.allocated),
        "shards": list(shards),
        "journal": service.journal_of(session, pool.id, limit=50),
        "money": yuan_grouped,
        "kinds": KIND_LABELS,
        "accounts": ACCOUNT_LABELS,
        "form_key": uuid.uuid4().hex,
        "can_allocate": actor.can("ledger:allocate"),
    }


@router.get("/ledger/pools/{pool_id}")
def pool_page(
    pool_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:read"))],
) -> HTMLResponse:
    pool = service.get_pool(session, actor, pool_id)
    return render(
        request, "ledger/pool.html", error=None, form={}, **_dashboard(session, actor, pool)
    )


@router.get("/ledger/pools/{pool_id}/burn.svg")
def burn_chart(
    pool_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:read"))],
) -> Response:
    pool = service.get_pool(session, actor, pool_id)
    svg = burn_svg(service.burn(session, pool.id), title=f"{pool.name} · 近30日可用余额")
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=60"}
    )


def _amount_fen(text: str) -> int:
    return int(kit.value(kit.Amount, text, "amount"))


@router.post("/ledger/pools/{pool_id}/allocate")
def allocate_form(
    pool_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:allocate"))],
    amount: Annotated[Code, Form()] = "",
    ref: Annotated[Code, Form()] = "",
    note: Annotated[Text, Form()] = "",
    form_key: Annotated[Code, Form()] = "",
) -> Response:
    pool = service.get_pool(session, actor, pool_id)

    def change() -> str:
        fen = _amount_fen(amount)
        payload = {"pool_id": pool_id, "amount_fen": fen, "ref": ref, "note": note}

        def action() -> tuple[int, object]:
            service.allocate(session, actor, pool_id=pool.id, amount_fen=fen, ref=ref, note=note)
            return 303, payload

        # a double-submitted form (same hidden key) allocates once
        idempotency.run(
            session,
            actor_user_id=actor.user_id,
            key=form_key or uuid.uuid4().hex,
            scope="ledger.allocate.form",
            payload=payload,
            action=action,
        )
        return f"/ledger/pools/{pool_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        pool = service.get_pool(session, actor, pool_id)
        return render(
            request,
            "ledger/pool.html",
            error=error,
            form={"amount": amount, "ref": ref, "note": note},
            **_dashboard(session, actor, pool),
        )

    return kit.submit(request, session, change, page)
