"""Every audit action the code can write has a Chinese name on the audit page."""

from __future__ import annotations

import re
from pathlib import Path

import huanxin
from huanxin.claims.states import ClaimState
from huanxin.web.audit_labels import ACTIONS, AREAS, EVENTS, action_label, object_label

SRC = Path(huanxin.__file__).parent
# the action argument of audit.record(...) and its wrappers: the first "area.event" literal
LITERAL = re.compile(r"(?:audit\.record|_audit|record_audit)\(\s*[^\"]*?\"([a-z_]+\.[a-z_]+)\"")


def _written_actions() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return found | {f"claim.{s.value}" for s in ClaimState}


def test_every_written_action_is_named() -> None:
    actions = _written_actions()
    assert len(actions) > 50  # the scan found the code's actions
    unnamed = sorted(
        a
        for a in actions
        if a not in ACTIONS and (a.split(".")[0] not in AREAS or a.split(".")[1] not in EVENTS)
    )
    assert not unnamed, f"audit actions without a Chinese name: {unnamed}"


def test_labels_read_as_chinese() -> None:
    assert action_label("auth.login") == "登录"
    assert action_label("claim.approved") == "补贴申领 · 批准"
    assert action_label("recycling.unheard_of") == "回收操作"
    assert action_label("nonsense") == "系统操作"
    assert object_label("sv_plan") == "督办记录"
    assert object_label("claim") == "申领单"
