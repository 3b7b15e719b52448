"""Chinese pages of one ledger row: details, flags, the grade-2 and grade-1 saving, and the
single-row edit form (validated like an import, errors listed field by field)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Count, Id
from huanxin.equipment import ledger_io
from huanxin.equipment.deps import READ, WRITE, page_require_any
from huanxin.equipment.reference import load_ledger_columns, load_rules
from huanxin.equipment.reports import category_label
from huanxin.equipment.service import access, enterprises, items, ledger
from huanxin.equipment.vocab import FLAG_KINDS
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require_any(*READ))]
Writer = Annotated[Actor, Depends(page_require_any(*WRITE))]


def _fields() -> list[dict[str, Any]]:
    """Every template column with the options a select offers (labels as in the template)."""
    out = []
    for spec in load_ledger_columns():
        options: list[str] | None = None
        if spec["type"] == "choice":
            options = list(dict.fromkeys(str(k) for k in spec["choices"]))
        elif spec["type"] == "category":
            options = [c.name_zh for c in load_rules().categories.values()]
        out.append(
            {
                "attr": spec["attr"],
                "header": spec["header"],
                "note": spec["note"],
                "required": bool(spec.get("required")),
                "options": options,
            }
        )
    return out


def _item_page(
    request: Request,
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    errors: list[dict[str, object]] | None = None,
    cells: dict[str, Any] | None = None,
    saved: bool = False,
) -> HTMLResponse:
    item = ledger.get_item(session, actor, item_id)
    ent = enterprises.get(session, actor, item.enterprise_id)
    savings = [
        items.saving_estimate(session, actor, item_id=item.id, target_grade=g) for g in (2, 1)
    ]
    can_write = access.manages(actor) or ent.org_id == actor.org_id
    return render(
        request,
        "equipment/item.html",
        status_code=status,
        item=item,
        ent=ent,
        flags=ledger.flags_for(session, [item.id])[item.id],
        flag_kinds=FLAG_KINDS,
        category_label=category_label,
        savings=savings,
        fields=_fields(),
        cells=cells if cells is not None else ledger_io.cells_of(ledger.record_of(item)),
        can_write=can_write and item.scrapped_project_id is None,
        error=error,
        errors=errors or [],
        saved=saved,
    )


@router.get("/equipment/items/{item_id}")
def item_page(
    item_id: Id, request: Request, session: DbSession, actor: Reader, saved: Count = 0
) -> HTMLResponse:
    return _item_page(request, session, actor, item_id, saved=bool(saved))


@router.post("/equipment/items/{item_id}")
def item_save(
    item_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    attrs = {c.attr for c in ledger_io.COLUMNS}
    changes = {k: str(v) for k, v in form.items() if k in attrs}

    def change() -> str:
        items.update_item(session, actor, item_id=item_id, changes=changes)
        return f"/equipment/items/{item_id}?saved=1"

    def page(error: kit.PageError) -> HTMLResponse:
        if not error.rows:
            return _item_page(
                request, session, actor, item_id, status=error.status, error=error.reason
            )
        return _item_page(
            request,
            session,
            actor,
            item_id,
            status=error.status,
            error=error.reason,
            errors=list(error.rows),
            cells=changes,
        )

    return kit.submit(request, session, change, page)
