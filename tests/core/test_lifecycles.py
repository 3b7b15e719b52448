"""Every lifecycle with persisted states is an enum with a transition table in its domain's
``states.py``, and every move the table does not allow is refused by the domain's conflict
error: a 409 with its code."""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

import huanxin
from huanxin.claims.states import CLAIMS
from huanxin.core.errors import Conflict
from huanxin.core.lifecycle import Lifecycle
from huanxin.equipment.states import PROJECTS
from huanxin.recycling.states import BOOKINGS
from huanxin.secondhand.states import DISPOSALS, LISTINGS
from huanxin.supervision.states import ESCALATIONS, MEETINGS, PLANS, TASK_CLOSING, VISITS

LIFECYCLES: dict[str, Lifecycle[Any]] = {
    "claims": CLAIMS,
    "bookings": BOOKINGS,
    "listings": LISTINGS,
    "projects": PROJECTS,
    "tasks": TASK_CLOSING,
    "disposals": DISPOSALS,
    "plans": PLANS,
    "meetings": MEETINGS,
    "visits": VISITS,
    "escalations": ESCALATIONS,
}


@pytest.mark.parametrize("name", LIFECYCLES)
def test_every_move_outside_the_table_is_a_409(name: str) -> None:
    lifecycle = LIFECYCLES[name]
    states: list[StrEnum] = list(lifecycle.labels)
    assert {type(s) for s in states} == {type(states[0])} and len(states) >= 2
    allowed = refused = 0
    for here in states:
        for there in states:
            if there in lifecycle.moves[here]:
                assert lifecycle.check(here.value, there.value) is there
                allowed += 1
                continue
            with pytest.raises(Conflict) as caught:
                lifecycle.check(here.value, there.value)
            error = caught.value
            assert error.status == 409 and type(error) is lifecycle.error
            assert error.code != "conflict" and lifecycle.labels[here] in error.message
            refused += 1
    assert allowed > 0 and refused > allowed
    final = [s for s in states if not lifecycle.moves[s]]
    assert final, f"{name}: a lifecycle ends somewhere"


def test_an_unknown_stored_state_moves_nowhere() -> None:
    assert BOOKINGS.following("lost") == frozenset()
    with pytest.raises(Conflict):
        BOOKINGS.check("lost", "cancelled")
    assert BOOKINGS.label("lost") == "lost" and BOOKINGS.label("booked") == "已预约"


def test_every_lifecycle_is_in_a_states_module_and_checked_here() -> None:
    found: dict[str, Lifecycle[Any]] = {}
    for info in pkgutil.walk_packages(huanxin.__path__, "huanxin."):
        if info.name.count(".") == 1 and info.ispkg:  # a domain: its states.py, if any
            try:
                module = importlib.import_module(info.name + ".states")
            except ModuleNotFoundError:
                continue
            kept = {n: v for n, v in vars(module).items() if isinstance(v, Lifecycle)}
            found.update({f"{info.name}.{n}": v for n, v in kept.items()})
    assert sorted(map(id, found.values())) == sorted(map(id, LIFECYCLES.values())), found
    built = [f for f in Path(huanxin.__path__[0]).rglob("*.py") if "= Lifecycle(" in f.read_text()]
    assert {f.name for f in built} == {"states.py", "lifecycle.py"}  # lifecycle.py: its docstring
