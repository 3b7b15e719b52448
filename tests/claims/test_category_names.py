"""Categories by their Chinese names (and pinyin): the quote page, the consumer's quota, the
API and the CLI find 冰箱 as the refrigerator; an unknown category is refused as such, never
quoted as 0 元. Sale dates that cannot be true are refused with the date and the reason."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

import builders
import tradein
from huanxin.claims.models import Claim, Quota
from huanxin.core.clock import today_cn
from huanxin.core.vocab import CATEGORIES, CATEGORY_LABELS
from huanxin.db import Database
from huanxin.policy.cli import policy_app

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def _total(html: str) -> str:
    found = re.search(r"合计补贴 ([\d,.]+) 元", html)
    assert found, html
    return found.group(1)


def test_every_shipped_category_has_its_name_in_the_label_table() -> None:
    for path in POLICIES.glob("*.yaml"):
        for category in yaml.safe_load(path.read_text(encoding="utf-8"))["categories"]:
            assert CATEGORY_LABELS.get(category["code"]) == category["name"], path.name


@pytest.mark.parametrize("typed", ["冰箱", "电冰箱", "refrigerator", "bingxiang", "bx", " 冰 箱 "])
def test_names_aliases_and_pinyin_find_the_refrigerator(typed: str) -> None:
    assert CATEGORIES.resolve(typed, field="category") == "refrigerator"


def test_quote_by_name_on_the_page_and_the_api_and_unknown_refused(database: Database) -> None:
    tradein.setup(database)
    _quote_page(database)
    _quote_page_refusals(database)
    _api_quote(database)


def _quote_page(database: Database) -> None:
    page = builders.web_client(database, "consumer.140521")
    by_code = page.get(
        "/quote",
        params={"category": "refrigerator", "price": "3000", "grade": "1", "on": "2025-06-01"},
    )
    by_name = page.get(
        "/quote", params={"category": "冰箱", "price": "3000", "grade": "1", "on": "2025-06-01"}
    )
    assert _total(by_name.text) == _total(by_code.text) == "600.00"
    assert 'value="电冰箱"' in by_name.text  # the field shows the name it understood
    assert '<datalist id="category-options">' in by_name.text
    assert "refrigerator" not in by_name.text.split("<datalist")[0]


def _quote_page_refusals(database: Database) -> None:
    page = builders.web_client(database, "consumer.140521")
    unknown = page.get("/quote", params={"category": "冰柜箱", "price": "3000", "on": "2025-06-01"})
    assert "品类“冰柜箱”不在可选范围内" in unknown.text
    assert "合计补贴" not in unknown.text
    negative = page.get("/quote", params={"category": "冰箱", "price": "-5", "on": "2025-06-01"})
    assert "成交价" in negative.text and "pydantic" not in negative.text
    elsewhere = page.get("/quote", params={"category": "适老化改造", "price": "9000"})
    assert "当地没有“居家适老化改造”的补贴政策" in elsewhere.text


def _api_quote(database: Database) -> None:
    api = builders.api_client(database, "consumer.140521")
    body = {
        "jurisdiction_code": "140521",
        "purchase_date": "2025-06-01",
        "price_fen": 300000,
        "grade": 1,
    }
    by_name = api.post("/api/v1/quote", json={**body, "category": "冰箱"})
    by_code = api.post("/api/v1/quote", json={**body, "category": "refrigerator"})
    assert by_name.status_code == 200, by_name.text
    assert by_name.json()["total_fen"] == by_code.json()["total_fen"] == 60000
    unknown = api.post("/api/v1/quote", json={**body, "category": "fridge"})
    assert unknown.status_code == 422
    assert unknown.json() == {
        "code": "unknown_code",
        "field": "category",
        "message": "品类“fridge”不在可选范围内，请从列表中选择",
    }


def test_cli_quote_accepts_names_and_refuses_unknown() -> None:
    args = [
        "quote",
        "--jurisdiction",
        "140521",
        "--date",
        "2025-06-01",
        "--price",
        "3000",
        "--grade",
        "1",
        "--category",
    ]
    by_name = CliRunner().invoke(policy_app, [*args, "冰箱"])
    assert by_name.exit_code == 0, by_name.output
    assert "补贴合计600.00元" in by_name.output
    unknown = CliRunner().invoke(policy_app, [*args, "冰柜箱"])
    assert unknown.exit_code != 0
    assert "品类“冰柜箱”不在可选范围内" in unknown.output


def test_quota_by_name_and_sale_dates_that_cannot_be_true(database: Database) -> None:
    tradein.setup(database)
    _consumer_quota_by_name(database)
    _sale_dates(database)


def _consumer_quota_by_name(database: Database) -> None:
    page = builders.web_client(database, "consumer.140521")
    form = page.get("/my")
    assert 'list="category-options"' in form.text and "如 refrigerator" not in form.text
    done = page.post(
        "/my/quotas",
        data={"csrf_token": _csrf(form.text), "category": "冰箱"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with database.sessions() as session:
        assert session.scalars(select(Quota.category)).all() == ["refrigerator"]
    listed = page.get("/my").text.split('id="quotas"')[1].split("</table>")[0]
    assert "电冰箱" in listed and "refrigerator" not in listed
    refused = page.post("/my/quotas", data={"csrf_token": _csrf(form.text), "category": "冰柜箱"})
    assert refused.status_code == 422 and "品类“冰柜箱”不在可选范围内" in refused.text


def _quota(db: Database, on: str) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "冰箱", "on_date": on},
        headers={"Idempotency-Key": f"q-{on}"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["category"] == "refrigerator"
    return str(r.json()["code"])


def _sale_dates(database: Database) -> None:
    merchant = builders.api_client(database, "merchant.140521")
    code = _quota(database, "2025-06-10")
    early = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "early"},
        json=tradein.sale(quota_code=code, purchase_date="2025-06-01"),
    )
    assert early.status_code == 422
    assert early.json() == {
        "code": "sale_date_impossible",
        "field": "purchase_date",
        "message": "购买日期2025-06-01早于补贴资格领取日期2025-06-10：须先领取资格、再购买",
    }
    tomorrow = (today_cn() + timedelta(days=1)).isoformat()
    future = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "future"},
        json=tradein.sale(quota_code=code, purchase_date=tomorrow),
    )
    assert future.status_code == 422 and future.json()["field"] == "purchase_date"
    assert f"购买日期{tomorrow}晚于今天" in future.json()["message"]
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 0
        assert session.scalars(select(Quota.state).where(Quota.code == code)).all() == ["issued"]
    same_day = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": "ok"},
        json=tradein.sale(quota_code=code, category="冰箱", purchase_date="2025-06-10"),
    )
    assert same_day.status_code == 201, same_day.text
    assert same_day.json()["category"] == "refrigerator"
