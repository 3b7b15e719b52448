"""Solving Solomon VRPTW instances with PyVRP under the DIMACS distance convention.

Each Euclidean distance is truncated to one decimal (``floor(10 * d) / 10``) and the same
value is the travel time, as in the CVRPLIB best-known solutions (see
``shared/data/solomon/README.md``). Internally everything is scaled by 10 to integers.
The objective is total distance; the number of vehicles is only an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxRuntime

from huanxin.recycling.dispatch.solomon import SolomonInstance, SolomonNode
from huanxin.recycling.dispatch.travel import IntMatrix, pyvrp_matrices

SCALE = 10


@dataclass(frozen=True)
class VrptwResult:
    """Best solution found: routes hold Solomon customer ids in visiting order."""

    vehicles: int
    distance: float
    feasible: bool
    routes: list[list[int]]

    def to_dict(self) -> dict[str, object]:
        return {
            "vehicles": self.vehicles,
            "distance": self.distance,
            "feasible": self.feasible,
            "routes": self.routes,
        }


def dimacs_matrix(xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64]) -> IntMatrix:
    """Distances scaled by 10 and truncated: ``floor(10 * euclid)`` as int64 (as PyVRP's
    ``round_func="dimacs"``)."""
    dx = xs[:, None] - xs[None, :]
    dy = ys[:, None] - ys[None, :]
    truncated: IntMatrix = np.floor(SCALE * np.hypot(dx, dy)).astype(np.int64)
    return truncated


def vrptw_data(instance: SolomonInstance) -> ProblemData:
    """Build PyVRP problem data (one depot, one vehicle type, one load dimension)."""
    nodes = (instance.depot, *instance.customers)
    xs = np.array([n.x for n in nodes], dtype=np.float64)
    ys = np.array([n.y for n in nodes], dtype=np.float64)
    matrix = dimacs_matrix(xs, ys)
    depot = instance.depot
    vehicle = VehicleType(
        num_available=instance.num_vehicles,
        capacity=[instance.capacity],
        tw_early=depot.ready * SCALE,
        tw_late=depot.due * SCALE,
    )
    return ProblemData(
        locations=[Location(n.x, n.y, name=str(n.id)) for n in nodes],
        clients=[_client(idx, node) for idx, node in enumerate(instance.customers, start=1)],
        depots=[Depot(location=0, tw_early=depot.ready * SCALE, tw_late=depot.due * SCALE)],
        vehicle_types=[vehicle],
        distance_matrices=pyvrp_matrices(matrix),
        duration_matrices=pyvrp_matrices(matrix),
    )


def _client(location: int, node: SolomonNode) -> Client:
    return Client(
        location=location,
        delivery=[node.demand],
        service_duration=node.service * SCALE,
        tw_early=node.ready * SCALE,
        tw_late=node.due * SCALE,
        name=str(node.id),
    )


def solve_vrptw(instance: SolomonInstance, seconds: float, seed: int = 1) -> VrptwResult:
    """Minimise total distance for ``seconds`` of wall time with a fixed seed."""
    data = vrptw_data(instance)
    result = solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False)
    best = result.best
    ids = [node.id for node in instance.customers]
    routes = [[ids[act.idx] for act in route if act.is_client()] for route in best.routes()]
    return VrptwResult(
        vehicles=len(routes),
        distance=best.distance() / SCALE,
        feasible=best.is_feasible(),
        routes=routes,
    )
