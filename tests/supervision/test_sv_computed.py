"""Indicator actuals computed from rows of the other domains (claims, recycling, equipment,
second-hand), the matching of plan targets to those sources, and the office's override."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import builders
from huanxin.claims.models import Claim
from huanxin.core import orgs
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.jurisdictions import subtree_codes
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.equipment.models import Enterprise, InvestmentBaseline, Project
from huanxin.recycling.models import IndicatorBaseline, Site, Weighing
from huanxin.secondhand.models import CarBaseline, Dealer, Transaction
from huanxin.supervision import computed, indicators
from huanxin.supervision.models import Indicator, IndicatorValue

PLAN = "\n".join(
    [
        "沁水县推动设备更新和以旧换新工作方案",
        "沁政发〔2026〕7号",
        "一、工作目标",
        (
            "到2027年，报废汽车回收量较2023年增加约一倍，二手车交易量较2023年增长45%，"
            "废旧家电回收量较2023年增长30%，设备投资规模较2023年增长25%以上。"
        ),
        (
            "到2025年，汽车以旧换新补贴资金达到500万元，家电以旧换新达到2000台，新能源汽车保有量达到"
            "6000辆，二手车交易量与新车销售比值达到0.8：1。"
        ),
        "二、重点任务",
        "（一）开展汽车以旧换新。组织汽车促销活动。（牵头单位：县工信局<县商务局>；配合单位：县财政局）",
        "（二）推动工业设备更新。组织企业申报项目。（牵头单位：县发改局；配合单位：县财政局）",
    ]
).encode("utf-8")


@pytest.mark.parametrize(
    ("name", "kind", "unit", "key"),
    [
        ("工业、农业、建筑等领域设备投资规模", "increase_pct", "%", "equipment_investment"),
        ("二手车交易量", "increase_pct", "%", "used_car_transactions"),
        ("二手车交易量与新车销售比值", "ratio", None, None),
        ("报废汽车回收量", "multiple", None, "elv_recycled"),
        ("报废汽车规范回收拆解量", "reach", "辆", "elv_recycled"),
        ("废旧家电回收量", "increase_pct", "%", "appliance_recycled_tonnes"),
        ("废旧家电回收量", "reach", "万台", "appliance_recycled_units"),
        ("汽车以旧换新补贴资金", "reach", "万元", "trade_in_car_subsidy"),
        ("家电以旧换新", "count", "台", "trade_in_appliance_claims"),
        ("手机等数码产品以旧换新", "reach", "万台", "trade_in_digital_claims"),
        ("消费品以旧换新补贴", "reach", "亿元", "trade_in_all_subsidy"),
        ("新能源汽车保有量", "reach", "辆", None),
        ("新增和更新公交车辆新能源占比", "reach", "%", None),
        ("每年淘汰老旧农业机械", "count", "台（套）", None),
        ("环保绩效达到A级水平的产能比例", "increase_pp", "pp", None),
    ],
)
def test_targets_are_matched_by_wording_and_kind(
    name: str, kind: str, unit: str | None, key: str | None
) -> None:
    assert computed.match(name, kind, unit) == key


def test_units_convert_from_the_canonical_measure() -> None:
    money = computed.SOURCES["trade_in_car_subsidy"]
    assert computed.shown_unit(money, "亿元") == "亿元"
    assert computed.shown_unit(money, "%") == "万元"
    assert computed.convert(money, 3_500_000, "万元") == 3.5
    assert computed.convert(money, 3_500_001, "亿元") == 0.0003500001
    tonnes = computed.SOURCES["appliance_recycled_tonnes"]
    assert computed.convert(tonnes, 25_000.0, "万吨") == 2.5
    count = computed.SOURCES["elv_recycled"]
    assert computed.shown_unit(count, "万辆") == "万辆"
    assert computed.convert(count, 12_345, "万辆") == 1.2345


def _user_id(session: Session) -> int:
    return int(session.scalars(select(User.id).where(User.username == "office.140521")).one())


def _claims(session: Session) -> None:
    def claim(n: int, category: str, state: str, day: date, subsidy: int) -> Claim:
        now = utcnow()
        return Claim(
            kind="point_of_sale",
            state=state,
            jurisdiction_code="140521",
            category=category,
            person_key=f"p{n}",
            person_name_enc="x",
            resident_id_enc="x",
            purchase_date=day,
            price_fen=subsidy * 10,
            subsidy_fen=subsidy,
            consumer_pays_fen=subsidy * 9,
            quote="{}",
            payee="org:1",
            created_at=now,
            updated_at=now,
        )

    session.add_all(
        [
            claim(1, "passenger_car", "paid", date(2025, 3, 1), 1_500_000),
            claim(2, "passenger_car", "paid", date(2025, 9, 9), 2_000_000),
            claim(3, "passenger_car", "approved", date(2025, 9, 9), 2_000_000),  # not paid yet
            claim(4, "passenger_car", "paid", date(2024, 5, 5), 1_000_000),
            claim(5, "refrigerator", "paid", date(2025, 6, 1), 40_000),
            claim(6, "refrigerator", "returned", date(2025, 6, 2), 40_000),
        ]
    )


def _recycling(session: Session) -> None:
    org = orgs.ensure(
        session, SYSTEM, kind="recycler", name="沁水再生资源公司", jurisdiction_code="140521"
    )
    site = Site(
        org_id=org.id,
        jurisdiction_code="140521",
        tier="dismantler",
        name="沁水拆解厂",
        lat=35.69,
        lon=112.18,
        opens_s=28_800,
        closes_s=64_800,
        capacity_kg_day=50_000,
    )
    session.add(site)
    session.flush()
    rows = [
        ("elv", date(2024, 4, 1), 1, 1_100_000),
        ("elv", date(2024, 8, 1), 1, 1_200_000),
        ("elv", date(2024, 12, 30), 1, 900_000),
        ("elv", date(2025, 2, 1), 2, 2_000_000),
        ("appliances", date(2024, 6, 1), 10, 2_500_000),
    ]
    for kind, day, units, grams in rows:
        session.add(
            Weighing(
                site_id=site.id,
                direction="in",
                on_date=day,
                kind=kind,
                category="passenger_car" if kind == "elv" else "refrigerator",
                units=units,
                weight_g=grams,
                created_at=utcnow(),
            )
        )
    session.add_all(
        [
            IndicatorBaseline(
                jurisdiction_code="140521",
                kind="elv",
                year=2023,
                units=100,
                weight_kg=110_000,
                source="县商务局2023年统计",
            ),
            IndicatorBaseline(
                jurisdiction_code="140521",
                kind="appliances",
                year=2023,
                units=400,
                weight_kg=12_000,
                source="县商务局2023年统计",
            ),
        ]
    )


def _equipment(session: Session, user_id: int) -> None:
    org = orgs.ensure(
        session, SYSTEM, kind="enterprise", name="沁水煤机公司", jurisdiction_code="140521"
    )
    now = utcnow()
    firm = Enterprise(
        org_id=org.id,
        name="沁水煤机公司",
        uscc="91140521MA0K000001",
        industry_code="C35",
        sector="industry",
        jurisdiction_code="140521",
        created_at=now,
        updated_at=now,
    )
    session.add(firm)
    session.flush()
    session.add_all(
        [
            Project(
                enterprise_id=firm.id,
                name="产线改造",
                sector="industry",
                jurisdiction_code="140521",
                stage="completed",
                equipment_investment_fen=30_000_000,
                total_investment_fen=50_000_000,
                planned_on=date(2024, 1, 1),
                completed_on=date(2024, 10, 1),
                created_by=user_id,
                created_at=now,
            ),
            Project(
                enterprise_id=firm.id,
                name="在建项目",
                sector="industry",
                jurisdiction_code="140521",
                stage="started",
                equipment_investment_fen=90_000_000,
                total_investment_fen=90_000_000,
                planned_on=date(2024, 1, 1),
                created_by=user_id,
                created_at=now,
            ),
            InvestmentBaseline(
                jurisdiction_code="140521",
                sector="industry",
                year=2023,
                amount_fen=100_000_000,
                source="县统计局",
                recorded_by=user_id,
                recorded_at=now,
            ),
        ]
    )


def _secondhand(session: Session, user_id: int) -> None:
    org = orgs.ensure(
        session, SYSTEM, kind="merchant", name="沁水二手车市场", jurisdiction_code="140521"
    )
    dealer = Dealer(
        org_id=org.id,
        jurisdiction_code="140521",
        kind="dealer",
        uscc="91140521MA0K000002",
        licence_no="L1",
        categories="car",
        created_at=utcnow(),
    )
    session.add(dealer)
    session.flush()
    for n, (category, day) in enumerate(
        [
            ("car", date(2024, 3, 3)),
            ("car", date(2024, 7, 7)),
            ("car", date(2025, 1, 9)),
            ("phone", date(2024, 1, 1)),
        ]
    ):
        session.add(
            Transaction(
                dealer_id=dealer.id,
                jurisdiction_code="140521",
                direction="acquire",
                category=category,
                brand="B",
                model="M",
                serial=f"S{n}",
                made_year=2018,
                grade="B",
                price_fen=100,
                traded_on=day,
                seller_name_enc="x",
                seller_id_enc="x",
                seller_id_hash=f"h{n}",
                buyer_name_enc="x",
                buyer_id_enc="x",
                buyer_id_hash=f"b{n}",
                created_by=user_id,
                created_at=utcnow(),
            )
        )
    session.add(
        CarBaseline(
            jurisdiction_code="140521",
            year=2023,
            count=40,
            target_year=2027,
            target_growth_bp=4500,
            source="县公安局车管所",
        )
    )


@pytest.fixture
def platform_rows(database: Database, sv_world: dict[str, int]) -> dict[str, int]:
    with database.unit_of_work() as session:
        user_id = _user_id(session)
        _claims(session)
        _recycling(session)
        _equipment(session, user_id)
        _secondhand(session, user_id)
    return sv_world


def _confirm(db: Database) -> tuple[builders.TestClient, dict[str, dict[str, Any]]]:
    api = builders.api_client(db, "office.140521")
    r = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("plan.txt", PLAN)},
        headers={"Idempotency-Key": "u"},
    )
    assert r.status_code == 201, r.text
    done = api.post(
        f"/api/v1/supervision/plans/{r.json()['id']}/confirm",
        json={"matches": {}},
        headers={"Idempotency-Key": "c"},
    )
    assert done.status_code == 200, done.text
    items = api.get("/api/v1/supervision/indicators").json()
    return api, {i["name"]: i for i in items}


def _values(item: dict[str, Any]) -> dict[int, float]:
    return {v["year"]: v["value"] for v in item["values"] if v["year"] <= 2025}


def test_confirming_a_plan_computes_actuals_from_the_platform(
    database: Database, platform_rows: dict[str, int]
) -> None:
    assert today_cn().year >= 2025
    _, items = _confirm(database)
    elv = items["报废汽车回收量"]
    assert elv["computed_key"] == "elv_recycled" and elv["actual_unit"] == "辆"
    assert elv["baseline_value"] == 100.0 and _values(elv) == {2024: 3.0, 2025: 2.0}
    assert elv["target_level"] == 200.0
    assert elv["values"][0]["source"] == "平台数据：报废汽车回收拆解量（辆）"
    appliances = items["废旧家电回收量"]
    assert appliances["baseline_value"] == 12.0 and _values(appliances) == {2024: 2.5}
    cars = items["二手车交易量"]
    assert cars["baseline_value"] == 40.0 and _values(cars) == {2024: 2.0, 2025: 1.0}
    invest = items["设备投资规模"]
    assert invest["actual_unit"] == "万元" and invest["baseline_value"] == 100.0
    assert _values(invest) == {2024: 30.0}
    subsidy = items["汽车以旧换新补贴资金"]
    assert subsidy["computed_key"] == "trade_in_car_subsidy"
    assert _values(subsidy) == {2024: 1.0, 2025: 3.5}
    assert subsidy["progress_percent"] == 0.7  # 3.5 of 500 万元
    fridges = items["家电以旧换新"]
    assert fridges["computed_key"] == "trade_in_appliance_claims" and _values(fridges) == {
        2025: 1.0
    }
    assert items["新能源汽车保有量"]["computed_key"] is None
    assert items["新能源汽车保有量"]["source_label"] == "部门填报"
    assert items["二手车交易量与新车销售比值"]["computed_key"] is None


def test_sources_cover_the_jurisdictions_below(
    database: Database, platform_rows: dict[str, int]
) -> None:
    with database.sessions() as session:
        city = subtree_codes(session, "140500")
        assert computed.SOURCES["elv_recycled"].figure(session, city, 2024) == 3.0
        assert computed.SOURCES["trade_in_all_claims"].figure(session, city, 2025) == 3.0
        other = subtree_codes(session, "140300")
        assert computed.SOURCES["elv_recycled"].figure(session, other, 2024) == 0.0


def test_office_overrides_the_source_and_hand_entries_are_kept(
    database: Database, platform_rows: dict[str, int]
) -> None:
    api, items = _confirm(database)
    elv = items["报废汽车回收量"]
    base = f"/api/v1/supervision/indicators/{elv['id']}"
    manual = api.post(
        base + "/values",
        json={"year": 2025, "value": 7.0, "source": "县商务局台账"},
        headers={"Idempotency-Key": "m"},
    )
    assert manual.status_code == 200, manual.text
    again = api.post(base + "/refresh", headers={"Idempotency-Key": "r1"})
    assert again.status_code == 200, again.text
    assert _values(again.json()) == {2024: 3.0, 2025: 7.0}  # the hand entry stands
    none = api.post(
        base + "/source", json={"computed_key": None}, headers={"Idempotency-Key": "s1"}
    )
    assert none.json()["computed_key"] is None and none.json()["source_label"] == "部门填报"
    refused = api.post(base + "/refresh", headers={"Idempotency-Key": "r2"})
    assert refused.status_code == 422 and "未选择平台数据来源" in refused.json()["message"]
    bad = api.post(
        base + "/source", json={"computed_key": "nope"}, headers={"Idempotency-Key": "s2"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "computed_key"
    ntv = items["新能源汽车保有量"]
    chosen = api.post(
        f"/api/v1/supervision/indicators/{ntv['id']}/source",
        json={"computed_key": "trade_in_car_claims"},
        headers={"Idempotency-Key": "s3"},
    )
    assert chosen.status_code == 200, chosen.text
    assert _values(chosen.json()) == {2024: 1.0, 2025: 2.0}
    assert chosen.json()["actual_unit"] == "辆"
    with database.sessions() as session:
        row = session.scalars(select(Indicator).where(Indicator.id == ntv["id"])).one()
        assert row.computed_key == "trade_in_car_claims"
        stored = session.scalars(
            select(IndicatorValue).where(IndicatorValue.indicator_id == row.id)
        )
        assert all(v.source.startswith("平台数据：以旧换新已支付补贴笔数（汽车）") for v in stored)


def test_indicator_page_offers_the_sources(
    database: Database, platform_rows: dict[str, int]
) -> None:
    _, items = _confirm(database)
    web = builders.web_client(database, "office.140521")
    url = f"/supervision/indicators/{items['新能源汽车保有量']['id']}"
    page = web.get(url)
    assert page.status_code == 200 and 'name="computed_key"' in page.text
    assert "以旧换新已支付补贴笔数（汽车）" in page.text and "部门填报" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = web.post(
        url, data={"csrf_token": csrf, "action": "source", "computed_key": "trade_in_car_claims"}
    )
    assert r.status_code == 303
    shown = web.get(url).text
    assert "平台数据：以旧换新已支付补贴笔数（汽车）" in shown and "2025" in shown
    dept = builders.web_client(database, "department.140521")
    dept_page = dept.get(url)
    assert dept_page.status_code == 200 and 'name="computed_key"' not in dept_page.text
    dept_csrf = dept_page.text.split('name="csrf_token" value="')[1].split('"')[0]
    denied = dept.post(url, data={"csrf_token": dept_csrf, "action": "source", "computed_key": ""})
    assert denied.status_code == 403 and "只有专班办公室可以设置指标" in denied.text


def test_the_running_year_is_shown_to_date_but_left_out_of_the_forecast(
    database: Database, platform_rows: dict[str, int]
) -> None:
    today = today_cn()
    with database.unit_of_work() as session:
        now = utcnow()
        session.add(
            Claim(
                kind="application",
                state="paid",
                jurisdiction_code="140521",
                category="passenger_car",
                person_key="p9",
                person_name_enc="x",
                resident_id_enc="x",
                purchase_date=today,
                price_fen=1,
                subsidy_fen=1,
                consumer_pays_fen=0,
                quote="{}",
                payee="person:p9",
                created_at=now,
                updated_at=now,
            )
        )
    _, items = _confirm(database)
    cars = items["报废汽车回收量"]  # target 2027: the running year is computed
    api = builders.api_client(database, "office.140521")
    got = api.post(
        f"/api/v1/supervision/indicators/{cars['id']}/source",
        json={"computed_key": "trade_in_car_claims"},
        headers={"Idempotency-Key": "s"},
    ).json()
    running = next(v for v in got["values"] if v["year"] == today.year)
    assert running["source"].endswith(f"截至{today.month}月{today.day}日）")
    assert got["latest_year"] == today.year
    ind = Indicator(name="x", kind="reach", target_value=100.0, target_year=today.year + 1)
    vals = [
        IndicatorValue(year=today.year - 2, value=10.0),
        IndicatorValue(year=today.year - 1, value=20.0),
        IndicatorValue(year=today.year, value=1.0),
    ]
    p = indicators.progress(ind, vals, current_year=today.year)
    assert p.latest_value == 1.0 and p.percent == 1.0 and p.forecast == 40.0
    assert indicators.progress(ind, vals).forecast != 40.0
