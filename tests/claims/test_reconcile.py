"""Reconciliation: the bank's file against payments (one payment covering two claims), the
card organisation's file against claims, mismatches listed and acted on, re-imports
recognised, rows of another jurisdiction refused by row with nothing stored."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import builders
import settled_world
from huanxin.claims.models import ReconFile, ReconLine
from huanxin.core.money import yuan
from huanxin.db import Database

BANK = "区划代码,批次号,付款单号,收款方名称,金额（元）,银行流水号,交易日期\n"
CARD = "区划代码,核销流水号,资格券码,商户名称,补贴金额（元）,核销日期\n"


def _post(db: Database, kind: str, body: str, key: str, name: str = "f.csv") -> object:
    return builders.api_client(db, "finance.140521").post(
        "/api/v1/reconciliation/files",
        data={"kind": kind},
        files={"file": (name, body.encode(), "text/csv")},
        headers={"Idempotency-Key": key},
    )


def _counts(db: Database) -> tuple[int, int]:
    with db.sessions() as session:
        files = session.scalar(select(func.count()).select_from(ReconFile)) or 0
        lines = session.scalar(select(func.count()).select_from(ReconLine)) or 0
    return files, lines


def test_a_payment_covering_two_claims_matches_and_a_second_import_changes_nothing(
    database: Database,
) -> None:
    w = settled_world.build(database)
    body = BANK + f"140521,{w.batch_id},{w.item_id},商户,{yuan(w.item_fen)},BANK1,2026-11-03\n"
    first = _post(database, "bank", body, "k1")
    assert first.status_code == 200, first.text  # type: ignore[attr-defined]
    data = first.json()  # type: ignore[attr-defined]
    assert (data["matched"], data["mismatched"], data["repeated"]) == (1, 0, False)
    assert [(x["outcome"], x["payment_item_id"], x["claim_count"]) for x in data["lines"]] == [
        ("matched", w.item_id, 2)
    ]
    stored = _counts(database)
    again = _post(database, "bank", body, "k2").json()  # type: ignore[attr-defined]
    assert again["repeated"] is True and again["id"] == data["id"]
    assert _counts(database) == stored


def test_bank_mismatches_extra_missing_and_amount_are_listed_for_action(
    database: Database,
) -> None:
    w = settled_world.build(database)
    extra = BANK + f"140521,{w.batch_id},999999,某商户,10.00,BANK9,2026-11-03\n"
    lines = _post(database, "bank", extra, "e").json()["lines"]  # type: ignore[attr-defined]
    assert sorted((x["outcome"], x["row_no"], x["expected_fen"]) for x in lines) == [
        ("extra", 2, None),
        ("missing", None, w.item_fen),
    ]
    wrong = BANK + f"140521,{w.batch_id},{w.item_id},商户,{yuan(w.item_fen + 1)},B,2026-11-03\n"
    line = _post(database, "bank", wrong, "w").json()["lines"][0]  # type: ignore[attr-defined]
    assert (line["outcome_label"], line["expected_fen"], line["reported_fen"]) == (
        "金额不符",
        w.item_fen,
        w.item_fen + 1,
    )
    finance = builders.api_client(database, "finance.140521")
    listed = finance.get("/api/v1/reconciliation/mismatches").json()
    assert len(listed) == 3
    empty = finance.post(
        f"/api/v1/reconciliation/lines/{line['id']}/resolve",
        json={"note": " "},
        headers={"Idempotency-Key": "r0"},
    )
    assert empty.status_code == 422 and empty.json()["field"] == "note"
    done = finance.post(
        f"/api/v1/reconciliation/lines/{line['id']}/resolve",
        json={"note": "银行多付1分，已发函追回"},
        headers={"Idempotency-Key": "r1"},
    )
    assert done.status_code == 200 and done.json()["resolved"] is True
    assert len(finance.get("/api/v1/reconciliation/mismatches").json()) == 2


def test_card_redemptions_match_claims_one_to_one(database: Database) -> None:
    w = settled_world.build(database)
    body = CARD + (
        f"140521,UP1,{w.quota_codes[0]},商户,{yuan(w.subsidies[0])},2025-06-01\n"
        "140521,UP2,NOSUCHQ1,商户,100.00,2025-06-01\n"
    )
    lines = _post(database, "card", body, "c").json()["lines"]  # type: ignore[attr-defined]
    assert sorted((x["outcome"], x["claim_id"]) for x in lines) == [
        ("extra", None),
        ("matched", w.claim_ids[0]),
        ("missing", w.claim_ids[1]),  # sold that day, not in the card organisation's file
    ]


@pytest.mark.parametrize(
    ("row", "status", "code", "message"),
    [
        (
            "371525,UP3,Q3,外县商户,1.00,2025-06-01",
            403,
            "reconciliation_row_outside_jurisdiction",
            "第3行：区划代码371525不在您的管辖范围内，整份文件未导入",
        ),
        (
            "140521,UP3,Q3,商户,一百元,2025-06-01",
            422,
            "reconciliation_file_invalid",
            "第3行：补贴金额（元）格式不正确",
        ),
        (
            "140521,UP1,Q3,商户,1.00,2025-06-01",
            422,
            "reconciliation_file_invalid",
            "第3行：核销流水号「UP1」重复",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_it(
    database: Database, row: str, status: int, code: str, message: str
) -> None:
    w = settled_world.build(database)
    body = CARD + f"140521,UP1,{w.quota_codes[0]},商户,1.00,2025-06-01\n{row}\n"
    r = _post(database, "card", body, "bad")
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.json()["code"] == code and r.json()["message"] == message  # type: ignore[attr-defined]
    assert _counts(database) == (0, 0)


def test_templates_and_the_page(database: Database) -> None:
    settled_world.build(database)
    finance = builders.api_client(database, "finance.140521")
    for kind, first in (("bank", "区划代码"), ("card", "区划代码")):
        sheet = finance.get(f"/api/v1/reconciliation/templates/{kind}.xlsx")
        book = load_workbook(io.BytesIO(sheet.content))
        assert next(book.active.iter_rows(values_only=True))[0] == first
    web = builders.web_client(database, "finance.140521")
    csrf = web.get("/reconciliation").text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = web.post(
        "/reconciliation/files",
        data={"kind": "card", "csrf_token": csrf},
        files={
            "file": ("x.csv", (CARD + "371525,U,Q,商户,1.00,2025-06-01\n").encode(), "text/csv")
        },
    )
    assert refused.status_code == 403
    assert "第2行：区划代码371525不在您的管辖范围内" in refused.text
