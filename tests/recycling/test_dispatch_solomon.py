"""Solomon parsing (good and malformed files) and the VRPTW solver under DIMACS rounding."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from huanxin.core.errors import InvalidInput
from huanxin.recycling.dispatch.solomon import SolomonInstance, parse_solomon, read_solomon
from huanxin.recycling.dispatch.vrptw import dimacs_matrix, solve_vrptw

SOLOMON = Path(__file__).resolve().parents[3] / "shared" / "data" / "solomon"
needs_data = pytest.mark.usefixtures("shared")  # skips without ../shared, fails under CI

HEADER = """TINY

VEHICLE
NUMBER     CAPACITY
  3         50

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

"""
NODES = [
    "0  40  50   0    0  500   0",
    "1  45  68  10    0  200  10",
    "2  45  70  30   50  250  10",
    "3  42  66  10   20  300  10",
    "4  20  50  40   80  250  10",
    "5  25  52  20    0  400  10",
    "6  60  40  30  100  300  10",
]


def tiny(nodes: list[str] | None = None) -> str:
    return HEADER + "\n".join(NODES if nodes is None else nodes) + "\n"


def test_parse_reads_vehicles_depot_and_customers() -> None:
    inst = parse_solomon(tiny())
    assert (inst.name, inst.num_vehicles, inst.capacity) == ("TINY", 3, 50)
    assert (inst.depot.id, inst.depot.x, inst.depot.due) == (0, 40.0, 500)
    assert [c.id for c in inst.customers] == [1, 2, 3, 4, 5, 6]
    assert (inst.customers[1].demand, inst.customers[1].ready, inst.customers[1].service) == (
        30,
        50,
        10,
    )


@needs_data
def test_parse_real_instance_with_crlf() -> None:
    inst = read_solomon(SOLOMON / "C101.txt")
    assert (inst.num_vehicles, inst.capacity, len(inst.customers)) == (25, 200, 100)
    assert (inst.customers[0].x, inst.customers[0].y, inst.customers[0].ready) == (45.0, 68.0, 912)


@pytest.mark.parametrize(
    ("nodes", "fragment"),
    [
        ([*NODES[:2], "2  45  70  30   50  250", *NODES[3:]], "第12行：字段数量不足"),
        ([*NODES[:3], "3  42  abc  10   20  300  10", *NODES[4:]], "第13行：Y 坐标“abc”不是数字"),
        (
            [*NODES[:4], "4  20  50  40  280  250  10", *NODES[5:]],
            "第14行：最早时间 280 晚于最晚时间 250",
        ),
        ([*NODES[:1], "1  45  68  10.5  0  200  10", *NODES[2:]], "第11行：需求量“10.5”应为整数"),
        ([*NODES[:2], *NODES[3:]], "节点编号应为 2，实际为 3"),
        ([*NODES[:5], "5  25  52  60  0  400  10", *NODES[6:]], "需求量 60 超过车辆容量 50"),
    ],
)
def test_malformed_line_names_line_and_reason(nodes: list[str], fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_solomon(tiny(nodes))
    assert fragment in info.value.message
    assert info.value.field == "file"


def test_missing_vehicle_section() -> None:
    with pytest.raises(InvalidInput, match="缺少 VEHICLE 段"):
        parse_solomon(tiny().replace("VEHICLE", "FLEET"))


def test_empty_file() -> None:
    with pytest.raises(InvalidInput, match="算例文件为空"):
        parse_solomon("  \n\n")


def test_dimacs_matrix_truncates_to_one_decimal() -> None:
    import numpy as np

    matrix = dimacs_matrix(np.array([0.0, 3.0, 1.0]), np.array([0.0, 4.0, 1.0]))
    assert matrix.tolist() == [[0, 50, 14], [50, 0, 36], [14, 36, 0]]


def check_vrptw(inst: SolomonInstance, routes: list[list[int]]) -> float:
    """Independent re-check: every customer once, capacity, windows; returns the distance."""
    nodes = {n.id: n for n in (inst.depot, *inst.customers)}
    assert sorted(c for r in routes for c in r) == [c.id for c in inst.customers]
    assert len(routes) <= inst.num_vehicles
    total = 0.0
    for route in routes:
        assert sum(nodes[c].demand for c in route) <= inst.capacity
        clock, prev = 0.0, inst.depot
        for cid in [*route, 0]:
            node = nodes[cid]
            leg = math.floor(10 * math.hypot(node.x - prev.x, node.y - prev.y)) / 10
            total += leg
            clock = max(clock + leg, node.ready)
            assert clock <= node.due + 1e-9, f"customer {cid} reached at {clock} > {node.due}"
            clock += node.service
            prev = node
    return round(total, 1)


def test_solve_tiny_instance_is_feasible_and_rechecks() -> None:
    inst = parse_solomon(tiny())
    result = solve_vrptw(inst, 1.0, seed=3)
    assert result.feasible
    assert result.vehicles == len(result.routes)
    assert check_vrptw(inst, result.routes) == pytest.approx(result.distance)


@needs_data
def test_solve_c101_reaches_best_known_and_rechecks() -> None:
    inst = read_solomon(SOLOMON / "C101.txt")
    result = solve_vrptw(inst, 1.0, seed=1)
    assert result.feasible
    assert check_vrptw(inst, result.routes) == pytest.approx(result.distance)
    assert result.distance >= 827.3  # bks.csv: no solution can beat the optimum
