"""The timed-release schedules (/quota-releases) as the page kit pages, sorts, filters,
searches and exports them: the schedules of the actor's scope and of the places above where
it lives, opening on those not yet ended (the page drew every schedule ever defined), filtered
by state, mode and category, found by programme title or category name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from huanxin.claims.models import QuotaRelease as R
from huanxin.claims.service import release_plans, releases
from huanxin.core.actor import Actor
from huanxin.core.clock import local_text, today_cn, utcnow
from huanxin.core.vocab import CATEGORIES
from huanxin.policy import service as policies
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"active": "进行中或未开始", "running": "进行中", "upcoming": "未开始", "ended": "已结束"}
OPENING = "active"


@dataclass(frozen=True)
class ReleaseRow:
    """A schedule with what the list shows of it: its programme's title, its place's name
    and its next release (None once it has ended)."""

    release: R
    title: str
    place: str
    upcoming: datetime | None

    @property
    def caps(self) -> str:
        return f"每日{self.release.day_cap}张、每月{self.release.month_cap}张"


def readable(session: Session, actor: Actor) -> Select[R]:
    """Schedules in the actor's scope, and those that apply where the actor lives."""
    codes = set(actor.scope_codes) | set(policies.path_of(session, actor.jurisdiction_code))
    return select(R).where(R.jurisdiction_code.in_(codes))


def _state(value: str) -> ColumnElement[bool]:
    today = today_cn()
    if value == "running":
        return (R.first_day <= today) & (R.last_day >= today)
    if value == "upcoming":
        return R.first_day > today
    if value == "ended":
        return R.last_day < today
    return R.last_day >= today


def _matching(titles: Mapping[str, str]) -> Callable[[str], ColumnElement[bool]]:
    def where(text: str) -> ColumnElement[bool]:
        ids = [pid for pid, title in titles.items() if text in title]
        cats = [code for code, name in CATEGORIES.labels.items() if text in name]
        return or_(
            R.programme_id.in_(ids) if ids else false(),
            R.category.in_(cats) if cats else false(),
        )

    return where


def _day(row: ReleaseRow) -> str:
    return local_text(row.upcoming) if row.upcoming else "已结束"


def spec(titles: Mapping[str, str]) -> ListSpec:
    """The list; ``titles``: programme titles by id (search and the 政策 column)."""
    return ListSpec(
        title="定时放券计划",
        columns=(
            Column("programme", "政策", R.programme_id, lambda r: r.title),
            Column("category", "品类", R.category, lambda r: CATEGORIES.label(r.release.category)),
            Column("place", "地区", R.jurisdiction_code, lambda r: r.place),
            Column("first_day", "起始日期", R.first_day, lambda r: r.release.first_day.isoformat()),
            Column("last_day", "结束日期", R.last_day, lambda r: r.release.last_day.isoformat()),
            Column(
                "time",
                "发放时间",
                R.release_minute,
                lambda r: releases.time_text(r.release.release_minute),
            ),
            Column("per_release", "每次（张）", R.per_release, lambda r: r.release.per_release),
            Column("caps", "限领", None, lambda r: r.caps),
            Column("mode", "方式", R.mode, lambda r: release_plans.MODES.get(r.release.mode, "")),
            Column("next", "下次发放", None, _day),
        ),
        default_sort="-first_day",
        tiebreak=R.id,
        search=_matching(titles),
        search_hint="政策名称或品类",
        filters=(
            Filter("state", "状态", STATES, _state),
            Filter("mode", "方式", release_plans.MODES, lambda v: R.mode == v),
            Filter("category", "品类", CATEGORIES.labels, lambda v: R.category == v),
        ),
    )


def titles_of(session: Session) -> dict[str, str]:
    return {p.id: p.title for p in policies.all_versions(session)}


def rows_of(
    session: Session, titles: Mapping[str, str], places: Mapping[str, str]
) -> Callable[[list[R]], list[ReleaseRow]]:
    """The page's schedules with their titles, place names and next release."""
    now = utcnow()

    def view(rows: list[R]) -> list[ReleaseRow]:
        return [
            ReleaseRow(
                r,
                titles.get(r.programme_id, ""),
                places.get(r.jurisdiction_code, ""),
                releases.next_opening(r, now),
            )
            for r in rows
        ]

    return view
