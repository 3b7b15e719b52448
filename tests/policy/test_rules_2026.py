"""The shipped 2026 programmes against the 2026 notice as reported (发改环资〔2025〕1745号):
e-bikes and home renovation are no national category any more (localities may keep them),
smart glasses are national, smart-home items are local (each demo province defines its own
categories), and every programme names its sources with a confidence."""

from __future__ import annotations

from datetime import date

from huanxin.policy.loader import load_dir
from huanxin.policy.schema import Programme

DEMO_PROVINCES = {"140000", "370000"}
LOCAL_ONLY = {"ebike", "elderly_home_adaptation", "smart_door_lock", "robot_vacuum"}


def _in_2026(p: Programme) -> bool:
    return p.effective.contains(date(2026, 6, 1))


def test_2026_national_programmes_leave_local_categories_to_localities() -> None:
    national = [p for p in load_dir() if _in_2026(p) and p.jurisdiction.code == "100000"]
    codes = {c.code for p in national for c in p.categories}
    assert "smart_glasses" in codes
    assert codes & LOCAL_ONLY == set()
    appliance = next(p for p in national if p.id == "cn.appliance")
    assert [c.code for c in appliance.categories] == [
        "refrigerator",
        "washing_machine",
        "television",
        "air_conditioner",
        "computer",
        "water_heater",
    ]
    assert appliance.amount[0].rate_bp == 1500 and appliance.amount[0].cap_fen == 150_000


def test_each_demo_province_defines_its_own_smart_home_programme() -> None:
    smart = [
        p for p in load_dir() if _in_2026(p) and any(c.code == "robot_vacuum" for c in p.categories)
    ]
    assert {p.jurisdiction.code for p in smart} == DEMO_PROVINCES
    assert all(p.jurisdiction.level == "province" for p in smart)


def test_every_programme_names_sources_with_confidence_and_the_examples_exist() -> None:
    programmes = load_dir()
    assert all(p.sources and all(s.confidence for s in p.sources) for p in programmes)
    ids = {p.id for p in programmes}
    assert {"cn.farm_machinery", "cn.diesel_truck"} <= ids
