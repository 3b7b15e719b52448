"""The two calculators: interest subsidy (defaults from the cited rule, kept as parameters)
and the special-equipment tax credit (10%, 5-year carry-forward, integer fen, explained)."""

from __future__ import annotations

import pytest

import builders
from huanxin.core.errors import InvalidInput
from huanxin.db import Database
from huanxin.equipment.service import subsidy, taxcredit
from huanxin.equipment.service.taxcredit import VintageUse, estimate

# --- tax credit -------------------------------------------------------------------------


def test_defaults_follow_the_cited_rule() -> None:
    assert taxcredit.SHARE_BP == 1000 and taxcredit.CARRY_YEARS == 5
    assert "第一百条" in taxcredit.SOURCE_ZH and "10%" in taxcredit.SOURCE_ZH
    assert "5个纳税年度" in taxcredit.SOURCE_ZH


def test_credit_used_in_year_then_carried_forward() -> None:
    r = estimate(
        investments=[(2025, 1_234_567_89)],
        taxes=[(2025, 30_000_00), (2026, 50_000_00), (2027, 80_000_00)],
    )
    # 10% of 1 234 567.89 yuan = 123 456.789 -> 123 456.79 yuan (half-up to the fen)
    assert r.credit_fen == 12_345_679
    assert [(y.used_fen, y.tax_after_fen, y.carried_fen) for y in r.years] == [
        (3_000_000, 0, 9_345_679),
        (5_000_000, 0, 4_345_679),
        (4_345_679, 3_654_321, 0),
    ]
    assert r.used_fen == r.credit_fen and r.expired_fen == 0
    assert r.explanation[0].startswith(
        "2025年：应纳税额30,000.00元；新增抵免额＝专用设备投资额1,234,567.89元×10%＝123,456.79元"
    )


def test_unused_credit_expires_after_five_years_oldest_first() -> None:
    taxes = [(y, 5_000_00) for y in range(2020, 2027)]
    r = estimate(investments=[(2020, 500_000_00), (2022, 100_000_00)], taxes=taxes)
    by_year = {y.year: y for y in r.years}
    # the 2020 credit (50 000) can be used 2020-2025: 6 × 5 000 = 30 000, 20 000 lapses in 2026
    assert by_year[2026].expired_fen == 20_000_00
    assert by_year[2025].used_by_vintage == [VintageUse(2020, 5_000_00)]
    assert by_year[2026].used_by_vintage == [VintageUse(2022, 5_000_00)]
    assert r.carry_forward_fen == 5_000_00 and r.expired_fen == 20_000_00
    assert "仍可结转5,000.00元" in r.explanation[-1]


def test_share_and_carry_years_are_parameters() -> None:
    r = estimate(
        investments=[(2024, 100_000_00)], taxes=[(2024, 0), (2025, 0)], share_bp=2000, carry_years=0
    )
    assert r.credit_fen == 20_000_00
    assert r.expired_fen == 20_000_00 and r.carry_forward_fen == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"investments": [(2025, 0)]}, "investments"),
        ({"investments": [(2030, 100)]}, "investments"),
        ({"taxes": [(2025, 1), (2027, 1)]}, "taxes"),
        ({"taxes": [(2025, -1)]}, "taxes"),
        ({"share_bp": 0}, "share_bp"),
        ({"carry_years": 11}, "carry_years"),
    ],
)
def test_bad_terms_name_the_field(kwargs: dict[str, object], field: str) -> None:
    terms: dict[str, object] = {"investments": [(2025, 100)], "taxes": [(2025, 10)]}
    with pytest.raises(InvalidInput) as exc:
        estimate(**(terms | kwargs))  # type: ignore[arg-type]
    assert exc.value.field == field


def test_tax_credit_api(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    body = {
        "investments": [{"year": 2025, "amount_fen": 100_000_00}],
        "taxes": [{"year": 2025, "amount_fen": 4_000_00}, {"year": 2026, "amount_fen": 9_000_00}],
    }
    r = c.post("/api/v1/equipment/tax-credit-quote", json=body)
    assert r.status_code == 200, r.text
    assert [y["used_fen"] for y in r.json()["years"]] == [4_000_00, 6_000_00]
    assert r.json()["share_bp"] == 1000 and r.json()["source_urls"]
    bad = c.post("/api/v1/equipment/tax-credit-quote", json=body | {"share_bp": 20_000})
    assert bad.status_code == 422 and bad.json()["field"] == "share_bp"
    anonymous = builders.client(db).post("/api/v1/equipment/tax-credit-quote", json=body)
    assert anonymous.status_code == 401


# --- interest subsidy -------------------------------------------------------------------


def test_subsidy_defaults_are_cited_parameters() -> None:
    assert subsidy.DEFAULT_SUBSIDY_BP == 150 and subsidy.MAX_SUBSIDY_MONTHS == 24
    assert "1104号" in subsidy.SOURCE_ZH and "1.5个百分点" in subsidy.SOURCE_ZH
    q = subsidy.quote(loan_fen=1_200_000_00, rate_bp=345, term_months=36, repayment="bullet")
    assert q.subsidy_bp == 150 and len(q.periods) == 24
    assert q.subsidy_fen == 24 * 150_000  # 1.2 m yuan × 1.5% ÷ 12 = 1 500 yuan a month
    longer = subsidy.quote(
        loan_fen=1_200_000_00,
        rate_bp=345,
        term_months=36,
        repayment="bullet",
        subsidy_bp=100,
        max_months=36,
    )
    assert len(longer.periods) == 36 and longer.subsidy_fen == 36 * 100_000
    assert "最长36个月" in longer.rule
    with pytest.raises(InvalidInput) as exc:
        subsidy.quote(loan_fen=100, rate_bp=345, term_months=12, repayment="bullet", max_months=0)
    assert exc.value.field == "max_months"


def test_subsidy_quote_api_uses_defaults(db: Database) -> None:
    c = builders.api_client(db, "department.140521")
    r = c.post(
        "/api/v1/equipment/subsidy-quote",
        json={
            "loan_fen": 1_200_000_00,
            "rate_bp": 345,
            "term_months": 12,
            "repayment": "equal_principal",
        },
    )
    assert r.status_code == 200, r.text
    periods = r.json()["periods"]
    assert periods[0]["subsidy_fen"] == 150_000 and periods[-1]["subsidy_fen"] == 12_500
    assert "1104号" in r.json()["source"]


# --- the page ---------------------------------------------------------------------------


def test_calculator_page_both_forms(db: Database) -> None:
    c = builders.web_client(db, "enterprise.140521")
    page = c.get("/equipment/calculators")
    assert page.status_code == 200 and 'value="1.5"' in page.text and "第一百条" in page.text
    q = c.get(
        "/equipment/calculators",
        params={
            "calc": "subsidy",
            "loan": "1200000",
            "rate": "3.45",
            "points": "1.5",
            "term": "12",
            "max_months": "24",
            "repayment": "bullet",
        },
    )
    assert q.status_code == 200 and "18,000.00" in q.text  # 12 × 1 500 yuan
    t = c.get(
        "/equipment/calculators",
        params={
            "calc": "tax",
            "year": "2024",
            "investment": "100000",
            "share": "10",
            "carry": "5",
            "tax_0": "4000",
            "tax_1": "9000",
        },
    )
    assert t.status_code == 200 and 'id="tax-explanation"' in t.text
    assert "抵免后应纳税额＝9,000.00−6,000.00＝3,000.00元" in t.text
    gap = c.get(
        "/equipment/calculators",
        params={
            "calc": "tax",
            "year": "2024",
            "investment": "100000",
            "share": "10",
            "carry": "5",
            "tax_0": "4000",
            "tax_2": "9000",
        },
    )
    assert gap.status_code == 422 and "请填写2025年应纳税额" in gap.text
    bad = c.get(
        "/equipment/calculators",
        params={
            "calc": "subsidy",
            "loan": "abc",
            "rate": "3.45",
            "points": "1.5",
            "term": "12",
            "max_months": "24",
            "repayment": "bullet",
        },
    )
    assert bad.status_code == 422 and "贷款金额格式不正确（元，最多两位小数）" in bad.text
