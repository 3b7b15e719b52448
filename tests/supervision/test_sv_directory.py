"""The department directory with aliases, through the API and the page, and its use when an
imported plan's units are matched."""

from __future__ import annotations

import builders
from huanxin.db import Database

PLAN = "\n".join(
    [
        "沁水县推动设备更新工作方案",
        "一、重点任务",
        "（一）推动工业设备更新。组织企业申报项目。（县工业和信息化局、各县（市、区）人民政府按照职责分工负责）",
        "（二）推进家电以旧换新。支持企业开展促销。（牵头单位：县发展改革委；配合单位：县财政局）",
    ]
).encode("utf-8")


def test_directory_with_aliases_drives_matching(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    url = "/api/v1/supervision/departments"
    made = api.post(
        url,
        json={
            "jurisdiction_code": "140521",
            "name": "各县区人民政府",
            "aliases": ["各县（市、区）人民政府"],
        },
        headers={"Idempotency-Key": "d1"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["aliases"] == ["各县（市、区）人民政府"]
    twice = api.post(
        url,
        json={"jurisdiction_code": "140521", "name": "各县区人民政府"},
        headers={"Idempotency-Key": "d2"},
    )
    assert twice.status_code == 409 and "已在目录中" in twice.json()["message"]
    elsewhere = api.post(
        url,
        json={"jurisdiction_code": "371525", "name": "县财政局"},
        headers={"Idempotency-Key": "d3"},
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["field"] == "jurisdiction_code"
    fagai = sv_world["县发改局"]
    aliased = api.post(
        f"{url}/{fagai}/aliases",
        json={"aliases": ["县发展改革委", "沁水县发改局"]},
        headers={"Idempotency-Key": "d4"},
    )
    assert aliased.json()["aliases"] == ["县发展改革委", "沁水县发改局"]
    plan = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("plan.txt", PLAN)},
        headers={"Idempotency-Key": "p"},
    )
    assert plan.status_code == 201, plan.text
    got = {m["unit_name"]: (m["method"], m["department_id"]) for m in plan.json()["matches"]}
    assert got["各县（市、区）人民政府"] == ("alias", made.json()["id"])
    assert got["县发展改革委"] == ("alias", fagai)
    assert got["县财政局"] == ("exact", sv_world["县财政局"])
    assert got["县工业和信息化局"][0] in {"fuzzy", "none"}  # 县商务局's aliases say 县工信局


def test_directory_page(database: Database, sv_world: dict[str, int]) -> None:
    web = builders.web_client(database, "office.140521")
    page = web.get("/supervision/departments")
    assert (
        page.status_code == 200
        and "县商务局" in page.text
        and "县工信局&lt;县商务局&gt;" in page.text
    )
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    ok = web.post(
        "/supervision/departments",
        data={
            "csrf_token": csrf,
            "jurisdiction_code": "140521",
            "name": "县能源局",
            "aliases": "县能源局（县煤炭局）/县煤炭局",
        },
    )
    assert ok.status_code == 303
    listed = web.get("/supervision/departments").text
    assert "县能源局" in listed and "县煤炭局" in listed
    empty = web.post(
        "/supervision/departments",
        data={"csrf_token": csrf, "jurisdiction_code": "140521", "name": " "},
    )
    assert empty.status_code == 422 and "部门名称不能为空" in empty.text
    outside = web.post(
        "/supervision/departments",
        data={"csrf_token": csrf, "jurisdiction_code": "371525", "name": "县能源局"},
    )
    assert outside.status_code == 403 and "不在您的管辖范围内" in outside.text
