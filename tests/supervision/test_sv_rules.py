"""Pure rules: unit matching, reporting periods, task status, indicator progress and forecast."""

from __future__ import annotations

from datetime import date

from huanxin.supervision import indicators, matching
from huanxin.supervision import vocab as rules
from huanxin.supervision.models import Indicator

POOL = [
    matching.Candidate(1, "市发展改革委", ("市发改委",)),
    matching.Candidate(2, "县工信局", ("县商务局",)),
    matching.Candidate(3, "各县区人民政府", ()),
    matching.Candidate(4, "县住建局", ()),
]


def test_match_order_exact_alias_fuzzy_none() -> None:
    assert matching.match("市发展改革委", POOL) == matching.Proposal(1, "exact", 100)
    assert matching.match("市发改委", POOL) == matching.Proposal(1, "alias", 100)
    assert matching.match("县工信局<县商务局>", POOL) == matching.Proposal(2, "alias", 100)
    fuzzy = matching.match("各县（市、区）人民政府", POOL)
    assert fuzzy.department_id == 3 and fuzzy.method == "fuzzy"
    assert fuzzy.score >= matching.FUZZY_THRESHOLD
    long_form = matching.match("沁水县住房和城乡建设局", POOL, place="沁水县", level_word="县")
    assert long_form == matching.Proposal(4, "fuzzy", 100)
    none = matching.match("县新能源推进中心", POOL)
    assert none.department_id is None and none.method == "none"
    assert none.score < matching.FUZZY_THRESHOLD


def test_periods() -> None:
    assert rules.period_of(date(2026, 11, 23), "monthly") == "2026-11"
    assert rules.period_of(date(2026, 11, 23), "quarterly") == "2026-Q4"
    assert rules.previous_period(date(2026, 1, 5), "monthly") == "2025-12"
    assert rules.period_bounds("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert rules.period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert rules.period_bounds("2026-13") is None


def facts(**kw: object) -> rules.TaskFacts:
    base: dict[str, object] = {
        "closed": False,
        "deadline": date(2026, 12, 31),
        "created": date(2026, 1, 1),
        "schedule": "monthly",
        "latest_percent": 50,
        "reported_periods": frozenset({"2026-06"}),
    }
    base.update(kw)
    return rules.TaskFacts(**base)  # type: ignore[arg-type]


def test_status_rule() -> None:
    day = date(2026, 7, 10)
    assert rules.status(facts(closed=True, deadline=date(2026, 1, 1)), day) == "done"
    assert rules.status(facts(deadline=date(2026, 7, 9)), day) == "overdue"
    assert (
        rules.status(facts(latest_percent=None, reported_periods=frozenset()), day) == "not_started"
    )
    assert rules.status(facts(reported_periods=frozenset({"2026-05"})), day) == "at_risk"
    # expected 52% on 10 July; 31% is more than 20 points behind, 33% is not
    assert rules.status(facts(latest_percent=31), day) == "at_risk"
    assert rules.status(facts(latest_percent=33), day) == "on_track"
    assert rules.status(facts(created=date(2026, 7, 1)), day) == "on_track"


def test_progress_and_forecast() -> None:
    ind = Indicator(
        name="设备投资规模",
        kind="increase_pct",
        target_value=25.0,
        target_year=2027,
        baseline_year=2023,
        baseline_value=100.0,
    )
    vals = [
        indicators.IndicatorValue(year=2024, value=110.0),
        indicators.IndicatorValue(year=2025, value=115.0),
    ]
    p = indicators.progress(ind, vals)
    assert p.target_level == 125.0 and p.percent == 60.0
    # least squares through (2023,100), (2024,110), (2025,115): mean 108.333, slope 7.5,
    # at 2027 → 108.3333 + 3 × 7.5
    assert p.forecast == 130.8333 and p.on_course is True
    no_base = Indicator(name="x", kind="increase_pct", target_value=25.0, target_year=2027)
    assert indicators.progress(no_base, vals).percent is None
    reach = Indicator(name="保有量", kind="reach", target_value=6000.0, target_year=2025)
    r = indicators.progress(reach, [indicators.IndicatorValue(year=2024, value=4500.0)])
    assert r.percent == 75.0 and r.forecast is None
    assert indicators.linear_forecast([(2024, 1.0), (2025, 3.0)], 2027) == 7.0
