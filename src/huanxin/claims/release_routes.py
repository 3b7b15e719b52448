"""Timed quota release API: define a schedule (office), list schedules and their rounds,
enter a lottery round (consumer), draw it (office), read its public record (anyone). A
consumer claims from a first-come release through ``POST /api/v1/quotas`` like any quota."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from huanxin.claims.release_schemas import (
    EntryRead,
    LotteryRecord,
    ReleaseCreate,
    ReleaseRead,
    RoundRead,
)
from huanxin.claims.service import lottery, release_plans, releases
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, IdempotencyKey
from huanxin.core.clock import utcnow
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import respond

router = APIRouter(prefix="/api/v1", tags=["quota-releases"])
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]


def errors(*codes: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` naming each refusal's status and stable code."""
    out: dict[int | str, dict[str, Any]] = {}
    for status, code in codes:
        entry = out.setdefault(status, {"description": ""})
        entry["description"] = " | ".join(filter(None, [entry["description"], code]))
    return out


@router.post(
    "/quota-releases",
    status_code=201,
    response_model=ReleaseRead,
    responses=errors(
        (422, "release_plan_invalid"), (403, "outside_jurisdiction"), (409, "request_in_progress")
    ),
)
def define_release(
    body: ReleaseCreate,
    actor: Annotated[Actor, Depends(require("policy:write"))],
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        release = release_plans.define(session, actor, body.plan())
        return 201, ReleaseRead.of(release).model_dump(mode="json")

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="quota_releases.define",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.get("/quota-releases", response_model=list[ReleaseRead])
def list_releases(
    actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession
) -> list[ReleaseRead]:
    return [ReleaseRead.of(r) for r in releases.list_releases(session, actor)]


@router.get(
    "/quota-releases/{release_id}/rounds",
    response_model=list[RoundRead],
    responses=errors((404, "not_found")),
)
def list_rounds(
    release_id: Id, actor: Annotated[Actor, Depends(require("policy:read"))], session: DbSession
) -> list[RoundRead]:
    release = releases.get_release(session, actor, release_id)
    return [RoundRead.of(r) for r in releases.rounds_of(session, release.id)]


@router.post(
    "/quota-releases/{release_id}/entries",
    status_code=201,
    response_model=EntryRead,
    responses=errors(
        (404, "not_found"),
        (409, "lottery_closed | release_not_open | quota_limit_reached | not_eligible"),
        (422, "invalid_input"),
    ),
)
def enter_lottery(
    release_id: Id,
    actor: Annotated[Actor, Depends(require("claims:own"))],
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        entry = lottery.enter(session, actor, release_id=release_id, now=utcnow())
        return 201, EntryRead.of(entry).model_dump(mode="json")

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="lottery.enter",
        payload={"release_id": release_id},
        action=action,
    )


@router.post(
    "/lottery-rounds/{round_id}/draw",
    response_model=RoundRead,
    responses=errors((404, "not_found"), (409, "lottery_closed | conflict | not_eligible")),
)
def draw_lottery(
    round_id: Id,
    actor: Annotated[Actor, Depends(require("policy:write"))],
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        rnd = lottery.draw(session, actor, round_id=round_id, now=utcnow())
        return 200, RoundRead.of(rnd).model_dump(mode="json")

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="lottery.draw",
        payload={"round_id": round_id},
        action=action,
    )


@router.get(
    "/lottery-rounds/{round_id}",
    response_model=LotteryRecord,
    responses=errors((404, "not_found")),
    dependencies=[Depends(public)],
)
def lottery_record(round_id: Id, session: DbSession) -> LotteryRecord:
    """Public: the round's seed hash, tickets and (once drawn) seed and winners."""
    return LotteryRecord.model_validate(lottery.record(session, round_id))
