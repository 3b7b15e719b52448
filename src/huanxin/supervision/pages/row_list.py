"""Lists whose rows are computed in Python, not read by one statement (the reminders, the
inbox): the rows are gathered from several tables and rules, so the list filters, searches,
sorts and pages them in memory (a county's work is hundreds of rows, not millions) and hands
the page kit a ``Page`` its ``_list.html`` draws, and the export writes every filtered row.

A ``RowList`` wraps the kit's ``ListSpec``: each sortable column's ``sort`` is a key function
of the row (not SQL), and each filter keeps the rows its ``keep`` accepts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from fastapi.responses import Response
from sqlalchemy import ColumnElement, true

from huanxin.web.kit.downloads import XLSX, download
from huanxin.web.kit.lists import PAGE_SIZE, Filter, ListQuery, ListSpec, Page, xlsx

Keep = Callable[[Any, str], bool]


def _in_memory(_value: str) -> ColumnElement[bool]:
    """A filter's SQL, never run: the rows are filtered by ``RowList.keep``."""
    return true()


def row_filter(key: str, label: str, choices: Mapping[str, str]) -> Filter:
    """A filter the template draws (its choices); the list keeps rows by its own test."""
    return Filter(key, label, choices, _in_memory)


@dataclass(frozen=True)
class RowList:
    spec: ListSpec  # columns' ``sort`` are key functions of a row; ``tiebreak`` one too
    keep: Mapping[str, Keep]  # filter key → does the row pass under this value
    found: Callable[[Any, str], bool]  # does the row hold the searched text

    def sort_of(self, sort: str) -> str:
        return sort if self.spec.column(sort.removeprefix("-")) else self.spec.default_sort

    def filtered(
        self, rows: Sequence[Any], query: ListQuery, chosen: Mapping[str, str]
    ) -> list[Any]:
        """The rows under the filters and the search, in the chosen order."""
        kept = list(rows)
        for f in self.spec.filters:
            value = chosen.get(f.key, "")
            if value in f.choices:
                kept = [r for r in kept if self.keep[f.key](r, value)]
        if query.q:
            kept = [r for r in kept if self.found(r, query.q)]
        sort = self.sort_of(query.sort)
        column = self.spec.column(sort.removeprefix("-"))
        assert column is not None
        key = cast(Callable[[Any], Any], column.sort)
        tiebreak: Callable[[Any], Any] = self.spec.tiebreak
        return sorted(kept, key=lambda r: (key(r), tiebreak(r)), reverse=sort.startswith("-"))

    def page(
        self, rows: Sequence[Any], query: ListQuery, chosen: Mapping[str, str], *, path: str
    ) -> Page:
        """The ``query.page``-th page of the filtered rows."""
        found = self.filtered(rows, query, chosen)
        number = min(query.page, max(1, -(-len(found) // PAGE_SIZE)))
        shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        sort = self.sort_of(query.sort)
        return Page(
            self.spec, path, shown, len(found), number, PAGE_SIZE, sort, query.q, {**chosen}
        )

    def export(
        self, rows: Sequence[Any], query: ListQuery, chosen: Mapping[str, str], *, on: date
    ) -> Response:
        """Every row the list shows under these filters and search, as .xlsx."""
        content = xlsx(self.spec, self.filtered(rows, query, chosen))
        return download(content, f"{self.spec.title}-{on.isoformat()}.xlsx", XLSX)
