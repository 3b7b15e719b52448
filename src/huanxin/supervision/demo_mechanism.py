"""Demo of the task force's working mechanism: one month of 沁水县's work (the calendar month
before the day the demo runs) — the joint meeting with its convener, deputies and member
units and one change of member, two working groups with their task lists, two meetings
whose decisions became tasks (one later closed), a supervision visit whose finding was put
right with evidence, an escalation answered and one still open, daily and ten-day reports,
and the public Q&A, a typical case and a notice. Runs once: skipped when the joint meeting
exists."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.supervision import charts
from huanxin.supervision.mechanism_models import Body
from huanxin.supervision.models import Department
from huanxin.supervision.service import (
    bodies,
    bulletins,
    escalations,
    ledger,
    meetings,
    publicity,
    reports,
    visits,
)
from huanxin.supervision.service.files import Upload

CODE = "140521"
JOINT = "沁水县推动大规模设备更新和消费品以旧换新工作联席会议"
SEATS = [  # (unit, role, person, post)
    ("县发改局", "convener", "王建国", "县委常委、常务副县长"),
    ("县商务局", "deputy", "李明华", "县商务局局长"),
    ("县发改局", "deputy", "赵文斌", "县发改局局长"),
    ("县财政局", "member", "孙丽", "县财政局副局长"),
    ("县住建局", "member", "周强", "县住建局副局长"),
    ("县能源局", "member", "吴海涛", "县能源局副局长"),
    ("县市场监管局", "member", "郑芳", "县市场监管局副局长"),
    ("县商务局", "liaison", "陈晓", "县商务局市场运行股股长"),
]

LIAISONS = {
    "消费品以旧换新工作组": ["陈晓", "刘洋", "何静"],
    "设备更新工作组": ["马骏", "高磊", "罗敏"],
}


def build(session: Session, office: Actor, dept: Actor) -> None:
    if session.scalars(select(Body.id).where(Body.name == JOINT)).first() is not None:
        return
    first = (today_cn().replace(day=1) - timedelta(days=1)).replace(day=1)
    units = _units(session)
    joint = _bodies(session, office, units, first)
    _meetings(session, office, joint, units, first)
    _visit(session, office, dept, units, first)
    _escalations(session, office, dept, first)
    _reports(session, office, units, first)
    _public(session, office, first)


def _units(session: Session) -> dict[str, int]:
    rows = session.scalars(select(Department).where(Department.jurisdiction_code == CODE))
    return {d.name: d.id for d in rows}


def _bodies(session: Session, office: Actor, units: dict[str, int], first: date) -> Body:
    joint = bodies.create_body(
        session,
        office,
        jurisdiction_code=CODE,
        kind="joint_meeting",
        name=JOINT,
        duties="统筹推进全县设备更新和消费品以旧换新工作，"
        "研究解决重大问题；办公室设在县发改局，负责日常工作。",
    )
    seats = {}
    for unit, role, person, post in SEATS:
        seat = bodies.add_seat(
            session,
            office,
            joint.id,
            department_id=units[unit],
            role=role,
            person_name=person,
            post=post,
            start_on=first,
        )
        seats[person] = seat.id
    bodies.change_seat(
        session,
        office,
        seats["孙丽"],
        person_name="钱卫东",
        post="县财政局副局长",
        on=first + timedelta(days=17),
        note="人事调整，县财政局报专班办公室",
    )
    groups = [
        ("消费品以旧换新工作组", "县商务局", "商务", ["县财政局", "县市场监管局"]),
        ("设备更新工作组", "县发改局", "设备", ["县能源局", "县住建局"]),
    ]
    tasks = ledger.tasks_query(session, office)
    for name, lead, word, members in groups:
        group = bodies.create_body(
            session,
            office,
            jurisdiction_code=CODE,
            kind="working_group",
            name=name,
            parent_id=joint.id,
            lead_department_id=units[lead],
            duties="定期调度，形成专报报专班领导。",
        )
        for unit, person in zip([lead, *members], LIAISONS[name], strict=True):
            bodies.add_seat(
                session,
                office,
                group.id,
                department_id=units[unit],
                role="lead" if unit == lead else "member",
                person_name=person,
                post="联络员",
                start_on=first,
            )
        led = ledger.department_ids
        mine = [t for t in tasks if units[lead] in led(session, t.id, "lead") or word in t.title]
        for task in mine[:6]:
            bodies.add_task(session, office, group.id, task_id=task.id)
    return joint


def _meetings(
    session: Session, office: Actor, joint: Body, units: dict[str, int], first: date
) -> None:
    m1 = meetings.schedule(
        session,
        office,
        body_id=joint.id,
        kind="plenary",
        title="联席会议第一次全体会议",
        held_on=first + timedelta(days=4),
        place="县政府三楼会议室",
        topics=["部署本月以旧换新重点工作"],
    )
    people: dict[int, str] = {}
    for unit, role, person, _ in SEATS:
        if role != "liaison":
            people.setdefault(units[unit], person)
    present = [(dept_id, person, True) for dept_id, person in people.items()]
    meetings.record_attendance(session, office, m1.id, entries=present)
    d1 = meetings.decide(
        session,
        office,
        m1.id,
        kind="new_task",
        text="开展家电以旧换新进社区、进乡镇促销活动",
        department_id=units["县商务局"],
        deadline=first + timedelta(days=24),
    )
    meetings.decide(
        session,
        office,
        m1.id,
        kind="new_task",
        text="梳理重点企业设备更新项目，形成项目清单报专班",
        department_id=units["县发改局"],
        deadline=first + timedelta(days=40),
    )
    meetings.hold(
        session,
        office,
        m1.id,
        minutes="会议听取了各成员单位工作汇报，"
        "研究部署了本月重点工作，议定事项由县商务局、县发改局牵头落实。",
    )
    m2 = meetings.schedule(
        session,
        office,
        body_id=joint.id,
        kind="dispatch",
        title="以旧换新工作调度会",
        held_on=first + timedelta(days=25),
        place="县发改局会议室",
    )
    meetings.record_attendance(session, office, m2.id, entries=present[:4])
    meetings.decide(
        session,
        office,
        m2.id,
        kind="close_task",
        task_id=d1.task_id,
        text="进社区促销活动已开展12场，予以销号",
    )
    meetings.decide(
        session,
        office,
        m2.id,
        kind="new_task",
        text="加快报废汽车回收拆解企业资质办理",
        department_id=units["县商务局"],
        deadline=first + timedelta(days=55),
    )
    meetings.hold(session, office, m2.id, minutes="会议调度了各项任务进展，对已完成任务予以销号。")


def _png() -> bytes:
    return charts.counts_chart([("现场检查门店", 3.0)], fmt="png")


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _visit(
    session: Session, office: Actor, dept: Actor, units: dict[str, int], first: date
) -> None:
    v = visits.plan_visit(
        session,
        dept,
        jurisdiction_code=CODE,
        lead_department_id=units["县商务局"],
        title="家电以旧换新门店督导",
        subject="县城三家家电门店补贴执行情况",
        planned_on=first + timedelta(days=11),
    )
    visits.carry_out(
        session,
        dept,
        v.id,
        done_on=first + timedelta(days=11),
        summary="抽查门店3家，补贴核销流程规范，发现1家门店未公示补贴标准。",
    )
    f = visits.add_finding(
        session,
        dept,
        v.id,
        text="门店未在显著位置公示补贴标准和申领流程",
        department_id=units["县商务局"],
        deadline=first + timedelta(days=20),
        uploads=[Upload("现场照片.png", _png())],
    )
    reports.request_close(
        session,
        dept,
        f.task_id,
        evidence="已督促门店张贴公示，附整改照片",
        uploads=[Upload("整改情况.pdf", _pdf())],
    )
    reports.decide_close(session, office, f.task_id, approve=True, note="整改到位")
    visits.plan_visit(
        session,
        office,
        jurisdiction_code=CODE,
        lead_department_id=units["县发改局"],
        title="重点企业设备更新项目调研",
        subject="县内两家煤化工企业",
        planned_on=today_cn() + timedelta(days=7),
    )


def _escalations(session: Session, office: Actor, dept: Actor, first: date) -> None:
    e = escalations.raise_matter(
        session,
        dept,
        jurisdiction_code=CODE,
        level="province",
        title="报废机动车回收拆解企业资质审批",
        ask="我县尚无报废机动车回收拆解企业，请省商务厅加快资质认定审批。",
        addressee="山西省商务厅",
    )
    escalations.review(session, office, e.id, send=True, on=first + timedelta(days=8))
    escalations.answer(
        session,
        office,
        e.id,
        on=first + timedelta(days=19),
        answer="省商务厅已受理，将于下月组织现场核查。",
    )
    escalations.raise_matter(
        session,
        office,
        jurisdiction_code=CODE,
        level="nation",
        title="农机报废更新补贴资金提前下达",
        ask="请国家层面提前下达农机报废更新补贴资金，保障春耕前更新需求。",
        addressee="农业农村部",
    )


def _reports(session: Session, office: Actor, units: dict[str, int], first: date) -> None:
    recipients = [units["县商务局"], units["县发改局"], units["县财政局"]]
    for tpl in bulletins.ensure_defaults(session, office, CODE):
        bulletins.save_template(
            session,
            office,
            template_id=tpl.id,
            jurisdiction_code=CODE,
            kind=tpl.kind,
            name=tpl.name,
            opening=tpl.opening,
            figure_keys=bulletins.keys_of(tpl),
            recipients=recipients,
        )
        if tpl.kind == "daily":
            for day in (26, 27, 28):
                bulletins.generate(session, office, tpl.id, period_end=first.replace(day=day))
        elif tpl.kind == "ten_day":
            for day in (10, 20, 28):
                bulletins.generate(session, office, tpl.id, period_end=first.replace(day=day))


def _public(session: Session, office: Actor, first: date) -> None:
    items = [
        (
            "qa",
            "外地户籍在沁水县购买家电能享受补贴吗？",
            "可以享受国家补贴；县级加码补贴仅限本县户籍居民，购买时请出示身份证。",
        ),
        (
            "qa",
            "旧家电必须交给回收企业吗？",
            "是的。请通过“手机点一点，废品上门收”预约回收，或交到就近的交投点，取得回收凭证。",
        ),
        ("qa", "补贴多久到账？", "商户在销售时直接抵扣补贴，您按抵扣后的价格付款，无需另行申领。"),
        (
            "case",
            "张女士以旧换新购买一级能效空调",
            (
                "张女士在县城家电门店购买一级能效空调一台，售价5999元，享受国家补贴1199.80元和县级补贴"
                "299.95元，实付4499.25元，旧空调由回收企业上门回收。"
            ),
        ),
        (
            "notice",
            "关于开展家电以旧换新进社区活动的通知",
            "本月起在各社区、乡镇开展家电以旧换新促销活动，具体时间地点见各门店公告。",
        ),
    ]
    for kind, title, body in items:
        publicity.publish(
            session,
            office,
            jurisdiction_code=CODE,
            kind=kind,
            title=title,
            body=body,
            published_on=first + timedelta(days=2),
        )
