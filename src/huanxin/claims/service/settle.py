"""Settlement (结算): payment batches per payee, the bank file, the bank's result.

A batch takes the approved claims in the finance user's scope, one payment per payee, with
that payee's outstanding clawbacks netted. Spending is committed only when the bank
confirms a payment; a failed payment sends its claims back to approved for the next batch.
Importing the same result twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims import ports
from huanxin.claims.models import Claim, Clawback, PaymentBatch, PaymentItem
from huanxin.claims.service import catalogue, common, national, quotas
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, MalformedFile, NotFound, UnrelatedReference
from huanxin.core.exports import safe_row
from huanxin.core.faults import crash_point
from huanxin.core.models import Organization
from huanxin.core.money import yuan

BANK_HEADERS = ["批次号", "付款单号", "收款方", "收款方名称", "金额（元）"]
RESULT_HEADERS = ["付款单号", "结果", "银行流水号", "失败原因"]


def _payee_name(session: Session, actor: Actor, payee: str) -> str:
    """The payee's name. A merchant registered elsewhere (a programme that lets its quotas be
    redeemed anywhere in its area) is still paid for the claims of this scope."""
    kind, _, ref = payee.partition(":")
    if kind == "org":
        org = session.get(Organization, int(ref))
        return org.name if org else "收款单位"
    return "个人申请人"


def create_batch(session: Session, actor: Actor) -> PaymentBatch:
    claims = list(
        session.scalars(
            common.readable(actor)
            .where(Claim.state == "approved")
            .order_by(Claim.id)
            .with_for_update()
        )
    )
    held = ports.held_for_review(session, [c.id for c in claims])  # risky claims wait for review
    held |= national.held(session, [c.id for c in claims])  # keys not yet confirmed nationally
    claims = [c for c in claims if c.id not in held]
    if not claims:
        raise Conflict("没有待支付的已审核申请")
    batch = PaymentBatch(
        jurisdiction_code=actor.jurisdiction_code,
        state="open",
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    totals: dict[str, int] = defaultdict(int)
    for claim in claims:
        common.transition(session, actor, claim, "batched", note=f"纳入支付批次{batch.id}")
        claim.batch_id = batch.id
        totals[claim.payee] += claim.subsidy_fen
    for payee, amount in sorted(totals.items()):
        item = PaymentItem(
            batch_id=batch.id,
            payee=payee,
            payee_name=_payee_name(session, actor, payee),
            amount_fen=amount,
            state="pending",
        )
        session.add(item)
        session.flush()
        item.amount_fen -= _net_clawbacks(session, actor, payee, item)
    batch.total_fen = sum(totals.values())
    audit.record(
        session,
        actor,
        "settlement.batch_created",
        object_type="payment_batch",
        object_id=batch.id,
        after={"claims": len(claims), "total_fen": batch.total_fen},
    )
    return batch


def _net_clawbacks(session: Session, actor: Actor, payee: str, item: PaymentItem) -> int:
    """Net the payee's open clawbacks of claims in the batch's own scope: a clawback owed to
    another county's pools is recovered there, not kept by this county's payment."""
    in_scope = select(Claim.id).where(Claim.jurisdiction_code.in_(actor.scope_codes))
    open_ = session.scalars(
        select(Clawback)
        .where(
            Clawback.payee == payee,
            Clawback.netted_in_item_id.is_(None),
            Clawback.claim_id.in_(in_scope),
        )
        .with_for_update()
    )
    netted = 0
    for clawback in open_:
        if netted + clawback.amount_fen > item.amount_fen:
            break
        clawback.netted_in_item_id = item.id
        netted += clawback.amount_fen
    return netted


def get_batch(session: Session, actor: Actor, batch_id: int) -> PaymentBatch:
    batch = session.get(PaymentBatch, batch_id)
    if batch is None or not actor.sees(batch.jurisdiction_code):
        raise NotFound("支付批次不存在")
    return batch


def items_of(session: Session, batch_id: int) -> list[PaymentItem]:
    return list(
        session.scalars(
            select(PaymentItem).where(PaymentItem.batch_id == batch_id).order_by(PaymentItem.id)
        )
    )


def bank_rows(session: Session, actor: Actor, batch_id: int) -> list[list[str]]:
    batch = get_batch(session, actor, batch_id)
    rows = [BANK_HEADERS]
    rows += [
        [str(batch.id), str(i.id), i.payee, i.payee_name, yuan(i.amount_fen)]
        for i in items_of(session, batch_id)
        if i.state != "paid"
    ]
    if batch.state == "open":
        batch.state = "exported"
    return rows


def bank_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(safe_row(r) for r in rows)
    return out.getvalue().encode("utf-8-sig")


def bank_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_result(
    session: Session, actor: Actor, *, batch_id: int, content: bytes
) -> dict[str, int]:
    """Apply the bank's result file (CSV: 付款单号, 结果 成功/失败, 银行流水号, 失败原因)."""
    batch = get_batch(session, actor, batch_id)
    rows = catalogue.csv_rows(content)
    if not rows or [c.strip() for c in rows[0][:4]] != RESULT_HEADERS:
        raise MalformedFile("结果文件表头应为：" + "、".join(RESULT_HEADERS), field="file")
    items = {i.id: i for i in items_of(session, batch.id)}
    crash_point("settle.result_parsed")
    counts = {"paid": 0, "failed": 0, "unchanged": 0}
    for number, row in enumerate(rows[1:], start=2):
        item = items.get(int(row[0])) if row and row[0].strip().isdigit() else None
        if item is None:
            raise UnrelatedReference(f"第{number}行：付款单号不属于本批次", field="file")
        counts[_apply_row(session, actor, batch, item, row)] += 1
    if all(i.state == "paid" for i in items.values()):
        batch.state, batch.settled_at = "settled", utcnow()
    crash_point("settle.before_flush")
    session.flush()
    crash_point("settle.after_flush")
    audit.record(
        session,
        actor,
        "settlement.result_imported",
        object_type="payment_batch",
        object_id=batch.id,
        detail=counts,
    )
    return counts


def _apply_row(
    session: Session, actor: Actor, batch: PaymentBatch, item: PaymentItem, row: list[str]
) -> str:
    outcome = row[1].strip() if len(row) > 1 else ""
    if item.state != "pending":
        return "unchanged"
    claims = list(
        session.scalars(
            select(Claim)
            .where(Claim.batch_id == batch.id, Claim.payee == item.payee, Claim.state == "batched")
            .with_for_update()
        )
    )
    if outcome == "成功":
        item.state, item.bank_ref = "paid", (row[2].strip() if len(row) > 2 else "")
        for claim in claims:
            common.transition(session, actor, claim, "paid", note=f"银行流水{item.bank_ref}")
            crash_point("settle.before_commit_parts")
            common.commit_parts(session, claim)
            crash_point("settle.after_commit_parts")
            quotas.set_state(session, claim.quota_id, "used")
        return "paid"
    if outcome == "失败":
        item.state, item.failure_reason = "failed", (row[3].strip() if len(row) > 3 else "")
        for claim in claims:
            common.transition(
                session, actor, claim, "approved", note=f"支付失败，重新排队：{item.failure_reason}"
            )
            claim.batch_id = None
        _unnet(session, item)
        return "failed"
    raise MalformedFile(f"付款单{item.id}的结果应为「成功」或「失败」", field="file")


def _unnet(session: Session, item: PaymentItem) -> None:
    for clawback in session.scalars(select(Clawback).where(Clawback.netted_in_item_id == item.id)):
        clawback.netted_in_item_id = None
