"""Generated from the route table: for every mutating API route, a user of the same role in
another county, pointing the route at 沁水县's objects (by path id, or by a jurisdiction code
or object id in the body), gets 403 or 404 and no business row changes.

A route that takes no reference to anything outside the caller's own data is listed in
``OWN_SCOPE`` with the reason; the test checks that such a route indeed has no path id and no
reference field, so a new route cannot hide there."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest

import builders
import scope_world
from app_routes import NOT_MUTATING, all_routes
from huanxin.core.roles import PERMISSIONS
from huanxin.db import Base, Database
from huanxin.web.deps import PERMISSION_ATTR

HOME, AWAY = scope_world.HOME, scope_world.AWAY
PDF = b"%PDF-1.4\n% scope test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Routes with nothing of another county to point at: the caller acts on its own account or
# creates in its own jurisdiction (the service takes the jurisdiction from the caller).
OWN_SCOPE = {
    "POST /api/v1/quotas": "a consumer claims its own quota in its own county",
    "POST /api/v1/applications": "a consumer files in its own county",
    "POST /api/v1/recycling/bookings": "a consumer books a pickup for itself",
    "POST /api/v1/recycling/declarations": "a recycler declares its own month",
    "POST /api/v1/settlement/batches": "finance batches the approved claims of its own scope",
    "POST /api/v1/statements/months": "finance closes a month of its own jurisdiction",
    "POST /api/v1/secondhand/transactions": "a dealer records its own trade",
    "POST /api/v1/secondhand/wipes": "a dealer records its own data wiping",
    "POST /api/v1/secondhand/valuation-reports": "a dealer files its own valuation",
    "POST /api/v1/secondhand/listings": "an enterprise lists its own item",
    "POST /api/v1/secondhand/warehouse": "an institution declares its own asset",
    "POST /api/v1/merchant/stores": "a merchant registers its own store in its own county",
    "POST /api/v1/merchant/tills": "a merchant registers a till in one of its own stores"
    " (another merchant's store is refused as unknown_store: tests/claims/test_fraud_signals.py)",
}

# (role, route) pairs refused for another reason than place, tested where that rule lives.
OTHER_RULE = {
    ("manufacturer", "POST /api/v1/catalogue/import"): "a manufacturer changes only the models"
    " it listed itself (row errors; tests/claims/test_catalogue.py)",
}

# SQL naming a HOME object for each path parameter (":home" is HOME's code); a route may
# override it (``ROUTE_OBJECTS``) to pick an object in the state the action expects, so a
# refusal is for the jurisdiction and not for the state.
PATH_OBJECTS = {
    "claim_id": "SELECT id FROM claims WHERE jurisdiction_code = :home",
    "batch_id": "SELECT id FROM payment_batches WHERE jurisdiction_code = :home",
    "line_id": "SELECT id FROM recon_lines WHERE jurisdiction_code = :home",
    "pool_id": "SELECT id FROM ledger_pools WHERE jurisdiction_code = :home",
    "booking_id": "SELECT id FROM recycling_bookings WHERE jurisdiction_code = :home"
    " AND status = 'planned'",
    "pickup_id": "SELECT id FROM recycling_pickups WHERE jurisdiction_code = :home",
    "site_id": "SELECT id FROM recycling_sites WHERE jurisdiction_code = :home",
    "vehicle_id": "SELECT v.id FROM recycling_vehicles v JOIN recycling_sites s"
    " ON s.id = v.home_site_id WHERE s.jurisdiction_code = :home",
    "code": "SELECT code FROM jurisdictions WHERE code = :home",
    "enterprise_id": "SELECT id FROM equipment_enterprises WHERE jurisdiction_code = :home",
    "project_id": "SELECT id FROM equipment_projects WHERE jurisdiction_code = :home",
    "subsidy_id": "SELECT id FROM equipment_interest_subsidies WHERE jurisdiction_code = :home",
    "dept_id": "SELECT id FROM sv_departments WHERE jurisdiction_code = :home",
    "plan_id": "SELECT id FROM sv_plans WHERE jurisdiction_code = :home",
    "checkpoint_id": "SELECT id FROM sv_checkpoints WHERE jurisdiction_code = :home",
    "task_id": "SELECT id FROM sv_tasks WHERE jurisdiction_code = :home",
    "indicator_id": "SELECT id FROM sv_indicators WHERE jurisdiction_code = :home",
    "dealer_id": "SELECT id FROM sh_dealers WHERE jurisdiction_code = :home",
    "cert_no": "SELECT c.cert_no FROM sh_wipe_certificates c JOIN sh_wipe_records w"
    " ON w.id = c.wipe_id WHERE w.jurisdiction_code = :home",
    "event_id": "SELECT id FROM sh_credit_events WHERE jurisdiction_code = :home",
    "listing_id": "SELECT id FROM sh_listings WHERE jurisdiction_code = :home",
    "seat_id": "SELECT s.id FROM sv_seats s JOIN sv_bodies b ON b.id = s.body_id"
    " WHERE b.jurisdiction_code = :home",
    "template_id": "SELECT id FROM sv_report_templates WHERE jurisdiction_code = :home",
    "offer_id": "SELECT o.id FROM sh_offers o JOIN sh_listings l ON l.id = o.listing_id"
    " WHERE l.jurisdiction_code = :home",
    "release_id": "SELECT id FROM quota_releases WHERE jurisdiction_code = :home",
    "round_id": "SELECT r.id FROM quota_release_rounds r JOIN quota_releases q"
    " ON q.id = r.release_id WHERE q.jurisdiction_code = :home",
}
ROUTE_OBJECTS = {
    "/api/v1/claims/{claim_id}/verify": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'reserved'",
    "/api/v1/claims/{claim_id}/cancel": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'reserved'",
    "/api/v1/claims/{claim_id}/approve": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'submitted'",
    "/api/v1/claims/{claim_id}/reject": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'submitted'",
    "/api/v1/claims/{claim_id}/return": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'approved' AND kind = 'point_of_sale'",
    "/api/v1/claims/{claim_id}/appeal": "SELECT id FROM claims WHERE jurisdiction_code = :home"
    " AND state = 'rejected'",
    "/api/v1/integrity/claims/{claim_id}/decision": "SELECT claim_id FROM integrity_claim_scores"
    " WHERE jurisdiction_code = :home",
    "/api/v1/equipment/items/{item_id}": "SELECT id FROM equipment_items"
    " WHERE jurisdiction_code = :home",
    "/api/v1/secondhand/warehouse/{item_id}/review": "SELECT id FROM sh_warehouse_items"
    " WHERE jurisdiction_code = :home",
}
WAREHOUSE_ITEM = "SELECT id FROM sh_warehouse_items WHERE jurisdiction_code = :home"

# Body fields that point at a HOME object, by name.
REF_FIELDS = {
    "jurisdiction_code": "SELECT code FROM jurisdictions WHERE code = :home",
    "parent_code": "SELECT code FROM jurisdictions WHERE code = :home",
    "org_id": "SELECT id FROM organizations WHERE jurisdiction_code = :home AND kind = :kind",
    "enterprise_id": PATH_OBJECTS["enterprise_id"],
    "project_id": PATH_OBJECTS["project_id"],
    "site_id": PATH_OBJECTS["site_id"],
    "home_site_id": PATH_OBJECTS["site_id"],
    "dealer_id": PATH_OBJECTS["dealer_id"],
    "task_id": PATH_OBJECTS["task_id"],
    "template_id": "SELECT id FROM sv_report_templates WHERE jurisdiction_code = :home",
    "quota_code": "SELECT code FROM quotas WHERE jurisdiction_code = :home AND state = 'issued'",
}
# Bulk routes: each item is the body of a single route, answered per item in ``results``;
# the test sends the single route's body as the one item and reads that item's status.
BULK = {"POST /api/v1/redemptions/bulk": ("sales", "POST /api/v1/redemptions")}
# Routes whose uploaded file names HOME's objects.
BY_CONTENT = {
    "POST /api/v1/catalogue/import": "the file re-prices a model HOME's office listed",
    "POST /api/v1/reconciliation/files": "the file's rows are HOME's redemptions",
}
ORG_KIND = {
    "/api/v1/secondhand/dealers": "merchant",
    "/api/v1/secondhand/institutions": "enterprise",
    "/api/v1/equipment/enterprises": "enterprise",
    "/api/v1/supervision/departments": "department",
}

# Bodies the schema alone cannot make valid (so the refusal is for the jurisdiction).
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/jurisdictions": {"code": "140522", "name": "阳城县", "level": "county"},
    "POST /api/v1/orgs": {"kind": "merchant", "name": "越界商户"},
    "POST /api/v1/users": {
        "username": "intruder",
        "display_name": "越界用户",
        "password": "Strong@Pass2026",
        "role": "office",
    },
    "POST /api/v1/redemptions": {
        "category": "refrigerator",
        "product_model": "REF-100",
        "device_serial": "SCOPE0001",
        "price_fen": 199900,
        "purchase_date": "2025-06-01",
        "grade": 1,
        "invoice_no": "25142000000099999999",
    },
    "POST /api/v1/ledger/pools": {
        "programme_id": "cn.appliance",
        "layer": "county",
        "period_year": 2025,
        "name": "越界资金池",
    },
    "POST /api/v1/ledger/pools/{pool_id}/allocations": {"amount_fen": 100, "ref": "scope"},
    "POST /api/v1/recycling/plans": {"service_date": "2026-10-15"},
    "POST /api/v1/recycling/bookings/{booking_id}/complete": {
        "lines": [{"category": "refrigerator", "units": 1, "weight_kg": 50}],
        "payment_method": "cash",
    },
    "POST /api/v1/recycling/pickups/{pickup_id}/reverse-invoice": {
        "seller_name": "张三",
        "seller_resident_id": "14052119900101123X",
    },
    "POST /api/v1/recycling/sites": {
        "tier": "point",
        "name": "越界交投点",
        "lat": 35.69,
        "lon": 112.18,
        "capacity_kg_day": 1000,
    },
    "PUT /api/v1/recycling/sites/{site_id}": {
        "tier": "point",
        "name": "越界交投点",
        "lat": 35.69,
        "lon": 112.18,
        "capacity_kg_day": 1000,
    },
    "POST /api/v1/recycling/vehicles": {"plate": "晋E12345", "capacity_kg": 1000, "capacity_m3": 8},
    "PUT /api/v1/recycling/vehicles/{vehicle_id}": {
        "plate": "晋E12345",
        "capacity_kg": 1000,
        "capacity_m3": 8,
    },
    "POST /api/v1/recycling/price-lists": {
        "effective_from": "2026-10-01",
        "prices": [{"category": "refrigerator", "price_fen": 5000}],
    },
    "PUT /api/v1/recycling/service-areas/{code}": {
        "center_lat": 35.69,
        "center_lon": 112.18,
        "radius_m": 20000,
    },
    "POST /api/v1/recycling/weighings": {
        "direction": "in",
        "on_date": "2026-10-15",
        "kind": "appliance",
        "category": "refrigerator",
        "units": 1,
        "weight_kg": 50,
    },
    "PUT /api/v1/recycling/baselines": {"kind": "elv", "units": 10, "weight_kg": 10000},
    "POST /api/v1/equipment/enterprises": {
        "uscc": "91140521MA0K000006",
        "industry_code": "C3311",
        "sector": "industry",
        "name": "越界企业",
    },
    "PATCH /api/v1/equipment/enterprises/{enterprise_id}": {"above_size": True},
    "PATCH /api/v1/equipment/items/{item_id}": {"changes": {"notes": "越界修改"}},
    "POST /api/v1/equipment/projects": {
        "name": "越界项目",
        "equipment_investment_fen": 100,
        "total_investment_fen": 100,
    },
    "POST /api/v1/equipment/projects/{project_id}/steps": {"to_stage": "declared"},
    "POST /api/v1/equipment/subsidies": {
        "loan_fen": 100_000_000,
        "rate_bp": 400,
        "term_months": 24,
    },
    "POST /api/v1/equipment/subsidies/{subsidy_id}/decision": {"approve": True},
    "POST /api/v1/equipment/baselines": {
        "sector": "industry",
        "amount_fen": 100,
        "source": "测试",
        "year": 2023,
    },
    "POST /api/v1/equipment/enterprises/{enterprise_id}/digital": {"year": 2025},
    "POST /api/v1/supervision/departments": {"name": "越界部门"},
    "POST /api/v1/supervision/departments/{dept_id}/aliases": {"aliases": ["越界别名"]},
    "POST /api/v1/supervision/checkpoints/{checkpoint_id}/assign": {},
    "POST /api/v1/supervision/tasks/{task_id}": {"measures": "越界修改"},
    "POST /api/v1/supervision/tasks/{task_id}/close-decision": {"approve": True},
    "POST /api/v1/supervision/indicators/{indicator_id}/values": {
        "year": 2025,
        "value": 1,
        "source": "测试",
    },
    "POST /api/v1/supervision/briefings": {
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
    },
    "POST /api/v1/integrity/claims/{claim_id}/decision": {"decision": "clear"},
    "POST /api/v1/secondhand/dealers": {
        "kind": "recycler",
        "uscc": "91140521MA0K000006",
        "licence_no": "越界001",
        "categories": ["appliance"],
    },
    "POST /api/v1/secondhand/dealers/{dealer_id}/status": {"status": "suspended", "reason": "越界"},
    "POST /api/v1/secondhand/car-baselines": {
        "count": 10,
        "target_growth_bp": 100,
        "source": "测试",
    },
    "POST /api/v1/secondhand/certificates/{cert_no}/revoke": {"reason": "越界"},
    "POST /api/v1/secondhand/complaints": {"description": "越界投诉", "occurred_on": "2025-06-01"},
    "POST /api/v1/secondhand/credit-events": {
        "kind": "complaint",
        "outcome": "pending",
        "description": "越界",
        "occurred_on": "2025-06-01",
    },
    "POST /api/v1/secondhand/credit-events/{event_id}/resolve": {"outcome": "upheld"},
    "POST /api/v1/secondhand/listings/{listing_id}/enquiries": {"message": "越界询价"},
    "POST /api/v1/secondhand/listings/{listing_id}/offers": {"price_fen": 100},
    "POST /api/v1/secondhand/offers/{offer_id}/decision": {"accept": True},
    "POST /api/v1/secondhand/listings/{listing_id}/state": {"to_state": "withdrawn"},
    "POST /api/v1/secondhand/warehouse/{item_id}/review": {"accept": True},
    "POST /api/v1/secondhand/warehouse/{item_id}/approve": {"route": "auction"},
    "POST /api/v1/supervision/report-templates": {
        "kind": "ten_day",
        "name": "越界旬报",
        "opening": "越界",
        "figures": ["tasks_total"],
        "recipients": [],
    },
    "POST /api/v1/supervision/report-templates/{template_id}": {
        "kind": "ten_day",
        "name": "越界旬报",
        "opening": "越界",
        "figures": ["tasks_total"],
        "recipients": [],
    },
}
FORMS: dict[str, tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]] = {
    "POST /api/v1/claims/{claim_id}/appeal": (
        {"reason": "越界申诉"},
        {"file": ("a.pdf", PDF, "application/pdf")},
    ),
    "POST /api/v1/settlement/batches/{batch_id}/result": (
        {},
        {"file": ("r.csv", "付款单号,结果,银行流水号,失败原因\n".encode(), "text/csv")},
    ),
    "POST /api/v1/catalogue/import": (
        {},
        {
            "file": (
                "c.csv",
                (
                    "品类代码,品牌,型号,能效等级,指导价（元）,有效期起,有效期止\n"
                    "refrigerator,本县品牌,HOME-1,1,1.00,2025-01-01,\n"
                ).encode(),
                "text/csv",
            )
        },
    ),
    "POST /api/v1/reconciliation/files": (
        {"kind": "card"},
        {
            "file": (
                "r.csv",
                (
                    "区划代码,核销流水号,资格券码,商户名称,补贴金额（元）,核销日期\n"
                    "140521,UP0001,HOMEQ1,本县商户,1.00,2026-11-03\n"
                ).encode(),
                "text/csv",
            )
        },
    ),
    "POST /api/v1/equipment/enterprises/{enterprise_id}/ledger": (
        {},
        {"file": ("l.csv", b"x", "text/csv")},
    ),
    "POST /api/v1/equipment/projects/{project_id}/documents": (
        {"doc_type": "approval"},
        {"file": ("d.pdf", PDF, "application/pdf")},
    ),
    "POST /api/v1/supervision/plans": ({}, {"file": ("p.docx", b"x", "application/octet-stream")}),
    "POST /api/v1/supervision/visits/{visit_id}/findings": (
        {"text": "越界发现", "deadline": "2026-11-30"},
        {},
    ),
    "POST /api/v1/supervision/tasks/{task_id}/reports": (
        {"period": "2025-06", "percent": "50", "text": "越界报告"},
        {},
    ),
    "POST /api/v1/supervision/tasks/{task_id}/close-request": ({"evidence": "越界"}, {}),
    "POST /api/v1/secondhand/listings/{listing_id}/photos": (
        {},
        {"photo": ("p.png", PNG, "image/png")},
    ),
}


DOMAIN_PREFIX = {
    "supervision": "sv_",
    "secondhand": "sh_",
    "recycling": "recycling_",
    "equipment": "equipment_",
    "ledger": "ledger_",
}


def _guess(path: str, name: str) -> str | None:
    """A HOME row of the table an ``x_id`` parameter or field names, by the domain's table
    naming (``meeting_id`` in a supervision route: ``sv_meetings``)."""
    if not name.endswith("_id"):
        return None
    stem = name.removesuffix("_id").split("_")[-1]
    parts = path.split("/")
    prefix = DOMAIN_PREFIX.get(parts[3] if len(parts) > 3 else "", "")
    plurals = {stem + "s", stem + "es", stem[:-1] + "ies"}
    for table in Base.metadata.sorted_tables:
        bare = table.name.removeprefix(prefix)
        if bare in plurals and table.name.startswith(prefix) and "jurisdiction_code" in table.c:
            return f"SELECT id FROM {table.name} WHERE jurisdiction_code = :home"
    return None


def _ref_sql(path: str, name: str) -> str | None:
    return REF_FIELDS.get(name) or _guess(path, name)


def _permission(route: Any) -> str:
    calls = [d.call for d in route.dependant.dependencies]
    calls += [d.call for sub in route.dependant.dependencies for d in sub.dependencies]
    return next(getattr(c, PERMISSION_ATTR) for c in calls if hasattr(c, PERMISSION_ATTR))


def _roles(permission: str) -> list[str]:
    wanted = set(permission.split("|"))
    return sorted(role.value for role, held in PERMISSIONS.items() if held & wanted)


def writes() -> list[tuple[str, str, Any]]:
    found = []
    for path, route in all_routes():
        for method in sorted(route.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if path.startswith("/api/") and path not in NOT_MUTATING:
                found.append((method, path, route))
    return found


def _body_fields(route: Any) -> set[str]:
    names: set[str] = set()
    for param in route.dependant.body_params:
        annotation = param.field_info.annotation
        fields = getattr(annotation, "model_fields", None)
        names |= set(fields) if fields else {param.name}
    return names


def _refs(route: Any, path: str) -> set[str]:
    params = set(re.findall(r"\{(\w+)", path))
    return params | {f for f in _body_fields(route) if _ref_sql(path, f)}


def test_routes_without_a_reference_are_listed_with_a_reason() -> None:
    unreferenced = {f"{m} {p}" for m, p, r in writes() if not _refs(r, p)}
    unreferenced -= set(BY_CONTENT) | set(BULK)
    assert unreferenced == set(OWN_SCOPE)


def _object(db: Database, path: str, param: str) -> str:
    sql = ROUTE_OBJECTS.get(path) or PATH_OBJECTS.get(param) or _guess(path, param)
    if param == "item_id" and sql is None:
        sql = WAREHOUSE_ITEM
    assert sql is not None, f"{path}: no HOME object for {{{param}}}"
    return str(scope_world.first_id(db, sql + " ORDER BY 1"))


def _bulk_request(db: Database, method: str, path: str) -> dict[str, Any]:
    """The bulk route's request: one item, the single route's body."""
    field, single = BULK[f"{method} {path}"]
    inner_method, inner_path = single.split(" ", 1)
    route = next(r for m, p, r in writes() if (m, p) == (inner_method, inner_path))
    inner = _request(db, inner_method, inner_path, route)
    return {"method": method, "url": path, "json": {field: [inner["json"]]}}


def _status(response: Any) -> int:
    """The answer's status; for a bulk route, its one item's."""
    if response.status_code == 200 and "results" in response.json():
        return int(response.json()["results"][0]["status"])
    return int(response.status_code)


def _request(db: Database, method: str, path: str, route: Any) -> dict[str, Any]:
    if f"{method} {path}" in BULK:
        return _bulk_request(db, method, path)
    url = path
    for param in re.findall(r"\{(\w+)(?::\w+)?\}", path):
        url = re.sub(r"\{" + param + r"(?::\w+)?\}", _object(db, path, param), url)
    key = f"{method} {path}"
    kind = ORG_KIND.get(path, "merchant")
    refs = {
        name: scope_world.first_id(db, sql + " ORDER BY 1", kind=kind)
        for name in _body_fields(route)
        if (sql := _ref_sql(path, name))
    }
    if key in FORMS:
        data, files = FORMS[key]
        data = data | {name: str(value) for name, value in refs.items()}
        return {"method": method, "url": url, "data": data, "files": files or None}
    body = _sample(route) | BODIES.get(key, {})
    for name, value in refs.items():
        body[name] = [value] if isinstance(body.get(name), list) else value
    return {"method": method, "url": url, "json": body}


def _value(annotation: Any) -> Any:
    """A plausible value of a type, for the required fields no test body names."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return _value(next(a for a in args if a is not type(None)))
    if origin is Annotated:
        return _value(args[0])
    if origin is Literal:
        return args[0]
    if origin in (list, set, tuple):
        return []
    if origin is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation)).value
    samples = {int: 1, float: 1.0, bool: True, date: "2025-06-01", str: "越界测试"}
    return samples.get(annotation, "越界测试")


def _sample(route: Any) -> dict[str, Any]:
    model = route.body_field.field_info.annotation if route.body_field else None
    fields = getattr(model, "model_fields", {})
    return {name: _value(f.annotation) for name, f in fields.items() if f.is_required()}


@pytest.mark.slow
def test_every_write_into_another_county_is_refused_and_changes_nothing(
    database: Database,
) -> None:
    scope_world.build(database)
    clients: dict[str, Any] = {}
    offenders = []
    before = scope_world.snapshot(database)
    for method, path, route in writes():
        if f"{method} {path}" in OWN_SCOPE:
            continue
        try:
            spec = _request(database, method, path, route)
        except AssertionError as exc:
            offenders.append(str(exc).splitlines()[0])
            continue
        answers = []
        for role in _roles(_permission(route)):
            if (role, f"{method} {path}") in OTHER_RULE:
                continue
            if role not in clients:
                clients[role] = builders.api_client(database, f"{role}.{AWAY}")
            r = clients[role].request(**spec, headers={"Idempotency-Key": f"{role}:{path}"})
            answers.append(f"{role} -> {r.status_code} {r.text[:160]}")
            if _status(r) not in (403, 404):
                offenders.append(f"{method} {spec['url']}: {answers[-1]}")
        after = scope_world.snapshot(database)  # once per route: all its roles' calls
        if after != before:
            offenders.append(
                f"{method} {spec['url']} changed {scope_world.changed(before, after)}"
                f" ({'; '.join(answers)})"
            )
        before = after
    assert offenders == [], "\n".join(offenders)
