"""Shapes of the integrity API: the review queue's cases, decisions and the reports."""

from __future__ import annotations

from pydantic import BaseModel

from huanxin.core.bounds import Code, Text


class DecisionBody(BaseModel):
    decision: Code
    note: Text = ""


class ReasonRead(BaseModel):
    detector: str
    kind: str
    title: str
    points: int
    explanation: str


class CaseRead(BaseModel):
    """A scored claim with the reasons its detectors gave."""

    claim_id: int
    claim_state: str
    jurisdiction_code: str
    merchant_org_id: int | None
    score: int
    status: str
    subsidy_fen: int
    reasons: list[ReasonRead]


class CaseDecisionRead(BaseModel):
    decision: str
    note: str
    user_id: int


class CaseDetail(CaseRead):
    related_claim_ids: list[int]
    decisions: list[CaseDecisionRead]


class DecidedRead(BaseModel):
    id: int
    claim_id: int
    decision: str
    status: str


class PrecisionRead(BaseModel):
    detector: str
    cleared: int
    rejected: int
    referred: int
    precision: float | None


class DetectorCount(BaseModel):
    detector: str
    title: str
    claims: int


class MerchantRiskRead(BaseModel):
    org_id: int
    name: str
    score: int
    flagged: int
    held: int
    claims: int


class DashboardRead(BaseModel):
    by_status: dict[str, int]
    by_detector: list[DetectorCount]
    by_kind: dict[str, int]
    merchants: list[MerchantRiskRead]
