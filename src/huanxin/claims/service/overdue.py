"""Overdue claims, deadlines coming up, and the on-time report per department and month.

Built on the clocks of claims/service/clocks.py. A step is charged to the department that
handled it (the user's organisation, or the jurisdiction's office or finance bureau); a step
not yet handled is charged to the body responsible for it: the office of the claim's
jurisdiction for acceptance and review, its finance bureau for payment.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select
from sqlalchemy.orm import Session

from huanxin.claims.errors import ReportYearInvalid
from huanxin.claims.models import Claim
from huanxin.claims.service import clocks, common
from huanxin.core.actor import Actor
from huanxin.core.exports import safe_row
from huanxin.core.models import Jurisdiction, Organization, User
from huanxin.core.roles import ROLE_LABELS, Role
from huanxin.core.workdays import Calendar
from huanxin.core.workdays import load as load_calendar

DUE_SOON_WORKDAYS = 2
RESPONSIBLE = {"accept": Role.OFFICE, "review": Role.OFFICE, "pay": Role.FINANCE}
REPORT_HEADERS = ["月份", "办理部门", "到期事项", "按时办结", "超时办结", "逾期未办", "按时率"]


@dataclass(frozen=True)
class Late:
    """One step of one claim past (or near) its deadline."""

    claim: Claim
    step: clocks.Step
    department: str
    workdays_late: int


Narrow = Callable[[Select[Claim]], Select[Claim]]


def _running(session: Session, actor: Actor, narrow: Narrow | None = None) -> list[Claim]:
    """Every claim in scope whose clock may still run (no cut: the lists page what is left)."""
    stmt = (
        common.readable(actor)
        .where(Claim.state.in_(clocks.RUNNING))
        .where(Claim.category.in_(sorted(clocks.clocked_categories(session))))
        .order_by(Claim.id)
    )
    return list(session.scalars(narrow(stmt) if narrow is not None else stmt))


class Departments:
    """Names of the bodies steps are charged to (loaded once per list)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._places: dict[str, str] = {}
        self._users: dict[int, str] = {}

    def place(self, code: str) -> str:
        if code not in self._places:
            row = self.session.get(Jurisdiction, code)
            self._places[code] = row.name if row else "本级"
        return self._places[code]

    def of(self, claim: Claim, step: clocks.Step) -> str:
        if step.handler is None or step.handler[0] is None:
            role = RESPONSIBLE[step.step] if step.handler is None else Role(step.handler[1])
            return self.place(claim.jurisdiction_code) + ROLE_LABELS[role]
        return self._user(step.handler[0], claim)

    def _user(self, user_id: int, claim: Claim) -> str:
        if user_id not in self._users:
            user = self.session.get(User, user_id)
            org = self.session.get(Organization, user.org_id) if user and user.org_id else None
            if org is not None:
                self._users[user_id] = org.name
            elif user is not None:
                label = ROLE_LABELS.get(Role(user.role), "")
                self._users[user_id] = self.place(user.jurisdiction_code) + label
            else:
                self._users[user_id] = self.place(claim.jurisdiction_code)
        return self._users[user_id]


def overdue(session: Session, actor: Actor, today: date) -> list[Late]:
    """Steps past their deadline, most overdue first."""
    return _late(session, actor, today, lambda s: s.status == "overdue")


def due_soon(session: Session, actor: Actor, today: date) -> list[Late]:
    """Open steps due within the next two working days."""
    last = horizon(session, today)
    return _late(
        session,
        actor,
        today,
        lambda s: s.status == "open" and s.due is not None and s.due <= last,
    )


def horizon(session: Session, today: date) -> date:
    """The last day a step due "within two working days" of ``today`` may fall on."""
    return load_calendar(session).add_workdays(today, DUE_SOON_WORKDAYS)


def running_steps(
    session: Session, actor: Actor, today: date, *, narrow: Narrow | None = None
) -> list[Late]:
    """Every step still running (open or past its deadline) of the claims in scope, most
    overdue first; ``narrow`` narrows the claims in SQL first (e.g. by category)."""
    return _late(session, actor, today, lambda s: s.status in ("open", "overdue"), narrow)


def _late(
    session: Session,
    actor: Actor,
    today: date,
    wanted: Callable[[clocks.Step], bool],
    narrow: Narrow | None = None,
) -> list[Late]:
    claims = _running(session, actor, narrow)
    steps = clocks.steps_for(session, claims, today)
    calendar = load_calendar(session)
    names = Departments(session)
    found = [
        Late(claim, step, names.of(claim, step), _workdays_between(calendar, step.due, today))
        for claim in claims
        for step in steps.get(claim.id, [])
        if wanted(step)
    ]
    found.sort(key=lambda x: (-x.workdays_late, x.claim.id))
    return found


def _workdays_between(calendar: Calendar, due: date | None, today: date) -> int:
    """Working days from ``due`` to ``today`` (0 when not yet due)."""
    if due is None or today <= due:
        return 0
    count, day = 0, due
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


@dataclass(frozen=True)
class ReportRow:
    month: str
    department: str
    due: int
    on_time: int
    late: int
    overdue: int

    @property
    def rate_text(self) -> str:
        decided = self.on_time + self.late + self.overdue
        return f"{self.on_time * 100 / decided:.1f}%" if decided else "—"


def check_year(year: int, today: date) -> int:
    if not 2020 <= year <= today.year + 1:
        raise ReportYearInvalid(f"年份应在2020年至{today.year + 1}年之间", field="year")
    return year


def report(session: Session, actor: Actor, *, year: int, today: date) -> list[ReportRow]:
    """Steps due in ``year``, per month of their deadline and department."""
    check_year(year, today)
    start = date(year, 1, 1) - timedelta(days=120)  # a claim filed in autumn is paid in January
    claims = list(
        session.scalars(
            common.readable(actor)
            .where(Claim.category.in_(sorted(clocks.clocked_categories(session))))
            .where(Claim.purchase_date >= start, Claim.purchase_date <= date(year, 12, 31))
            .order_by(Claim.id)
        )
    )
    steps = clocks.steps_for(session, claims, today)
    names = Departments(session)
    counts: Counter[tuple[str, str, str]] = Counter()
    for claim in claims:
        for step in steps.get(claim.id, []):
            if step.due is None or step.due.year != year or step.status in {"void", "open"}:
                continue
            key = (f"{step.due:%Y-%m}", names.of(claim, step))
            counts[(*key, step.status)] += 1
    keys = sorted({(m, d) for m, d, _ in counts})
    return [
        ReportRow(
            month=m,
            department=d,
            due=sum(counts[(m, d, s)] for s in ("on_time", "late", "overdue")),
            on_time=counts[(m, d, "on_time")],
            late=counts[(m, d, "late")],
            overdue=counts[(m, d, "overdue")],
        )
        for m, d in keys
    ]


def report_xlsx(rows: list[ReportRow], year: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年办理时限"
    sheet.append(REPORT_HEADERS)
    for r in rows:
        sheet.append(
            safe_row([r.month, r.department, r.due, r.on_time, r.late, r.overdue, r.rate_text])
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def alert_counts(session: Session, actor: Actor, today: date) -> dict[str, int]:
    """What the morning alert says: steps overdue and steps due within two working days."""
    return {
        "overdue": len(overdue(session, actor, today)),
        "due_soon": len(due_soon(session, actor, today)),
    }
