"""This province's review queue of cross-province matches, and its decisions on them.

A decision is *keep* (our claim stands) or *withdraw* (our claim is cancelled here, in the
same transaction that tells the registry). The registry closes a match once both
provinces have decided; if both keep, the national office decides.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.claims.service import lifecycle
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.federation.client import RegistryRefused, Unreachable
from huanxin.federation.drain import _upsert, sync_matches
from huanxin.federation.errors import MatchNotFound, MatchNotResolvable, RegistryUnavailable
from huanxin.federation.models import MatchRecord
from huanxin.federation.service import Federation

DISPOSITION_LABELS = {"keep": "保留本省申请", "withdraw": "撤销本省申请"}
DISPOSITION_SHORT = {"keep": "保留", "withdraw": "撤销"}
STATUS_LABELS = {"open": "待双方处理", "disputed": "双方均保留，待全国裁定", "closed": "已结案"}
OUTCOME_LABELS = {
    "holder_keeps": "先登记方保留",
    "challenger_keeps": "后登记方保留",
    "both_withdraw": "双方均撤销",
}
SIDE_LABELS = {"holder": "本省先登记", "challenger": "本省后登记（离线期间受理）"}


def readable(actor: Actor) -> Select[MatchRecord]:
    return select(MatchRecord).where(MatchRecord.jurisdiction_code.in_(actor.scope_codes))


def queue(session: Session, actor: Actor, *, include_closed: bool = False) -> list[MatchRecord]:
    """Matches in the actor's scope; the ones waiting for a decision first."""
    stmt = readable(actor)
    if not include_closed:
        stmt = stmt.where(MatchRecord.status != "closed")
    rows = list(session.scalars(stmt.order_by(MatchRecord.id)))
    return sorted(rows, key=lambda m: (m.our_disposition is not None, m.status == "closed", m.id))


def get(session: Session, actor: Actor, match_id: int) -> MatchRecord:
    record = session.scalars(readable(actor).where(MatchRecord.id == match_id)).first()
    if record is None:
        raise MatchNotFound("匹配记录不存在")
    return record


def resolve(
    session: Session, actor: Actor, fed: Federation, *, match_id: int, disposition: str
) -> MatchRecord:
    if disposition not in DISPOSITION_LABELS:
        raise MatchNotResolvable("请选择保留或撤销本省申请", field="disposition")
    record = get(session, actor, match_id)
    if record.status == "closed":
        raise MatchNotResolvable("该匹配记录已结案")
    if record.our_disposition == disposition:
        return record  # the same decision again changes nothing
    if disposition == "withdraw":
        lifecycle.cancel(
            session,
            actor,
            claim_id=record.claim_id,
            reason=f"与{record.other_name}的申请重复，本省撤销",
        )
    try:
        answer = fed.client.dispose(record.registry_match_id, disposition)
    except (Unreachable, RegistryRefused) as exc:
        raise RegistryUnavailable("全国补贴登记中心暂时无法连接，请稍后再处理") from exc
    _upsert(session, answer, record.jurisdiction_code)
    audit.record(
        session,
        actor,
        "federation.match_disposed",
        object_type="claim",
        object_id=record.claim_id,
        after={"disposition": disposition},
        detail={"match": record.registry_match_id, "other": record.other_code},
        jurisdiction_code=record.jurisdiction_code,
    )
    if answer["status"] == "closed":
        sync_matches(session, fed)
    return record
