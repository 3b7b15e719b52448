"""The deterministic demo: the real places of the seed plans, organisations and a user of
every role in each demo jurisdiction. Running it twice changes nothing."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions, orgs, users
from huanxin.core.audit import SYSTEM
from huanxin.core.identifiers import resident_id_check_char
from huanxin.core.models import User
from huanxin.core.roles import ROLE_LABELS, ROLE_ORG_KIND, Role

DEMO_PASSWORD = "Huanxin@2026"  # noqa: S105  (printed demo logins, local only)

PLACES: list[tuple[str, str, str, str | None]] = [
    ("140000", "山西省", "province", None),
    ("140500", "晋城市", "city", "140000"),
    ("140521", "沁水县", "county", "140500"),
    ("140300", "阳泉市", "city", "140000"),
    ("370000", "山东省", "province", None),
    ("371500", "聊城市", "city", "370000"),
    ("371525", "冠县", "county", "371500"),
]

# Fixed test identities (synthetic, valid check digits) keep the demo deterministic.
ORG_NAMES = {
    "department": "{place}商务局",
    "enterprise": "{place}示范制造有限公司",
    "merchant": "{place}惠民家电商城",
    "recycler": "{place}再生资源回收有限公司",
    "manufacturer": "{place}绿能家电制造有限公司",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    place: str


def demo_resident_id(code: str) -> str:
    """A synthetic resident ID (valid check character) for the demo consumer of ``code``."""
    body = f"{code}19850615" + "001"
    return body + resident_id_check_char(body)


def _places(session: Session) -> None:
    for code, name, level, parent in PLACES:
        jurisdictions.ensure(session, SYSTEM, code=code, name=name, level=level, parent_code=parent)


def _user(session: Session, role: Role, code: str, place: str) -> DemoLogin:
    username = f"{role.value}.{code}"
    login = DemoLogin(username, DEMO_PASSWORD, ROLE_LABELS[role], place)
    if session.scalars(select(User.id).where(User.username == username)).first():
        return login
    org_id = None
    kind = ROLE_ORG_KIND.get(role)
    if kind:
        org = orgs.ensure(
            session,
            SYSTEM,
            kind=kind,
            name=ORG_NAMES[kind].format(place=place),
            jurisdiction_code=code,
        )
        org_id = org.id
    display = f"{place}{ROLE_LABELS[role]}演示用户"
    rid = demo_resident_id(code) if role is Role.CONSUMER else None
    users.create(
        session,
        SYSTEM,
        users.NewUser(
            username=username,
            display_name=display,
            password=DEMO_PASSWORD,
            role=role.value,
            jurisdiction_code=code,
            org_id=org_id,
            resident_id=rid,
        ),
    )
    return login


def build(session: Session) -> list[DemoLogin]:
    """Create (or find) the demo places and users; return the logins."""
    _places(session)
    logins = []
    for code, name, _level, _parent in PLACES:
        for role in Role:
            logins.append(_user(session, role, code, name))
    session.flush()
    return logins


def build_domains(session: Session, *, claims: int = 10_000) -> dict[str, int]:
    """Each domain's demo data, in dependency order (``demo_order`` of the descriptors). A
    loader with a ``claims`` parameter is given the number of trade-in claims; one that
    returns a count has it printed."""
    from huanxin.core.domain import load
    from huanxin.domains import by_demo_order

    counts: dict[str, int] = {}
    for domain in by_demo_order():
        assert domain.demo is not None
        loader = load(domain.demo)
        if "claims" in inspect.signature(loader).parameters:
            made = loader(session, claims=claims)
        else:
            made = loader(session)
        if isinstance(made, int):
            counts[domain.name] = made
    return counts
