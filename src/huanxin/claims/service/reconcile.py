"""Reconciliation (对账): what the bank and the card organisation report, against our payments
and claims.

Two file templates (.xlsx or .csv, the first sheet; ``template_xlsx``):

- the bank's payment results (银行支付结果): one row per payment (付款单), matched to the
  payment item of the settlement batch — one payment covers all of a payee's claims in the
  batch (one-to-many); items of the batches the file names that it does not list are missing;
- the card organisation's redemption file (银联/云闪付核销明细): one row per redemption, matched
  to the point-of-sale claim of its quota code (one-to-one); claims redeemed in the file's
  dates that it does not list are missing.

Every row is checked before anything is written: a malformed row or a row of another
jurisdiction refuses the whole file, naming the row. The same file imported again in the same
jurisdiction is recognised and returns the first reconciliation, unchanged. Mismatches stay
listed until finance records what was done about each.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    ReconFileInvalid,
    ReconLineSettled,
    ReconRowOutsideJurisdiction,
)
from huanxin.claims.models import Claim, PaymentBatch, PaymentItem, Quota, ReconFile, ReconLine
from huanxin.claims.service.catalogue import read_rows
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import DomainError, InvalidInput, NotFound
from huanxin.core.exports import safe_row
from huanxin.core.money import parse_yuan
from huanxin.core.paging import Pager

HEADERS = {
    "bank": [
        "区划代码",
        "批次号",
        "付款单号",
        "收款方名称",
        "金额（元）",
        "银行流水号",
        "交易日期",
    ],
    "card": ["区划代码", "核销流水号", "资格券码", "商户名称", "补贴金额（元）", "核销日期"],
}
EXAMPLES = {
    "bank": ["140521", "12", "345", "某某家电商场", "1000.00", "B20261103001", "2026-11-03"],
    "card": ["140521", "UP20261103000001", "Q8K2M4P6", "某某家电商场", "599.90", "2026-11-03"],
}
KIND_LABELS = {"bank": "银行支付结果", "card": "银联/云闪付核销明细"}
OUTCOME_LABELS = {
    "matched": "一致",
    "missing": "文件缺少",
    "extra": "系统无记录",
    "amount_differs": "金额不符",
}
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Row:
    number: int
    code: str
    reference: str  # the bank's 付款单号, or the card organisation's 核销流水号
    key: str  # the 批次号, or the 资格券码
    amount_fen: int
    day: date


def _cells(kind: str, filename: str, content: bytes) -> list[list[str]]:
    try:
        rows = read_rows(filename, content)
    except DomainError:
        raise
    except Exception as exc:  # a damaged spreadsheet or a file in another encoding
        raise ReconFileInvalid("文件无法读取：请使用模板，另存为 .xlsx 或 UTF-8 的 .csv") from exc
    rows = [r for r in rows if any(c.strip() for c in r)]
    headers = HEADERS[kind]
    if not rows or [c.strip() for c in rows[0][: len(headers)]] != headers:
        raise ReconFileInvalid("表头应为：" + "、".join(headers))
    if len(rows) - 1 > MAX_ROWS:
        raise ReconFileInvalid(f"文件最多{MAX_ROWS}行")
    if len(rows) == 1:
        raise ReconFileInvalid("文件没有数据行")
    return rows[1:]


def parse(kind: str, filename: str, content: bytes) -> list[Row]:
    """The file's rows, each checked; the first bad row refuses the file."""
    if kind not in HEADERS:
        raise InvalidInput("对账文件类型应为银行支付结果或银联/云闪付核销明细", field="kind")
    rows = [
        _row(kind, n, [*c, *[""] * 7]) for n, c in enumerate(_cells(kind, filename, content), 2)
    ]
    _no_repeats(rows, [r.reference for r in rows], HEADERS[kind][2 if kind == "bank" else 1])
    if kind == "card":
        _no_repeats(rows, [r.key for r in rows], HEADERS[kind][2])
    return rows


def _no_repeats(rows: list[Row], values: list[str], label: str) -> None:
    seen: set[str] = set()
    for row, value in zip(rows, values, strict=True):
        if value in seen:
            raise ReconFileInvalid(f"第{row.number}行：{label}「{value}」重复")
        seen.add(value)


def _row(kind: str, number: int, cells: list[str]) -> Row:
    c = [x.strip() for x in cells]
    headers = HEADERS[kind]
    if not (len(c[0]) == 6 and c[0].isdigit()):
        raise ReconFileInvalid(f"第{number}行：区划代码应为6位数字")
    if kind == "bank":
        code, key, reference, amount, day = c[0], c[1], c[2], c[4], c[6]
        if not (key.isdigit() and reference.isdigit()) or len(key) > 18 or len(reference) > 18:
            raise ReconFileInvalid(f"第{number}行：批次号和付款单号应为数字")
        amount_label, day_label = headers[4], headers[6]
    else:
        code, reference, key, amount, day = c[0], c[1], c[2], c[4], c[5]
        if not reference or not key or len(reference) > 64 or len(key) > 16:
            raise ReconFileInvalid(f"第{number}行：核销流水号和资格券码不能为空")
        amount_label, day_label = headers[4], headers[5]
    try:
        fen = parse_yuan(amount)
    except ValueError:
        raise ReconFileInvalid(f"第{number}行：{amount_label}格式不正确") from None
    try:
        when = date.fromisoformat(day[:10])
    except ValueError:
        raise ReconFileInvalid(f"第{number}行：{day_label}应为YYYY-MM-DD") from None
    return Row(number, code, reference, key, fen, when)


def _check_scope(actor: Actor, rows: list[Row]) -> None:
    for row in rows:
        if not actor.sees(row.code):
            raise ReconRowOutsideJurisdiction(
                f"第{row.number}行：区划代码{row.code}不在您的管辖范围内，整份文件未导入",
                field="file",
            )


def reconcile(
    session: Session, actor: Actor, *, kind: str, filename: str, content: bytes
) -> tuple[ReconFile, bool]:
    """Reconcile a file; returns it and whether it had been imported before (unchanged)."""
    rows = parse(kind, filename, content)
    _check_scope(actor, rows)
    digest = hashlib.sha256(content).hexdigest()
    existing = session.scalars(
        select(ReconFile).where(
            ReconFile.kind == kind,
            ReconFile.jurisdiction_code == actor.jurisdiction_code,
            ReconFile.sha256 == digest,
        )
    ).first()
    if existing is not None:
        return existing, True
    file = ReconFile(
        kind=kind,
        jurisdiction_code=actor.jurisdiction_code,
        filename=filename[:200],
        sha256=digest,
        rows=len(rows),
        matched=0,
        mismatched=0,
        imported_by=actor.user_id,
        imported_at=utcnow(),
    )
    session.add(file)
    session.flush()
    lines = (
        _bank_lines(session, actor, rows) if kind == "bank" else _card_lines(session, actor, rows)
    )
    for line in lines:
        line.file_id = file.id
    session.add_all(lines)
    file.matched = sum(1 for x in lines if x.outcome == "matched")
    file.mismatched = len(lines) - file.matched
    session.flush()
    audit.record(
        session,
        actor,
        "reconciliation.imported",
        object_type="recon_file",
        object_id=file.id,
        detail={"kind": kind, "sha256": digest, **Counter(x.outcome for x in lines)},
    )
    return file, False


def _line(row: Row | None, outcome: str, **fields: object) -> ReconLine:
    base: dict[str, object] = {"outcome": outcome, "claim_count": 0, "note": ""}
    if row is not None:
        base |= {
            "row_no": row.number,
            "jurisdiction_code": row.code,
            "reference": row.reference[:64],
            "reported_fen": row.amount_fen,
        }
    return ReconLine(**(base | fields))


def _bank_lines(session: Session, actor: Actor, rows: list[Row]) -> list[ReconLine]:
    batch_ids = sorted({int(r.key) for r in rows})
    batches = {
        b.id: b
        for b in session.scalars(
            select(PaymentBatch).where(
                PaymentBatch.id.in_(batch_ids),
                PaymentBatch.jurisdiction_code.in_(actor.scope_codes),
            )
        )
    }
    items = {
        i.id: i
        for i in session.scalars(
            select(PaymentItem)
            .where(PaymentItem.batch_id.in_(list(batches)))
            .order_by(PaymentItem.id)
        )
    }
    covered = _claims_per_item(session, list(batches))
    lines, seen = [], set()
    for row in rows:
        item = items.get(int(row.reference))
        if item is None or item.batch_id != int(row.key):
            lines.append(_line(row, "extra", note="本辖区支付批次中没有该付款单"))
            continue
        seen.add(item.id)
        outcome = "matched" if item.amount_fen == row.amount_fen else "amount_differs"
        lines.append(
            _line(
                row,
                outcome,
                payment_item_id=item.id,
                claim_count=covered.get((item.batch_id, item.payee), 0),
                expected_fen=item.amount_fen,
                note=item.payee_name,
            )
        )
    for item in items.values():
        if item.id not in seen and item.state != "failed":
            lines.append(_missing_item(item, batches[item.batch_id], covered))
    return lines


def _missing_item(
    item: PaymentItem, batch: PaymentBatch, covered: dict[tuple[int, str], int]
) -> ReconLine:
    return _line(
        None,
        "missing",
        jurisdiction_code=batch.jurisdiction_code,
        reference=str(item.id),
        payment_item_id=item.id,
        claim_count=covered.get((item.batch_id, item.payee), 0),
        expected_fen=item.amount_fen,
        note=f"批次{batch.id}的付款单未出现在银行文件中（{item.payee_name}）",
    )


def _claims_per_item(session: Session, batch_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = session.execute(
        select(Claim.batch_id, Claim.payee, func.count())
        .where(Claim.batch_id.in_(batch_ids))
        .group_by(Claim.batch_id, Claim.payee)
    )
    return {(int(b or 0), str(p)): int(n) for b, p, n in rows}


def _card_lines(session: Session, actor: Actor, rows: list[Row]) -> list[ReconLine]:
    by_code = _claims_by_quota(session, actor, [r.key for r in rows])
    lines, seen = [], set()
    for row in rows:
        claim = by_code.get(row.key)
        if claim is None:
            lines.append(_line(row, "extra", note=f"资格券{row.key}在本辖区没有核销记录"))
            continue
        seen.add(claim.id)
        outcome = "matched" if claim.subsidy_fen == row.amount_fen else "amount_differs"
        note = "该笔核销已撤销" if claim.state == "cancelled" else ""
        lines.append(
            _line(
                row,
                "extra" if claim.state == "cancelled" else outcome,
                claim_id=claim.id,
                claim_count=1,
                expected_fen=claim.subsidy_fen,
                note=note,
            )
        )
    start, end = min(r.day for r in rows), max(r.day for r in rows)
    for claim in _sold_between(session, actor, start, end):
        if claim.id not in seen:
            lines.append(
                _line(
                    None,
                    "missing",
                    jurisdiction_code=claim.jurisdiction_code,
                    reference=f"申请{claim.id}",
                    claim_id=claim.id,
                    claim_count=1,
                    expected_fen=claim.subsidy_fen,
                    note=f"{claim.purchase_date}的核销未出现在银联/云闪付文件中",
                )
            )
    return lines


def _claims_by_quota(session: Session, actor: Actor, codes: list[str]) -> dict[str, Claim]:
    """The claim of each quota code in scope (a live one over a cancelled one)."""
    found: dict[str, Claim] = {}
    for start in range(0, len(codes), 500):
        stmt = (
            select(Quota.code, Claim)
            .join(Claim, Claim.quota_id == Quota.id)
            .where(Quota.code.in_(codes[start : start + 500]))
            .where(Claim.jurisdiction_code.in_(actor.scope_codes))
            .order_by(Claim.id)
        )
        for code, claim in session.execute(stmt):
            if code not in found or found[code].state == "cancelled":
                found[code] = claim
    return found


def _sold_between(session: Session, actor: Actor, start: date, end: date) -> Iterable[Claim]:
    return session.scalars(
        select(Claim)
        .where(
            Claim.kind == "point_of_sale",
            Claim.jurisdiction_code.in_(actor.scope_codes),
            Claim.purchase_date.between(start, end),
            Claim.state != "cancelled",
        )
        .order_by(Claim.id)
    )


def files(session: Session, actor: Actor, *, pager: Pager | None = None) -> list[ReconFile]:
    """Files imported in scope, newest first: the last 50, or the page ``pager`` reads."""
    stmt = (
        select(ReconFile)
        .where(ReconFile.jurisdiction_code.in_(actor.scope_codes))
        .order_by(ReconFile.id.desc())
    )
    return pager(stmt) if pager is not None else list(session.scalars(stmt.limit(50)))


def file_of(session: Session, actor: Actor, file_id: int) -> ReconFile:
    file = session.get(ReconFile, file_id)
    if file is None or not actor.sees(file.jurisdiction_code):
        raise NotFound("对账文件不存在")
    return file


def file_with_lines(
    session: Session, actor: Actor, *, file_id: int
) -> tuple[ReconFile, list[ReconLine]]:
    file = file_of(session, actor, file_id)
    stmt = select(ReconLine).where(ReconLine.file_id == file_id).order_by(ReconLine.id)
    return file, list(session.scalars(stmt))


def readable_lines(actor: Actor) -> Select[ReconLine]:
    """The reconciliation lines of the actor's scope (the page's list and its export)."""
    return select(ReconLine).where(ReconLine.jurisdiction_code.in_(actor.scope_codes))


def waiting(line: type[ReconLine] = ReconLine) -> ColumnElement[bool]:
    """Lines waiting for action: a mismatch nobody has recorded what was done about."""
    return and_(line.outcome != "matched", line.resolved_at.is_(None))


def open_count(session: Session, actor: Actor) -> int:
    stmt = select(func.count()).select_from(readable_lines(actor).where(waiting()).subquery())
    return session.scalar(stmt) or 0


def mismatches(
    session: Session, actor: Actor, *, open_only: bool = True, pager: Pager | None = None
) -> list[ReconLine]:
    """Lines waiting for action (newest first): all of them, or the page ``pager`` reads."""
    stmt = readable_lines(actor).where(ReconLine.outcome != "matched")
    if open_only:
        stmt = stmt.where(ReconLine.resolved_at.is_(None))
    stmt = stmt.order_by(ReconLine.id.desc())
    return pager(stmt) if pager is not None else list(session.scalars(stmt))


def resolve(session: Session, actor: Actor, *, line_id: int, note: str) -> ReconLine:
    """Record what was done about a mismatch (once; the same note again changes nothing)."""
    line = session.scalars(
        select(ReconLine).where(ReconLine.id == line_id).with_for_update()
    ).first()
    if line is None or not actor.sees(line.jurisdiction_code):
        raise NotFound("对账记录不存在")
    if not note.strip():
        raise InvalidInput("请填写处理说明", field="note")
    if line.outcome == "matched":
        raise ReconLineSettled("该记录核对一致，无需处理")
    if line.resolved_at is not None:
        if line.resolution == note.strip():
            return line
        raise ReconLineSettled("该差异已处理，不能再次处理")
    line.resolution, line.resolved_by, line.resolved_at = note.strip(), actor.user_id, utcnow()
    audit.record(
        session,
        actor,
        "reconciliation.resolved",
        object_type="recon_line",
        object_id=line.id,
        after={"resolution": line.resolution},
        jurisdiction_code=line.jurisdiction_code,
    )
    return line


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook

    if kind not in HEADERS:
        raise InvalidInput("对账文件类型应为银行支付结果或银联/云闪付核销明细", field="kind")
    book = Workbook()
    sheet = book.active
    sheet.title = KIND_LABELS[kind].replace("/", "、")
    sheet.append(HEADERS[kind])
    sheet.append(safe_row(EXAMPLES[kind]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
