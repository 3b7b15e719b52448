"""Two provincial deployments and the national registry, in process, each on its own
PostgreSQL database created for the run (dropped at the end).

The registry is its FastAPI app behind a test client that can be "taken away" (every call
then fails to connect, as when the network or the registry is down). Each deployment is
the platform's app on its own database with the federation adapter installed. The world
is loaded once; tests take fresh people and serials, so they do not see each other.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bench import federation_world as world
from builders import settings_for
from huanxin.app import create_app
from huanxin.claims.sales_world import postgres_database
from huanxin.core.actor import Actor
from huanxin.db import Database
from huanxin.federation.client import RegistryClient
from huanxin.federation.keys import Keyring
from huanxin.federation.registry import service as registry
from huanxin.federation.registry.app import create_registry_app
from huanxin.federation.service import Federation
from huanxin.federation.wiring import install

PEOPLE = list(range(60))
FEDERATION_KEY = "v1:national-test-key-0123456789"
ADMIN_TOKEN = "national-office-test-token"

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN = os.environ.get(
    "HUANXIN_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN}: {exc.__class__.__name__}"
    return None


class Switchable:
    """An HTTP client of the registry that can be switched off."""

    def __init__(self, inner: TestClient) -> None:
        self.inner = inner
        self.down = False

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("registry unreachable (test)")
        return self.inner.request(method, url, **kw)


@dataclass
class Deployment:
    province: world.Province
    db: Database
    client: TestClient
    fed: Federation

    def redeem(self, person: int, category: str, serial: str, *, key: str | None = None) -> Any:
        assert self.province.quotas is not None
        number = zlib.crc32(f"{self.province.code}{serial}{person}{category}".encode())
        body = world.sale(self.province.quotas[(person, category)], category, serial, number)
        headers = {
            "Authorization": f"Bearer {self.province.token}",
            "Idempotency-Key": key or f"{serial}-{person}-{category}",
        }
        return self.client.post("/api/v1/redemptions", json=body, headers=headers)

    def actor(self, role: str = "office") -> Actor:
        return Actor(
            user_id=1,
            username="test",
            display_name="测试",
            role=role,
            jurisdiction_code=self.province.code,
            scope_codes=frozenset({self.province.code}),
        )


@dataclass
class Federated:
    registry_db: Database
    registry: TestClient
    switch: Switchable
    a: Deployment
    b: Deployment
    people: Iterator[int]

    def take_down(self) -> None:
        self.switch.down = True

    def bring_back(self) -> None:
        self.switch.down = False


@pytest.fixture(scope="session")
def federated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federated]:
    reason = _pg_reason()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)
    policies = world.national_policies(tmp_path_factory.mktemp("federation"))
    admin = PG_ADMIN
    with (
        postgres_database(admin, "registry") as reg_url,
        postgres_database(admin, "sx") as a_url,
        postgres_database(admin, "sd") as b_url,
    ):
        yield from _start(policies, reg_url, a_url, b_url)


def _start(policies: Path, reg_url: str, a_url: str, b_url: str) -> Iterator[Federated]:
    registry_db = Database(reg_url)
    reg_app = create_registry_app(registry_db, admin_token=ADMIN_TOKEN)
    with TestClient(reg_app) as reg_client:
        switch = Switchable(reg_client)
        deployments = []
        for (code, name), url in zip(world.PROVINCES, (a_url, b_url), strict=False):
            province = world.load_province(world.Province(code, name, url), PEOPLE, policies)
            with registry_db.unit_of_work() as session:
                token = registry.add_deployment(session, code=code, name=name)
            db = Database(url)
            fed = Federation(
                RegistryClient("http://testserver", token, http=switch),  # type: ignore[arg-type]
                Keyring.parse(FEDERATION_KEY),
            )
            install(db, fed)
            client = TestClient(create_app(settings_for(db), database=db))
            deployments.append(Deployment(province, db, client, fed))
        try:
            yield Federated(
                registry_db, reg_client, switch, deployments[0], deployments[1], iter(PEOPLE)
            )
        finally:
            for dep in deployments:
                install(dep.db, None)
                dep.client.close()
                dep.db.dispose()
            registry_db.dispose()


@pytest.fixture
def fed(federated: Federated) -> Iterator[Federated]:
    federated.bring_back()
    yield federated
    federated.bring_back()
