"""A pool's whole journal as the page kit pages, sorts, filters, searches and exports it (the
pool page shows only the newest legs): newest first, by kind and account, by business number."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import ColumnElement, select

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import local_text, today_cn
from huanxin.ledger import service
from huanxin.ledger.models import Entry
from huanxin.ledger.pages import KIND_LABELS, ref_text
from huanxin.ledger.report import ACCOUNT_LABELS
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit.lists import Column, Filter, ListQuery, ListSpec, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("ledger:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _matching(text: str) -> ColumnElement[bool]:
    """Legs whose business number (claim, batch, tranche …) or note holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return Entry.ref.ilike(part) | Entry.note.ilike(part)


SPEC = ListSpec(
    title="预算流水",
    columns=(
        Column("at", "时间", Entry.at, lambda e: local_text(e.at)),
        Column("kind", "类型", Entry.kind, lambda e: KIND_LABELS.get(e.kind, e.kind)),
        Column("ref", "业务编号", Entry.ref, lambda e: ref_text(e.ref)),
        Column(
            "account", "账户", Entry.account, lambda e: ACCOUNT_LABELS.get(e.account, e.account)
        ),
        Column("shard", "分片", Entry.shard_id, lambda e: e.shard_id),
        Column("amount", "金额（元）", Entry.amount_fen, lambda e: Decimal(e.amount_fen) / 100),
    ),
    default_sort="-at",
    tiebreak=Entry.id,
    search=_matching,
    search_hint="业务编号或说明",
    filters=(
        Filter("kind", "类型", KIND_LABELS, lambda v: Entry.kind == v),
        Filter("account", "账户", ACCOUNT_LABELS, lambda v: Entry.account == v),
    ),
)


def _journal(
    session: DbSession, actor: Actor, pool_id: int, kind: str, account: str
) -> tuple[Any, Any, dict[str, str]]:
    pool = service.get_pool(session, actor, pool_id)  # scope: another place's pool is 404
    stmt = select(Entry).where(Entry.pool_id == pool.id)
    return pool, stmt, {"kind": kind, "account": account}


@router.get("/ledger/pools/{pool_id}/journal")
def journal_page(
    pool_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    kind: Code = "",
    account: Code = "",
) -> HTMLResponse:
    pool, stmt, chosen = _journal(session, actor, pool_id, kind, account)
    path = f"/ledger/pools/{pool.id}/journal"
    page = page_of(session, SPEC, stmt, query, path=path, filters=chosen)
    return render(
        request,
        "ledger/journal.html",
        pool=pool,
        page=page,
        kinds=KIND_LABELS,
        accounts=ACCOUNT_LABELS,
        ref_text=ref_text,
    )


@router.get("/ledger/pools/{pool_id}/journal.xlsx")
def journal_export(
    pool_id: Id,
    session: DbSession,
    actor: Reader,
    query: Query,
    kind: Code = "",
    account: Code = "",
) -> Response:
    """The legs the list shows under the same filters and search, every page, as .xlsx."""
    _, stmt, chosen = _journal(session, actor, pool_id, kind, account)
    return export(session, SPEC, stmt, query, filters=chosen, on=today_cn())
