"""Timed quota release API: define a schedule (office), list schedules and their rounds,
enter a lottery round (consumer), draw it (office), read its public record (anyone). A
consumer claims from a first-come release through ``POST /api/v1/quotas`` like any quota."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from huanxin.claims.errors import (
    LotteryClosed,
    NotEligible,
    QuotaLimitReached,
    QuotaSoldOut,
    ReleaseNotOpen,
    ReleasePlanInvalid,
)
from huanxin.claims.routes.release_schemas import (
    LotteryRecord,
    ReleaseCreate,
    ReleaseEntryRead,
    ReleaseRead,
    RoundRead,
)
from huanxin.claims.service import lottery, release_plans, releases
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id
from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, OutsideJurisdiction
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["quota-releases"])


@router.post(
    "/quota-releases",
    status_code=201,
    responses=errors(ReleasePlanInvalid, OutsideJurisdiction),
)
@idempotent("quota_releases.define")
def define_release(
    body: ReleaseCreate,
    actor: Annotated[Actor, Depends(require("policy:write"))],
    session: DbSession,
) -> ReleaseRead:
    return ReleaseRead.of(release_plans.define(session, actor, body.plan()))


@router.get("/quota-releases")
def list_releases(
    actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession, paged: Paged
) -> list[ReleaseRead]:
    return [ReleaseRead.of(r) for r in paged.slice(releases.list_releases(session, actor))]


@router.get("/quota-releases/{release_id}/rounds")
def list_rounds(
    release_id: Id, actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession
) -> list[RoundRead]:
    release = releases.get_release(session, actor, release_id)
    return [RoundRead.of(r) for r in releases.rounds_of(session, release.id)]


@router.post(
    "/quota-releases/{release_id}/entries",
    status_code=201,
    responses=errors(LotteryClosed, ReleaseNotOpen, QuotaLimitReached, NotEligible, Conflict),
)
@idempotent("lottery.enter.{release_id}")
def enter_lottery(
    release_id: Id,
    actor: Annotated[Actor, Depends(require("claims:own"))],
    session: DbSession,
) -> ReleaseEntryRead:
    return ReleaseEntryRead.of(lottery.enter(session, actor, release_id=release_id, now=utcnow()))


@router.post(
    "/lottery-rounds/{round_id}/draw",
    responses=errors(LotteryClosed, NotEligible, QuotaSoldOut, Conflict),
)
@idempotent("lottery.draw.{round_id}")
def draw_lottery(
    round_id: Id,
    actor: Annotated[Actor, Depends(require("policy:write"))],
    session: DbSession,
) -> RoundRead:
    return RoundRead.of(lottery.draw(session, actor, round_id=round_id, now=utcnow()))


@router.get("/lottery-rounds/{round_id}", dependencies=[Depends(public)])
def lottery_record(round_id: Id, session: DbSession) -> LotteryRecord:
    """Public: the round's seed hash, tickets and (once drawn) seed and winners."""
    return LotteryRecord.model_validate(lottery.record(session, round_id))
