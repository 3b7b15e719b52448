"""Lifecycles of the second-hand trade: a listing (listed → under offer → agreed → stored or
in transport → delivered or disposed; withdrawn before agreement) and a public institution's
disposal through the 公务仓 (declared → pooled or rejected; pooled ⇄ claimed; → approved →
done). A move the tables do not allow is an ``IllegalTransition`` (409)."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.lifecycle import Lifecycle
from huanxin.secondhand.errors import IllegalTransition


class ListingState(StrEnum):
    LISTED = "listed"
    UNDER_OFFER = "under_offer"
    AGREED = "agreed"
    IN_STORAGE = "in_storage"
    IN_TRANSPORT = "in_transport"
    DELIVERED = "delivered"
    DISPOSED = "disposed"
    WITHDRAWN = "withdrawn"


L = ListingState
LISTINGS = Lifecycle(
    "挂牌",
    {
        L.LISTED: "挂牌中",
        L.UNDER_OFFER: "有报价",
        L.AGREED: "已成交",
        L.IN_STORAGE: "暂存中",
        L.IN_TRANSPORT: "运输中",
        L.DELIVERED: "已交付",
        L.DISPOSED: "已处置",
        L.WITHDRAWN: "已撤回",
    },
    {
        L.LISTED: frozenset({L.UNDER_OFFER, L.WITHDRAWN}),
        L.UNDER_OFFER: frozenset({L.AGREED, L.LISTED, L.WITHDRAWN}),
        L.AGREED: frozenset({L.IN_STORAGE, L.IN_TRANSPORT}),
        L.IN_STORAGE: frozenset({L.IN_TRANSPORT, L.DISPOSED}),
        L.IN_TRANSPORT: frozenset({L.DELIVERED}),
        L.DELIVERED: frozenset(),
        L.DISPOSED: frozenset(),
        L.WITHDRAWN: frozenset(),
    },
    IllegalTransition,
)


class DisposalState(StrEnum):
    DECLARED = "declared"
    POOLED = "pooled"
    CLAIMED = "claimed"
    APPROVED = "approved"
    DONE = "done"
    REJECTED = "rejected"


D = DisposalState
DISPOSALS = Lifecycle(
    "公务仓资产",
    {
        D.DECLARED: "已申报",
        D.POOLED: "调剂公示中",
        D.CLAIMED: "有单位申领",
        D.APPROVED: "处置方式已批准",
        D.DONE: "已完成",
        D.REJECTED: "已退回",
    },
    {
        D.DECLARED: frozenset({D.POOLED, D.REJECTED}),
        D.POOLED: frozenset({D.CLAIMED, D.APPROVED}),
        D.CLAIMED: frozenset({D.POOLED, D.APPROVED}),
        D.APPROVED: frozenset({D.DONE}),
        D.DONE: frozenset(),
        D.REJECTED: frozenset(),
    },
    IllegalTransition,
)
