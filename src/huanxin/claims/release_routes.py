"""Timed quota release API: define a schedule (office), list schedules and their rounds.
A consumer claims from a release through ``POST /api/v1/quotas`` like any quota."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from huanxin.claims.release_schemas import ReleaseCreate, ReleaseRead, RoundRead
from huanxin.claims.service import release_plans, releases
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, IdempotencyKey
from huanxin.web.deps import DbSession, require
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
