"""Idempotent JSON responses for mutating API routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from huanxin.core import idempotency
from huanxin.core.actor import Actor


def respond(
    session: Session,
    actor: Actor,
    *,
    key: str | None,
    scope: str,
    payload: Any,
    action: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Run ``action`` once per Idempotency-Key and answer with its (stored) JSON."""
    outcome = idempotency.run(
        session,
        actor_user_id=actor.user_id,
        key=key or "",
        scope=scope,
        payload=payload,
        action=action,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return JSONResponse(outcome.body, status_code=outcome.status, headers=headers)
