"""A small federated world for the tests and ``huanxin bench federation``: provinces, each
a deployment with its own database, loaded with the shipped programmes (three of them
declaring national keys), a merchant with an API token, a catalogue, funded pools and
consumers holding quotas.

The shipped programme files declare no national keys (a deployed version cannot change);
``national_policies`` copies them and adds the declarations a national rule would make:
the 2025 appliance programme holds sales during an outage; the 2025 digital and car
scrappage programmes refuse them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

PROVINCES = [
    ("140000", "山西省"),
    ("370000", "山东省"),
    ("410000", "河南省"),
    ("320000", "江苏省"),
    ("440000", "广东省"),
]
APPLIANCES = ("refrigerator", "washing_machine", "television", "computer")
PHONE = "mobile_phone"
PRICE_FEN = 599_900
PHONE_PRICE_FEN = 299_900
PURCHASE = date(2025, 6, 1)
BUDGET_FEN = 10**13
PERIODS = {"cn.appliance": "2025-01-01..2025-12-31", "cn.digital": "2025-01-20..2025-12-31"}
FUNDED = (*PERIODS, "cn.car_scrappage")
NATIONAL_BLOCKS = {
    "national-appliance-2025.yaml": "national:\n  keys: [person_category_period, device_serial,"
    " recycling_certificate]\n  when_unreachable: hold\n",
    "national-digital-2025.yaml": "national:\n  keys: [person_category_period, device_serial]\n"
    "  when_unreachable: refuse\n",
    "national-car-scrappage-2025.yaml": "national:\n  keys: [vin]\n  when_unreachable: refuse\n",
}
MERCHANT_PASSWORD = "Federation-Merchant-1!"
SHIPPED = Path(__file__).resolve().parents[1] / "policies"


def national_policies(folder: Path, shipped: Path = SHIPPED) -> Path:
    """A copy of the shipped programmes with the national declarations added."""
    target = folder / "policies"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(shipped, target, ignore=shutil.ignore_patterns("scenarios"))
    for name, block in NATIONAL_BLOCKS.items():
        path = target / name
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + block, "utf-8")
    return target


def resident_id(n: int) -> str:
    """Person ``n``'s synthetic resident ID (born in Taiyuan; valid check digit). The same
    person may hold quotas in several provinces: that is what the registry catches."""
    from huanxin.claims.sales_world import resident_id as make

    return make(n, "140100")


@dataclass
class Province:
    code: str
    name: str
    url: str
    token: str = ""
    quotas: dict[tuple[int, str], str] | None = None  # (person, category) -> quota code


def load_province(province: Province, people: list[int], policies: Path) -> Province:
    """Migrate and load one deployment; ``people`` get a quota for every category."""
    from huanxin.db import Database
    from huanxin.migrate import upgrade

    upgrade(province.url)
    db = Database(province.url)
    try:
        with db.unit_of_work() as session:
            province.token = _load_world(session, province, policies)
            _fund(session, province.code)
            province.quotas = _add_consumers(session, province.code, people)
    finally:
        db.dispose()
    return province


def _load_world(session: Any, province: Province, policies: Path) -> str:
    from huanxin.claims.models import CatalogueProduct
    from huanxin.core import auth, jurisdictions, orgs, users
    from huanxin.core.audit import SYSTEM
    from huanxin.core.clock import utcnow
    from huanxin.policy import service as policy_service

    jurisdictions.ensure(session, SYSTEM, code=province.code, name=province.name, level="province")
    policy_service.sync_dir(session, SYSTEM, policies)
    org = orgs.ensure(
        session,
        SYSTEM,
        kind="merchant",
        name=f"{province.name}惠民家电商城",
        jurisdiction_code=province.code,
    )
    merchant = users.create(
        session,
        SYSTEM,
        users.NewUser(
            username=f"merchant.{province.code}",
            display_name=f"{province.name}商户",
            password=MERCHANT_PASSWORD,
            role="merchant",
            jurisdiction_code=province.code,
            org_id=org.id,
        ),
    )
    for category in (*APPLIANCES, PHONE):
        session.add(
            CatalogueProduct(
                category=category,
                brand="协同",
                model=f"FED-{category}",
                grade=1,
                list_price_fen=PRICE_FEN,
                valid_from=date(2024, 1, 1),
                created_at=utcnow(),
            )
        )
    return auth.issue_token(session, merchant, name="federation", days=2)


def _fund(session: Any, code: str) -> None:
    from huanxin.core.audit import SYSTEM
    from huanxin.ledger import service as ledger

    for programme in FUNDED:
        for layer in ("central", "province"):
            pool = ledger.create_pool(
                session,
                SYSTEM,
                programme_id=programme,
                layer=layer,
                jurisdiction_code=code,
                period_year=PURCHASE.year,
                name=f"{programme}{layer}",
                shards=8,
            )
            ledger.allocate(session, SYSTEM, pool_id=pool.id, amount_fen=BUDGET_FEN, ref="fed")


def _add_consumers(session: Any, code: str, people: list[int]) -> dict[tuple[int, str], str]:
    from huanxin.claims.models import Quota
    from huanxin.claims.service.quotas import QUOTA_VALID_DAYS, new_code
    from huanxin.core import pii
    from huanxin.core.clock import utcnow
    from huanxin.core.models import User

    now = utcnow()
    users = [
        {
            "username": f"c{n}.{code}",
            "display_name": f"消费者{n}",
            "password_hash": "!",
            "role": "consumer",
            "jurisdiction_code": code,
            "resident_id_enc": pii.seal(resident_id(n)),
            "resident_id_hash": pii.lookup_hash("resident_id", resident_id(n)),
            "active": True,
            "created_at": now,
        }
        for n in people
    ]
    if users:
        session.execute(insert(User), users)
    ids = dict(session.execute(select(User.username, User.id)).all())
    quotas, rows = {}, []
    for n in people:
        for category in (*APPLIANCES, PHONE):
            programme = "cn.digital" if category == PHONE else "cn.appliance"
            quotas[(n, category)] = quota_code = new_code()
            rows.append(
                {
                    "code": quota_code,
                    "person_key": pii.lookup_hash("resident_id", resident_id(n)),
                    "consumer_user_id": ids[f"c{n}.{code}"],
                    "programme_id": programme,
                    "category": category,
                    "period_key": PERIODS[programme],
                    "slot": 1,
                    "jurisdiction_code": code,
                    "state": "issued",
                    "expires_at": now + timedelta(days=QUOTA_VALID_DAYS),
                    "created_at": now,
                }
            )
    if rows:
        session.execute(insert(Quota), rows)
    return quotas


def sale(quota_code: str, category: str, serial: str, n: int) -> dict[str, Any]:
    """The JSON body of a point-of-sale redemption."""
    from huanxin.claims.sales_world import invoice

    price = PHONE_PRICE_FEN if category == PHONE else PRICE_FEN
    return {
        "category": category,
        "product_model": f"FED-{category}",
        "device_serial": serial,
        "price_fen": price,
        "purchase_date": PURCHASE.isoformat(),
        "grade": 1,
        "invoice_no": invoice(n),
        "quota_code": quota_code,
    }
