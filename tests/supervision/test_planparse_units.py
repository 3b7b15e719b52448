"""Unit groups: labels, role verbs, brackets, and section-level units."""

from __future__ import annotations

from huanxin.supervision.planparse import parse_plan_text
from huanxin.supervision.planparse.units import find_groups, parse_units


def test_labelled_lead_and_support_split_outside_brackets() -> None:
    units = parse_units(
        "牵头单位：县交通局；配合单位：市生态环境局沁水分局、县工信局<县商务局>、县公安局"
    )
    assert units.lead == ["县交通局"]
    assert units.support == ["市生态环境局沁水分局", "县工信局<县商务局>", "县公安局"]
    assert units.shared is False


def test_responsibility_label_goes_to_support() -> None:
    units = parse_units("责任单位：县工业和信息化局、县发展和改革局")
    assert units.lead == []
    assert units.support == ["县工业和信息化局", "县发展和改革局"]


def test_shared_duty_with_comma_inside_the_list_and_local_governments() -> None:
    units = parse_units(
        "市工信局、市能源局，国网阳泉分公司按照职责分工负责，各县区人民政府负责落实。以下均需各县区人民政府落实，不再一一列出"
    )
    assert units.lead == ["市工信局", "市能源局", "国网阳泉分公司"]
    assert units.support == ["各县区人民政府"]
    assert units.shared is True
    assert units.leftovers == ["以下均需各县区人民政府落实", "不再一一列出"]


def test_single_unit_responsible_is_lead_not_shared() -> None:
    units = parse_units("市住建局负责")
    assert (units.lead, units.support, units.shared) == (["市住建局"], [], False)


def test_lead_and_support_verbs_in_a_table_cell() -> None:
    units = parse_units("县住建局牵头，县发改局、县公安局配合")
    assert (units.lead, units.support) == (["县住建局"], ["县发改局", "县公安局"])


def test_find_groups_ignores_ordinary_brackets() -> None:
    text = "推进市第三人民医院（传染病定点医院）改扩建（2024年版）。（市卫健委负责）"
    groups = find_groups(text)
    assert [inner for _, _, inner in groups] == ["市卫健委负责"]


PLAN = """
二、工作任务
（一）推动工业设备更新
1. 促进技术改造。推进设备更新。
2. 推动节能降碳改造。加快绿色化改造。
（牵头单位：县工信局；配合单位：县发改局）
（二）推动农机报废更新
加大淘汰力度。
（牵头单位：县农业农村局）
（三）提升教育设备水平。更新教学设备。（县教育局负责）推进智慧教育。（县数据局负责）
三、工作要求
（一）强化组织保障。成立工作专班。
"""


def test_units_once_per_section_are_copied_to_each_item() -> None:
    plan = parse_plan_text(PLAN, source_name="plan.txt")
    tasks = {t["ref"]: t for t in plan["tasks"]}
    assert sorted(tasks) == ["二/（一）/1", "二/（一）/2", "二/（三）", "二/（二）"]
    for ref in ("二/（一）/1", "二/（一）/2"):
        assert tasks[ref]["lead_units"] == ["县工信局"]
        assert tasks[ref]["support_units"] == ["县发改局"]
    assert tasks["二/（二）"]["lead_units"] == ["县农业农村局"]
    assert tasks["二/（二）"]["title"] == "推动农机报废更新"


def test_units_given_per_sentence_are_merged() -> None:
    plan = parse_plan_text(PLAN, source_name="plan.txt")
    task = next(t for t in plan["tasks"] if t["ref"] == "二/（三）")
    assert task["lead_units"] == ["县教育局", "县数据局"]
    assert task["title"] == "提升教育设备水平"


def test_sections_without_units_are_listed_as_unplaced() -> None:
    plan = parse_plan_text(PLAN, source_name="plan.txt")
    refs = [u.get("ref") for u in plan["unplaced"]]
    assert refs == ["三/（一）"]
