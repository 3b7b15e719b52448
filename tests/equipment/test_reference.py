"""Our transcribed reference files: provenance on every row, and equality with /work/shared."""

from __future__ import annotations

import csv
import os
from importlib import resources
from pathlib import Path

import pytest

from huanxin.equipment.reference import load_ledger_columns, load_rules

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "energy_efficiency"
OURS = {
    "motor_gb18613_2020.csv": "GB 18613-2020",
    "transformer_gb20052_2024.csv": "GB 20052-2024",
    "air_compressor_gb19153_2019.csv": "GB 19153-2019",
    "fan_gb19761_2020.csv": "GB 19761-2020",
    "boiler_gb24500_2020.csv": "GB 24500-2020",
    "pump_gb19762_2025_ci.csv": "GB 19762-2025",
    "pump_gb19762_2025_coefficients.csv": "GB 19762-2025",
    "pump_gb19762_2025_petrochemical_offsets.csv": "GB 19762-2025",
    "pump_gb19762_2025_petrochemical_polynomials.csv": "GB 19762-2025",
}


def ours(name: str) -> list[dict[str, str]]:
    text = resources.files("huanxin.equipment.reference").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def shared(name: str) -> list[dict[str, str]]:
    if not SHARED.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"shared reference data missing at {SHARED}")
        pytest.skip(f"shared reference data missing at {SHARED}")
    with (SHARED / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("name", "standard"), sorted(OURS.items()))
def test_every_row_cites_standard_policy_and_url(name: str, standard: str) -> None:
    rows = ours(name)
    assert rows
    for row in rows:
        assert row["standard"] == standard
        assert "发改环资规〔2024〕127号" in row["policy"]
        assert row["source_url"].startswith("https://github.com/adgo07/EquipEffi/blob/")


def test_loader_counts_match_files() -> None:
    rules = load_rules()
    assert len(rules.motors) == len(ours("motor_gb18613_2020.csv"))
    assert len(rules.transformers) == len(ours("transformer_gb20052_2024.csv"))
    assert len(rules.compressors) == len(ours("air_compressor_gb19153_2019.csv"))
    assert len(rules.fans) == len(ours("fan_gb19761_2020.csv"))
    assert len(rules.boilers) == len(ours("boiler_gb24500_2020.csv"))
    assert {c.attr for c in _columns()} <= set(_record_fields())


def _columns() -> list[object]:
    from huanxin.equipment.ledger_io import COLUMNS

    return list(COLUMNS)


def _record_fields() -> list[str]:
    import dataclasses

    from huanxin.equipment.classify import EquipmentRecord

    return [f.name for f in dataclasses.fields(EquipmentRecord)]


def test_every_category_with_standard_has_a_matcher() -> None:
    with_data = {c.code for c in load_rules().categories.values() if c.standard}
    assert with_data == {
        "motor",
        "transformer",
        "air_compressor",
        "fan",
        "pump",
        "petrochemical_pump",
        "industrial_boiler",
    }
    assert len(load_ledger_columns()) == len(_columns())


def test_crosscheck_motors() -> None:
    theirs = {(float(r["rated_kw"]), int(r["poles"])): r for r in shared("motors_gb18613_2020.csv")}
    rules = load_rules()
    assert set(theirs) == set(rules.motors)
    for key, row in rules.motors.items():
        t = theirs[key]
        assert (row.eff.g1, row.eff.g2, row.eff.g3) == tuple(
            float(t[f"grade{g}_pct"]) for g in (1, 2, 3)
        )
        assert row.source.url == t["source_url"]


def test_crosscheck_transformers() -> None:
    theirs = shared("transformers_gb20052_2024.csv")
    rules = load_rules().transformers
    assert len(theirs) == len(rules)
    for t, row in zip(theirs, rules, strict=True):
        assert row.rated_kva == float(t["rated_kva"])
        assert row.voltage_kv == float(t["voltage_kv"])
        for g in (1, 2, 3):
            assert row.p0.get(g) == float(t[f"grade{g}_no_load_loss_kw"])
            assert row.pk.get(g) == float(t[f"grade{g}_load_loss_kw"])


def test_crosscheck_compressors() -> None:
    theirs = shared("air_compressors_gb19153_2019.csv")
    rules = load_rules().compressors
    assert len(theirs) == len(rules)
    for t in theirs:
        cooling = "air" if t["cooling"] == "air-cooled" else "liquid"
        row = rules[(float(t["motor_power_kw"]), float(t["rated_discharge_pressure_mpa"]), cooling)]
        for g in (1, 2, 3):
            assert row.sp.get(g) == float(t[f"grade{g}_specific_power_kw_per_m3min"])


def _num(text: str) -> float | None:
    return float(text) if text else None


def test_crosscheck_fans_and_boilers() -> None:
    fans = shared("fans_gb19761_2020.csv")
    assert len(fans) == len(load_rules().fans)
    for t, row in zip(fans, load_rules().fans, strict=True):
        assert [row.eff.get(g) for g in (1, 2, 3)] == [
            _num(t[f"grade{g}_eff_pct"]) for g in (1, 2, 3)
        ]
        assert (t["fan_type"].split()[0] == "axial") is (row.kind == "axial")
    boilers = shared("industrial_boilers_gb24500_2020.csv")
    assert len(boilers) == len(load_rules().boilers)
    for t, brow in zip(boilers, load_rules().boilers, strict=True):
        expected = [_num(t[f"grade{g}_thermal_eff_pct"]) for g in (1, 2, 3)]
        assert [brow.eff.get(g) for g in (1, 2, 3)] == expected


def test_crosscheck_pumps() -> None:
    theirs = shared("pumps_gb19762_2025_clear_water_ci.csv")
    rules = load_rules().pump_ci
    assert len(theirs) == len(rules)
    for t, row in zip(theirs, rules, strict=True):
        assert [row.ci.get(g) for g in (1, 2, 3)] == [float(t[f"ci_grade{g}"]) for g in (1, 2, 3)]
        assert (row.q.lo, row.q.hi) == (float(t["q_bep_min_m3h"]), float(t["q_bep_max_m3h"]))
    coeffs = shared("pumps_gb19762_2025_formula_coefficients.csv")
    ours_k = load_rules().pump_coefficients
    for t in coeffs:
        k = ours_k["single" if t["formula_set"].startswith("单级") else "multi"]
        assert (k.a, k.b, k.c, k.d, k.e) == tuple(float(t[c]) for c in "abcde")


def test_crosscheck_petrochemical_pumps() -> None:
    theirs = shared("pumps_gb19762_2025_petrochemical_offsets.csv")
    rows = load_rules().petro_offsets
    assert len(theirs) == len(rows) == 16
    for t, row in zip(theirs, rows, strict=True):
        assert row.formula_set == ("single" if t["pump_stage"] == "单级" else "multi")
        assert (row.q.lo, row.q.hi) == (
            float(t["q_min_m3h_exclusive"]),
            _num(t["q_max_m3h_inclusive"]),
        )
        assert (row.ns.lo, row.ns.hi) == (float(t["ns_min"]), float(t["ns_max"]))
        assert row.uses_delta_eta is (t["eta0_uses_delta_eta"] == "true")
        offsets = [float(t[f"offset_grade{g}_pct"]) for g in (1, 2, 3)]
        assert [row.offset.get(g) for g in (1, 2, 3)] == offsets
    polys = shared("pumps_gb19762_2025_petrochemical_polynomials.csv")
    ours_p = load_rules().petro_polynomials
    names = ("eta_b_single", "eta_b_multi", "delta_eta_low", "delta_eta_high")
    for name, t in zip(names, polys, strict=True):
        columns = ("c6_x^6", "c5_x^5", "c4_x^4", "c3_x^3", "c2_x^2", "c1_x", "c0")
        assert ours_p[name].coefficients == tuple(float(t[c]) for c in columns)


def test_every_shared_product_is_a_category() -> None:
    """Each product of the shared list is shipped with data or reported as no reference data."""
    labels = load_rules().category_by_label()
    for row in shared("categories.csv"):
        names = [n.strip() for n in row["product_zh"].split("/")]
        assert any(n in labels for n in names), row["product_zh"]
        code = next(labels[n] for n in names if n in labels)
        has_file = bool(row["data_file"])
        assert (load_rules().categories[code].standard is not None) is has_file, code
