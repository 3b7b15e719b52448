"""Signed checkpoints of the audit chain heads, kept outside the database.

``huanxin audit anchor`` verifies the trail, then signs the current head of every chain
(chain, seq, hash) with the Ed25519 key of ``core.auditkeys`` and appends the checkpoint
as one JSON line to ``HUANXIN_AUDIT_ANCHOR_FILE`` (``var/audit-anchors.jsonl``), opened
append-only; it also prints the line, for whoever keeps copies (another machine, paper,
the finance bureau). ``verify_trail`` checks the trail and then the newest checkpoint:
each chain must still hold the checkpoint's entry at its sequence number with the same
hash. Since every entry's hash covers the previous one, this pins all history up to the
checkpoint: truncating a chain, rolling its head back, or re-hashing it is found, even by
someone who holds the MAC key.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit, auditkeys
from huanxin.core.audit import Problem, VerifyResult
from huanxin.core.auditkeys import KeyRing
from huanxin.core.clock import utcnow
from huanxin.core.models import AuditEntry, AuditHead

VERSION = 1
REASONS = {
    "checkpoint_signature": "检查点签名无效：检查点被改动或不是由本平台的密钥签发",
    "checkpoint_unreadable": "检查点文件无法读取",
    "checkpoint_truncated": "检查点记录的位置已不存在：链被截断或回退",
    "checkpoint_rewritten": "检查点之前的历史被改写（哈希与检查点不符）",
}


class BrokenTrail(RuntimeError):
    """Refusal to sign a checkpoint over a trail that does not verify."""


def anchor_file() -> Path:
    return Path(os.environ.get("HUANXIN_AUDIT_ANCHOR_FILE", "var/audit-anchors.jsonl"))


def _signed_part(body: dict[str, Any]) -> bytes:
    fields = {k: body[k] for k in ("version", "at", "key_id", "heads")}
    return audit.canonical_json(fields).encode("utf-8")


def current_heads(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AuditHead.chain, AuditHead.seq, AuditHead.hash).order_by(AuditHead.chain)
    ).all()
    return [{"chain": r.chain, "seq": r.seq, "hash": r.hash} for r in rows]


def make_checkpoint(session: Session, keys: KeyRing) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": VERSION,
        "at": utcnow().isoformat(),
        "key_id": keys.sign_id,
        "heads": current_heads(session),
    }
    signature = keys.signer(keys.sign_id).sign(_signed_part(body))
    body["public_key"] = keys.public_key(keys.sign_id)
    body["signature"] = base64.b64encode(signature).decode("ascii")
    return body


def append(path: Path, checkpoint: dict[str, Any]) -> None:
    """Append one line; the file is only ever opened for appending."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(json.dumps(checkpoint, ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())


def anchor(session: Session, path: Path | None = None) -> dict[str, Any]:
    """Verify the trail, then sign and append a checkpoint of its heads; return it."""
    keys = auditkeys.ring()
    result = verify_trail(session, path, keys=keys)
    if not result.ok:
        raise BrokenTrail(f"entry {result.first_bad_id}: {result.describe()}")
    checkpoint = make_checkpoint(session, keys)
    append(path or anchor_file(), checkpoint)
    return checkpoint


def latest(path: Path) -> dict[str, Any] | None:
    """The newest checkpoint in ``path`` (None when there is none yet)."""
    if not path.exists():
        return None
    last = ""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                last = line
    return json.loads(last) if last else None


def latest_or_none(path: Path | None = None) -> dict[str, Any] | None:
    """The newest checkpoint, or None when there is none or it cannot be read."""
    try:
        return latest(path or anchor_file())
    except (OSError, ValueError):
        return None


def signature_ok(checkpoint: dict[str, Any], keys: KeyRing, public_key: str | None) -> bool:
    """Checked against ``public_key`` when given (the keeper's copy), else the key ring."""
    try:
        key_b64 = public_key or keys.public_key(str(checkpoint["key_id"]))
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_b64))
        key.verify(base64.b64decode(checkpoint["signature"]), _signed_part(checkpoint))
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class PinnedHead:
    chain: int
    seq: int
    hash: str


def _pinned_problem(session: Session, pin: PinnedHead) -> Problem | None:
    if pin.seq == 0:
        return None
    row = session.execute(
        select(AuditEntry.id, AuditEntry.hash).where(
            AuditEntry.chain == pin.chain, AuditEntry.seq == pin.seq
        )
    ).first()
    if row is None:
        return Problem(0, pin.chain, pin.seq, "checkpoint_truncated")
    if row.hash != pin.hash:
        return Problem(row.id, pin.chain, pin.seq, "checkpoint_rewritten")
    return None


def checkpoint_problems(
    session: Session, checkpoint: dict[str, Any], keys: KeyRing, public_key: str | None = None
) -> list[Problem]:
    if not signature_ok(checkpoint, keys, public_key):
        return [Problem(0, -1, 0, "checkpoint_signature")]
    pins = [PinnedHead(int(h["chain"]), int(h["seq"]), str(h["hash"])) for h in checkpoint["heads"]]
    return [p for pin in pins if (p := _pinned_problem(session, pin)) is not None]


def verify_trail(
    session: Session,
    path: Path | None = None,
    *,
    keys: KeyRing | None = None,
    public_key: str | None = None,
) -> VerifyResult:
    """``audit.verify`` plus the check against the newest checkpoint in ``path``."""
    keys = keys or auditkeys.ring()
    result = audit.verify(session, keys)
    try:
        checkpoint = latest(path or anchor_file())
    except (OSError, ValueError):
        return _failed(result, [Problem(0, -1, 0, "checkpoint_unreadable")])
    if checkpoint is None:
        return result
    problems = checkpoint_problems(session, checkpoint, keys, public_key)
    return _failed(result, problems) if problems else result


def _failed(result: VerifyResult, problems: list[Problem]) -> VerifyResult:
    """Merge checkpoint problems into ``result``: the first bad entry wins."""
    if not result.ok and result.first_bad_id is not None:
        problems.append(
            Problem(result.first_bad_id, result.chain or 0, result.seq or 0, result.code)
        )
    merged = audit.result_of(result.entries, result.chains, problems)
    reason = REASONS.get(merged.code) or merged.reason
    return VerifyResult(
        merged.entries,
        merged.chains,
        merged.first_bad_id,
        merged.chain,
        merged.seq,
        merged.code,
        reason,
    )
