"""The national registry's HTTP API (``huanxin registry serve``), a FastAPI app of its own.

Deployments authenticate with their bearer token; the national office reads the roll-up
with the admin token (``HUANXIN_REGISTRY_ADMIN_TOKEN``). Errors answer
``{"code", "message"}`` with a Chinese message, like the platform's own API.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from huanxin.core.errors import DomainError, NotAuthenticated
from huanxin.db import Database
from huanxin.federation.registry import service
from huanxin.federation.registry.models import Deployment, Match, RegistryBase

Hash = Annotated[str, Field(min_length=8, max_length=80)]


class KeyIn(BaseModel):
    kind: Annotated[str, Field(min_length=1, max_length=32)]
    candidates: Annotated[list[Hash], Field(min_length=1, max_length=16)]
    previous: Annotated[list[Hash], Field(max_length=16)] = []


class ClaimIn(BaseModel):
    ref: Annotated[str, Field(min_length=1, max_length=64)]
    keys: Annotated[list[KeyIn], Field(min_length=1, max_length=16)]
    deferred: bool = False


class KeyOut(BaseModel):
    kind: str
    granted: str | None
    holder: str | None
    holder_name: str | None
    match_id: int | None


class ClaimOut(BaseModel):
    granted: bool
    keys: list[KeyOut]


class ReleaseIn(BaseModel):
    ref: Annotated[str, Field(min_length=1, max_length=64)]
    kinds: list[Annotated[str, Field(max_length=32)]] | None = None


class ReleaseOut(BaseModel):
    released: int


class MatchOut(BaseModel):
    id: int
    kind: str
    holder: str
    holder_name: str
    holder_ref: str
    challenger: str
    challenger_name: str
    challenger_ref: str
    status: str
    holder_disposition: str | None
    challenger_disposition: str | None
    outcome: str | None
    side: str  # the caller's side: holder | challenger

    @classmethod
    def of(cls, m: Match, names: dict[str, str], me: str) -> MatchOut:
        return cls(
            id=m.id,
            kind=m.kind,
            side="holder" if m.holder == me else "challenger",
            holder=m.holder,
            holder_ref=m.holder_ref,
            holder_name=names.get(m.holder, m.holder),
            challenger=m.challenger,
            challenger_name=names.get(m.challenger, m.challenger),
            challenger_ref=m.challenger_ref,
            status=m.status,
            holder_disposition=m.holder_disposition,
            challenger_disposition=m.challenger_disposition,
            outcome=m.outcome,
        )


class DispositionIn(BaseModel):
    disposition: Annotated[str, Field(max_length=16)]


class RollupIn(BaseModel):
    as_of: date
    figures: dict[Annotated[str, Field(max_length=64)], Annotated[int, Field(ge=0)]]


class ProvinceOut(BaseModel):
    code: str
    name: str
    as_of: date | None
    figures: dict[str, int]


class Ok(BaseModel):
    ok: bool = True


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.db.unit_of_work() as session:
        yield session


Db = Annotated[Session, Depends(_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _caller(request: Request, s: Db) -> Deployment:
    return service.authenticate(s, _bearer(request))


Me = Annotated[Deployment, Depends(_caller)]
router = APIRouter(prefix="/registry/v1")


@router.get("/health")
def health() -> Ok:
    return Ok()


@router.post("/claims")
def claim(body: ClaimIn, me: Me, s: Db) -> ClaimOut:
    keys = [service.KeyRequest(k.kind, k.candidates, k.previous) for k in body.keys]
    result = service.claim(s, me, ref=body.ref, keys=keys, deferred=body.deferred)
    return ClaimOut(granted=result.granted, keys=[KeyOut(**vars(k)) for k in result.keys])


@router.post("/releases")
def release(body: ReleaseIn, me: Me, s: Db) -> ReleaseOut:
    return ReleaseOut(released=service.release(s, me, ref=body.ref, kinds=body.kinds))


@router.get("/matches")
def matches(me: Me, s: Db, since_id: int = 0) -> list[MatchOut]:
    names = service.names(s)
    return [MatchOut.of(m, names, me.code) for m in service.matches_of(s, me, since_id)]


@router.post("/matches/{match_id}/disposition")
def dispose(match_id: int, body: DispositionIn, me: Me, s: Db) -> MatchOut:
    match = service.dispose(s, me, match_id=match_id, disposition=body.disposition)
    return MatchOut.of(match, service.names(s), me.code)


@router.post("/rollups")
def publish(body: RollupIn, me: Me, s: Db) -> Ok:
    service.publish(s, me, as_of=body.as_of, figures=body.figures)
    return Ok()


@router.get("/national")
def national(request: Request, s: Db) -> list[ProvinceOut]:
    admin: str = request.app.state.admin_token
    given = _bearer(request) or ""
    if not admin or not hmac.compare_digest(given, admin):
        raise NotAuthenticated("须使用全国汇总查看令牌")
    return [ProvinceOut(**vars(p)) for p in service.national_view(s)]


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse(exc.to_dict(), status_code=exc.status)


def create_registry_app(database: Database, *, admin_token: str | None = None) -> FastAPI:
    """The registry on ``database`` (its tables are created if missing)."""
    RegistryBase.metadata.create_all(database.engine)
    app = FastAPI(
        title="换新 全国补贴登记中心",
        docs_url=None,
        redoc_url=None,
        openapi_url="/registry/v1/openapi.json",
    )
    app.state.db = database
    app.state.admin_token = (
        admin_token
        if admin_token is not None
        else os.environ.get("HUANXIN_REGISTRY_ADMIN_TOKEN", "")
    )
    app.add_exception_handler(DomainError, _domain_error)
    app.include_router(router)
    return app
