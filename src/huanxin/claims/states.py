"""The claim state machine: the only transitions there are.

Point of sale: reserved → approved → batched → paid; applications: submitted → approved or
rejected → appealed → approved or rejected_final. Before payment a claim can be cancelled;
within the rule's window it can be returned (after payment the subsidy is clawed back).
A failed bank payment sends a batched claim back to approved (re-queued).
"""

from __future__ import annotations

from huanxin.claims.errors import IllegalTransition

LABELS: dict[str, str] = {
    "reserved": "已核销待审核",
    "submitted": "已申请待审核",
    "approved": "审核通过待支付",
    "rejected": "已驳回",
    "appealed": "申诉中",
    "rejected_final": "申诉驳回",
    "batched": "支付中",
    "paid": "已支付",
    "cancelled": "已撤销",
    "returned": "已退货",
}

TRANSITIONS: dict[str, frozenset[str]] = {
    "reserved": frozenset({"approved", "cancelled", "returned"}),
    "submitted": frozenset({"approved", "rejected"}),
    "rejected": frozenset({"appealed"}),
    "appealed": frozenset({"approved", "rejected_final"}),
    "approved": frozenset({"batched", "cancelled", "returned"}),
    "batched": frozenset({"paid", "approved"}),
    "paid": frozenset({"returned"}),
    "rejected_final": frozenset(),
    "cancelled": frozenset(),
    "returned": frozenset(),
}

HOLDS_BUDGET = frozenset({"reserved", "approved", "batched"})


def check(from_state: str, to_state: str) -> None:
    if to_state not in TRANSITIONS.get(from_state, frozenset()):
        raise IllegalTransition(
            f"申请当前状态为「{LABELS.get(from_state, from_state)}」，"
            f"不能变更为「{LABELS.get(to_state, to_state)}」"
        )
