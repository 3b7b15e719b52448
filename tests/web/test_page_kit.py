"""The page kit: a form refusal names the field by its label and keeps the form; the download
header follows RFC 6266; charts use the one font; list links keep every other parameter; list exports show amounts as numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook
from pydantic import Field
from starlette.datastructures import FormData

from huanxin.core.bounds import Code
from huanxin.core.errors import InvalidInput
from huanxin.core.money import yuan_number
from huanxin.web.kit import charts, downloads, forms
from huanxin.web.kit.lists import Column, ListSpec, Page, xlsx


class _Sale(forms.PageForm):
    price: forms.Yuan
    purchase_date: forms.Day
    grade: forms.OptionalWhole = None
    checklist: list[Code] = Field(default_factory=list, max_length=20)


def _refusal(data: dict[str, str]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        forms.parse(_Sale, data)
    return caught.value


def test_a_form_parses_into_typed_values() -> None:
    data = FormData(
        [
            ("price", "5999.5"),
            ("purchase_date", "2026-05-01"),
            ("grade", ""),
            ("csrf_token", "t"),
            ("checklist", "invoice"),
            ("checklist", "id_card"),
        ]
    )
    sale = forms.parse(_Sale, data)
    assert (sale.price, sale.purchase_date, sale.grade) == (599950, date(2026, 5, 1), None)
    assert sale.checklist == ["invoice", "id_card"]
    assert forms.text_of(data)["price"] == "5999.5" and "csrf_token" not in forms.text_of(data)


def test_a_refusal_names_the_field_by_its_label() -> None:
    bad_price = _refusal({"price": "12.345", "purchase_date": "2026-05-01"})
    assert (bad_price.field, bad_price.message) == (
        "price",
        "价格：金额格式不正确（元，最多两位小数）",
    )
    missing = _refusal({"price": "", "purchase_date": "2026-05-01"})
    assert missing.message == "价格：必填"
    free = _refusal({"price": "0", "purchase_date": "2026-05-01"})
    assert free.message == "价格：数值过小（必须大于 0）"
    bad_day = _refusal({"price": "1", "purchase_date": "2026-13-01"})
    assert bad_day.field == "purchase_date" and bad_day.message.startswith("购买日期：日期格式")
    shown = forms.PageError.of(InvalidInput("必须是非负整数", field="grade"))
    assert (str(shown), shown.at("grade"), shown.at("price")) == (
        "能效等级：必须是非负整数",
        str(shown),
        "",
    )


def test_downloads_carry_the_name_in_utf8_and_an_ascii_fallback() -> None:
    header = downloads.disposition("补贴申请-2026-05-01.xlsx")
    assert header == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E8%A1%A5%E8%B4%B4%E7%94%B3%E8%AF%B7-2026-05-01.xlsx"
    )
    assert downloads.disposition('a"b c.csv') == (
        "attachment; filename=\"a-b-c.csv\"; filename*=UTF-8''a%22b%20c.csv"
    )


def test_charts_use_the_one_font_and_carry_no_date() -> None:
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().set_title("补贴", fontproperties=charts.font(12))
    svg = charts.svg(fig)
    assert svg.startswith("<?xml") and "<dc:date>" not in svg
    assert charts.font_path().name == "NotoSansCJKsc-Regular.otf"


def test_list_links_keep_the_filters_and_search() -> None:
    spec = ListSpec("申请", (Column("id", "编号", object(), lambda r: r),), "-id", object())
    page = Page(spec, "/claims", [], 120, 2, 50, "-id", "冰箱", {"state": "waiting"})
    assert page.pages == 3
    link = parse_qs(urlsplit(page.page_href(3)).query)
    assert link == {"q": ["冰箱"], "sort": ["-id"], "state": ["waiting"], "page": ["3"]}
    assert parse_qs(urlsplit(page.sort_href("id")).query)["sort"] == ["id"]
    assert "page" not in page.export_href("/claims.xlsx")


def test_list_export_shows_amounts_as_numbers_with_separators() -> None:
    spec = ListSpec(
        "申请",
        (
            Column("no", "编号", None, lambda r: r[0]),
            Column("amount", "补贴（元）", None, lambda r: yuan_number(r[1])),
        ),
        "no",
        object(),
    )
    sheet = load_workbook(io.BytesIO(xlsx(spec, [("=1+1", 123_456_789)]))).active
    assert sheet is not None
    assert sheet["A2"].value == "'=1+1"  # formula-safe, as before
    amount = sheet["B2"]
    assert Decimal(str(amount.value)) == Decimal("1234567.89")  # a number, not text
    assert amount.number_format == "#,##0.00"
