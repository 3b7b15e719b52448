"""What a service calls to read the rows of a list statement it builds, when its caller pages
(the API's ``web.kit.api_lists``): the service passes the ordered statement, the pager reads
one page of it and counts the whole. Without a pager a service keeps its own bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select

Pager = Callable[[Select[Any]], list[Any]]
