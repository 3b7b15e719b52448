"""Pure (no database) benchmark of the equipment ledger: write, parse and classify N rows.

Owns ``run_pure_bench``: it writes a synthetic ledger (.xlsx through openpyxl's write-only mode,
and the same rows as .csv) in the template layout, parses the .xlsx all-or-nothing, classifies
every row and reports timings. ``seconds`` is the wall time of parse (.xlsx) + classify, the part
of the issue's import target (≤ 30 s for 50 000 rows) that does not touch the database;
``cpu_seconds`` is the process CPU time of the same span (stable when the machine is shared).

Run: ``python -m huanxin.equipment.equipment_bench [rows] [seed]``; prints one JSON line.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from huanxin.equipment.classify import classify
from huanxin.equipment.ledger_io import HEADERS, parse_ledger
from huanxin.equipment.reference import load_rules

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


def _write(rows: list[list[Any]], workdir: Path) -> tuple[Path, Path]:
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


def run_pure_bench(rows: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Write, parse and classify ``rows`` synthetic rows; return counts and timings."""
    load_rules()
    started = time.perf_counter()
    xlsx, text = _write(synthetic_rows(rows, seed), workdir)
    write_s = time.perf_counter() - started
    t0, cpu0 = time.perf_counter(), time.process_time()
    parsed = parse_ledger(xlsx, year=YEAR)
    t1 = time.perf_counter()
    results = [classify(r, year=YEAR) for r in parsed.rows]
    t2, cpu2 = time.perf_counter(), time.process_time()
    parsed_csv = parse_ledger(text, year=YEAR)
    t3 = time.perf_counter()
    flags = Counter(f.kind for c in results for f in c.flags)
    return {
        "rows": len(parsed.rows),
        "seconds": round(t2 - t0, 3),
        "cpu_seconds": round(cpu2 - cpu0, 3),
        "parse_xlsx_seconds": round(t1 - t0, 3),
        "classify_seconds": round(t2 - t1, 3),
        "parse_csv_seconds": round(t3 - t2, 3),
        "write_seconds": round(write_s, 3),
        "errors": len(parsed.errors) + len(parsed_csv.errors),
        "csv_rows": len(parsed_csv.rows),
        "flags": dict(sorted(flags.items())),
        "not_assessed": sum(1 for c in results if not c.assessed),
    }


def main(argv: list[str]) -> None:
    rows = int(argv[1]) if len(argv) > 1 else 50_000
    seed = int(argv[2]) if len(argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        result = run_pure_bench(rows, seed, Path(tmp))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
