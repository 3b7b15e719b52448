"""Third-party valuation reports as the page kit pages, sorts, filters, searches and exports
them: the bureau's /secondhand/valuations (every report in scope; it listed them all on one
page) and a valuer's own /secondhand/reports, newest valuation first."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import Dealer, ValuationReport
from huanxin.web.kit.lists import Column, Filter, ListSpec


def _matching(text: str) -> ColumnElement[bool]:
    """Reports by number, brand, model or serial, or of a valuer whose name holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    valuers = (
        select(Dealer.id)
        .join(Organization, Organization.id == Dealer.org_id)
        .where(Organization.name.ilike(part))
    )
    return or_(
        ValuationReport.report_no.ilike(part),
        ValuationReport.brand.ilike(part),
        ValuationReport.model.ilike(part),
        ValuationReport.serial.ilike(part),
        ValuationReport.valuer_id.in_(valuers),
    )


def _value(row: dict[str, Any]) -> Decimal:
    return Decimal(row["value_fen"]) / 100


SPEC = ListSpec(
    title="评估报告",
    columns=(
        Column("number", "报告编号", ValuationReport.report_no, lambda r: r["report_no"]),
        Column("valuer", "评估机构", None, lambda r: r["valuer"]),
        Column(
            "category", "品类", ValuationReport.category, lambda r: vocab.CATEGORIES[r["category"]]
        ),
        Column("device", "设备", ValuationReport.brand, lambda r: f"{r['brand']} {r['model']}"),
        Column("serial", "序列号", ValuationReport.serial, lambda r: r["serial"]),
        Column("grade", "成色", ValuationReport.grade, lambda r: vocab.GRADES[r["grade"]]),
        Column("value", "评估价值（元）", ValuationReport.value_fen, _value),
        Column("date", "评估日期", ValuationReport.valued_on, lambda r: r["valued_on"]),
    ),
    default_sort="-date",
    tiebreak=ValuationReport.id,
    search=_matching,
    search_hint="报告编号、品牌、型号、序列号或评估机构",
    filters=(
        Filter("category", "品类", vocab.CATEGORIES, lambda v: ValuationReport.category == v),
        Filter("grade", "成色", vocab.GRADES, lambda v: ValuationReport.grade == v),
    ),
)

# A valuer's own reports: the same list and export under the valuer's title.
OWN = replace(SPEC, title="本机构评估报告")
