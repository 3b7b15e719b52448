"""The merchant's tills (/merchant/sites) as the page kit pages, sorts, filters, searches and
exports them: every till of the merchant a page at a time (the page drew them all), filtered
by store, found by terminal id."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, Select, false, select

from huanxin.claims.models import MerchantTill
from huanxin.core.actor import Actor
from huanxin.core.clock import local_text
from huanxin.web.kit.lists import Column, Filter, ListSpec


def readable(actor: Actor) -> Select[MerchantTill]:
    """The tills of the actor's merchant (none for an actor of no merchant)."""
    own = MerchantTill.org_id == actor.org_id if actor.org_id is not None else false()
    return select(MerchantTill).where(own)


def _matching(text: str) -> ColumnElement[bool]:
    return MerchantTill.terminal_id.contains(text.strip().upper(), autoescape=True)


def spec(stores: Mapping[str, str]) -> ListSpec:
    """The list; ``stores``: the merchant's store names by id (the store filter)."""
    return ListSpec(
        title="收银终端",
        columns=(
            Column("terminal", "终端号", MerchantTill.terminal_id, lambda t: t.terminal_id),
            Column(
                "store",
                "所在门店",
                MerchantTill.store_id,
                lambda t: stores.get(str(t.store_id), ""),
            ),
            Column(
                "created", "登记时间", MerchantTill.created_at, lambda t: local_text(t.created_at)
            ),
        ),
        default_sort="terminal",
        tiebreak=MerchantTill.id,
        search=_matching,
        search_hint="终端号",
        filters=(
            Filter("store_id", "所在门店", stores, lambda v: MerchantTill.store_id == int(v)),
        ),
    )
