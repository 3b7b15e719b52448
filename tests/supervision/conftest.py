"""Fixtures for the plan importer tests: the shared seeds, gold files and scorer."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEEDS = ["qinshui-county-2024-13", "yangquan-city-task-division-draft", "guanxian-county-2024-4"]


def _require_shared() -> Path:
    if not (SHARED / "seeds" / "gold").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared seeds missing at {SHARED} (required when CI=true)")
        pytest.skip(f"shared seeds not available at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require_shared()


@pytest.fixture(scope="session")
def scorer(shared_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_plan", shared_dir / "tools" / "score_plan.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_text(shared_dir: Path, name: str) -> str:
    return (shared_dir / "seeds" / f"{name}.txt").read_text(encoding="utf-8")


def gold(shared_dir: Path, name: str) -> dict[str, object]:
    data = json.loads((shared_dir / "seeds" / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- database-backed supervision tests -------------------------------------------------

PLAN_TEXT = """沁水县推动设备更新和以旧换新工作方案
沁政发〔2026〕1号
一、工作目标
到2027年，报废汽车回收拆解量达到3000辆，设备投资规模较2023年增长25%以上。
二、重点任务
（一）开展汽车以旧换新。组织汽车促销活动，落实报废更新补贴。（牵头单位：县工信局<县商务局>；配合单位：县财政局）
（二）推进家电以旧换新。支持家电销售企业联合回收企业开展促销。（牵头单位：县工信局<县商务局>；配合单位：沁水县住房和城乡建设局）
（三）推动工业设备更新。组织企业申报设备更新项目。（牵头单位：县发改局；配合单位：县新能源推进中心）
"""


@pytest.fixture
def sv_world(database: object) -> dict[str, int]:
    """Places, an office user, the 沁水县 directory and two department users:
    ``department.140521`` bound to 县商务局 and ``fagai`` bound to 县发改局."""
    import builders
    from huanxin.core.audit import SYSTEM
    from huanxin.db import Database
    from huanxin.supervision.service import departments

    assert isinstance(database, Database)
    ids: dict[str, int] = {}
    with database.unit_of_work() as session:
        builders.create_places(session)
        builders.create_user(session, "office", "140521")
        builders.create_user(session, "office", "371525")
        for name, aliases in [
            ("县商务局", ["县工信局<县商务局>", "县工信局"]),
            ("县发改局", []),
            ("县财政局", []),
            ("县住建局", []),
        ]:
            dept = departments.create(
                session, SYSTEM, jurisdiction_code="140521", name=name, aliases=aliases
            )
            ids[name] = dept.id
            ids[name + ".org"] = dept.org_id
        builders.create_user(session, "department", "140521", org_id=ids["县商务局.org"])
        builders.create_user(
            session,
            "department",
            "140521",
            org_id=ids["县发改局.org"],
            username="fagai",
            display_name="发改局",
        )
    return ids


@pytest.fixture
def plan_text() -> bytes:
    return PLAN_TEXT.encode("utf-8")
