"""Helpers of the equipment tests: sample ledgers, registering and importing through the API."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient

from huanxin.core import identifiers

USCC_A = "91350100M000100Y43"
HEAD = [
    "设备编号",
    "设备类别",
    "型号",
    "投运年份",
    "设计使用年限(年)",
    "年运行小时(h)",
    "负载率(%)",
    "额定功率(kW)",
    "极数",
    "效率(%)",
]
# GB 18613-2020, 15 kW 4-pole: grade 1/2/3 = 95.1 / 93.9 / 92.1 %
GOOD_ROWS = [
    ["M1", "电动机", "YE2-160L-4", 2015, 20, 6000, 75, 15, 4, 91.0],  # below access
    ["M2", "电动机", "YE3-160L-4", 2016, 20, 6000, 75, 15, 4, 93.0],  # below energy saving
    ["M3", "电动机", "YE3-160L-4", 2018, 20, 6000, 75, 15, 4, 94.0],  # grade 2, no flag
    ["PV1", "压力容器", "", 2000, "", "", "", "", "", ""],  # used > 20 years
    ["M4", "电动机", "YE4-160L-4", 2000, 20, 6000, 75, 15, 4, 95.2],  # past design life
]


def uscc_for(seed: str) -> str:
    body = ("91140521" + seed.upper() + "0" * 17)[:17]
    return body + identifiers.uscc_check_char(body)


def csv_bytes(rows: list[list[Any]], head: list[str] | None = None) -> bytes:
    lines = [",".join(head or HEAD)] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def register(client: TestClient, *, uscc: str = USCC_A, key: str = "reg", **extra: Any) -> int:
    body = {
        "uscc": uscc,
        "industry_code": "C3411",
        "above_size": True,
        "sector": "industry",
        "jurisdiction_code": "140521",
        **extra,
    }
    r = client.post("/api/v1/equipment/enterprises", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def upload(
    client: TestClient,
    enterprise_id: int,
    content: bytes,
    *,
    name: str = "l.csv",
    key: str = "imp",
    year: int = 2025,
) -> Any:
    return client.post(
        f"/api/v1/equipment/enterprises/{enterprise_id}/ledger",
        files={"file": (name, io.BytesIO(content), "text/csv")},
        data={"year": str(year)},
        headers={"Idempotency-Key": key},
    )
