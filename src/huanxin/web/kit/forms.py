"""Form pages in one place: parse the posted form into a Pydantic model, run the change, and
on a refusal roll back and show the same page again, with the form kept and the message at
the field, named by its label.

A page form is a ``PageForm`` subclass whose fields use the bounded types of
``core.bounds`` or the form types here (``Yuan``, ``OptionalDay``, ``Whole`` …), which read
what a browser sends (text, empty for nothing). ``tests/web/test_input_bounds.py`` walks every
``PageForm`` as it walks route inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar, get_args, get_origin

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from huanxin.core import bounds
from huanxin.core.errors import DomainError, InvalidInput
from huanxin.core.labels import label
from huanxin.core.money import parse_yuan
from huanxin.web.errors import page_refused, validation_message

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
R = TypeVar("R", bound=Response)


def _blank(value: Any) -> Any:
    """A browser sends an empty field as ""; the form types read it as "not given"."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _required(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("必填")
    return value


def _yuan(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    _required(value)
    try:
        return parse_yuan(value.strip())
    except ValueError:
        raise ValueError("金额格式不正确（元，最多两位小数）") from None


def _whole(value: Any) -> Any:
    if isinstance(value, str) and not _required(value).strip().isdigit():
        raise ValueError("必须是非负整数")
    return value


def _integer(value: Any) -> Any:
    if isinstance(value, str) and not _required(value).strip().lstrip("-").isdigit():
        raise ValueError("必须是整数")
    return value


def _percent(value: Any) -> Any:
    """A percentage typed as ``45`` or ``45.5``, in basis points (4500, 4550)."""
    if not isinstance(value, str):
        return value
    try:
        return parse_yuan(_required(value).strip())
    except ValueError:
        raise ValueError("百分比格式不正确（如 45 或 45.5）") from None


def _day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(_required(value).strip())
        except ValueError:
            raise ValueError("日期格式不正确（应为YYYY-MM-DD）") from None
    return value


Blank = BeforeValidator(_blank)
# A price typed in yuan, as fen (a sale's price: above zero, within the sale ceiling).
Yuan = Annotated[int, BeforeValidator(_yuan), Field(gt=0, le=bounds.SALE_FEN_MAX)]
# Any amount typed in yuan, as fen (budgets, investments).
Amount = Annotated[int, BeforeValidator(_yuan), Field(ge=0, le=bounds.AMOUNT_FEN_MAX)]
Whole = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=bounds.INT_MAX)]
Integer = Annotated[
    int, BeforeValidator(_integer), Field(ge=-bounds.INT_MAX - 1, le=bounds.INT_MAX)
]
# A percentage in basis points (a growth rate may be negative).
Percent = Annotated[int, BeforeValidator(_percent), Field(ge=-1_000_000, le=1_000_000)]
Day = Annotated[date, BeforeValidator(_day), Field(ge=bounds.DAY_MIN, le=bounds.DAY_MAX)]
OptionalWhole = Annotated[Whole | None, Blank]
OptionalDay = Annotated[Day | None, Blank]
OptionalCode = Annotated[bounds.Code | None, Blank]


class PageForm(BaseModel):
    """Base of the forms pages post: unknown fields (the CSRF token) are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        return _is_list(get_args(annotation)[0])
    return get_origin(annotation) is list


def _values(model: type[BaseModel], data: Mapping[str, Any] | FormData) -> dict[str, Any]:
    """The form's text values by field name; a list field takes every value sent."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if isinstance(data, FormData) and _is_list(field.annotation):
            values[name] = [v for v in data.getlist(name) if isinstance(v, str)]
        elif isinstance(data.get(name), str):
            values[name] = data[name]
    return values


def titles(model: type[BaseModel]) -> dict[str, str]:
    return {name: f.title for name, f in model.model_fields.items() if f.title}


def parse(model: type[M], data: Mapping[str, Any] | FormData) -> M:
    """``data`` as a ``model``; the first failing field is refused as an ``InvalidInput``
    naming it by its label and the reason (e.g. ``成交价：金额格式不正确…``)."""
    try:
        return model.model_validate(_values(model, data))
    except ValidationError as exc:
        field, message = validation_message(dict(exc.errors()[0]), titles(model))
        raise InvalidInput(message, field=field) from None


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def value(kind: Any, text: str, field: str, label: str | None = None) -> Any:
    """One form field read as a form type (``Yuan``, ``Day``, ``Whole`` …): the same parsing
    and the same refusal, naming the field by its label (``label``, else the field's
    label in ``core.labels``), as in a ``PageForm``."""
    try:
        return _adapter(kind).validate_python(text)
    except ValidationError as exc:
        error = {**exc.errors()[0], "loc": (field,)}
        titles = {field: label} if label else None
        raise InvalidInput(validation_message(error, titles)[1], field=field) from None


def text_of(data: FormData) -> dict[str, str]:
    """The form's text fields as typed (to show the form again), without the CSRF token."""
    return {k: v for k, v in data.items() if isinstance(v, str) and k != "csrf_token"}


def files_of(data: FormData, name: str) -> list[UploadFile]:
    """The files chosen in the form's file field ``name`` (none chosen: empty)."""
    return [f for f in data.getlist(name) if isinstance(f, UploadFile) and f.filename]


async def posted(request: Request) -> FormData:
    """Dependency: the posted form (the page kit parses it into the page's model)."""
    return await request.form()


# The posted form as a parameter: received on the event loop, so the endpoint can be a plain
# ``def`` and do its database work in a worker thread (``web/kit/uploads.py``).
Posted = Annotated[FormData, Depends(posted)]


@dataclass(frozen=True)
class PageError:
    """A refusal as a page shows it: the message (naming the field by its label), the field
    it belongs to (so the template can put it beside that field) and the answer's status."""

    message: str
    field: str | None = None
    rows: tuple[Any, ...] = ()  # an import's row-by-row errors, when it has them
    status: int = 422
    reason: str = ""  # the refusal's own words, without the field's label
    link: str | None = None  # where the refusal points to (e.g. the plan already imported)

    @classmethod
    def of(cls, exc: DomainError) -> PageError:
        message = exc.message
        if exc.field and exc.field not in ("body", "path"):
            name = label(exc.field)
            if name != "输入项" and name not in message:
                message = f"{name}：{message}"
        rows = tuple(getattr(exc, "errors", ()) or ())
        link = getattr(exc, "link", None)
        return cls(message, exc.field, rows, exc.status, exc.message, link)

    def at(self, field: str) -> str:
        """The message when it belongs to ``field``, else ""."""
        return self.message if self.field == field else ""

    def __str__(self) -> str:
        return self.message


def go(target: str) -> RedirectResponse:
    """After a change: 303 to the page that shows its result."""
    return RedirectResponse(target, status_code=303)


def outcome(compute: Callable[[], T]) -> tuple[T | None, PageError | None]:
    """For a page that computes on request (nothing to roll back): the result, or the
    refusal to show in its place."""
    try:
        return compute(), None
    except DomainError as exc:
        return None, PageError.of(exc)


def refused(
    request: Request, session: Session, exc: DomainError, page: Callable[[PageError], Response]
) -> Response:
    """Roll the request's work back (auditing a scope refusal) and show ``page`` again with
    the message, answering the refusal's status."""
    page_refused(request, session, exc)
    response = page(PageError.of(exc))
    response.status_code = exc.status
    return response


def submit(
    request: Request,
    session: Session,
    change: Callable[[], str],
    page: Callable[[PageError], Response],
) -> Response:
    """Run ``change`` (it returns where to go next: 303 there); a domain refusal — a form
    field that does not parse is one — shows ``page`` again with the message."""
    try:
        target = change()
    except DomainError as exc:
        return refused(request, session, exc, page)
    return go(target)


def show(
    request: Request,
    session: Session,
    change: Callable[[], R],
    page: Callable[[PageError], R],
) -> R:
    """Like ``submit`` for a form whose answer is a page (a result shown in place)."""
    try:
        return change()
    except DomainError as exc:
        page_refused(request, session, exc)
        response = page(PageError.of(exc))
        response.status_code = exc.status
        return response
