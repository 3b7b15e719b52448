"""Demo data of the integrity domain: a scan of the demo's claims, stored (deterministic and
idempotent: a rescan replaces undecided scores and keeps reviewers' decisions)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.core.audit import SYSTEM
from huanxin.integrity.scan import scan
from huanxin.integrity.service.scores import store_scan
from huanxin.integrity.source import claims_connection


def build_demo(session: Session) -> None:
    """Scan the demo's claims and store scores, holds and merchant scores."""
    con = claims_connection(session)
    try:
        result = scan(con)
    finally:
        con.close()
    store_scan(session, SYSTEM, result)
