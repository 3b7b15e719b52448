"""The supervision records' lists as the page kit pages, sorts, filters, searches and exports
them (each page showed every row before): the plans (/supervision, those awaiting the unit
review first), the department directory, the briefings, the meetings (opening on those still
to be held) and the visits (opening on those planned). ``places`` and the other mappings
passed in are the choices the actor may filter by (code or id → name)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_

from huanxin.supervision.mechanism_models import Escalation, Meeting, Visit
from huanxin.supervision.models import Briefing, Department, Plan
from huanxin.supervision.states import (
    OPEN_ESCALATIONS,
    PLANS,
    EscalationState,
    MeetingState,
    VisitState,
)
from huanxin.supervision.vocab import EscalationLevel, MeetingKind, choices
from huanxin.web.kit.lists import Column, Filter, ListSpec

MEETINGS_OPENING = MeetingState.SCHEDULED.value  # the meetings still to be held
VISITS_OPENING = VisitState.PLANNED.value  # the visits not yet made
PLAN_STATUS = {s.value: text for s, text in PLANS.labels.items()}


def _like(text: str) -> str:
    return f"%{text.replace('%', '').replace('_', '')}%"


def _place(places: Mapping[str, str]) -> Callable[[Any], str]:
    return lambda row: places.get(row.jurisdiction_code, "")


def _by_place(places: Mapping[str, str], column: Any) -> Filter:
    return Filter("jurisdiction_code", "行政区划", places, lambda v: column == v)


def plans(places: Mapping[str, str]) -> ListSpec:
    """Plans in scope; those whose units await the office's review sort first."""
    return ListSpec(
        title="实施方案",
        columns=(
            Column("title", "标题", Plan.title, lambda p: p.title),
            Column("place", "区划", Plan.jurisdiction_code, _place(places)),
            Column("file", "文件", Plan.source_file, lambda p: p.source_file),
            Column("status", "状态", Plan.status, lambda p: PLAN_STATUS.get(p.status, "")),
        ),
        default_sort="-status",  # review > confirmed: the plans awaiting review first
        tiebreak=Plan.id,
        search=lambda q: or_(
            Plan.title.ilike(_like(q)),
            Plan.source_file.ilike(_like(q)),
            Plan.doc_number.ilike(_like(q)),
        ),
        search_hint="标题、文号或文件名",
        filters=(
            Filter("status", "状态", PLAN_STATUS, lambda v: Plan.status == v),
            _by_place(places, Plan.jurisdiction_code),
        ),
    )


def departments(places: Mapping[str, str], orgs: Mapping[int, str]) -> ListSpec:
    """The directory: departments of the jurisdictions in scope, with their aliases."""
    return ListSpec(
        title="部门目录",
        columns=(
            Column("place", "区划", Department.jurisdiction_code, _place(places)),
            Column("name", "部门", Department.name, lambda d: d.name),
            Column("aliases", "别名", None, lambda d: " / ".join(d.aliases)),
            Column("org", "对应机构", None, lambda d: orgs.get(d.org_id, "")),
        ),
        default_sort="place",
        tiebreak=Department.id,
        search=lambda q: or_(Department.name.ilike(_like(q)), Department.aliases.ilike(_like(q))),
        search_hint="部门名称或别名",
        filters=(_by_place(places, Department.jurisdiction_code),),
    )


def _issue(text: str) -> ColumnElement[bool]:
    digits = text.removeprefix("第").removesuffix("期").strip()
    return Briefing.issue_no == int(digits) if digits.isdigit() and len(digits) < 9 else false()


def briefings(places: Mapping[str, str]) -> ListSpec:
    """The briefings issued, the newest first."""
    return ListSpec(
        title="工作信息简报",
        columns=(
            Column("issue", "期号", Briefing.issue_no, lambda b: f"第{b.issue_no}期"),
            Column("place", "区划", Briefing.jurisdiction_code, _place(places)),
            Column(
                "period",
                "统计期间",
                Briefing.period_start,
                lambda b: f"{b.period_start} 至 {b.period_end}",
            ),
            Column("issued_on", "日期", Briefing.issued_on, lambda b: str(b.issued_on)),
        ),
        default_sort="-issued_on",
        tiebreak=Briefing.id,
        search=_issue,
        search_hint="期号",
        filters=(_by_place(places, Briefing.jurisdiction_code),),
    )


def meetings(bodies: Mapping[str, str]) -> ListSpec:
    """Meetings in scope, opening on those still to be held, the nearest first; rows are the
    API's ``MeetingRead`` (body name, labels, decisions)."""
    return ListSpec(
        title="会议",
        columns=(
            Column("held_on", "日期", Meeting.held_on, lambda m: str(m.held_on)),
            Column("title", "会议", Meeting.title, lambda m: m.title),
            Column("body", "机构", Meeting.body_id, lambda m: m.body),
            Column("kind", "类型", Meeting.kind, lambda m: m.kind_label),
            Column("state", "状态", Meeting.state, lambda m: m.state_label),
            Column("decisions", "议定事项", None, lambda m: len(m.decisions)),
        ),
        default_sort="held_on",
        tiebreak=Meeting.id,
        search=lambda q: or_(Meeting.title.ilike(_like(q)), Meeting.place.ilike(_like(q))),
        search_hint="会议名称或地点",
        filters=(
            Filter("state", "状态", dict(choices(MeetingState)), lambda v: Meeting.state == v),
            Filter("kind", "类型", dict(choices(MeetingKind)), lambda v: Meeting.kind == v),
            Filter("body_id", "议事机构", bodies, lambda v: Meeting.body_id == int(v)),
        ),
    )


def _closed(v: Any) -> int:
    return sum(1 for f in v.findings if f.closing == "closed")


def visits(leads: Mapping[str, str]) -> ListSpec:
    """Visits in scope, opening on those planned, the nearest first; rows are the API's
    ``VisitRead`` (lead unit's name, findings)."""
    return ListSpec(
        title="督导调研",
        columns=(
            Column("planned_on", "计划日期", Visit.planned_on, lambda v: str(v.planned_on)),
            Column("title", "督导调研", Visit.title, lambda v: v.title),
            Column("lead", "牵头单位", Visit.lead_department_id, lambda v: v.lead_department),
            Column("state", "状态", Visit.state, lambda v: v.state_label),
            Column("findings", "发现问题", None, lambda v: len(v.findings)),
            Column("closed", "已整改", None, _closed),
        ),
        default_sort="planned_on",
        tiebreak=Visit.id,
        search=lambda q: or_(Visit.title.ilike(_like(q)), Visit.subject.ilike(_like(q))),
        search_hint="名称或督导对象",
        filters=(
            Filter("state", "状态", dict(choices(VisitState)), lambda v: Visit.state == v),
            Filter(
                "lead_department_id",
                "牵头单位",
                leads,
                lambda v: Visit.lead_department_id == int(v),
            ),
        ),
    )


ESCALATIONS_OPENING = "open"  # proposed, submitted or answered: not yet closed or declined
ESCALATION_VIEWS = {ESCALATIONS_OPENING: "未办结"}
_SUBMITTED = func.coalesce(Escalation.submitted_on, date(1900, 1, 1))  # not sent: first


def _escalation_state(value: str) -> ColumnElement[bool]:
    return Escalation.state.in_(OPEN_ESCALATIONS if value == "open" else (value,))


def escalations() -> ListSpec:
    """Matters sent up, opening on those not yet closed, the oldest first; rows are the
    API's ``EscalationRead`` (labels, the proposing unit's name)."""
    return ListSpec(
        title="需上级支持事项",
        columns=(
            Column("title", "事项", Escalation.title, lambda e: e.title),
            Column("level", "请求层级", Escalation.level, lambda e: e.level_label),
            Column("addressee", "报送对象", Escalation.addressee, lambda e: e.addressee),
            Column("department", "提出单位", None, lambda e: e.department or ""),
            Column("state", "状态", Escalation.state, lambda e: e.state_label),
            Column("submitted_on", "报送日期", _SUBMITTED, _day("submitted_on")),
            Column("answer", "上级答复", None, lambda e: e.answer),
        ),
        default_sort="submitted_on",  # those still awaiting the office's review first
        tiebreak=Escalation.id,
        search=lambda q: or_(
            Escalation.title.ilike(_like(q)),
            Escalation.ask.ilike(_like(q)),
            Escalation.addressee.ilike(_like(q)),
        ),
        search_hint="事项、请求内容或报送对象",
        filters=(
            Filter(
                "state",
                "状态",
                ESCALATION_VIEWS | dict(choices(EscalationState)),
                _escalation_state,
            ),
            Filter(
                "level", "请求层级", dict(choices(EscalationLevel)), lambda v: Escalation.level == v
            ),
        ),
    )


def _day(name: str) -> Callable[[Any], str]:
    return lambda row: str(getattr(row, name) or "")
