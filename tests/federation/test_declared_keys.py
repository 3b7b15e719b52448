"""Which keys a programme claims at the national registry."""

from __future__ import annotations

from bench.federation_world import SHIPPED, national_policies
from huanxin.federation.service import declared
from huanxin.policy.loader import load_dir, load_file
from huanxin.policy.schema import NationalKey, WhenUnreachable


def test_a_shipped_programme_claims_its_object_keys_and_holds_on_outage() -> None:
    shipped = load_dir(SHIPPED)
    assert shipped and all(p.national is None for p in shipped)
    for programme in shipped:
        rule = declared(programme)
        assert set(rule.keys) == {
            NationalKey.device_serial,
            NationalKey.vin,
            NationalKey.recycling_certificate,
        }
        assert rule.when_unreachable is WhenUnreachable.hold


def test_a_declared_block_wins(tmp_path) -> None:  # type: ignore[no-untyped-def]
    digital = declared(load_file(national_policies(tmp_path) / "national-digital-2025.yaml"))
    assert digital.keys == [NationalKey.person_category_period, NationalKey.device_serial]
    assert digital.when_unreachable is WhenUnreachable.refuse
