"""Schemathesis over every operation of the OpenAPI schema, on SQLite and PostgreSQL.

Each operation is called as a user whose role holds the route's permission (so the fuzzer
gets past the permission check), with valid and invalid inputs (a fixed seed; examples per
operation and mode from ``HUANXIN_FUZZ_EXAMPLES``, default 6). It must find no server error
and no response that contradicts the schema. A failure lists each operation with the status
and a curl line to reproduce it: fix the route or the service, not this test.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

import builders
from app_routes import all_routes
from huanxin.app import create_app
from huanxin.core.roles import PERMISSIONS, Role
from huanxin.db import Database
from huanxin.web.deps import PERMISSION_ATTR

EXAMPLES = int(os.environ.get("HUANXIN_FUZZ_EXAMPLES", "6"))
SEED = 13
COUNTY = "140521"
# The role used for a permission several roles hold: the first in this order that holds it.
PREFERENCE = [
    Role.OFFICE,
    Role.FINANCE,
    Role.ADMIN,
    Role.MERCHANT,
    Role.CONSUMER,
    Role.RECYCLER,
    Role.ENTERPRISE,
    Role.MANUFACTURER,
    Role.DEPARTMENT,
    Role.AUDITOR,
]
CHECKS = [not_a_server_error, response_schema_conformance]


def _permissions() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for path, route in all_routes():
        calls = [d.call for d in route.dependant.dependencies]
        calls += [d.call for sub in route.dependant.dependencies for d in sub.dependencies]
        permission = next(
            (getattr(c, PERMISSION_ATTR) for c in calls if hasattr(c, PERMISSION_ATTR)), "public"
        )
        for method in route.methods:
            found[(method.upper(), path)] = permission
    return found


def _role_for(permission: str) -> Role:
    return next((r for r in PREFERENCE if permission in PERMISSIONS[r]), Role.ADMIN)


def _tokens(db: Database) -> dict[Role, str]:
    builders.world(db, *[(r.value, "140000" if r is Role.ADMIN else COUNTY) for r in Role])
    return {
        r: builders.token_for(db, f"{r.value}.{'140000' if r is Role.ADMIN else COUNTY}")
        for r in Role
    }


def _runner(
    app: FastAPI,
    operation: Any,
    headers: dict[str, str],
    mode: GenerationMode,
    failures: list[str],
    calls: list[int],
) -> Any:
    """A Hypothesis test calling ``operation`` with generated ``mode`` cases."""

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(SEED)
    def run(case: Any) -> None:
        calls.append(1)
        where = f"{operation.label} [{mode.value}]"
        try:
            response = case.call(app=app, headers=headers)
        except Exception as exc:  # the app raised: a 500 with its cause
            failures.append(
                f"{where} 500: {exc!r:.300}\n    {case.as_curl_command(headers=headers)[:600]}"
            )
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:
            failures.append(
                f"{where} {response.status_code}: "
                f"{str(exc).strip().splitlines()[0][:300]}\n    "
                f"{case.as_curl_command(headers=headers)[:600]}"
            )

    return run


def _fuzz_operation(
    app: FastAPI, operation: Any, headers: dict[str, str], failures: list[str]
) -> int:
    calls: list[int] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        # An operation without inputs has nothing to make invalid.
        with contextlib.suppress(hypothesis.errors.Unsatisfiable):
            _runner(app, operation, headers, mode, failures, calls)()
    return len(calls)


def _fuzz(db: Database) -> tuple[int, int, list[str]]:
    tokens = _tokens(db)
    app = create_app(builders.settings_for(db), database=db)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    permissions = _permissions()
    failures: list[str] = []
    operations = calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        permission = permissions.get((operation.method.upper(), operation.path), "public")
        headers = {"Authorization": f"Bearer {tokens[_role_for(permission)]}"}
        calls += _fuzz_operation(app, operation, headers, failures)
        operations += 1
    return operations, calls, failures


@pytest.mark.slow
def test_fuzz_finds_no_server_error_nor_schema_violation(database: Database) -> None:
    operations, calls, failures = _fuzz(database)
    print(f"fuzz: {operations} operations, {calls} calls, {len(failures)} failures")
    assert operations > 150
    if failures:
        pytest.fail(f"{len(failures)} failures:\n" + "\n".join(failures), pytrace=False)
