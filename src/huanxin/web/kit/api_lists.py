"""API lists a client can page through to the end, never cut off silently.

A list operation takes ``Paged`` (``limit`` — 1 to 1,000 rows, 100 unless asked — and
``offset`` from the address) and answers its typed list as before, one page of it, with the
number of rows in every page in ``X-Total-Count`` and, while rows remain, the address of the
next page in ``Link: <…>; rel="next"`` (RFC 8288; the address keeps every other parameter).
``Paging.rows`` pages a statement in SQL (it must be ordered by a unique key, so pages never
overlap); a service that builds its statement itself takes ``pager=paged.of(session)`` and
calls it instead of a fixed ``.limit``; ``Paging.slice`` pages a list already read whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huanxin.core.bounds import MAX_LIMIT, MAX_OFFSET
from huanxin.core.paging import Pager

DEFAULT_LIMIT = 100
TOTAL = "X-Total-Count"
T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """The page a client asked for, and the answer whose headers say what is left."""

    limit: int
    offset: int
    request: Request
    response: Response

    def rows(self, session: Session, stmt: Select[Any]) -> list[Any]:
        """One page of ``stmt`` (ordered by a unique key) and its total, counted in SQL."""
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        self.mark(session.scalar(counted) or 0)
        return list(session.scalars(stmt.offset(self.offset).limit(self.limit)))

    def of(self, session: Session) -> Pager:
        """``rows`` bound to ``session``: what a service taking ``pager=`` calls on its
        statement instead of cutting it at a fixed number of rows."""
        return partial(self.rows, session)

    def slice(self, items: Sequence[T]) -> list[T]:
        """One page of a list already read whole."""
        self.mark(len(items))
        return list(items[self.offset : self.offset + self.limit])

    def mark(self, total: int) -> None:
        self.response.headers[TOTAL] = str(total)
        if self.offset + self.limit < total:
            url = self.request.url.include_query_params(
                offset=self.offset + self.limit, limit=self.limit
            )
            self.response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'


def paging(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Paging:
    """Dependency: the page of an API list the address asks for."""
    return Paging(limit, offset, request, response)


Paged = Annotated[Paging, Depends(paging)]
