"""The claim state machine: the only transitions there are.

Point of sale: reserved → approved → batched → paid; applications: submitted → approved or
rejected → appealed → approved or rejected_final. Before payment a claim can be cancelled;
within the rule's window it can be returned (after payment the subsidy is clawed back).
A failed bank payment sends a batched claim back to approved (re-queued).
"""

from __future__ import annotations

from enum import StrEnum

from huanxin.claims.errors import IllegalTransition
from huanxin.core.lifecycle import Lifecycle


class ClaimState(StrEnum):
    RESERVED = "reserved"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPEALED = "appealed"
    REJECTED_FINAL = "rejected_final"
    BATCHED = "batched"
    PAID = "paid"
    CANCELLED = "cancelled"
    RETURNED = "returned"


C = ClaimState
CLAIMS = Lifecycle(
    "申请",
    {
        C.RESERVED: "已核销待审核",
        C.SUBMITTED: "已申请待审核",
        C.APPROVED: "审核通过待支付",
        C.REJECTED: "已驳回",
        C.APPEALED: "申诉中",
        C.REJECTED_FINAL: "申诉驳回",
        C.BATCHED: "支付中",
        C.PAID: "已支付",
        C.CANCELLED: "已撤销",
        C.RETURNED: "已退货",
    },
    {
        C.RESERVED: frozenset({C.APPROVED, C.CANCELLED, C.RETURNED}),
        C.SUBMITTED: frozenset({C.APPROVED, C.REJECTED}),
        C.REJECTED: frozenset({C.APPEALED}),
        C.APPEALED: frozenset({C.APPROVED, C.REJECTED_FINAL}),
        C.APPROVED: frozenset({C.BATCHED, C.CANCELLED, C.RETURNED}),
        C.BATCHED: frozenset({C.PAID, C.APPROVED}),
        C.PAID: frozenset({C.RETURNED}),
        C.REJECTED_FINAL: frozenset(),
        C.CANCELLED: frozenset(),
        C.RETURNED: frozenset(),
    },
    IllegalTransition,
)
# Plain-string views for templates and schemas.
LABELS: dict[str, str] = {s.value: t for s, t in CLAIMS.labels.items()}
TRANSITIONS: dict[str, frozenset[str]] = {
    s.value: frozenset(m.value for m in moves) for s, moves in CLAIMS.moves.items()
}


def check(from_state: str, to_state: str) -> ClaimState:
    return CLAIMS.check(from_state, to_state)
