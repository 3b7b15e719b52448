"""Ledger template round trip and the all-or-nothing row-by-row error report."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from huanxin.equipment.classify import EquipmentRecord
from huanxin.equipment.ledger_io import HEADERS, LedgerError, parse_ledger, write_template

YEAR = 2025
GOOD = {
    "设备编号": "M-001",
    "设备类别": "电动机",
    "型号": "YE3-160M-4",
    "投运年份": 2015,
    "设计使用年限(年)": 20,
    "年运行小时(h)": 6000,
    "负载率(%)": 75,
    "额定功率(kW)": 11,
    "极数": 4,
    "效率(%)": 91.4,
    "效率数据来源": "实测",
    "能效等级": "3级",
}
TRANSFORMER = {
    "设备编号": "T-001",
    "设备类别": "变压器",
    "投运年份": 2012,
    "额定容量": "630",
    "容量单位": "kVA",
    "电压等级(kV)": "10 kV",
    "变压器类型": "油浸式",
    "铁心材料": "电工钢",
    "联结组别": "Dyn11",
    "空载损耗(kW)": 0.57,
    "负载损耗(kW)": "6.2kW",
}


def write_xlsx(path: Path, rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows([[row.get(h, "") for h in HEADERS] for row in rows])
    return path


EXPECTED = (
    EquipmentRecord(
        "M-001",
        "motor",
        2015,
        model="YE3-160M-4",
        rated_power_kw=11.0,
        efficiency_pct=91.4,
        efficiency_measured=True,
        grade=3,
        design_life_years=20,
        annual_hours=6000.0,
        load_factor=0.75,
        poles=4,
    ),
    EquipmentRecord(
        "T-001",
        "transformer",
        2012,
        capacity=630.0,
        capacity_unit="kVA",
        voltage_kv=10.0,
        transformer_kind="oil",
        core="electrical_steel",
        connection="Dyn11",
        no_load_loss_kw=0.57,
        load_loss_kw=6.2,
    ),
)


def test_xlsx_template_has_chinese_headers_and_unit_comments(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["设备台账"]
    ws = wb["设备台账"]
    headers = tuple(c.value for c in ws[1])
    assert headers == HEADERS
    assert ws.max_row == 1
    comments = {c.value: c.comment.text for c in ws[1]}
    assert comments["负载率(%)"] == "百分数，如 75 表示75%"
    assert comments["设备编号"].endswith("（必填）")


def test_template_round_trip_xlsx(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(template)
    ws = wb.active
    for row in (GOOD, TRANSFORMER):
        ws.append([row.get(h) for h in HEADERS])
    wb.save(template)
    parsed = parse_ledger(template, year=YEAR)
    assert parsed.errors == ()
    assert parsed.rows == EXPECTED


def test_template_round_trip_csv(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.csv")
    assert parse_ledger(template, year=YEAR).rows == ()
    with template.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in (GOOD, TRANSFORMER):
            writer.writerow([row.get(h, "") for h in HEADERS])
    parsed = parse_ledger(template, year=YEAR)
    assert parsed.errors == ()
    assert parsed.rows == EXPECTED


def test_csv_in_gb18030_from_excel(tmp_path: Path) -> None:
    parsed = parse_ledger(write_csv(tmp_path / "l.csv", [GOOD], encoding="gb18030"), year=YEAR)
    assert parsed.rows == EXPECTED[:1]


def test_columns_may_be_reordered_and_omitted(tmp_path: Path) -> None:
    headers = ("投运年份", "设备类别", "设备编号")
    path = write_xlsx(
        tmp_path / "l.xlsx", [{"设备编号": "V1", "设备类别": "压力容器", "投运年份": 2001}], headers
    )
    assert parse_ledger(path, year=YEAR).rows == (EquipmentRecord("V1", "pressure_vessel", 2001),)


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"额定功率(kW)": -5}, "额定功率(kW)", "数值不可能：应大于0"),
        ({"额定功率(kW)": "15 hp"}, "额定功率(kW)", "单位错误：本列单位为kW，填写的是“hp”"),
        ({"额定功率(kW)": "十五"}, "额定功率(kW)", "“十五”不是数字"),
        ({"投运年份": 2030}, "投运年份", "投运年份晚于当前年份2025"),
        ({"投运年份": 2015.5}, "投运年份", "应为整数"),
        ({"效率(%)": 101}, "效率(%)", "效率不可能超过100%（仅冷凝锅炉按低位热值计可超过100%）"),
        (
            {"效率(%)": 0.914},
            "效率(%)",
            "单位错误：请以百分数填写（如 92.5 表示 92.5%），不要填写小数",
        ),
        (
            {"负载率(%)": 0.75},
            "负载率(%)",
            "单位错误：请以百分数填写（如 92.5 表示 92.5%），不要填写小数",
        ),
        ({"负载率(%)": 120}, "负载率(%)", "数值不可能：不应大于100"),
        ({"年运行小时(h)": 9000}, "年运行小时(h)", "数值不可能：不应大于8784"),
        ({"设备类别": "飞船"}, "设备类别", "未知设备类别“飞船”"),
        ({"极数": 5}, "极数", "“5”不是允许的取值（可选：2、4、6、8）"),
        ({"设备编号": None}, "设备编号", "必填项为空"),
        ({"额定容量": 100}, "容量单位", "填写了额定容量但未填写容量单位"),
    ],
)
def test_bad_cell_reports_row_column_reason(
    tmp_path: Path, change: dict[str, Any], column: str, reason: str
) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [TRANSFORMER, GOOD | change])
    parsed = parse_ledger(path, year=YEAR)
    assert parsed.rows == ()
    assert parsed.errors == (LedgerError(3, column, reason),)
    assert not parsed.ok


def test_transformer_capacity_unit_must_be_kva(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [TRANSFORMER | {"容量单位": "MW"}])
    assert parse_ledger(path, year=YEAR).errors == (
        LedgerError(2, "容量单位", "该类别容量单位应为kVA，填写的是MW"),
    )


def test_condensing_boiler_may_exceed_100(tmp_path: Path) -> None:
    boiler = {
        "设备编号": "B1",
        "设备类别": "工业锅炉",
        "投运年份": 2020,
        "额定容量": 7,
        "容量单位": "MW",
        "燃烧方式": "室燃",
        "燃料": "天然气",
        "燃料类别": "冷凝",
        "效率(%)": 102.5,
    }
    parsed = parse_ledger(write_xlsx(tmp_path / "l.xlsx", [boiler]), year=YEAR)
    assert parsed.errors == ()
    assert parsed.rows[0].efficiency_pct == 102.5


def test_every_error_is_reported_and_nothing_returned(tmp_path: Path) -> None:
    rows = [GOOD, GOOD | {"额定功率(kW)": -1, "效率(%)": 150}, TRANSFORMER | {"设备编号": "M-001"}]
    parsed = parse_ledger(write_csv(tmp_path / "l.csv", rows), year=YEAR)
    assert parsed.rows == ()
    assert parsed.errors == (
        LedgerError(3, "额定功率(kW)", "数值不可能：应大于0"),
        LedgerError(3, "效率(%)", "数值不可能：不应大于110"),
        LedgerError(4, "设备编号", "设备编号与第2行重复"),
    )


def test_wrong_and_missing_columns(tmp_path: Path) -> None:
    headers = ("设备编号", "类别", "投运年份", "投运年份")
    parsed = parse_ledger(write_xlsx(tmp_path / "l.xlsx", [GOOD], headers), year=YEAR)
    assert parsed.rows == ()
    assert parsed.errors == (
        LedgerError(1, "类别", "未知列，请使用下载的模板"),
        LedgerError(1, "投运年份", "列重复"),
        LedgerError(1, "设备类别", "缺少必填列"),
    )


def test_blank_rows_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws.append([GOOD.get(h) for h in HEADERS])
    ws.cell(row=5, column=1, value="X-9")  # rows 3 and 4 left empty
    wb.save(tmp_path / "l.xlsx")
    parsed = parse_ledger(tmp_path / "l.xlsx", year=YEAR)
    assert parsed.errors == (
        LedgerError(5, "设备类别", "必填项为空"),
        LedgerError(5, "投运年份", "必填项为空"),
    )


def test_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"not a zip")
    assert parse_ledger(tmp_path / "a.xlsx", year=YEAR).errors == (
        LedgerError(1, "", "文件无法读取：BadZipFile"),
    )
    (tmp_path / "a.xls").write_bytes(b"")
    assert parse_ledger(tmp_path / "a.xls", year=YEAR).errors == (
        LedgerError(1, "", "不支持的文件类型“.xls”，请上传 .xlsx 或 .csv"),
    )
    (tmp_path / "e.csv").write_bytes(b"")
    assert parse_ledger(tmp_path / "e.csv", year=YEAR).errors == (LedgerError(1, "", "文件为空"),)
