"""The secondhand pages in a browser at phone width: a buyer checks a wipe certificate without
logging in; the bureau revokes one, records credit events, suspends and reinstates a dealer,
registers a valuer and enters the used-car baseline; a valuer submits a report; a consumer
complains; an enterprise lists a ledger item and its delivery takes it off the ledger.

Runs its own server on a fresh SQLite file loaded with the core, equipment and secondhand demos
(built in-process, so it does not depend on ``huanxin demo``), plus one merchant account that
is not yet a registered valuer (``valuer2.140521``)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from huanxin import demo as core_demo
from huanxin.core import orgs, users
from huanxin.core.audit import SYSTEM
from huanxin.core.identifiers import uscc_check_char
from huanxin.db import Database
from huanxin.equipment import demo as equipment_demo
from huanxin.migrate import upgrade
from huanxin.secondhand.demo import build_demo, demo_verify_code

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def sh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from e2e.conftest import _env, _free_port

    db_path = tmp_path_factory.mktemp("sh-e2e") / "demo.db"
    url = f"sqlite:///{db_path}"
    upgrade(url)
    db = Database(url)
    with db.unit_of_work() as session:
        core_demo.build(session)
        equipment_demo.build_demo(session)
        build_demo(session)
        org = orgs.ensure(
            session, SYSTEM, kind="merchant", name="沁水新设评估所", jurisdiction_code="140521"
        )
        users.create(
            session,
            SYSTEM,
            users.NewUser(
                username="valuer2.140521",
                display_name="新设评估所",
                password=core_demo.DEMO_PASSWORD,
                role="merchant",
                jurisdiction_code="140521",
                org_id=org.id,
            ),
        )
    db.engine.dispose()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "huanxin.asgi:app", "--port", str(port)],
        env=_env(Path(db_path)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(base + "/api/v1/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def test_buyer_checks_a_certificate_on_a_phone(browser: Any, sh_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(sh_server + "/secondhand/check")
    code = demo_verify_code("140521")
    page.fill("input[name=code]", f"{code[:4]}-{code[4:8]}-{code[8:].lower()}")
    page.click("#check-form button[type=submit]")
    assert page.inner_text("#cert-status") == "状态：有效"
    assert page.inner_text("#cert-serial") == "861405219000001"
    assert "演示技术员" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_wrong_code_shows_a_chinese_refusal(browser: Any, sh_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    response = page.goto(sh_server + "/secondhand/check?code=AAAABBBBCCCC")
    assert response is not None and response.status == 404
    assert "验证码无效" in page.inner_text(".error")
    page.close()


def login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", core_demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def test_bureau_revokes_a_certificate_and_the_public_check_shows_it(
    browser: Any, sh_server: str
) -> None:
    dealer = login(browser, sh_server, "merchant.140521")
    dealer.goto(sh_server + "/secondhand/desk")
    form = "#wipe-form"
    dealer.select_option(f"{form} select[name=category]", "tablet")
    for name, value in (
        ("brand", "苹果"),
        ("model", "iPad 9"),
        ("serial", "DMPZ12345678"),
        ("tool", "苹果官方抹掉"),
        ("operator_name", "赵六"),
        ("wiped_at", "2026-01-05T10:00"),
    ):
        dealer.fill(f"{form} [name={name}]", value)
    dealer.click(f"{form} button[type=submit]")
    row = dealer.locator("#wipes tr", has_text="DMPZ12345678")
    cert_no, code = row.locator("td").nth(4).inner_text(), row.locator("td").nth(5).inner_text()
    dealer.close()
    office = login(browser, sh_server, "office.140521")
    office.goto(sh_server + "/secondhand/certificates?serial=DMPZ12345678")
    assert "有效" in office.inner_text("#certificates")
    office.fill("#revoke-form input[name=cert_no]", cert_no)
    office.fill("#revoke-form input[name=reason]", "抽检发现残留数据")
    office.click("#revoke-form button[type=submit]")
    assert "已撤销（抽检发现残留数据）" in office.inner_text("#certificates")
    assert fits(office)
    office.close()
    public = browser.new_page(viewport=PHONE)
    public.goto(sh_server + "/secondhand/check")
    public.fill("input[name=code]", code)
    public.click("#check-form button[type=submit]")
    assert public.inner_text("#cert-status") == "状态：已撤销"
    assert "抽检发现残留数据" in public.inner_text("#cert-revoked")
    public.close()


def test_bureau_records_credit_events_and_suspends_then_reinstates(
    browser: Any, sh_server: str
) -> None:
    page = login(browser, sh_server, "office.140521")
    page.goto(sh_server + "/secondhand/credit")
    page.select_option("#credit-form select[name=dealer_id]", label="沁水县二手交易平台")
    page.select_option("#credit-form select[name=event]", "dispute:dealer_at_fault")
    page.fill("#credit-form textarea[name=description]", "平台未及时下架问题商品")
    page.click("#credit-form button[type=submit]")
    assert "平台未及时下架问题商品" not in page.inner_text("#events")  # opens on the pending
    page.select_option(".list-controls select[name=outcome]", "all")
    page.click(".list-controls button[type=submit]")
    assert "平台未及时下架问题商品" in page.inner_text("#events")
    grade_row = page.locator("#grades tr", has_text="沁水县二手交易平台")
    assert "纠纷经营者责任1起，扣8分" in grade_row.inner_text()
    page.select_option("#status-form select[name=dealer_id]", label="沁水县二手交易平台（正常）")
    page.select_option("#status-form select[name=status]", "suspended")
    page.fill("#status-form input[name=reason]", "拒不整改")
    page.click("#status-form button[type=submit]")
    assert "拒不整改" in page.inner_text("#suspended")
    assert fits(page)
    page.fill("#suspended input[name=reason]", "整改完成")
    page.click("#suspended button[type=submit]")
    assert "无暂停登记的经营者" in page.inner_text("#suspended")
    page.close()


def test_valuer_registered_then_reports(browser: Any, sh_server: str) -> None:
    office = login(browser, sh_server, "office.140521")
    office.goto(sh_server + "/secondhand/valuations")
    office.select_option("#valuer-form select[name=org_id]", label="沁水新设评估所")
    body = "91140521MA0W00001"
    office.fill("#valuer-form input[name=uscc]", body + uscc_check_char(body))
    office.fill("#valuer-form input[name=licence_no]", "PG-2026-9")
    office.check("#valuer-form input[value=phone]")
    office.click("#valuer-form button[type=submit]")
    assert "沁水新设评估所" in office.inner_text("#valuers")
    assert fits(office)
    valuer = login(browser, sh_server, "valuer2.140521")
    valuer.goto(sh_server + "/secondhand/desk")
    valuer.click("#reports-link")
    valuer.select_option("#report-form select[name=category]", "phone")
    for name, value in (
        ("brand", "小米"),
        ("model", "13"),
        ("serial", "861234567890123"),
        ("value", "1888"),
    ):
        valuer.fill(f"#report-form [name={name}]", value)
    valuer.select_option("#report-form select[name=grade]", "B")
    valuer.click("#report-form button[type=submit]")
    assert "1,888.00" in valuer.inner_text("#reports")
    assert fits(valuer)
    valuer.close()
    office.goto(sh_server + "/secondhand/valuations")
    row = office.locator("#reports tr", has_text="861234567890123").inner_text()
    assert "沁水新设评估所" in row and "1,888.00" in row
    office.close()


def test_bureau_enters_the_used_car_baseline(browser: Any, sh_server: str) -> None:
    page = login(browser, sh_server, "office.140521")
    page.goto(sh_server + "/secondhand/used-cars")
    page.select_option("#baseline-form select[name=jurisdiction_code]", "140521")
    page.fill("#baseline-form input[name=count]", "200")
    page.fill("#baseline-form input[name=target_growth]", "45")
    page.fill("#baseline-form input[name=source]", "沁水县商务局2023年统计（更正）")
    page.click("#baseline-form button[type=submit]")
    assert page.inner_text("#car-baseline") == "200"
    assert "290（+45%，2027年）" in page.inner_text("#baselines")
    page.fill("#baseline-form input[name=count]", "-3")
    page.fill("#baseline-form input[name=source]", "错误录入")
    page.click("#baseline-form button[type=submit]")
    assert "基数须大于0" in page.inner_text(".error")
    assert fits(page)
    page.close()


def test_consumer_complains_on_a_phone(browser: Any, sh_server: str) -> None:
    page = login(browser, sh_server, "consumer.140521")
    page.goto(sh_server + "/secondhand/complaints")
    page.select_option("#complaint-form select[name=dealer_id]", label="沁水县惠民家电商城")
    page.fill("#complaint-form textarea[name=description]", "手机电池与描述不符")
    page.click("#complaint-form button[type=submit]")
    assert "投诉已提交" in page.inner_text("#complaint-done")
    assert "待处理" in page.locator("#my-complaints tr", has_text="手机电池与描述不符").inner_text()
    assert fits(page)
    page.close()


def test_enterprise_lists_a_ledger_item_that_leaves_on_delivery(
    browser: Any, sh_server: str
) -> None:
    seller = login(browser, sh_server, "enterprise.140521")
    seller.goto(sh_server + "/secondhand/trade")
    options = seller.locator("select[name=equipment_ref] option").all_inner_texts()
    ref = options[1].split()[0]
    for name, value in (
        ("title", "旧电机一台"),
        ("category", "电动机"),
        ("brand", "佳木斯"),
        ("model", "Y2-160"),
        ("serial", "JMS-E2E-0001"),
        ("price", "4000"),
    ):
        seller.fill(f"form[action='/secondhand/trade/listings'] [name={name}]", value)
    seller.select_option("select[name=equipment_ref]", ref)
    seller.click("form[action='/secondhand/trade/listings'] button[type=submit]")
    seller.wait_for_url(re.compile(r".*/secondhand/trade/\d+$"))
    listing_url = seller.url
    buyer = login(browser, sh_server, "institution.140521")
    buyer.goto(listing_url)
    buyer.fill("input[name=price]", "3800")
    buyer.click("form[action$='/offers'] button[type=submit]")
    buyer.close()
    seller.goto(listing_url)
    seller.click("button[name=accept][value=yes]")
    for state in ("in_transport", "delivered"):
        seller.select_option("select[name=to_state]", state)
        seller.click("form[action$='/state'] button[type=submit]")
    assert seller.inner_text("#listing-state") == "已交付"
    assert f"台账设备编号：{ref}（已从台账转出）" in seller.inner_text("#equipment-ref")
    assert fits(seller)
    seller.goto(sh_server + "/secondhand/trade")
    assert ref not in seller.locator("select[name=equipment_ref]").inner_text()
    seller.close()
