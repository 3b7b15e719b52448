"""Duplicate identifiers: one item (serial, VIN), invoice or recycling certificate in two claims.

"The same item (by serial number) may only be subsidized once, and must not have received a
similar subsidy elsewhere" (Linan; national-rules.md §3). The first claim of an identifier
is the reference; every later claim with it fires, across jurisdictions too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope

FIELD_LABELS = {
    "device_serial": "设备序列号",
    "vin": "车辆识别代号",
    "invoice_no": "发票号码",
    "recycling_cert_no": "回收证明编号",
}
KEY_OF = {
    "device_serial": "serial",
    "vin": "vin",
    "invoice_no": "invoice",
    "recycling_cert_no": "cert",
}


@dataclass(frozen=True)
class DuplicateIdentifier(Detector):
    """Fires on every claim but the first that carries an already-used identifier."""

    name: ClassVar[str] = "duplicate_identifier"
    kind: ClassVar[str] = "duplicate_identifier"
    title: ClassVar[str] = "标识重复申领"
    template: ClassVar[str] = (
        "{0}“{1}”共出现在 {2} 笔申领中（涉及 {3} 个地区），首笔为申领 {4}；"
        "同一物品、发票或回收证明只能享受一次补贴。"
    )
    weight: int = 80
    fields: tuple[str, ...] = tuple(FIELD_LABELS)

    def _one(self, field: str, scope: Scope) -> str:
        label, h = FIELD_LABELS[field], KEY_OF[field]
        return f"""
        SELECT t.claim_id, '{label}' AS label, c.{field} AS value, d.n, d.nj, d.first_id
        FROM (
            SELECT {h} AS h, count(*) AS n, count(DISTINCT jurisdiction_code) AS nj,
                   arg_min(claim_id, (claimed_at, claim_id)) AS first_id
            FROM keys WHERE {h} IN (
                -- the values used twice, found on the one column; the rest is read for them
                SELECT {h} FROM keys WHERE {h} IN (SELECT v FROM repeated_{h})
                GROUP BY {h} HAVING count(*) > 1
            )
            GROUP BY {h}
        ) d JOIN target_keys t ON t.{h} = d.h
        JOIN target_claims c ON c.claim_id = t.claim_id
        WHERE t.claim_id <> d.first_id"""  # noqa: S608

    def repeats(self) -> dict[str, int]:
        return {KEY_OF[f]: 2 for f in self.fields}

    def sql(self, scope: Scope) -> str:
        parts = " UNION ALL ".join(self._one(f, scope) for f in self.fields)
        return f"""
        SELECT claim_id, {self.weight} AS score,
               format($template, label, value, n, nj, first_id) AS explanation
        FROM ({parts})"""  # noqa: S608
