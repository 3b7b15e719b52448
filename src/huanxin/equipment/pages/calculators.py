"""Chinese page of the two calculators (nothing is stored, so plain GET forms): interest
subsidy on an equipment-renewal loan (per-period schedule and total) and the tax-credit
estimate for special equipment (credit per year, carry-forward, the arithmetic explained)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.equipment.deps import READ, page_require_any
from huanxin.equipment.pages.projects import bp, fen
from huanxin.equipment.service import subsidy, taxcredit
from huanxin.equipment.vocab import REPAYMENTS
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require_any(*READ))]
TAX_YEARS = 6  # the year of purchase and the 5 carry-forward years


def _int(value: str, field: str, label: str) -> int:
    if not value.strip().isdigit():
        raise InvalidInput(f"{label}应为整数", field=field)
    return int(value)


def _subsidy(form: dict[str, str]) -> subsidy.SubsidyQuote:
    cap = form.get("cap", "").strip()
    return subsidy.quote(
        loan_fen=fen(form.get("loan", ""), "loan_fen"),
        rate_bp=bp(form.get("rate", ""), "rate_bp", "贷款年利率"),
        subsidy_bp=bp(form.get("points", ""), "subsidy_bp", "贴息点数"),
        term_months=_int(form.get("term", ""), "term_months", "贷款期限"),
        max_months=_int(form.get("max_months", ""), "max_months", "贴息期限"),
        repayment=form.get("repayment", ""),
        cap_fen=fen(cap, "cap_fen") if cap else None,
    )


def _taxes(form: dict[str, str], first: int) -> list[tuple[int, int]]:
    filled = [form.get(f"tax_{k}", "").strip() for k in range(TAX_YEARS)]
    last = max((k for k, v in enumerate(filled) if v), default=-1)
    out = []
    for k in range(last + 1):
        if not filled[k]:
            raise InvalidInput(f"请填写{first + k}年应纳税额（可填0）", field="taxes")
        out.append((first + k, fen(filled[k], "tax_fen")))
    return out


def _tax(form: dict[str, str]) -> taxcredit.TaxCreditEstimate:
    year = _int(form.get("year", ""), "year", "投资年度")
    return taxcredit.estimate(
        investments=[(year, fen(form.get("investment", ""), "investment_fen"))],
        taxes=_taxes(form, year),
        share_bp=bp(form.get("share", ""), "share_bp", "抵免比例"),
        carry_years=_int(form.get("carry", ""), "carry_years", "结转年限"),
    )


def _defaults() -> dict[str, str]:
    return {
        "points": f"{subsidy.DEFAULT_SUBSIDY_BP / 100:g}",
        "term": "24",
        "max_months": str(subsidy.MAX_SUBSIDY_MONTHS),
        "repayment": "equal_principal",
        "share": f"{taxcredit.SHARE_BP / 100:g}",
        "carry": str(taxcredit.CARRY_YEARS),
        "year": str(today_cn().year),
    }


@router.get("/equipment/calculators")
def calculators(request: Request, actor: Reader) -> HTMLResponse:
    form = _defaults() | {k: str(v) for k, v in request.query_params.items()}
    calc = form.get("calc", "")
    result: dict[str, object] = {}
    compute: Callable[[dict[str, str]], object] | None = {"subsidy": _subsidy, "tax": _tax}.get(
        calc
    )
    error, status = None, 200
    if compute is not None:
        found, refused = kit.outcome(lambda: compute(form))
        if refused is None:
            result[calc] = found
        else:
            error, status = refused.message, refused.status
    return render(
        request,
        "equipment/calculators.html",
        status_code=status,
        form=form,
        calc=calc,
        result=result,
        error=error,
        repayments=REPAYMENTS,
        subsidy_source=subsidy.SOURCE_ZH,
        subsidy_rule=subsidy.rule_zh(),
        tax_source=taxcredit.SOURCE_ZH,
        tax_notes=taxcredit.NOTES_ZH,
        tax_years=TAX_YEARS,
    )
