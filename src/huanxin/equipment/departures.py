"""Equipment leaving an enterprise's ledger outside a renewal project: an item sold or disposed
through used-equipment trading (the secondhand domain's listings) leaves the seller's ledger.

The ledger's status vocabulary (``reference/ledger_columns.yaml``: 在用, 备用, 停用, 已报废) has no
"transferred" value; an item that has left is marked 已报废, the one status that takes a row
out of every count and list (as ``ledger.mark_scrapped`` does for a renewal project), and the
row's notes and the audit entry say that it left by a sale or disposal.

``wire`` installs them as the ledger link of ``huanxin.secondhand.ports``, once at start-up
(``huanxin.domains.wire_ports``: the app, the CLI and the tests are wired alike).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.errors import Conflict, InvalidInput
from huanxin.equipment.classify import SCRAPPED
from huanxin.equipment.errors import EquipmentCode
from huanxin.equipment.models import Enterprise, EquipmentFlag, EquipmentItem
from huanxin.equipment.reference import load_rules

MAX_CHOICES = 500


class LedgerItemUnknown(InvalidInput):
    """The reference names no row of the owner's ledger (missing, or another enterprise's)."""

    code = EquipmentCode.EQUIPMENT_REF_UNKNOWN


class LedgerItemGone(Conflict):
    code = EquipmentCode.EQUIPMENT_ALREADY_LEFT


def _enterprise(session: Session, org_id: int) -> Enterprise:
    ent = session.scalars(select(Enterprise).where(Enterprise.org_id == org_id)).first()
    if ent is None:
        raise LedgerItemUnknown(
            "本单位尚未在设备更新模块登记设备台账，不能关联台账设备", field="equipment_ref"
        )
    return ent


def _item(session: Session, org_id: int, equipment_ref: str) -> tuple[Enterprise, EquipmentItem]:
    ent = _enterprise(session, org_id)
    code = (equipment_ref or "").strip()
    item = session.scalars(
        select(EquipmentItem).where(
            EquipmentItem.enterprise_id == ent.id, EquipmentItem.code == code
        )
    ).first()
    if item is None:
        raise LedgerItemUnknown(f"本单位设备台账中没有编号为“{code}”的设备", field="equipment_ref")
    return ent, item


def ledger_choices(session: Session, org_id: int) -> list[tuple[str, str]]:
    """(reference, label) of the owner's ledger rows still held (not 已报废), by code."""
    ent = session.scalars(select(Enterprise).where(Enterprise.org_id == org_id)).first()
    if ent is None:
        return []
    names = {code: c.name_zh for code, c in load_rules().categories.items()}
    rows = session.execute(
        select(EquipmentItem.code, EquipmentItem.category, EquipmentItem.model)
        .where(EquipmentItem.enterprise_id == ent.id, EquipmentItem.status != SCRAPPED)
        .order_by(EquipmentItem.code)
        .limit(MAX_CHOICES)
    )
    return [
        (code, " ".join(filter(None, (code, names.get(cat, cat), model))))
        for code, cat, model in rows
    ]


def check_ref(session: Session, org_id: int, equipment_ref: str) -> str:
    """The reference as stored, if it names a row the owner still holds; refused otherwise."""
    _ent, item = _item(session, org_id, equipment_ref)
    if item.status == SCRAPPED:
        raise LedgerItemGone(f"台账设备“{item.code}”已报废或已转出", field="equipment_ref")
    return item.code


LEFT_MARK = "，已离开本单位台账，不再判定"  # ends the notes of a row that left; it is then locked


def has_left(notes: str | None) -> bool:
    return bool(notes) and str(notes).endswith(LEFT_MARK)


def mark_left(
    session: Session, actor: Actor, owner_org_id: int, equipment_ref: str, reason: str
) -> None:
    """Mark the owner's ledger row as left (已报废) with the reason; audited. A row already
    marked is left as it is; an unknown or foreign reference is refused (nothing changes)."""
    ent, item = _item(session, owner_org_id, equipment_ref)
    if item.status == SCRAPPED:
        return
    before = item.status
    data = json.loads(item.record)
    data["status"] = SCRAPPED
    item.record = json.dumps(data, ensure_ascii=False)
    item.status = SCRAPPED
    item.elimination = item.renewal = item.safety = False
    item.notes = f"{reason}{LEFT_MARK}"
    session.execute(delete(EquipmentFlag).where(EquipmentFlag.item_id == item.id))
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.item_left",
        object_type="equipment_item",
        object_id=item.id,
        before={"status": before},
        after={"status": SCRAPPED},
        detail={"enterprise_id": ent.id, "code": item.code, "reason": reason},
        jurisdiction_code=ent.jurisdiction_code,
    )


class Ledger:
    """The equipment ledger as the secondhand domain's ledger link (``secondhand.ports``)."""

    choices = staticmethod(ledger_choices)
    check = staticmethod(check_ref)
    item_left = staticmethod(mark_left)


def wire() -> None:
    """Install the ledger on the secondhand port (start-up, ``huanxin.domains.wire_ports``)."""
    from huanxin.secondhand import ports

    ports.install_ledger(Ledger())
