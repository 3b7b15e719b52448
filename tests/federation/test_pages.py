"""The review queue page: a province's reviewer sees the match in Chinese, naming the other
province, and withdraws its claim; with the registry away the page says so and keeps
everything as it was."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from builders import create_user, web_client
from federation_harness import Deployment, Federated
from huanxin.claims.models import Claim
from huanxin.core.models import User
from huanxin.federation.drain import drain

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("federation")]


def _reviewer(dep: Deployment) -> str:
    username = f"office.{dep.province.code}"
    with dep.db.unit_of_work() as session:
        if session.scalars(select(User).where(User.username == username)).first() is None:
            create_user(session, "office", dep.province.code)
    return username


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf token on the page"
    return found.group(1)


def test_the_reviewer_withdraws_a_duplicate_from_the_queue(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    fed.a.redeem(p, "refrigerator", "SN-PAGE-1")
    fed.take_down()
    dup = fed.b.redeem(q, "refrigerator", "SN-PAGE-1").json()["id"]
    fed.bring_back()
    drain(fed.b.db, fed.b.fed)
    browser = web_client(fed.b.db, _reviewer(fed.b))
    page = browser.get("/federation/matches")
    assert page.status_code == 200
    row = page.text[page.text.index(f"第{dup}号") :]
    assert "设备序列号" in row[:600] and "山西省" in row[:600]
    assert "本省后登记（离线期间受理）" in row[:800]

    fed.take_down()
    form = {"disposition": "withdraw", "csrf_token": _csrf(page.text)}
    match_id = re.search(r"/federation/matches/(\d+)/decision", row).group(1)  # type: ignore[union-attr]
    down = browser.post(f"/federation/matches/{match_id}/decision", data=form)
    assert down.status_code == 503
    assert "全国补贴登记中心暂时无法连接" in down.text
    with fed.b.db.sessions() as session:
        assert session.get(Claim, dup).state == "reserved"  # type: ignore[union-attr]

    fed.bring_back()
    done = browser.post(
        f"/federation/matches/{match_id}/decision", data=form, follow_redirects=False
    )
    assert done.status_code == 303
    with fed.b.db.sessions() as session:
        assert session.get(Claim, dup).state == "cancelled"  # type: ignore[union-attr]
    after = browser.get("/federation/matches?state=all").text
    assert "本省：撤销" in after and "对方：未处理" in after
