"""Programmes in the database: loading versions from ``policies/``, reading them back, and
quoting against the versions stored (so a claim is computed under the version it keeps)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Conflict, NotFound
from huanxin.core.models import Jurisdiction
from huanxin.core.vocab import Vocabulary
from huanxin.policy import categories
from huanxin.policy.engine import ItemAttributes, Quote, quote
from huanxin.policy.errors import PolicyCode
from huanxin.policy.loader import dump_json, from_json, load_dir
from huanxin.policy.models import ProgrammeVersion
from huanxin.policy.schema import NATIONAL_CODE, Programme


class ProgrammeChangedWithoutNewVersion(Conflict):
    code = PolicyCode.PROGRAMME_CHANGED_WITHOUT_NEW_VERSION


@dataclass(frozen=True)
class SyncResult:
    loaded: list[tuple[str, int]]
    unchanged: int


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _row(programme: Programme, body: str, source: str) -> ProgrammeVersion:
    return ProgrammeVersion(
        programme_id=programme.id,
        version=programme.version,
        title=programme.title,
        level=programme.jurisdiction.level.value,
        jurisdiction_code=programme.jurisdiction.code,
        effective_start=programme.effective.start,
        effective_end=programme.effective.end,
        payment_mode=programme.payment_mode.value,
        body=body,
        digest=_digest(body),
        source_file=source,
        loaded_at=utcnow(),
    )


def sync_dir(session: Session, actor: AuditActor, directory: Path | None = None) -> SyncResult:
    """Store every programme version in ``directory``. A version already stored with other
    content is refused: changing a programme means a new version number."""
    session.info.pop(_CACHE_KEY, None)
    stored = {(r.programme_id, r.version): r for r in session.scalars(select(ProgrammeVersion))}
    loaded, unchanged = [], 0
    for programme in load_dir(directory):
        body = dump_json(programme)
        existing = stored.get(programme.key)
        if existing is not None:
            if existing.digest != _digest(body):
                raise ProgrammeChangedWithoutNewVersion(
                    f"政策{programme.id}第{programme.version}版内容已变更，修改政策须使用新的版本号"
                )
            unchanged += 1
            continue
        session.add(_row(programme, body, f"{programme.id}@{programme.version}"))
        audit.record(
            session,
            actor,
            "policy.version_loaded",
            object_type="programme",
            object_id=f"{programme.id}@{programme.version}",
            after={"digest": _digest(body)},
            detail={"title": programme.title},
        )
        loaded.append(programme.key)
    session.flush()
    return SyncResult(loaded, unchanged)


_CACHE_KEY = "policy.versions"
# Parsed programmes by content digest (sha256 of the stored body), shared by all sessions:
# a digest names one body, so an entry can never be stale; only parsing is saved.
_PARSED: dict[str, Programme] = {}
_PARSED_MAX = 4096


def all_versions(session: Session) -> list[Programme]:
    """Every stored version, read once per session (the table is small and append-only;
    ``sync_dir`` drops the cache). Bodies are parsed once per process per digest."""
    cached: list[Programme] | None = session.info.get(_CACHE_KEY)
    if cached is None:
        rows = session.execute(
            select(ProgrammeVersion.id, ProgrammeVersion.digest).order_by(ProgrammeVersion.id)
        ).all()
        _parse_missing(session, [digest for _, digest in rows if digest not in _PARSED])
        cached = [_PARSED[digest] for _, digest in rows]
        session.info[_CACHE_KEY] = cached
    return list(cached)


def _parse_missing(session: Session, digests: list[str]) -> None:
    if not digests:
        return
    if len(_PARSED) + len(digests) > _PARSED_MAX:
        _PARSED.clear()
    stmt = select(ProgrammeVersion.digest, ProgrammeVersion.body)
    for digest, body in session.execute(stmt.where(ProgrammeVersion.digest.in_(digests))):
        _PARSED[digest] = from_json(body)


def get_version(session: Session, programme_id: str, version: int) -> Programme:
    row = session.scalars(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == programme_id, ProgrammeVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"政策{programme_id}第{version}版不存在")
    return from_json(row.body)


def path_of(session: Session, jurisdiction_code: str) -> list[str]:
    """Codes from the province down to ``jurisdiction_code`` (one query, cached per session)."""
    cache: dict[str, list[str]] = session.info.setdefault("policy.paths", {})
    if jurisdiction_code not in cache:
        cache[jurisdiction_code] = _path(session, jurisdiction_code)
    return list(cache[jurisdiction_code])


def prefetch_paths(session: Session, codes: set[str]) -> None:
    """Fill ``path_of``'s session cache for many places in one query (a batch of sales from
    many counties); a code not found is left to ``path_of``, which names it."""
    cache: dict[str, list[str]] = session.info.setdefault("policy.paths", {})
    missing = sorted(codes - cache.keys())
    if not missing:
        return
    stmt = select(Jurisdiction.code, Jurisdiction.path).where(Jurisdiction.code.in_(missing))
    for code, path in session.execute(stmt).all():
        cache[code] = [part for part in path.strip("/").split("/") if part]


def _path(session: Session, code: str) -> list[str]:
    """The ancestors are the rows whose path is a prefix of the place's path."""
    own = select(Jurisdiction.path).where(Jurisdiction.code == code).scalar_subquery()
    stmt = select(Jurisdiction.code, Jurisdiction.path).where(own.startswith(Jurisdiction.path))
    rows = sorted(session.execute(stmt).all(), key=lambda r: len(r.path))
    if not rows or rows[-1].code != code:
        return [j.code for j in jurisdictions.ancestors(session, code)]  # raises NotFound
    return [r.code for r in rows]


def quote_for(
    session: Session,
    *,
    jurisdiction_code: str,
    on_date: date,
    item: ItemAttributes,
    applied_on: date | None = None,
) -> Quote:
    return quote(
        all_versions(session),
        jurisdiction_path=path_of(session, jurisdiction_code),
        on_date=on_date,
        item=item,
        applied_on=applied_on,
    )


def resolve_category(session: Session, text: str, *, field: str = "category") -> str:
    """The category code for what a person typed or picked (code, Chinese name, pinyin)."""
    return categories.resolve(all_versions(session), text, field=field)


def category_vocabulary(session: Session, jurisdiction_code: str) -> Vocabulary:
    """The categories programmes cover where ``jurisdiction_code`` lies, for a picker."""
    return categories.vocabulary(all_versions(session), path_of(session, jurisdiction_code))


def _issued_for(code: str, scope: frozenset[str]) -> bool:
    return (
        code == NATIONAL_CODE or code in scope or any(c.startswith(code.rstrip("0")) for c in scope)
    )


def visible_programmes(session: Session, scope: frozenset[str]) -> list[Programme]:
    """Programmes issued nationally or by a jurisdiction on the path of the actor's scope."""
    return [p for p in all_versions(session) if _issued_for(p.jurisdiction.code, scope)]


def readable_versions(session: Session, scope: frozenset[str]) -> Select[ProgrammeVersion]:
    """The stored versions ``visible_programmes`` reads, as a statement a list pages in SQL."""
    issuers = session.scalars(select(ProgrammeVersion.jurisdiction_code).distinct())
    codes = sorted(c for c in issuers if _issued_for(c, scope))
    return select(ProgrammeVersion).where(ProgrammeVersion.jurisdiction_code.in_(codes))


def version_by_id(
    session: Session, scope: frozenset[str], version_id: int
) -> tuple[ProgrammeVersion, Programme]:
    """One stored version the scope may read, with its parsed rules."""
    row = session.get(ProgrammeVersion, version_id)
    if row is None or not _issued_for(row.jurisdiction_code, scope):
        raise NotFound("该补贴政策不存在")
    return row, from_json(row.body)
