"""Lists a person can work through: paging, sorting by a column, filtering by the list's main
fields, searching, and exporting what is filtered to .xlsx.

A list declares a ``ListSpec`` (its columns with the SQL each sorts by and the cell each
exports, its filters, its search); the route passes the caller's readable statement, the
``ListQuery`` from the address and the filter values, and gets a ``Page`` the ``_list.html``
macros draw (search box, filters, sortable headers, pager, export link). Links keep every
other parameter, so paging keeps the filter and the export exports what is filtered.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import Query
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from pydantic import Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from huanxin.core.bounds import Code, Line
from huanxin.core.exports import YUAN_FORMAT, safe_row
from huanxin.web.kit.downloads import XLSX, download

PAGE_SIZE = 50
EXPORT_MAX = 50_000  # rows one export carries (a county's year of claims fits)
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
View = Callable[[list[Any]], list[Any]]


@dataclass(frozen=True)
class Column:
    """A column: its key in the address (``sort=key`` / ``sort=-key``), its header, the SQL
    it sorts by (None: not sortable) and the value it exports."""

    key: str
    label: str
    sort: Any | None
    cell: Callable[[Any], Any]


@dataclass(frozen=True)
class Filter:
    """A filter by one main field: its choices (value → Chinese label) and its condition."""

    key: str
    label: str
    choices: Mapping[str, str]
    where: Callable[[str], ColumnElement[bool]]


@dataclass(frozen=True)
class ListSpec:
    title: str  # names the export file
    columns: tuple[Column, ...]
    default_sort: str
    tiebreak: Any  # a unique column, so pages never overlap
    search: Callable[[str], ColumnElement[bool]] | None = None
    filters: tuple[Filter, ...] = ()
    search_hint: str = ""  # what the search box finds, shown in it

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sort is not None), None)


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    sort: str = ""
    page: int = 1


def list_query(
    q: Annotated[Line, Query()] = "",
    sort: Annotated[Code, Query()] = "",
    page: Annotated[PageNumber, Query()] = 1,
) -> ListQuery:
    """Dependency: the list's search text, sort and page number from the address."""
    return ListQuery(q=q.strip(), sort=sort, page=page)


@dataclass
class Page:
    """One page of a list, with what the template needs to draw its controls."""

    spec: ListSpec
    path: str
    rows: list[Any]
    total: int
    number: int
    size: int
    sort: str
    q: str
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def _params(self, **changes: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"q": self.q, "sort": self.sort, **self.filters}
        params.update(changes)
        return {k: v for k, v in params.items() if v not in ("", None, 1) or k in self.filters}

    def href(self, **changes: Any) -> str:
        query = urlencode(self._params(**changes))
        return f"{self.path}?{query}" if query else self.path

    def page_href(self, number: int) -> str:
        return self.href(page=number)

    def sort_href(self, key: str) -> str:
        """Sorting by a column starts on page one; a second click reverses it."""
        return self.href(sort=key if self.sort == f"-{key}" else f"-{key}", page=1)

    def sorted_by(self, key: str) -> str:
        """ "desc", "asc" or "" for ``key`` (drawn as an arrow, announced to screen readers)."""
        return {f"-{key}": "desc", key: "asc"}.get(self.sort, "")

    def export_href(self, export_path: str) -> str:
        query = urlencode({k: v for k, v in self._params().items() if k != "page"})
        return f"{export_path}?{query}" if query else export_path


def filtered(
    spec: ListSpec, stmt: Select[Any], query: ListQuery, filters: Mapping[str, str]
) -> Select[Any]:
    """``stmt`` narrowed by the filters and the search, ordered by the chosen column."""
    for f in spec.filters:
        value = filters.get(f.key, "")
        if value and value in f.choices:
            stmt = stmt.where(f.where(value))
    if query.q and spec.search is not None:
        stmt = stmt.where(spec.search(query.q))
    return stmt.order_by(*_order(spec, query.sort))


def _order(spec: ListSpec, sort: str) -> list[Any]:
    wanted = sort if spec.column(sort.removeprefix("-")) else spec.default_sort
    column = spec.column(wanted.removeprefix("-"))
    assert column is not None, f"default sort {spec.default_sort!r} is not a sortable column"
    desc, by = wanted.startswith("-"), cast(Any, column.sort)
    return [
        by.desc() if desc else by.asc(),
        spec.tiebreak.desc() if desc else spec.tiebreak.asc(),
    ]


def _sort_of(spec: ListSpec, sort: str) -> str:
    return sort if spec.column(sort.removeprefix("-")) else spec.default_sort


def page_of(
    session: Session,
    spec: ListSpec,
    stmt: Select[Any],
    query: ListQuery,
    *,
    path: str,
    filters: Mapping[str, str] | None = None,
    size: int = PAGE_SIZE,
    view: View | None = None,
) -> Page:
    """The ``query.page``-th page of the filtered, searched, sorted ``stmt``; ``view`` turns
    the page's rows into what the template and the export cells read (names, labels)."""
    chosen = dict(filters or {})
    narrowed = filtered(spec, stmt, query, chosen)
    total = session.scalar(select(func.count()).select_from(narrowed.order_by(None).subquery()))
    number = min(query.page, max(1, -(-(total or 0) // size)))
    rows = list(session.scalars(narrowed.offset((number - 1) * size).limit(size)))
    rows = view(rows) if view is not None else rows
    return Page(
        spec, path, rows, total or 0, number, size, _sort_of(spec, query.sort), query.q, chosen
    )


def _cell(sheet: Any, value: Any) -> Any:
    """An amount of yuan (a ``Decimal`` from ``yuan_number``) shown with separators."""
    if not isinstance(value, Decimal):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = YUAN_FORMAT
    return cell


def xlsx(spec: ListSpec, rows: Iterable[Any]) -> bytes:
    """The rows as a worksheet: the list's headers, one line per row, cells formula-safe,
    amounts of yuan as numbers shown ``#,##0.00``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title[:31])
    sheet.append([c.label for c in spec.columns])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in safe_row(c.cell(row) for c in spec.columns)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(
    session: Session,
    spec: ListSpec,
    stmt: Select[Any],
    query: ListQuery,
    *,
    filters: Mapping[str, str] | None = None,
    on: date,
    view: View | None = None,
) -> Response:
    """What the list shows under these filters and search (every page), as .xlsx."""
    narrowed = filtered(spec, stmt, query, dict(filters or {})).limit(EXPORT_MAX)
    rows = list(session.scalars(narrowed))
    content = xlsx(spec, view(rows) if view is not None else rows)
    return download(content, f"{spec.title}-{on.isoformat()}.xlsx", XLSX)
