"""Lifecycles of persisted states: an enum of the states, their Chinese labels and the table
of allowed transitions, checked in one place. A move the table does not allow raises the
domain's ``Conflict`` subclass, so an illegal transition answers 409 everywhere.

    >>> from enum import StrEnum
    >>> class Door(StrEnum):
    ...     OPEN = "open"
    ...     SHUT = "shut"
    >>> DOOR = Lifecycle("门", {Door.OPEN: "开着", Door.SHUT: "关着"},
    ...                  {Door.OPEN: frozenset({Door.SHUT}), Door.SHUT: frozenset()})
    >>> DOOR.check("open", "shut")
    <Door.SHUT: 'shut'>
    >>> DOOR.check("shut", "open")
    Traceback (most recent call last):
    huanxin.core.errors.Conflict: 门当前状态为“关着”，不能变为“开着”
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from huanxin.core.errors import Conflict

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    noun: str  # what moves, in Chinese: 预约, 挂牌, 项目 …
    labels: Mapping[S, str]
    moves: Mapping[S, frozenset[S]]
    error: type[Conflict] = Conflict

    def __post_init__(self) -> None:
        states = set(self.labels)
        assert states == set(self.moves), f"{self.noun}: every state needs a row of moves"
        assert all(m <= states for m in self.moves.values()), f"{self.noun}: unknown target"

    def state(self, value: str) -> S:
        """The enum member stored as ``value`` (ValueError for a value not in the enum)."""
        return type(next(iter(self.labels)))(value)

    def label(self, value: str) -> str:
        """The Chinese label of a stored state (the value itself if unknown)."""
        return {s.value: t for s, t in self.labels.items()}.get(value, value)

    def allows(self, from_state: str, to_state: str) -> bool:
        return to_state in {s.value for s in self.following(from_state)}

    def following(self, value: str) -> frozenset[S]:
        """Where a row in ``value`` may go next (empty: a final state or an unknown one)."""
        return next((m for s, m in self.moves.items() if s.value == value), frozenset())

    def check(self, from_state: str, to_state: str, *, field: str = "state") -> S:
        """``to_state`` as the enum member when the table allows the move, else the domain's
        conflict naming both states by their labels."""
        if not self.allows(from_state, to_state):
            raise self.error(
                f"{self.noun}当前状态为“{self.label(from_state)}”，"
                f"不能变为“{self.label(to_state)}”",
                field=field,
            )
        return self.state(to_state)
