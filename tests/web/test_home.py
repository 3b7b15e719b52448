"""Each role's home page shows its next actions (work waiting, each linking to the list
filtered to that work) and its figures, read from the database, on both databases; amounts
read with separators in 元 or 万元."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

import builders
import tradein
from huanxin.claims.service import lifecycle, quotas, redeem, settle
from huanxin.core.clock import today_cn
from huanxin.core.money import money_parts, money_text
from huanxin.db import Database
from settled_world import actor

CARD = re.compile(
    r'<a class="figure(?P<todo> todo)?" (?:href="(?P<href>[^"]*)")?>\s*'
    r'<span class="label">(?P<label>[^<]*)</span>\s*'
    r'<span class="value">(?P<value>[^<]*)(?:<small class="unit">(?P<unit>[^<]*)</small>)?</span>'
    r'\s*(?:<span class="note">(?P<note>[^<]*)</span>)?'
)


@dataclass(frozen=True)
class Card:
    value: str
    unit: str
    href: str
    note: str
    todo: bool


def cards(html: str) -> dict[str, Card]:
    found = {
        m["label"]: Card(
            m["value"],
            m["unit"] or "",
            (m["href"] or "").replace("&amp;", "&"),
            m["note"] or "",
            bool(m["todo"]),
        )
        for m in CARD.finditer(html)
    }
    assert found, "no figure on the home page"
    return found


@dataclass(frozen=True)
class Shop:
    subsidies: list[int]  # the two sales of today, in order


def _sales(db: Database) -> Shop:
    """Two sales today: the first verified by the office and put in a payment batch by
    finance, the second waiting for review; the consumer keeps a third quota unused."""
    tradein.setup(db)
    with db.unit_of_work() as session:
        consumer, merchant = actor(session, "consumer.140521"), actor(session, "merchant.140521")
        office, finance = actor(session, "office.140521"), actor(session, "finance.140521")
        subsidies = [
            _sell(session, consumer, merchant, n, c)
            for n, c in enumerate(("refrigerator", "television"))
        ]
        first = _claim_ids(session)[0]
        lifecycle.verify(session, office, claim_id=first)
        settle.create_batch(session, finance)
        quotas.claim_quota(session, consumer, category="air_conditioner", on_date=today_cn())
    return Shop(subsidies)


def _sell(session: Session, consumer: object, merchant: object, n: int, category: str) -> int:
    quota = quotas.claim_quota(session, consumer, category=category, on_date=date(2025, 6, 1))  # type: ignore[arg-type]
    body = tradein.sale(
        category=category,
        device_serial=f"SN100{n}",
        quota_code=quota.code,
        purchase_date=date(2025, 6, 1),
        invoice_no=f"2514200000001234560{n}",
    )
    return redeem.redeem(session, merchant, redeem.Sale(**body)).subsidy_fen  # type: ignore[arg-type]


def _claim_ids(session: Session) -> list[int]:
    from sqlalchemy import select

    from huanxin.claims.models import Claim

    return list(session.scalars(select(Claim.id).order_by(Claim.id)))


def test_money_reads_with_separators_in_yuan_or_wan() -> None:
    assert money_parts(46_485_156_460) == ("46,485.16", "万元")  # the "464,851,564.6" card
    assert money_text(123_456) == "1,234.56 元"
    assert money_text(9_999_999) == "99,999.99 元"
    assert money_text(10_000_000) == "10.00 万元"
    assert money_text(-250_000_000) == "-250.00 万元"


def test_merchant_sees_todays_sales_and_how_its_money_stands(database: Database) -> None:
    shop = _sales(database)
    home = cards(builders.web_client(database, "merchant.140521").get("/").text)
    today = home["今日核销"]
    assert (today.value, today.unit, today.todo) == ("2", "笔", True)
    assert today.href == "/claims?state=open&day=today"
    number, unit = money_parts(sum(shop.subsidies))
    assert (home["今日补贴"].value, home["今日补贴"].unit) == (number, unit)
    assert home["待审核补贴"].value == money_parts(shop.subsidies[1])[0]
    assert home["待审核补贴"].note == "1 笔"
    assert home["支付中补贴"].value == money_parts(shop.subsidies[0])[0]
    assert home["支付中补贴"].href == "/claims?state=batched"
    assert home["已到账补贴"].note == "0 笔"
    assert "商户 " not in home["所属商户"].value and home["所属商户"].value


def test_the_today_filter_lists_exactly_todays_sales(database: Database) -> None:
    _sales(database)
    merchant = builders.web_client(database, "merchant.140521")
    page = merchant.get("/claims?state=open&day=today").text
    assert page.count('href="/claims/') >= 2
    assert merchant.get("/claims?state=open&day=month").status_code == 200


def test_consumer_sees_quotas_with_expiry_and_claims_in_progress(database: Database) -> None:
    _sales(database)
    home = cards(builders.web_client(database, "consumer.140521").get("/").text)
    quota = home["空调补贴券"]
    assert quota.todo and quota.href == "/my" and quota.note.startswith("有效至 20")
    assert home["办理中的补贴申请"].href == "/my"
    assert home["待上门回收预约"].value == "0"


def test_finance_sees_what_waits_to_be_paid(database: Database) -> None:
    _sales(database)
    home = cards(builders.web_client(database, "finance.140521").get("/").text)
    assert home["待导出支付批次"] == Card("1", "批", "/settlement", "", True)
    assert home["待导入银行回单"].value == "0"
    assert home["待支付补贴"].href == "/claims?state=to_pay"
    assert home["待支付补贴"].note == "0 件申请"  # the approved sale went into the batch


def test_office_sees_claims_by_state_held_payments_and_the_budget(database: Database) -> None:
    shop = _sales(database)
    html = builders.web_client(database, "office.140521").get("/").text
    home = cards(html)
    waiting = home["待审核申请"]
    assert (waiting.value, waiting.href, waiting.todo) == ("1", "/claims?state=waiting", True)
    assert waiting.note == f"补贴 {money_text(shop.subsidies[1])}"
    assert home["申请·支付中"].value == "1"
    assert home["暂停支付待复核"].todo
    assert home["可用预算"].unit == "万元"  # ten pools of 1,000 万元 each
    assert re.fullmatch(r"[\d,]+\.\d\d", home["可用预算"].value)
    assert (
        "预算支出进度" in html
        and "<svg" in html
        and "1e" not in html.split("预算支出进度")[1][:200]
    )


def test_department_sees_its_tasks(database: Database) -> None:
    tradein.setup(database)
    home = cards(builders.web_client(database, "department.140521").get("/").text)
    assert home["本部门督办任务"].todo
    assert home["逾期任务"].href == "/supervision/tasks?status=overdue"


@pytest.mark.parametrize("role", ["recycler", "enterprise", "auditor", "manufacturer", "admin"])
def test_every_other_role_has_a_home(database: Database, role: str) -> None:
    builders.world(database, (role, "140521"))
    client = builders.web_client(database, f"{role}.140521")
    html = client.get("/").text
    assert "工作台" in html and "#{{" not in html
    if role == "recycler":
        home = cards(html)
        assert home["今日待上门"].todo
        assert (
            home["今日待上门"].href == f"/recycling/dispatch?service_date={today_cn().isoformat()}"
        )
    if role == "enterprise":
        assert "登记设备" in cards(html)


def test_chart_axes_read_in_yuan_or_wan_never_scientific() -> None:
    from matplotlib.figure import Figure

    from huanxin.web.kit import charts

    assert charts.money_scale(9_999_999) == (100, "元")
    assert charts.money_scale(2_340_000_000_000) == (1_000_000, "万元")
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 23_400_000])  # matplotlib alone would label this "1e7"
    charts.money_axis(ax.yaxis, "元")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "20,000,000" in labels and ax.yaxis.get_offset_text().get_text() == ""
    assert ax.yaxis.get_label().get_text() == "金额（元）"


def test_today_starts_at_china_midnight_in_utc() -> None:
    """After 16:00 UTC it is already tomorrow in China: "today" starts at 16:00 UTC, compared
    as UTC (SQLite keeps the stored UTC wall time)."""
    from datetime import UTC, datetime

    from huanxin.claims import lists
    from huanxin.core.clock import simulated

    with simulated(datetime(2026, 12, 7, 16, 30, tzinfo=UTC)):
        bound = lists.since("today").right.value  # type: ignore[attr-defined]
    assert bound == datetime(2026, 12, 7, 16, 0, tzinfo=UTC) and bound.tzinfo == UTC
