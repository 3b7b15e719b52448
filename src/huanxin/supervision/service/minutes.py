"""The minutes of a meeting as .docx (会议纪要): agenda, attendance, decisions with the
unit and deadline of each task they made, and the minutes text."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.supervision.mechanism_models import Body, Meeting
from huanxin.supervision.service import bodies, meetings
from huanxin.supervision.service.documents import new_document, table, to_bytes
from huanxin.supervision.vocab import label


def minutes_docx(session: Session, meeting: Meeting) -> bytes:
    body = session.get(Body, meeting.body_id)
    place = jurisdictions.full_name(session, meeting.jurisdiction_code)
    present = meetings.attendance(session, meeting.id)
    made = meetings.decisions(session, meeting.id)
    names = bodies.department_names(
        session, {a.department_id for a in present} | {d.department_id or 0 for d in made}
    )
    doc = new_document()
    doc.add_heading(f"{meeting.title}纪要", level=0)
    doc.add_paragraph(f"{place}{body.name if body else ''}　{label(meeting.kind)}")
    doc.add_paragraph(
        f"时间：{meeting.held_on:%Y年%m月%d日}　地点：{meeting.place or '（未填写）'}"
    )
    doc.add_heading("一、会议议题", level=1)
    for item in meetings.agenda(session, meeting.id):
        doc.add_paragraph(
            f"{item.title}{'（' + item.detail + '）' if item.detail else ''}", style="List Number"
        )
    doc.add_heading("二、出席情况", level=1)
    table(
        doc,
        ["单位", "出席人员", "出席"],
        [
            [names.get(a.department_id, ""), a.person_name, "出席" if a.present else "缺席"]
            for a in present
        ],
    )
    doc.add_heading("三、会议议定事项", level=1)
    table(
        doc,
        ["序号", "决定", "类型", "责任单位", "完成时限"],
        [
            [
                str(i),
                d.text,
                label(d.kind),
                names.get(d.department_id or 0, ""),
                d.deadline.isoformat() if d.deadline else "",
            ]
            for i, d in enumerate(made, 1)
        ],
    )
    doc.add_heading("四、会议纪要", level=1)
    for line in (meeting.minutes or "（会议尚未召开）").splitlines():
        doc.add_paragraph(line)
    return to_bytes(doc)
