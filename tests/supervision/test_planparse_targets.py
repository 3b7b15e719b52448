"""Targets and milestones: kinds, values, years, baselines, indicators."""

from __future__ import annotations

from huanxin.supervision.planparse.targets import extract


def _brief(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [
        (t["indicator"], t["kind"], t["value"], t["unit"], t["year"], t["baseline_year"])
        for t in items
    ]


def test_goal_paragraph_kinds_years_and_baseline() -> None:
    targets, milestones = extract(
        [
            (
                "到2025年，新能源汽车保有量达到6000辆以上，老旧柴油货车基本淘汰；"
                "二手车交易量与新车销售比值达到0.8：1，废旧家电回收量较2023年增长17%。"
                "报废汽车回收量较2023年增加约一倍，能效水平持续提升。"
            )
        ]
    )
    assert _brief(targets) == [
        ("新能源汽车保有量", "reach", 6000, "辆", 2025, None),
        ("二手车交易量与新车销售比值", "ratio", 0.8, None, 2025, None),
        ("废旧家电回收量", "increase_pct", 17, "%", 2025, 2023),
        ("报废汽车回收量", "multiple", 2.0, None, 2025, 2023),
    ]
    assert _brief(milestones) == [("老旧柴油货车基本淘汰", "deadline", None, None, 2025, None)]


def test_value_lists_split_over_enumerated_indicators() -> None:
    targets, _ = extract(["到2027年，工具普及率、关键工序数控化率分别超过90%、75%。"])
    assert _brief(targets) == [
        ("工具普及率", "reach", 90, "%", 2027, None),
        ("关键工序数控化率", "reach", 75, "%", 2027, None),
    ]


def test_percentage_points_take_the_preceding_clauses() -> None:
    targets, milestones = extract(
        [
            "到2027年，设备能效达到节能水平，A级产能比例显著提升，较2023年分别增长15个、13个百分点以上。"
        ]
    )
    assert _brief(targets) == [
        ("设备能效达到节能水平", "increase_pp", 15, "pp", 2027, 2023),
        ("A级产能比例", "increase_pp", 13, "pp", 2027, 2023),
    ]
    assert milestones == []


def test_annual_counts_have_no_year_and_subsidies_are_not_targets() -> None:
    targets, _ = extract(
        [
            "每年举办促销活动2场以上，其中下乡专场活动不少于1场。每部电梯补助10万元。到2025年，累计建成绿色工厂3家、绿色园区1个。"
        ]
    )
    assert _brief(targets) == [
        ("每年举办促销活动", "count", 2, "场", None, None),
        ("下乡专场活动", "count", 1, "场", None, None),
        ("累计建成绿色工厂", "count", 3, "家", 2025, None),
        ("绿色园区", "count", 1, "个", 2025, None),
    ]


def test_dated_clause_without_quantity_is_a_milestone() -> None:
    _, milestones = extract(
        ["推动数字城管建设，2024年建设城市运行管理服务平台，实现实时监测。支持企业创新。"]
    )
    assert _brief(milestones) == [("建设城市运行管理服务平台", "deadline", None, None, 2024, None)]


def test_one_target_per_stated_value() -> None:
    from huanxin.supervision.planparse.targets import extract

    found, _ = extract(["到2025年，新建充电桩、换电站分别达到200个和30个。"])
    assert [(t["indicator"], t["value"], t["unit"], t["year"]) for t in found] == [
        ("新建充电桩", 200, "个", 2025),
        ("换电站", 30, "个", 2025),
    ]


def test_range_is_one_target_with_its_upper_end() -> None:
    from huanxin.supervision.planparse.targets import extract

    found, _ = extract(["到2026年，城市公交新能源占比达到80%—90%，回收网点达到50—60个。"])
    assert [(t["kind"], t["value"], t["upper"]) for t in found] == [
        ("reach", 80, 90.0),
        ("count", 50, 60.0),
    ]


def test_doubling_qualifiers_and_no_value_no_target() -> None:
    from huanxin.supervision.planparse.targets import extract

    found, _ = extract(["到2027年，报废汽车回收量较2023年翻一番，营业收入达到100亿元左右。"])
    assert [(t["kind"], t["value"], t["qualifier"]) for t in found] == [
        ("multiple", 2.0, None),
        ("reach", 100, "左右"),
    ]
    assert extract(["再生资源回收利用水平显著提升，回收体系进一步完善。"]) == ([], [])
    subsidies, _ = extract(["每部电梯省、市、县三级分别补助 10 万元、5 万元、5 万元。"])
    assert subsidies == []


def test_goal_without_a_year_takes_the_plan_horizon() -> None:
    from huanxin.supervision.planparse import parse_plan_text

    text = """某县设备更新实施方案（2024—2027年）
一、主要目标
设备投资规模较2023年增长25%以上，每年举办促销活动2场以上。
二、重点任务
（一）推动工业设备更新。新建充电桩、换电站分别达到200个和30个。（县工信局负责）
"""
    plan = parse_plan_text(text, source_name="plan.txt")
    got = [(t["indicator"], t["value"], t["year"]) for t in plan["targets"]]
    assert got == [
        ("设备投资规模", 25, 2027),  # the plan's horizon
        ("每年举办促销活动", 2, None),  # annual
        ("新建充电桩", 200, None),  # a task's own figure: no year stated
        ("换电站", 30, None),
    ]
