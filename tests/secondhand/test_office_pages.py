"""The commerce bureau's pages (credit records and suspension, certificate revocation, valuers
and reports, the used-car baseline and indicator), the consumer's complaint page and the
valuer's report desk: each action saves through the form, each refusal names its reason and
leaves nothing behind."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

import builders
from huanxin.core import orgs
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn
from huanxin.core.models import AuditEntry
from huanxin.secondhand.models import CarBaseline, CreditEvent, Dealer, ValuationReport
from secondhand.shworld import (
    World,
    post,
    register_dealers,
    txn,
    uscc,
    vin,
    wipe,
)

URL = "/api/v1/secondhand"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _table(html: str, table_id: str) -> str:
    return html.split(f'<table id="{table_id}"', 1)[1].split("</table>", 1)[0]


def _count(w: World, model: type, *where: Any) -> int:
    with w.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_credit_page_records_events_and_suspends_then_reinstates(world: World) -> None:
    ids = register_dealers(world)
    web = world.web("office.140521")
    page = web.get("/secondhand/credit")
    assert (
        page.status_code == 200
        and "录入信用记录" in page.text
        and "无暂停登记的经营者" in page.text
    )
    csrf = _csrf(page.text)
    event = {
        "csrf_token": csrf,
        "dealer_id": str(ids["dealer"]),
        "severity": "serious",
        "occurred_on": "2026-02-01",
        "description": "销售翻新机未告知",
    }
    bad = web.post("/secondhand/credit/events", data={**event, "event": "violation:nonsense"})
    assert bad.status_code == 422 and "处理结果不在允许范围内" in bad.text
    future = web.post(
        "/secondhand/credit/events",
        data={**event, "event": "violation:confirmed", "occurred_on": "2099-01-01"},
    )
    assert future.status_code == 422 and "发生日期不能晚于今天" in future.text
    assert _count(world, CreditEvent) == 0
    for value in ("violation:confirmed", "dispute:dealer_at_fault", "complaint:pending"):
        r = web.post("/secondhand/credit/events", data={**event, "event": value})
        assert (r.status_code, r.headers["location"]) == (303, "/secondhand/credit"), r.text[:300]
    grade = world.api("office.140521").get(URL + f"/dealers/{ids['dealer']}/credit").json()
    assert (grade["score"], grade["grade"]) == (52, "D")
    waiting = _table(web.get("/secondhand/credit").text, "events")  # opens on the pending
    assert "投诉" in waiting and "待处理" in waiting and "违规" not in waiting
    page = web.get("/secondhand/credit?outcome=all").text
    assert "违规（严重）" in page and "销售翻新机未告知" in page and "经营者责任" in page
    pending = _count(world, CreditEvent, CreditEvent.outcome == "pending")
    event_id = (
        world.api("office.140521")
        .get(URL + f"/dealers/{ids['dealer']}/credit")
        .json()["events"][0]["id"]
    )
    r = web.post(
        f"/secondhand/credit/{event_id}/resolve",
        data={"csrf_token": csrf, "outcome": "rejected", "back": "/secondhand/credit"},
    )
    assert (r.status_code, r.headers["location"]) == (303, "/secondhand/credit")
    assert _count(world, CreditEvent, CreditEvent.outcome == "pending") == pending - 1

    status = {"csrf_token": csrf, "dealer_id": str(ids["dealer"]), "status": "suspended"}
    no_reason = web.post("/secondhand/credit/status", data={**status, "reason": " "})
    assert no_reason.status_code == 422 and "原因不能为空" in no_reason.text
    assert (
        web.post("/secondhand/credit/status", data={**status, "reason": "无证经营"}).status_code
        == 303
    )
    listed = _table(web.get("/secondhand/credit").text, "suspended")
    assert "沁水诚信二手手机店" in listed and "无证经营" in listed
    desk = world.web("dealer.140521")
    form = {
        "csrf_token": _csrf(desk.get("/secondhand/desk").text),
        "direction": "acquire",
        "category": "phone",
        "brand": "华为",
        "model": "Mate 40",
        "serial": "860000000000001",
        "made_year": "2022",
        "grade": "B",
        "price": "1500",
        "traded_on": "2026-03-01",
        "seller_name": "张三",
        "seller_resident_id": txn()["seller_resident_id"],
        "buyer_name": "李四",
        "buyer_resident_id": txn()["buyer_resident_id"],
    }
    refused = desk.post("/secondhand/desk/transactions", data=form)
    assert (
        refused.status_code == 409
        and "经营者已被暂停登记" in refused.text
        and "无证经营" in refused.text
    )
    reinstate = web.post(
        f"/secondhand/dealers/{ids['dealer']}/status",
        data={
            "csrf_token": csrf,
            "status": "active",
            "reason": "整改完成",
            "back": "/secondhand/credit",
        },
    )
    assert (reinstate.status_code, reinstate.headers["location"]) == (303, "/secondhand/credit")
    assert desk.post("/secondhand/desk/transactions", data=form).status_code == 303
    assert world.web("consumer.140521").get("/secondhand/credit").status_code == 403


def test_revocation_page_and_the_public_check_shows_it_revoked(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    cert = post(dealer, URL + "/wipes", wipe()).json()["certificate"]
    web = world.web("office.140521")
    page = web.get("/secondhand/certificates")
    assert page.status_code == 200 and cert["cert_no"] in page.text
    csrf = _csrf(page.text)
    no_reason = web.post(
        "/secondhand/certificates/revoke",
        data={"csrf_token": csrf, "cert_no": cert["cert_no"], "reason": ""},
    )
    assert no_reason.status_code == 422 and "撤销原因不能为空" in no_reason.text
    unknown = web.post(
        "/secondhand/certificates/revoke",
        data={"csrf_token": csrf, "cert_no": "WC000", "reason": "抽检"},
    )
    assert unknown.status_code == 404 and "证明不存在" in unknown.text
    anonymous = world.client()
    assert (
        "状态：有效"
        in anonymous.get("/secondhand/check", params={"code": cert["verify_code"]}).text
    )
    r = web.post(
        "/secondhand/certificates/revoke",
        data={"csrf_token": csrf, "cert_no": cert["cert_no"].lower(), "reason": "抽检发现残留数据"},
    )
    assert (r.status_code, r.headers["location"]) == (303, "/secondhand/certificates")
    check = anonymous.get("/secondhand/check", params={"code": cert["verify_code"]})
    assert check.status_code == 200 and "状态：已撤销" in check.text
    assert "原因：抽检发现残留数据" in check.text
    body = anonymous.get(URL + "/certificates/check", params={"code": cert["verify_code"]}).json()
    assert (body["status"], body["revoke_reason"]) == ("revoked", "抽检发现残留数据")
    again = web.post(
        "/secondhand/certificates/revoke",
        data={"csrf_token": csrf, "cert_no": cert["cert_no"], "reason": "再次"},
    )
    assert again.status_code == 409 and "已不处于有效状态" in again.text
    resale = post(
        dealer, URL + "/transactions", txn(direction="resale", certificate_no=cert["cert_no"])
    )
    assert resale.status_code == 409 and "已撤销" in resale.json()["message"]
    assert (
        "抽检发现残留数据"
        in web.get("/secondhand/certificates", params={"serial": "860000000000001"}).text
    )


def test_revocation_api_is_audited_and_for_the_office_only(world: World) -> None:
    register_dealers(world)
    cert = post(world.api("dealer.140521"), URL + "/wipes", wipe()).json()["certificate"]
    url = URL + f"/certificates/{cert['cert_no']}/revoke"
    assert post(world.api("dealer.140521"), url, {"reason": "自行撤销"}).status_code == 403
    assert post(world.api("office.371525"), url, {"reason": "外县"}).status_code == 404
    r = post(world.api("office.140521"), url, {"reason": "记录不实"})
    assert r.status_code == 200 and r.json() == {"cert_no": cert["cert_no"], "status": "revoked"}
    assert _count(world, AuditEntry, AuditEntry.action == "secondhand.certificate_revoked") == 1


def test_valuer_registered_on_its_page_then_reports_listed(world: World) -> None:
    register_dealers(world)
    with world.db.unit_of_work() as session:
        org_id = orgs.ensure(
            session, SYSTEM, kind="merchant", name="沁水新设评估所", jurisdiction_code="140521"
        ).id
        builders.create_user(
            session, "merchant", "140521", username="valuer2.140521", org_id=org_id
        )
    good = uscc("91140521MA0K00004")
    web = world.web("office.140521")
    page = web.get("/secondhand/valuations")
    assert page.status_code == 200 and "沁水旧货评估所" in page.text
    form = {
        "csrf_token": _csrf(page.text),
        "org_id": str(org_id),
        "uscc": good[:-1] + ("1" if good[-1] != "1" else "2"),
        "licence_no": "PG-2",
        "categories": ["phone", "car"],
    }
    bad = web.post("/secondhand/valuers", data=form)
    assert bad.status_code == 422 and "统一社会信用代码" in bad.text
    none = web.post("/secondhand/valuers", data={**form, "uscc": good, "categories": []})
    assert none.status_code == 422 and "经营范围至少选择一个品类" in none.text
    assert _count(world, Dealer) == 3
    ok = web.post("/secondhand/valuers", data={**form, "uscc": good})
    assert (ok.status_code, ok.headers["location"]) == (303, "/secondhand/valuations")
    with world.db.sessions() as session:
        assert session.scalars(select(Dealer.kind).where(Dealer.org_id == org_id)).one() == "valuer"

    valuer = world.web("valuer2.140521")
    desk = valuer.get("/secondhand/desk")
    assert 'id="reports-link"' in desk.text
    page = valuer.get("/secondhand/reports")
    assert page.status_code == 200 and "出具评估报告" in page.text
    report = {
        "csrf_token": _csrf(page.text),
        "category": "car",
        "brand": "大众",
        "model": "朗逸",
        "serial": vin("LSVAM418", "C2100009"),
        "grade": "S",
        "value": "65000.00",
        "valued_on": today_cn().isoformat(),
        "note": "车况一般",
    }
    bad_grade = valuer.post("/secondhand/reports", data=report)
    assert bad_grade.status_code == 422 and "成色等级不在允许范围内" in bad_grade.text
    assert _count(world, ValuationReport) == 0
    assert valuer.post("/secondhand/reports", data={**report, "grade": "C"}).status_code == 303
    mine = valuer.get("/secondhand/reports").text
    assert "65,000.00" in mine and "VR" in mine
    listed = web.get("/secondhand/valuations").text
    assert re.search(r'<table id="reports".*沁水新设评估所.*65,000.00', listed, re.S)

    dealer = world.web("dealer.140521")
    plain = dealer.get("/secondhand/reports")
    assert "本机构未登记为第三方评估机构" in plain.text and 'id="report-form"' not in plain.text
    assert 'id="reports-link"' not in dealer.get("/secondhand/desk").text
    refused = dealer.post(
        "/secondhand/reports", data={**report, "csrf_token": _csrf(plain.text), "grade": "C"}
    )
    assert refused.status_code == 403 and "只有登记的第三方评估机构" in refused.text
    assert _count(world, ValuationReport) == 1


def test_used_car_baseline_page_and_indicator(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    this_year = today_cn().year
    for n, day in enumerate(["2023-05-01", f"{this_year}-01-10", f"{this_year}-01-11"]):
        body = txn(category="car", serial=vin("LSVAM418", f"C220000{n}"), traded_on=day)
        assert post(dealer, URL + "/transactions", body).status_code == 201
    web = world.web("office.140521")
    page = web.get("/secondhand/used-cars")
    assert page.status_code == 200 and "尚未录入2023年基数" in page.text
    base = {
        "csrf_token": _csrf(page.text),
        "jurisdiction_code": "140521",
        "count": "2",
        "target_growth": "45",
        "target_year": "2027",
        "source": "沁水县商务局2023年统计",
    }
    for field, value, text in (
        ("count", "abc", "必须是整数"),
        ("count", "0", "基数须大于0"),
        ("target_growth", "-5", "目标增幅"),
        ("target_growth", "4.555", "百分比格式"),
        ("jurisdiction_code", "371525", "不在您的管辖范围内"),
        ("target_year", "2020", "目标年份"),
        ("source", "", "数据来源不能为空"),
    ):
        r = web.post("/secondhand/used-cars/baseline", data={**base, field: value})
        status = 403 if field == "jurisdiction_code" else 422  # outside the jurisdiction
        assert r.status_code == status and text in r.text, (field, value)
    assert _count(world, CarBaseline) == 0
    ok = web.post("/secondhand/used-cars/baseline", data=base)
    assert (ok.status_code, ok.headers["location"]) == (303, "/secondhand/used-cars")
    page = web.get("/secondhand/used-cars").text
    assert re.search(r'id="car-count">2<', page) and re.search(r'id="car-baseline">2<', page)
    assert re.search(r'id="car-growth">0.0%<', page) and "沁水县商务局2023年统计" in page
    assert "3（+45%，2027年）" in page  # target: 2 x 1.45 = 2.9, half-up to 3
    old = web.get("/secondhand/used-cars", params={"year": 2023}).text
    assert re.search(r'id="car-count">1<', old)
    assert world.web("dealer.140521").get("/secondhand/used-cars").status_code == 403


def test_consumer_complaint_page_files_and_shows_the_outcome(world: World) -> None:
    ids = register_dealers(world)
    web = world.web("consumer.140521")
    page = web.get("/secondhand/complaints")
    assert page.status_code == 200 and "沁水诚信二手手机店" in page.text and "暂无投诉" in page.text
    form = {
        "csrf_token": _csrf(page.text),
        "dealer_id": str(ids["dealer"]),
        "occurred_on": "2026-03-01",
        "description": "",
    }
    empty = web.post("/secondhand/complaints", data=form)
    assert empty.status_code == 422 and "情况说明不能为空" in empty.text
    assert _count(world, CreditEvent) == 0
    r = web.post("/secondhand/complaints", data={**form, "description": "以次充好"})
    assert (r.status_code, r.headers["location"]) == (303, "/secondhand/complaints?done=1")
    done = web.get("/secondhand/complaints?done=1").text
    assert "投诉已提交" in done and re.search(
        r"以次充好</td><td data-label=\"处理结果\">待处理", done
    )
    event = (
        world.api("office.140521").get(URL + f"/dealers/{ids['dealer']}/credit").json()["events"][0]
    )
    post(
        world.api("office.140521"),
        URL + f"/credit-events/{event['id']}/resolve",
        {"outcome": "upheld"},
    )
    assert re.search(
        r"以次充好</td><td data-label=\"处理结果\">成立", web.get("/secondhand/complaints").text
    )
    assert "/secondhand/complaints" in web.get("/secondhand/estimate").text
    assert world.web("dealer.140521").get("/secondhand/complaints").status_code == 403
