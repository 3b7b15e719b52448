"""Every input of every route is bounded and labelled, and out-of-bounds input answers 422
naming the field by its Chinese label, with nothing stored (on SQLite and PostgreSQL).

The walk covers path, query, header, cookie, form and JSON inputs and the fields of nested
models: an integer needs a range, a string a maximum length and a character rule, a list or
mapping a maximum size, a date a range; each name needs a label in ``core/labels.py``. The
types in ``core/bounds.py`` (``Id``, ``Count``, ``Limit``, ``Offset``, ``Year``, ``PriceFen``,
``Fen``, ``Code``, ``Name``, ``Line``, ``Text``, ``Day`` …) carry all of that.
"""

from __future__ import annotations

import enum
import types
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from fastapi import UploadFile
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic.fields import FieldInfo
from sqlalchemy import func, select

import builders
from app_routes import all_routes
from huanxin.core import bounds
from huanxin.core.labels import LABELS
from huanxin.core.models import Jurisdiction
from huanxin.db import Database
from huanxin.web.kit.forms import PageForm

CHARACTER_RULES = {bounds._plain, bounds._name, bounds._text}
HOW = (
    "use a type from huanxin.core.bounds (Id, Count, Int, Limit, Offset, Year, PriceFen, Fen, "
    "Code, Name, Line, Text, Day, IdempotencyKey) or give Field(...) the missing bound"
)


def _flatten(meta: list[Any]) -> list[Any]:
    out: list[Any] = []
    for m in meta:
        out.extend(_flatten(list(m.metadata)) if isinstance(m, FieldInfo) else [m])
    return out


def _has(meta: list[Any], *kinds: type) -> bool:
    return any(isinstance(m, kinds) for m in meta)


def _max_len(meta: list[Any]) -> bool:
    return any(
        isinstance(m, at.MaxLen) or (isinstance(m, StringConstraints) and m.max_length is not None)
        for m in meta
    )


def _problem(tp: Any, meta: list[Any], seen: set[type]) -> list[str]:
    origin = get_origin(tp)
    if origin is Annotated:
        inner, *extra = get_args(tp)
        return _problem(inner, meta + _flatten(extra), seen)
    if origin in (Union, types.UnionType):
        return [
            p for arm in get_args(tp) if arm is not type(None) for p in _problem(arm, meta, seen)
        ]
    if origin is Literal or tp in (bool, bytes, UploadFile, type(None)):
        return []
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return []
    if origin is list and get_args(tp) == (UploadFile,):
        return []  # the guard bounds the upload's total size (HUANXIN_MAX_UPLOAD_BYTES)
    if origin in (list, set, tuple, frozenset, dict):
        found = [] if _max_len(meta) else [f"{origin.__name__} without a maximum size"]
        return found + [
            p for arg in get_args(tp) if arg is not Ellipsis for p in _problem(arg, [], seen)
        ]
    if tp is int:
        bounded = _has(meta, at.Ge, at.Gt) and _has(meta, at.Le, at.Lt)
        return [] if bounded else ["integer without a range"]
    if tp is float:
        finite = any("allow_inf_nan=False" in repr(m) for m in meta)
        bounded = _has(meta, at.Ge, at.Gt) and _has(meta, at.Le, at.Lt)
        return [] if finite and bounded else ["number without a finite range"]
    if tp is str:
        rule = any(isinstance(m, AfterValidator) and m.func in CHARACTER_RULES for m in meta)
        found = [] if _max_len(meta) else ["text without a maximum length"]
        return found + ([] if rule else ["text without a character rule"])
    if tp in (date, datetime):
        ranged = _has(meta, at.Ge) and _has(meta, at.Le)
        ranged |= any(isinstance(m, AfterValidator) and m.func is bounds._moment for m in meta)
        return [] if ranged else ["date without a range"]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_problems(tp, seen)
    return [f"unbounded type {tp!r}"]


def _model_problems(model: type[BaseModel], seen: set[type]) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    found = []
    for name, field in model.model_fields.items():
        if name not in LABELS:
            found.append(f"{model.__name__}.{name}: no Chinese label in core/labels.py")
        found += [
            f"{model.__name__}.{name}: {p}"
            for p in _problem(field.annotation, list(field.metadata), seen)
        ]
    return found


def _params(dependant: Any) -> list[Any]:
    params = (
        dependant.path_params
        + dependant.query_params
        + dependant.header_params
        + dependant.cookie_params
        + dependant.body_params
    )
    return params + [p for sub in dependant.dependencies for p in _params(sub)]


def route_problems() -> list[str]:
    problems = []
    seen: set[type] = set()
    for path, route in all_routes():
        where = f"{'/'.join(sorted(route.methods))} {path}"
        for param in _params(route.dependant):
            name = param.alias or param.name
            info = param.field_info
            found = _problem(info.annotation, list(info.metadata), seen)
            is_model = isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
            if name not in LABELS and not is_model:
                found.append("no Chinese label in core/labels.py")
            problems += [f"{where}: `{name}`: {p}" for p in found]
    return problems


def test_every_route_input_is_bounded_and_labelled() -> None:
    assert len(all_routes()) > 250
    problems = route_problems()
    assert problems == [], f"{len(problems)} unbounded inputs ({HOW}):\n" + "\n".join(problems)


def _page_forms() -> list[type[BaseModel]]:
    """Every form model a page parses with the page kit (loaded with the app's routes)."""
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [PageForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_page_form_is_bounded_and_labelled() -> None:
    all_routes()
    forms = _page_forms()
    assert len(forms) >= 3
    seen: set[type] = set()
    problems = [p for form in forms for p in _model_problems(form, seen)]
    assert problems == [], f"{len(problems)} unbounded form fields ({HOW}):\n" + "\n".join(problems)


def _jurisdictions(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Jurisdiction)) or 0


def test_out_of_bounds_input_is_a_422_naming_the_field(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("admin", "140000"))
    office = builders.api_client(database, "office.140521")
    cases = [
        ("/api/v1/ledger/pools/1180591620717411303424", "pool_id"),
        ("/api/v1/audit?limit=-1", "limit"),
        ("/api/v1/recycling/indicators?kind=elv&year=0", "year"),
    ]
    for url, field in cases:
        r = office.get(url)
        assert r.status_code == 422, (url, r.text)
        body = r.json()
        assert body["field"] == field and body["message"].startswith(LABELS[field] + "：")
        assert "Input should" not in r.text and "pydantic" not in r.text
    admin = builders.api_client(database, "admin.140000")
    before = _jurisdictions(database)
    body = {"code": "140522", "name": "阳城\u200b县", "level": "county", "parent_code": "140500"}
    r = admin.post("/api/v1/jurisdictions", json=body, headers={"Idempotency-Key": "b-1"})
    assert r.status_code == 422 and r.json()["field"] == "name"
    assert r.json()["message"] == f"{LABELS['name']}：含有不可见字符"
    assert _jurisdictions(database) == before
