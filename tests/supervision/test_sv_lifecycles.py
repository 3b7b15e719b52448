"""Supervision's persisted states are enums with transition tables (``core.lifecycle``):
meetings, visits, escalations, task closing and plans. A move outside the table is refused
with the domain's conflict (409 and its code) by the table, the API and the pages, and
nothing changes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from tests.supervision.test_sv_meetings import API, post, setup_meeting

import builders
from huanxin.core.errors import Conflict
from huanxin.core.lifecycle import Lifecycle
from huanxin.db import Database
from huanxin.supervision.errors import IllegalTransition, PlanAlreadyConfirmed
from huanxin.supervision.mechanism_models import Meeting
from huanxin.supervision.states import (
    ESCALATIONS,
    MEETINGS,
    OPEN_ESCALATIONS,
    PLANS,
    TASK_CLOSING,
    VISITS,
    EscalationState,
)
from huanxin.supervision.vocab import LABELS

LIFECYCLES: dict[str, Lifecycle[Any]] = {
    "meetings": MEETINGS,
    "visits": VISITS,
    "escalations": ESCALATIONS,
    "task closing": TASK_CLOSING,
    "plans": PLANS,
}


@pytest.mark.parametrize("name", LIFECYCLES)
def test_every_move_outside_the_table_is_a_409(name: str) -> None:
    lifecycle = LIFECYCLES[name]
    states: list[StrEnum] = list(lifecycle.labels)
    allowed = refused = 0
    for here in states:
        for there in states:
            if there in lifecycle.moves[here]:
                assert lifecycle.check(here.value, there.value) is there
                allowed += 1
                continue
            with pytest.raises(Conflict) as caught:
                lifecycle.check(here.value, there.value)
            error = caught.value
            assert error.status == 409 and type(error) is lifecycle.error
            assert error.code != "conflict" and lifecycle.labels[here] in error.message
            refused += 1
    assert allowed > 0 and refused > allowed
    assert any(not lifecycle.moves[s] for s in states), f"{name}: a lifecycle ends somewhere"


def test_labels_and_open_states_come_from_the_tables() -> None:
    assert MEETINGS.error is VISITS.error is ESCALATIONS.error is IllegalTransition
    assert PLANS.error is PlanAlreadyConfirmed
    assert {"proposed", "submitted", "answered"} == OPEN_ESCALATIONS
    assert LABELS["held"] == "已召开" and LABELS["cancelled"] == "已取消"
    assert LABELS[EscalationState.DECLINED] == "未予报送"
    assert ESCALATIONS.following("closed") == frozenset()


def _state(db: Database, meeting_id: int) -> str:
    with db.sessions() as session:
        row = session.get(Meeting, meeting_id)
        assert row is not None
        return row.state


def test_cancelling_a_held_meeting_is_a_409_in_api_and_page(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, meeting = setup_meeting(database, sv_world)
    mid = meeting["id"]
    assert post(api, f"/meetings/{mid}/hold", {"minutes": "已召开"}, "lc-hold").status_code == 200
    r = post(api, f"/meetings/{mid}/cancel", {"reason": "改期"}, "lc-cancel")
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "illegal_transition"
    assert "已召开" in r.json()["message"] and "已取消" in r.json()["message"]
    assert _state(database, mid) == "held"
    web = builders.web_client(database, "office.140521")
    page = web.get(f"{API.replace('/api/v1', '')}/meetings/{mid}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    again = web.post(
        f"/supervision/meetings/{mid}/hold", data={"csrf_token": csrf, "minutes": "再次"}
    )
    assert again.status_code == 409
    assert "会议当前状态为“已召开”" in again.text and "illegal_transition" not in again.text
    assert _state(database, mid) == "held"


def test_answering_a_closed_escalation_is_a_409(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = setup_meeting(database, sv_world)
    eid = api.get(f"{API}/escalations").json()[0]["id"]
    assert post(api, f"/escalations/{eid}/answer", {"answer": "同意"}, "lc-a1").status_code == 200
    assert post(api, f"/escalations/{eid}/close", {"note": "办结"}, "lc-x1").status_code == 200
    r = post(api, f"/escalations/{eid}/answer", {"answer": "再答"}, "lc-a2")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    assert api.get(f"{API}/escalations").json()[0]["state"] == "closed"
