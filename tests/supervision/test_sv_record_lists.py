"""The plans, the department directory, the briefings, the meetings and the visits page
through every row (each page showed all of them), open on the work waiting (plans awaiting
review first, meetings still to be held, visits planned), filter, search, sort and export
what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

import builders
from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.supervision.mechanism_models import Body, Escalation, Meeting, Visit
from huanxin.supervision.models import Briefing, Plan
from huanxin.supervision.service import departments

NOW = datetime(2026, 5, 1, tzinfo=UTC)
DAY = date(2026, 6, 1)


def _sheet(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _cells(html: str, label: str) -> list[str]:
    return re.findall(rf'<td data-label="{label}">(?:<a href="[^"]*">)?([^<]*)', html)


def _table(html: str) -> str:
    return html.split("<table")[1].split("</table>", maxsplit=1)[0]


def test_plans_list_review_first_filters_and_exports(
    database: Database, sv_world: dict[str, int]
) -> None:
    with database.unit_of_work() as s:
        for k in range(55):
            s.add(
                Plan(
                    jurisdiction_code="140521",
                    title=f"方案{k:02d}",
                    source_file=f"plan{k:02d}.docx",
                    file_format="docx",
                    file_size=1,
                    sha256=f"{k:064d}",
                    parsed="{}",
                    status="review" if k % 4 == 0 else "confirmed",
                    created_at=NOW,
                )
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision").text
    assert builders.list_total(first) == 55 and len(_cells(first, "标题")) == 50
    states = re.findall(r'<td data-label="状态"><span class="badge \w+">(\S+)</span>', first)
    assert states[:14] == ["待确认匹配"] * 14 and set(states[14:]) == {"已生成台账"}
    rest = web.get("/supervision", params={"page": 2}).text
    assert len(set(_cells(first, "标题") + _cells(rest, "标题"))) == 55
    assert builders.list_total(web.get("/supervision?status=confirmed").text) == 41
    found = web.get("/supervision", params={"q": "plan07"}).text
    assert _cells(found, "标题") == ["方案07"]

    rows = _sheet(web.get("/supervision/plans.xlsx", params={"status": "review"}).content)
    assert rows[0] == ("标题", "区划", "文件", "状态") and len(rows) == 1 + 14
    assert {r[1] for r in rows[1:]} == {"沁水县"} and {r[3] for r in rows[1:]} == {"待确认匹配"}
    other = builders.web_client(database, "office.371525")
    assert builders.list_total(other.get("/supervision").text) == 0


def test_directory_pages_searches_and_exports(database: Database, sv_world: dict[str, int]) -> None:
    with database.unit_of_work() as s:
        for k in range(60):
            aliases = ["县杏园办"] if k == 7 else []
            departments.create(
                s, SYSTEM, jurisdiction_code="140521", name=f"测试部门{k:02d}", aliases=aliases
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision/departments").text
    assert builders.list_total(first) == 64 and len(_cells(first, "部门")) == 50
    rest = web.get("/supervision/departments?page=2").text
    assert len(set(_cells(first, "部门") + _cells(rest, "部门"))) == 64
    assert _cells(web.get("/supervision/departments?q=杏园").text, "部门") == ["测试部门07"]
    last = web.get("/supervision/departments", params={"q": "测试部门", "sort": "-name"}).text
    assert _cells(last, "部门")[0] == "测试部门59" and "140521" not in _table(last)

    rows = _sheet(web.get("/supervision/departments.xlsx", params={"q": "测试"}).content)
    assert rows[0] == ("区划", "部门", "别名", "对应机构") and len(rows) == 61
    assert rows[1][0] == "沁水县" and rows[8][1:3] == ("测试部门07", "县杏园办")
    assert rows[1][3]  # the department's organisation by its name
    other = builders.web_client(database, "office.371525")
    assert builders.list_total(other.get("/supervision/departments").text) == 0


def test_briefings_newest_first_search_by_issue_and_export(
    database: Database, sv_world: dict[str, int]
) -> None:
    with database.unit_of_work() as s:
        for k in range(55):
            s.add(
                Briefing(
                    jurisdiction_code="140521",
                    issue_no=k + 1,
                    period_start=DAY,
                    period_end=DAY + timedelta(days=30),
                    issued_on=DAY + timedelta(days=k),
                    docx=b"PK",
                    created_at=NOW,
                )
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision/briefings").text
    issues = _cells(first, "期号")
    assert builders.list_total(first) == 55 and len(issues) == 50 and issues[0] == "第55期"
    assert _cells(web.get("/supervision/briefings?page=2").text, "期号")[-1] == "第1期"
    for q in ("第7期", "7"):
        assert _cells(web.get("/supervision/briefings", params={"q": q}).text, "期号") == ["第7期"]

    rows = _sheet(web.get("/supervision/briefings.xlsx", params={"sort": "issue"}).content)
    assert rows[0] == ("期号", "区划", "统计期间", "日期") and len(rows) == 56
    assert rows[1] == ("第1期", "沁水县", "2026-06-01 至 2026-07-01", "2026-06-01")


def test_meetings_open_on_those_to_be_held(database: Database, sv_world: dict[str, int]) -> None:
    with database.unit_of_work() as s:
        body = Body(
            jurisdiction_code="140521", kind="joint_meeting", name="联席会议", created_at=NOW
        )
        s.add(body)
        s.flush()
        for k in range(60):
            s.add(
                Meeting(
                    body_id=body.id,
                    jurisdiction_code="140521",
                    kind="dispatch" if k == 5 else "plenary",
                    title="专题调度会" if k == 5 else f"全体会议{k:02d}",
                    held_on=DAY + timedelta(days=k),
                    state="held" if k % 3 == 0 else "scheduled",
                    created_at=NOW,
                )
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision/meetings").text
    assert builders.list_total(first) == 40 and _cells(first, "会议")[0] == "全体会议01"
    assert '<option value="scheduled" selected>' in first
    assert builders.list_total(web.get("/supervision/meetings?state=all").text) == 60
    none_waiting = web.get("/supervision/meetings?kind=topic").text  # none of that kind
    assert builders.list_total(none_waiting) == 0 and "查看全部会议" in none_waiting
    held = web.get("/supervision/meetings", params={"state": "held", "sort": "-held_on"}).text
    assert builders.list_total(held) == 20 and _cells(held, "会议")[0] == "全体会议57"
    dispatch = web.get("/supervision/meetings", params={"kind": "dispatch", "q": "调度"}).text
    assert _cells(dispatch, "会议") == ["专题调度会"]
    chosen = web.get("/supervision/meetings", params={"state": "all", "body_id": body.id})
    assert builders.list_total(chosen.text) == 60

    rows = _sheet(web.get("/supervision/meetings.xlsx", params={"state": "held"}).content)
    assert rows[0] == ("日期", "会议", "机构", "类型", "状态", "议定事项") and len(rows) == 21
    assert rows[1] == ("2026-06-01", "全体会议00", "联席会议", "全体会议", "已召开", 0)


def test_visits_open_on_those_planned(database: Database, sv_world: dict[str, int]) -> None:
    with database.unit_of_work() as s:
        for k in range(70):
            lead = "县发改局" if k % 10 == 1 else "县商务局"
            s.add(
                Visit(
                    jurisdiction_code="140521",
                    lead_department_id=sv_world[lead],
                    title="回收网点督导" if k == 8 else f"督导{k:02d}",
                    subject="网点",
                    planned_on=DAY + timedelta(days=k),
                    state="done" if k % 5 == 0 else "planned",
                    created_at=NOW,
                )
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision/visits").text
    assert builders.list_total(first) == 56 and len(_cells(first, "督导调研")) == 50
    assert _cells(first, "督导调研")[0] == "督导01"
    rest = web.get("/supervision/visits?page=2").text
    assert len(set(_cells(first, "督导调研") + _cells(rest, "督导调研"))) == 56
    fagai = web.get("/supervision/visits", params={"lead_department_id": sv_world["县发改局"]})
    assert builders.list_total(fagai.text) == 7 and set(_cells(fagai.text, "牵头单位")) == {
        "县发改局"
    }
    assert _cells(web.get("/supervision/visits?q=回收网点").text, "督导调研") == ["回收网点督导"]
    assert builders.list_total(web.get("/supervision/visits?state=done").text) == 14
    assert "查看全部督导调研" not in first

    rows = _sheet(web.get("/supervision/visits.xlsx", params={"state": "done"}).content)
    assert rows[0] == ("计划日期", "督导调研", "牵头单位", "状态", "发现问题", "已整改")
    assert len(rows) == 15 and rows[1] == ("2026-06-01", "督导00", "县商务局", "已开展", 0, 0)


def test_escalations_open_on_matters_not_closed(
    database: Database, sv_world: dict[str, int]
) -> None:
    with database.unit_of_work() as s:
        for k in range(60):
            state = "closed" if k % 3 == 0 else "submitted" if k % 3 == 1 else "proposed"
            s.add(
                Escalation(
                    jurisdiction_code="140521",
                    title="资金缺口支持" if k == 8 else f"事项{k:02d}",
                    ask="请求支持",
                    level="province",
                    addressee="省商务厅",
                    department_id=sv_world["县商务局"],
                    state=state,
                    submitted_on=None if state == "proposed" else DAY + timedelta(days=k),
                    created_at=NOW,
                )
            )
    web = builders.web_client(database, "office.140521")
    first = web.get("/supervision/escalations").text
    titles = re.findall(r'<section class="card" data-escalation="\d+">\s*<h2>(\S+)', first)
    assert builders.list_total(first) == 40 and len(titles) == 40
    assert titles[:20] == [f"事项{k:02d}" if k != 8 else "资金缺口支持" for k in range(2, 60, 3)]
    assert builders.list_total(web.get("/supervision/escalations?state=all").text) == 60
    found = web.get("/supervision/escalations", params={"q": "资金缺口"}).text
    assert builders.list_total(found) == 1 and "资金缺口支持" in found
    closed = web.get("/supervision/escalations?state=closed").text
    assert builders.list_total(closed) == 20 and "查看全部事项" not in closed

    rows = _sheet(web.get("/supervision/escalations.xlsx", params={"state": "submitted"}).content)
    assert rows[0] == ("事项", "请求层级", "报送对象", "提出单位", "状态", "报送日期", "上级答复")
    assert len(rows) == 21 and rows[1][:5] == (
        "事项01",
        "省级",
        "省商务厅",
        "县商务局",
        "已报送待答复",
    )
    assert rows[1][5] == "2026-06-02"
    dept = builders.web_client(database, "fagai")  # another unit's proposals are not its own
    assert builders.list_total(dept.get("/supervision/escalations?state=all").text) == 0
