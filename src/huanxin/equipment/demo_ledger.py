"""The demo's sample equipment ledger (``equipment/demo.py`` builds it at run time, so it ships
in the package; the equipment benchmarks in ``bench/`` reuse it): rows in the template layout, a
mix of categories with efficiencies around the grade thresholds, written as .xlsx and .csv;
and a valid sample USCC. Deterministic for a seed."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from huanxin.core import identifiers
from huanxin.equipment.ledger_io import HEADERS
from huanxin.equipment.reference import load_rules

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def sample_uscc(rnd: random.Random) -> str:
    body = "91140521" + "".join(rnd.choice(_USCC_CHARS) for _ in range(9))
    return body + identifiers.uscc_check_char(body)


YEAR = 2025
_INDEX = {h: i for i, h in enumerate(HEADERS)}


def _motor(rnd: random.Random) -> dict[str, Any]:
    row = rnd.choice(list(load_rules().motors.values()))
    eff = (row.eff.g3 or 80.0) + rnd.uniform(-2.0, 4.0)
    return {
        "设备类别": "电动机",
        "型号": f"YE3-{rnd.randint(80, 355)}M-{row.poles}",
        "额定功率(kW)": row.rated_kw,
        "极数": row.poles,
        "效率(%)": round(eff, 1),
    }


def _transformer(rnd: random.Random) -> dict[str, Any]:
    row = rnd.choice([r for r in load_rules().transformers if r.voltage_kv == 10])
    p0 = (row.p0.g3 or 1.0) * rnd.uniform(0.8, 1.1)
    pk = (row.pk.g3 or 1.0) * rnd.uniform(0.8, 1.05)
    kinds = {"oil": "油浸式", "dry": "干式"}
    cores = {"electrical_steel": "电工钢", "amorphous": "非晶合金"}
    return {
        "设备类别": "电力变压器",
        "型号": "S13",
        "额定容量": row.rated_kva,
        "容量单位": "kVA",
        "电压等级(kV)": 10,
        "变压器类型": kinds[row.kind],
        "铁心材料": cores[row.core],
        "绝缘耐热等级": row.insulation or None,
        "联结组别": min(row.connections) if row.connections else "Dyn11",
        "空载损耗(kW)": round(p0, 3),
        "负载损耗(kW)": round(pk, 3),
    }


def _compressor(rnd: random.Random) -> dict[str, Any]:
    row = rnd.choice(list(load_rules().compressors.values()))
    sp = (row.sp.g3 or 8.0) * rnd.uniform(0.85, 1.1)
    return {
        "设备类别": "空气压缩机",
        "型号": "LG-20/8",
        "额定功率(kW)": row.motor_kw,
        "额定排气压力(MPa)": row.pressure_mpa,
        "冷却方式": "风冷" if row.cooling == "air" else "水冷",
        "比功率(kW/(m³/min))": round(sp, 2),
        "排气量(m³/min)": round(row.motor_kw / 6, 2),
    }


def _boiler(rnd: random.Random) -> dict[str, Any]:
    cap = rnd.choice([4, 10, 20, 35])
    return {
        "设备类别": "工业锅炉",
        "型号": f"SZL{cap}-1.25-AII",
        "额定容量": cap,
        "容量单位": "t/h",
        "燃烧方式": "层状燃烧",
        "燃料": "烟煤",
        "燃料类别": "II",
        "效率(%)": round(rnd.uniform(78, 86), 1),
    }


def _pump(rnd: random.Random) -> dict[str, Any]:
    return {
        "设备类别": "清水离心泵",
        "型号": "IS100-65-200",
        "泵类型": "单级单吸",
        "额定功率(kW)": 15,
        "流量(m³/h)": rnd.choice([50, 100, 200]),
        "扬程(m)": 50,
        "转速(r/min)": 2900,
        "效率(%)": round(rnd.uniform(60, 80), 1),
    }


def _other(rnd: random.Random) -> dict[str, Any]:
    return {"设备类别": rnd.choice(["压力容器", "电梯", "机床", "其他"]), "型号": "—"}


_MAKERS = (_motor, _motor, _motor, _transformer, _compressor, _boiler, _pump, _other)


def synthetic_rows(rows: int, seed: int) -> list[list[Any]]:
    """Rows in template order: a mix of categories with efficiencies around the thresholds."""
    rnd = random.Random(seed)
    out: list[list[Any]] = []
    for n in range(rows):
        cells = rnd.choice(_MAKERS)(rnd)
        cells |= {
            "设备编号": f"EQ{n:06d}",
            "状态": "在用",
            "投运年份": rnd.randint(1995, YEAR),
            "设计使用年限(年)": rnd.choice([15, 20, 25]),
            "年运行小时(h)": 6000,
            "负载率(%)": 75,
        }
        line: list[Any] = [None] * len(HEADERS)
        for header, value in cells.items():
            line[_INDEX[header]] = value
        out.append(line)
    return out


def write_ledger(rows: list[list[Any]], workdir: Path) -> tuple[Path, Path]:
    xlsx, text = workdir / "ledger.xlsx", workdir / "ledger.csv"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("设备台账")
    ws.append(list(HEADERS))
    for row in rows:
        ws.append(row)
    wb.save(xlsx)
    with text.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return xlsx, text
