"""Pages of the budget ledger: pools in scope, and a dashboard per pool (balances, burn-down
chart, exhaustion forecast, shards, journal) with a form to allocate budget."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import idempotency, jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text
from huanxin.core.clock import today_cn
from huanxin.ledger import forecast, pausing, pool_list, service, tranches
from huanxin.ledger.chart import burn_svg
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Pool, Shard
from huanxin.ledger.pools import YEAR_END_LABELS
from huanxin.ledger.report import ACCOUNT_LABELS
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
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
    "tranche": "按计划下达",
    "year_return": "年末收回",
    "carry_out": "结转下年",
    "carry_in": "上年结转",
}


_REF_STEPS = {"release": "释放", "pay": "支付", "clawback": "追回"}


def ref_text(ref: str) -> str:
    """A journal leg's business number as a person reads it (``claim:56:pay`` → 补贴申请 56
    （支付）); a number typed by a person (a 文号) shows as typed."""
    head, _, rest = ref.partition(":")
    if head == "claim" and rest:
        number, _, step = rest.partition(":")
        return f"补贴申请 {number}" + (f"（{_REF_STEPS.get(step, step)}）" if step else "")
    if head == "tranche" and rest:
        return f"第{rest.rpartition(':')[2]}批计划下达"
    if head == "year_end":
        return "年末处理"
    if head == "release" and rest:
        return f"下达 {rest}"
    return ref


def _percent(part: int, whole: int) -> str:
    """Share as a percentage with one decimal, rounded half-up, in integers only."""
    if whole <= 0:
        return "—"
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return f"{tenths // 10}.{tenths % 10}%"


Reader = Annotated[Actor, Depends(page_require("ledger:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(state: Code | None = None, year: Code = "", layer: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the pools not yet closed."""
    chosen = pool_list.OPENING if state is None else state
    return {"state": chosen, "year": year, "layer": layer}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _places(session: Session, actor: Actor) -> dict[str, str]:
    return {j.code: j.name for j in jurisdictions.list_within(session, actor.scope_codes)}


@router.get("/ledger")
def pools_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """The pools in scope a page at a time with their balances; search, filter, sort, export."""
    stmt = service.readable(actor).order_by(None)
    spec = pool_list.spec(pool_list.years_of(session, stmt))
    view = pool_list.rows_of(session, _places(session, actor))
    page = page_of(session, spec, stmt, query, path="/ledger", filters=filters, view=view)
    since = today_cn() - timedelta(days=7)
    ids = list(
        session.scalars(select(Pool.id).where(Pool.jurisdiction_code.in_(actor.scope_codes)))
    )
    alerts = forecast.alerts_for(session, ids, since=since)
    return render(
        request,
        "ledger/pools.html",
        page=page,
        layers=service.LAYER_LABELS,
        money=yuan_grouped,
        alerts=alerts,
        alert_labels=forecast.ALERT_LABELS,
    )


@router.get("/ledger.xlsx")
def pools_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The pools the list shows under the same filters and search, every page, as .xlsx."""
    stmt = service.readable(actor).order_by(None)
    spec = pool_list.spec(pool_list.years_of(session, stmt))
    view = pool_list.rows_of(session, _places(session, actor))
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


def _dashboard(session: Session, actor: Actor, pool: Pool) -> dict[str, Any]:
    balances = service.pool_balances(session, pool.id)
    today = today_cn()
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
        "ref_text": ref_text,
        "form_key": uuid.uuid4().hex,
        "can_allocate": actor.can("ledger:allocate"),
        "state": pausing.describe(pool, balances.available),
        "year_end": YEAR_END_LABELS.get(pool.year_end, ""),
        "tranches": tranches.schedule_of(session, pool.id),
        "patterns": tranches.PATTERN_LABELS,
        "forecast": forecast.forecast(session, pool, today=today),
        "alerts": forecast.alerts_for(session, [pool.id], since=today - timedelta(days=30)),
        "alert_labels": forecast.ALERT_LABELS,
        "percent": _percent,
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


def _run_form(
    request: Request,
    session: Session,
    actor: Actor,
    pool_id: int,
    *,
    scope: str,
    form_key: str,
    form: dict[str, str],
    action: Callable[[Pool], None],
) -> Response:
    """The pool page's other forms: run ``action`` once per form key (a double submit acts
    once); on a refusal the page shows again with the message and what was typed."""
    pool = service.get_pool(session, actor, pool_id)

    def change() -> str:
        payload: dict[str, object] = {"pool_id": pool_id, **form}

        def run() -> tuple[int, object]:
            action(pool)
            return 303, payload

        idempotency.run(
            session,
            actor_user_id=actor.user_id,
            key=form_key or uuid.uuid4().hex,
            scope=scope,
            payload=payload,
            action=run,
        )
        return f"/ledger/pools/{pool_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        again = service.get_pool(session, actor, pool_id)
        return render(
            request,
            "ledger/pool.html",
            error=error,
            form=form,
            **_dashboard(session, actor, again),
        )

    return kit.submit(request, session, change, page)


@router.post("/ledger/pools/{pool_id}/schedule")
def schedule_form(
    pool_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:allocate"))],
    pattern: Annotated[Code, Form()] = "",
    form_key: Annotated[Code, Form()] = "",
) -> Response:
    """Plan what is left of the year's budget monthly, weekly or in quarterly batches."""

    def action(pool: Pool) -> None:
        rows = tranches.plan(session, pool, pattern=pattern)
        tranches.set_schedule(session, actor, pool_id=pool.id, rows=rows)

    return _run_form(
        request,
        session,
        actor,
        pool_id,
        scope="ledger.schedule.form",
        form_key=form_key,
        form={"pattern": pattern},
        action=action,
    )


@router.post("/ledger/pools/{pool_id}/pause")
def pause_form(
    pool_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("ledger:allocate"))],
    reason: Annotated[Text, Form()] = "",
    form_key: Annotated[Code, Form()] = "",
) -> Response:
    """Pause sales on the pool by hand, or lift the pause, with a reason."""

    def action(pool: Pool) -> None:
        act = pausing.resume if pool.paused_by else pausing.pause
        act(session, actor, pool_id=pool.id, reason=reason)

    return _run_form(
        request,
        session,
        actor,
        pool_id,
        scope="ledger.pause.form",
        form_key=form_key,
        form={"reason": reason},
        action=action,
    )
