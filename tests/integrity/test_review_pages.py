"""The Chinese integrity pages: dashboard with its chart, queue, evidence and decision form,
merchant profile."""

from __future__ import annotations

import builders
from huanxin.db import Database

from .review_world import INVOICE, build


def test_pages_show_the_held_claim_and_a_form_decision_releases_it(database: Database) -> None:
    world = build(database)
    web = builders.web_client(database, "office.140521")
    board = web.get("/integrity")
    assert board.status_code == 200
    assert 'id="held-count">1<' in board.text
    assert "标识重复申领" in board.text
    svg = web.get("/integrity/chart.svg")
    assert (svg.status_code, svg.headers["content-type"]) == (200, "image/svg+xml")
    assert svg.text.lstrip().startswith("<?xml")
    queue = web.get("/integrity/queue")
    assert f'href="/integrity/claims/{world.second}"' in queue.text
    case = web.get(f"/integrity/claims/{world.second}")
    assert f"发票号码“{INVOICE}”共出现在 2 笔申领中" in case.text
    assert f'href="/integrity/claims/{world.first}"' in case.text  # the claim sharing the key
    csrf = case.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = web.post(
        f"/integrity/claims/{world.second}/decision",
        data={"csrf_token": csrf, "decision": "refer", "note": ""},
    )
    assert bad.status_code == 422
    assert "驳回或移送审计须填写理由" in bad.text
    done = web.post(
        f"/integrity/claims/{world.second}/decision",
        data={"csrf_token": csrf, "decision": "clear", "note": ""},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "已放行" in web.get(f"/integrity/claims/{world.second}").text


def test_merchant_profile_and_reader_without_review_permission(database: Database) -> None:
    world = build(database)
    auditor = builders.web_client(database, "auditor.140521")
    case = auditor.get(f"/integrity/claims/{world.second}")
    assert case.status_code == 200
    assert "放行支付" not in case.text  # no decision form without integrity:review
    org = case.text.split('href="/integrity/merchants/')[1].split('"')[0]
    profile = auditor.get(f"/integrity/merchants/{org}")
    assert profile.status_code == 200
    assert f'href="/integrity/claims/{world.second}"' in profile.text
    consumer = builders.web_client(database, "consumer.140521")
    assert consumer.get("/integrity").status_code == 403
