"""A merchant statement as files: an .xlsx workbook (summary, sales, payments, clawbacks) and
a PDF drawn with matplotlib in the Noto Sans CJK font shipped inside ``mplfonts`` (no system
fonts, no network). Amounts are yuan from integer fen: numbers shown with thousands
separators in the workbook (a spreadsheet still sums them), separated text in the PDF."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import mplfonts
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from huanxin.claims.service.statements import Statement
from huanxin.core.clock import today_cn
from huanxin.core.exports import YUAN_FORMAT, safe_row
from huanxin.core.money import yuan_number
from huanxin.core.vocab import CATEGORIES

SALES_HEADERS = ["申请编号", "核销日期", "品类", "型号", "售价（元）", "补贴（元）", "当前状态"]
PAYMENT_HEADERS = ["批次号", "付款单号", "到账日期", "金额（元）", "银行流水号"]
CLAWBACK_HEADERS = ["申请编号", "退货日期", "追回金额（元）"]
ROWS_PER_PAGE = 38


def _text(value: object) -> str:
    """A cell as a person reads it in the PDF: amounts with thousands separators."""
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def summary(s: Statement) -> list[tuple[str, object]]:
    f = s.figures
    return [
        ("商户", s.merchant.name),
        ("对账期间", f"{s.first} 至 {s.last}"),
        ("期初应付余额（元）", yuan_number(s.opening_fen)),
        ("本期销售（笔）", str(f.sales_count)),
        ("本期销售额（元）", yuan_number(f.sales_fen)),
        ("本期补贴（元）", yuan_number(f.subsidies_fen)),
        ("撤销及未付退货冲减（元）", yuan_number(f.reversed_fen)),
        ("本期已支付（元）", yuan_number(f.paid_fen)),
        ("本期追回（元）", yuan_number(f.clawed_back_fen)),
        ("期末应付余额（元）", yuan_number(s.closing_fen)),
    ]


def _sales_rows(s: Statement) -> list[list[object]]:
    return [
        [
            r.claim_id,
            r.day,
            CATEGORIES.label(r.category),
            r.model,
            yuan_number(r.price_fen),
            yuan_number(r.subsidy_fen),
            r.state,
        ]
        for r in s.figures.sales
    ]


def _payment_rows(s: Statement) -> list[list[object]]:
    return [
        [r.batch_id, r.item_id, r.day, yuan_number(r.amount_fen), r.bank_ref]
        for r in s.figures.payments
    ]


def _clawback_rows(s: Statement) -> list[list[object]]:
    return [[r.claim_id, r.day, yuan_number(r.amount_fen)] for r in s.figures.clawbacks]


def to_xlsx(s: Statement) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    for label, value in summary(s):
        sheet.append(safe_row([label, value]))
    _format_amounts(sheet)
    for title, headers, rows in (
        ("销售明细", SALES_HEADERS, _sales_rows(s)),
        ("支付明细", PAYMENT_HEADERS, _payment_rows(s)),
        ("追回明细", CLAWBACK_HEADERS, _clawback_rows(s)),
    ):
        ws = book.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append(safe_row(row))
        _format_amounts(ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format_amounts(sheet: Any) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, (Decimal, float)):
                cell.number_format = YUAN_FORMAT


@cache
def _font_path() -> Path:
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"CJK font missing from the mplfonts package: {path}")
    return path


def _font(size: float) -> FontProperties:
    return FontProperties(fname=_font_path(), size=size)


def _page(pdf: PdfPages, title: str, lines: list[str]) -> None:
    figure = Figure(figsize=(8.27, 11.69))  # A4 portrait
    figure.text(0.08, 0.95, title, fontproperties=_font(14))
    for i, line in enumerate(lines):
        figure.text(0.08, 0.91 - i * 0.022, line, fontproperties=_font(9))
    pdf.savefig(figure)  # type: ignore[no-untyped-call]


def to_pdf(s: Statement) -> bytes:
    """The statement on A4 pages: the summary, then the sales, payments and clawbacks."""
    title = f"商户补贴对账单（{s.month}）"
    lines = [f"{label}：{_text(value)}" for label, value in summary(s)]
    lines += ["", f"出具日期：{today_cn()}"]
    detail = _detail_lines(s)
    out = io.BytesIO()
    with PdfPages(out, metadata={"Title": title, "Creator": "huanxin"}) as pdf:
        room = ROWS_PER_PAGE - len(lines) - 1
        _page(pdf, title, [*lines, "", *detail[:room]])
        rest = detail[room:]
        for start in range(0, len(rest), ROWS_PER_PAGE):
            _page(pdf, f"{title}（续）", rest[start : start + ROWS_PER_PAGE])
    return out.getvalue()


def _detail_lines(s: Statement) -> list[str]:
    lines = ["销售明细：" + " | ".join(SALES_HEADERS)]
    lines += [" | ".join(map(_text, r)) for r in _sales_rows(s)] or ["（无）"]
    lines += ["", "支付明细：" + " | ".join(PAYMENT_HEADERS)]
    lines += [" | ".join(map(_text, r)) for r in _payment_rows(s)] or ["（无）"]
    lines += ["", "追回明细：" + " | ".join(CLAWBACK_HEADERS)]
    lines += [" | ".join(map(_text, r)) for r in _clawback_rows(s)] or ["（无）"]
    return lines
