"""No answer model of the second-hand API repeats a service dataclass field for field: where
the answer is the view, the dataclass is the response model (FastAPI documents it), so the
two cannot drift apart. The dealer, transaction, parties, used-car and credit answers were
such mirrors; ``REMAINING`` lists the ones still to go, and may only shrink."""

from __future__ import annotations

import dataclasses
import inspect

from pydantic import BaseModel

from huanxin.secondhand import schemas
from huanxin.secondhand.service import common, credit, dealers, trading, valuation, wipes
from secondhand.shworld import DEALER_USCC, World

SERVICES = (common, credit, dealers, trading, valuation, wipes)
REMAINING = {
    ("WipeCertificateRead", "CertificateView"),
    ("WipeRead", "WipeView"),
    ("ValuationReportRead", "ReportView"),
    ("OfferRead", "OfferView"),
    ("ListingStep", "StepView"),
    ("ListingRead", "ListingView"),
    ("WipeCertificateCheck", "PublicCertificate"),
    ("EstimateCell", "EstimateCell"),
    ("EstimateRead", "Estimate"),
    ("PriceGuideRow", "GuideRow"),
    ("DealerProfile", "Profile"),
    ("PlatformCredit", "PlatformGrade"),
}


def _views() -> dict[frozenset[str], str]:
    found = {}
    for module in SERVICES:
        for name, obj in vars(module).items():
            if dataclasses.is_dataclass(obj) and inspect.isclass(obj):
                found[frozenset(f.name for f in dataclasses.fields(obj))] = name
    return found


def test_no_answer_model_mirrors_a_service_dataclass() -> None:
    views = _views()
    assert {"DealerView", "TransactionView", "Parties", "UsedCars", "DealerCredit"} <= set(
        views.values()
    )
    models = [
        m
        for m in vars(schemas).values()
        if inspect.isclass(m) and issubclass(m, BaseModel) and m.__module__ == schemas.__name__
    ]
    mirrors = {
        (m.__name__, views[frozenset(m.model_fields)])
        for m in models
        if frozenset(m.model_fields) in views
    }
    assert mirrors - REMAINING == set()  # a new mirror: answer with the dataclass instead
    assert REMAINING - mirrors == set()  # one gone: take it off the list


def test_a_dataclass_answer_is_stored_and_replayed_whole(world: World) -> None:
    office = world.api("office.140521")
    body = {
        "org_id": world.ids["dealer_org"],
        "kind": "dealer",
        "uscc": DEALER_USCC,
        "licence_no": "LIC-1",
        "categories": ["phone"],
    }
    headers = {"Idempotency-Key": "dealer-once"}
    first = office.post("/api/v1/secondhand/dealers", json=body, headers=headers)
    again = office.post("/api/v1/secondhand/dealers", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json() and first.json()["name"] == "沁水诚信二手手机店"
    assert first.json()["categories"] == ["phone"] and first.json()["status_reason"] is None
    credit = office.get(f"/api/v1/secondhand/dealers/{first.json()['id']}/credit").json()
    assert (credit["grade"], credit["score"], credit["events"]) == ("A", 100, [])
    assert credit["uscc"] == DEALER_USCC
