"""Helpers every secondhand service uses: field checks, the caller's dealer registration,
sealed real-name parties and the recorded path of a listing or warehouse item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import identifiers, pii
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import InvalidInput, NotAChoice, OutOfRange, Required
from huanxin.secondhand.errors import DealerNotRegistered, DealerSuspended
from huanxin.secondhand.models import Dealer, Step


def text(value: str | None, *, field: str, label: str, max_len: int = 64) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise Required(f"{label}不能为空", field=field)
    if len(cleaned) > max_len:
        raise OutOfRange(f"{label}过长（最多{max_len}个字符）", field=field)
    return cleaned


def choice(value: str, options: Mapping[str, str], *, field: str, label: str) -> str:
    if value not in options:
        allowed = "、".join(options)
        raise NotAChoice(f"{label}不在允许范围内（可选：{allowed}）", field=field)
    return value


def positive_fen(value: int, *, field: str, label: str) -> int:
    if value <= 0:
        raise OutOfRange(f"{label}必须大于0", field=field)
    if value > 10**13:
        raise OutOfRange(f"{label}过大", field=field)
    return value


def year(value: int, *, field: str, label: str, today: date | None = None) -> int:
    now = (today or today_cn()).year
    if not 1980 <= value <= now:
        raise OutOfRange(f"{label}应在1980至{now}之间", field=field)
    return value


def serial(value: str, *, category: str, field: str = "serial") -> str:
    """A device serial/IMEI, or the VIN (validated, ISO 3779 check digit) for a car."""
    if category == "car":
        return identifiers.vin(value, field=field)
    cleaned = "".join((value or "").split()).upper()
    if not 4 <= len(cleaned) <= 64 or not cleaned.replace("-", "").isalnum():
        raise InvalidInput("序列号/IMEI应为4至64位字母或数字", field=field)
    return cleaned


def own_dealer(session: Session, actor: Actor, *, active: bool = True) -> Dealer:
    """The dealer registration of the caller's organisation (refused if none, or suspended)."""
    dealer = None
    if actor.org_id is not None:
        dealer = session.scalars(select(Dealer).where(Dealer.org_id == actor.org_id)).first()
    if dealer is None:
        raise DealerNotRegistered("您的机构尚未登记为二手经营者或交易平台")
    if active and dealer.status == "suspended":
        raise DealerSuspended(f"经营者已被暂停登记，不能办理业务（原因：{dealer.status_reason}）")
    return dealer


def seal_person(name: str, resident_id: str, *, field: str, label: str) -> tuple[str, str, str]:
    """(sealed name, sealed resident ID, lookup hash) of a real-name party."""
    who = text(name, field=f"{field}_name", label=f"{label}姓名", max_len=32)
    rid = identifiers.resident_id(resident_id, field=f"{field}_resident_id")
    return pii.seal(who), pii.seal(rid), pii.lookup_hash("resident_id", rid)


@dataclass(frozen=True)
class Person:
    """A party of a transaction: real name and resident ID (masked unless revealed)."""

    name: str
    resident_id: str


def masked_person(name_enc: str, id_enc: str) -> Person:
    name, rid = pii.unseal(name_enc), pii.unseal(id_enc)
    return Person(identifiers.mask_name(name), identifiers.mask_resident_id(rid))


def person(name_enc: str, id_enc: str) -> Person:
    """The party unmasked (callers audit the read)."""
    return Person(pii.unseal(name_enc), pii.unseal(id_enc))


def add_step(
    session: Session,
    actor: Actor | None,
    *,
    subject: str,
    subject_id: int,
    from_state: str | None,
    to_state: str,
    note: str = "",
) -> Step:
    step = Step(
        subject=subject,
        subject_id=subject_id,
        from_state=from_state,
        to_state=to_state,
        note=note[:256],
        actor_user_id=actor.user_id if actor else None,
        at=utcnow(),
    )
    session.add(step)
    return step


def steps_of(session: Session, subject: str, subject_id: int) -> list[Step]:
    stmt = select(Step).where(Step.subject == subject, Step.subject_id == subject_id)
    return list(session.scalars(stmt.order_by(Step.id)))
