"""Recurring reports made from the ledger (日报, 旬报, 周报, 月报, 专报): templates the office
adjusts (opening words, which figures, who receives it), reports generated for a period with
the figures of every domain kept as made, the .docx with a chart, its PDF (LibreOffice, made
once and kept), and delivery to each recipient unit's inbox."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from docx.shared import Cm
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import OutOfRange, Required, UnrelatedReference
from huanxin.supervision import charts, figures
from huanxin.supervision.errors import UnknownFigure
from huanxin.supervision.mechanism_models import Bulletin, Delivery, ReportTemplate
from huanxin.supervision.models import Department
from huanxin.supervision.service import briefings, escalations, visits
from huanxin.supervision.service.common import actor_department, in_scope
from huanxin.supervision.service.documents import new_document, table, to_bytes
from huanxin.supervision.vocab import ReportKind, label, parse


def get_template(session: Session, actor: Actor, template_id: int) -> ReportTemplate:
    row = session.get(ReportTemplate, template_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "报告模板不存在")


def templates_for(session: Session, actor: Actor) -> list[ReportTemplate]:
    stmt = select(ReportTemplate).where(ReportTemplate.jurisdiction_code.in_(actor.scope_codes))
    return list(session.scalars(stmt.order_by(ReportTemplate.jurisdiction_code, ReportTemplate.id)))


def keys_of(row: ReportTemplate) -> list[str]:
    return [str(k) for k in json.loads(row.figures or "[]")]


def recipients_of(row: ReportTemplate) -> list[int]:
    return [int(k) for k in json.loads(row.recipients or "[]")]


def _check(session: Session, code: str, keys: list[str], recipients: list[int]) -> None:
    if not keys:
        raise Required("报告模板至少要包含一项数据", field="figures")
    if missing := figures.unknown(keys):
        raise UnknownFigure(missing)
    known = set(
        session.scalars(
            select(Department.id).where(
                Department.jurisdiction_code == code, Department.id.in_(recipients)
            )
        )
    )
    if set(recipients) - known:
        raise UnrelatedReference("报送对象须是本级部门目录中的单位", field="recipients")


def save_template(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    kind: str,
    name: str,
    opening: str = "",
    figure_keys: list[str],
    recipients: list[int],
    template_id: int | None = None,
) -> ReportTemplate:
    """Create a template, or adjust one (``template_id``); refused whole on any bad field."""
    in_scope(actor, jurisdiction_code)
    kind = parse(ReportKind, kind, field="kind", what="报告类型")
    if not name.strip():
        raise Required("请填写模板名称", field="name")
    _check(session, jurisdiction_code, figure_keys, recipients)
    row = (
        get_template(session, actor, template_id)
        if template_id
        else ReportTemplate(jurisdiction_code=jurisdiction_code, created_at=utcnow())
    )
    row.kind, row.name, row.opening = kind, name.strip(), opening.strip()
    row.figures = json.dumps(list(dict.fromkeys(figure_keys)))
    row.recipients = json.dumps(sorted(set(recipients)))
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.report_template_saved",
        object_type="sv_template",
        object_id=row.id,
        after={"kind": kind, "figures": figure_keys, "recipients": recipients},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def ensure_defaults(session: Session, actor: Actor, code: str) -> list[ReportTemplate]:
    """One template per kind for ``code`` where none of that kind exists (no recipients)."""
    have = {t.kind for t in templates_for(session, actor) if t.jurisdiction_code == code}
    for kind in ReportKind:
        if kind not in have:
            save_template(
                session,
                actor,
                jurisdiction_code=code,
                kind=kind,
                name=f"以旧换新工作{label(kind)}",
                figure_keys=figures.DEFAULTS[kind],
                recipients=[],
            )
    return [t for t in templates_for(session, actor) if t.jurisdiction_code == code]


def period_of(kind: str, end: date, start: date | None = None) -> tuple[date, date]:
    """The period a report of ``kind`` covers, ending ``end``: a day, the 旬 (1–10, 11–20,
    21–month end) holding ``end``, seven days, the calendar month, or ``start``–``end``."""
    if kind == ReportKind.TEN_DAY:
        first = 1 if end.day <= 10 else 11 if end.day <= 20 else 21
        return end.replace(day=first), end
    if kind == ReportKind.WEEKLY:
        return end - timedelta(days=6), end
    if kind == ReportKind.MONTHLY:
        return end.replace(day=1), end
    if kind == ReportKind.SPECIAL and start is not None:
        if start > end:
            raise OutOfRange("开始日期不能晚于结束日期", field="period_start")
        return start, end
    return end, end


def generate(
    session: Session,
    actor: Actor,
    template_id: int,
    *,
    period_end: date | None = None,
    period_start: date | None = None,
    title: str = "",
) -> Bulletin:
    """Make the next issue of the template's report and deliver it to its recipients."""
    tpl = get_template(session, actor, template_id)
    end = period_end or today_cn()
    start, end = period_of(tpl.kind, end, period_start)
    period = figures.Period(tpl.jurisdiction_code, start, end)
    values = figures.read_all(session, actor, keys_of(tpl), period)
    number = 1 + int(
        session.scalar(select(func.max(Bulletin.issue_no)).where(Bulletin.template_id == tpl.id))
        or 0
    )
    heading = title.strip() or tpl.name
    data = render(session, tpl, heading, number, period, values)
    row = Bulletin(
        template_id=tpl.id,
        jurisdiction_code=tpl.jurisdiction_code,
        issue_no=number,
        title=heading[:128],
        period_start=start,
        period_end=end,
        figures=json.dumps([v.as_dict() for v in values], ensure_ascii=False),
        docx=data,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    for dept_id in recipients_of(tpl):
        session.add(Delivery(bulletin_id=row.id, department_id=dept_id))
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.bulletin_issued",
        object_type="sv_bulletin",
        object_id=row.id,
        after={"template": tpl.id, "issue_no": number, "start": start, "end": end},
        jurisdiction_code=tpl.jurisdiction_code,
    )
    return row


def render(
    session: Session,
    tpl: ReportTemplate,
    heading: str,
    number: int,
    period: figures.Period,
    values: list[figures.Value],
) -> bytes:
    place = jurisdictions.full_name(session, tpl.jurisdiction_code)
    doc = new_document()
    doc.add_heading(f"{place}{heading}", level=0)
    doc.add_paragraph(
        f"{label(tpl.kind)}　第{number}期　{place}推动大规模设备更新和消费品以旧换新工作专班办公室"
    )
    span = (
        period.start.isoformat()
        if period.start == period.end
        else f"{period.start.isoformat()} 至 {period.end.isoformat()}"
    )
    doc.add_paragraph(f"统计期间：{span}")
    if tpl.opening:
        doc.add_paragraph(tpl.opening)
    doc.add_heading("一、主要数据", level=1)
    table(doc, ["数据项", "数值", "单位"], [[v.label, v.value, v.unit] for v in values])
    counted = [(v.label, v.number) for v in values if v.unit in ("项", "个", "次")]
    if counted:
        doc.add_picture(io.BytesIO(charts.counts_chart(counted, fmt="png")), width=Cm(15))
    doc.add_heading("二、需上级支持事项", level=1)
    for e in escalations.open_in(session, tpl.jurisdiction_code):
        doc.add_paragraph(f"{e.title}（{label(e.state)}；请求{e.addressee}）", style="List Bullet")
    doc.add_heading("三、督导发现问题整改", level=1)
    for f in visits.open_findings(session, tpl.jurisdiction_code):
        doc.add_paragraph(f"{f.text}（整改时限：{f.deadline.isoformat()}）", style="List Bullet")
    return to_bytes(doc)


def get(session: Session, actor: Actor, bulletin_id: int) -> Bulletin:
    row = session.get(Bulletin, bulletin_id)
    row = visible(actor, row, row.jurisdiction_code if row else None, "报告不存在")
    if actor.role == "department" and not _delivered(session, actor, row.id):
        visible(actor, None, None, "报告不存在")
    return row


def _delivered(session: Session, actor: Actor, bulletin_id: int) -> Delivery | None:
    dept = actor_department(session, actor)
    stmt = select(Delivery).where(
        Delivery.bulletin_id == bulletin_id, Delivery.department_id == (dept.id if dept else 0)
    )
    return session.scalars(stmt).first()


def mark_read(session: Session, actor: Actor, row: Bulletin) -> None:
    """A recipient unit opened the report: its delivery is read (once)."""
    found = _delivered(session, actor, row.id) if actor.role == "department" else None
    if found is not None and found.read_at is None:
        found.read_at = utcnow()
        session.flush()


def list_for(session: Session, actor: Actor) -> list[Bulletin]:
    stmt = select(Bulletin).where(Bulletin.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "department":
        dept = actor_department(session, actor)
        stmt = stmt.join(Delivery, Delivery.bulletin_id == Bulletin.id).where(
            Delivery.department_id == (dept.id if dept else 0)
        )
    return list(session.scalars(stmt.order_by(Bulletin.id.desc())))


def pdf_of(session: Session, row: Bulletin) -> tuple[bytes | None, str]:
    """The kept PDF, made from the kept .docx on first request."""
    if row.pdf is None:
        pdf, reason = briefings.to_pdf(row.docx)
        if pdf is None:
            return None, reason
        row.pdf = pdf
        session.flush()
    return row.pdf, ""


def deliveries(session: Session, bulletin_id: int) -> list[Delivery]:
    stmt = select(Delivery).where(Delivery.bulletin_id == bulletin_id).order_by(Delivery.id)
    return list(session.scalars(stmt))
