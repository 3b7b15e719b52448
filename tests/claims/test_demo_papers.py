"""The demo's car applications carry a readable sample paper for every checklist item, not an
empty file."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from sqlalchemy import select
from tests.claims.test_evidence_review import _apply

import tradein
from huanxin.claims.demo import attach_sample_papers
from huanxin.claims.demo.papers import sample_pdf
from huanxin.claims.models import Claim, Evidence
from huanxin.claims.service import lifecycle
from huanxin.db import Database


def test_a_sample_paper_is_a_one_page_pdf_the_review_accepts(tmp_path: Path) -> None:
    content = sample_pdf("报废机动车回收证明")
    assert lifecycle.check_evidence("x.pdf", content) == "application/pdf"
    path = tmp_path / "paper.pdf"
    path.write_bytes(content)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].width > pdf.pages[0].height
        assert pdf.pages[0].images, "the paper is drawn, not blank"
    assert 5_000 < len(content) < 60_000


def test_every_checklist_item_gets_its_paper(database: Database) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    with database.unit_of_work() as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None
        attach_sample_papers(session, claim)
        attach_sample_papers(session, claim)  # a second call files nothing twice
        required = lifecycle.required_evidence(session, claim)
        rows = session.execute(
            select(Evidence.kind, Evidence.filename).where(Evidence.claim_id == claim_id)
        ).all()
    kinds = [kind for kind, _ in rows]
    assert sorted(kinds) == sorted(required) and len(required) >= 4
    labelled = {kind: name for kind, name in rows if kind != "vehicle_sales_invoice"}
    assert all(name == f"{required[kind]}.pdf" for kind, name in labelled.items())
