"""Tables flattened to text (columns interleaved, cells wrapped), written here by hand in the
shapes PDF viewers produce."""

from __future__ import annotations

from huanxin.supervision.planparse import parse_plan_text
from huanxin.supervision.planparse.flat_table import rebuild, unitish

BODY = """某县推动设备更新工作方案
一、重点任务
（一）推动工业设备更新。组织企业申报项目。（县工信局负责）
附件：任务分工表
"""

# units in the middle, a deadline column last, a chapter row spanning the table, a row
# broken by a page number and the running header, a row with no unit text (merged cell)
TABLE = """序号 重点任务 牵头单位 配合单位 完成时限
一、设备更新
1 推动工业设备更新 县工业和信息化 县发展和改革局、 2025年底
改造，组织企业 局 县财政局
申报项目。
2 推动农业机械报废 县农业农村局 县财政局 长期坚持
更新，落实补贴政
— 5 —
某县人民政府办公室文件
序号 重点任务 牵头单位 配合单位 完成时限
策。
二、以旧换新
3 开展汽车以旧换新 县商务局 县公安局、县交通 2024年12
促销活动。 运输局、国网某县 月前
供电公司
4 开展家电以旧换新
促销活动。
— 6 —
某县人民政府办公室文件
"""


def test_interleaved_rows_are_rebuilt_by_column_order_and_content() -> None:
    rows = [ln.split("\t") for ln in rebuild(TABLE.splitlines()) if "\t" in ln]
    assert rows[0] == ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    assert rows[1] == [
        "1",
        "推动工业设备更新改造，组织企业申报项目。",
        "县工业和信息化局",
        "县发展和改革局、县财政局",
        "2025年底",
    ]
    assert rows[2][1] == "推动农业机械报废更新，落实补贴政策。"
    assert rows[2][2:] == ["县农业农村局", "县财政局", "长期坚持"]
    assert rows[3][2:] == ["县商务局", "县公安局、县交通运输局、国网某县供电公司", "2024年12月前"]
    assert rows[4][2:4] == rows[3][2:4]  # no unit text: the merged cell above


def test_flattened_table_imports_as_appendix_tasks() -> None:
    plan = parse_plan_text(BODY + TABLE, source_name="plan.txt")
    got = [(t["ref"], t["lead_units"], t["support_units"]) for t in plan["appendix_tasks"]]
    assert got == [
        ("1", ["县工业和信息化局"], ["县发展和改革局", "县财政局"]),
        ("2", ["县农业农村局"], ["县财政局"]),
        ("3", ["县商务局"], ["县公安局", "县交通运输局", "国网某县供电公司"]),
        ("4", ["县商务局"], ["县公安局", "县交通运输局", "国网某县供电公司"]),
    ]
    assert [t["ref"] for t in plan["tasks"]] == ["一/（一）"]


def test_unit_fragments_are_told_from_running_text() -> None:
    assert unitish("县工信局、县能源局牵头，县市场")
    assert unitish("监管局、县发改局、市生态环境局")
    assert unitish("沁水分局配合")
    assert not unitish("新的方案政策。明确改造目标和时")
    assert not unitish("的设备进行淘汰更换，确保生产安")
    assert not unitish("到设计使用年限或者使用超过 20")
    assert unitish("住房和城乡建设局")  # the tail of 县住房和城乡建设局
    assert not unitish("实施客运设备提能行")  # a task title, not a bank
