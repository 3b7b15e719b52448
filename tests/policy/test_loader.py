"""Loading programme files: a bad file is refused with file, line and reason; JSON round-trip."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from huanxin.policy import eligibility, engine, loader
from huanxin.policy.errors import PoliciesDirNotFound, PolicyFileInvalid
from huanxin.policy.loader import from_json, load_dir, parse_programme
from huanxin.policy.schema import Programme

GOOD = """\
id: t.appliance
version: 1
title: 测试家电补贴
published: 2025-01-01
sources:
  - {document: 测试文件, confidence: low}
jurisdiction: {code: "140521", level: county, name: 沁水县}
effective: {start: 2025-01-01, end: 2025-12-31}
payment_mode: point_of_sale
categories:
  - {code: television, name: 电视}
amount:
  - label: 比例
    rate_bp: 1500
    cap_fen: 200000
funding:
  default: {county: 10000}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_parses() -> None:
    programme = parse_programme(GOOD, path="good.yaml")
    assert programme.key == ("t.appliance", 1)
    assert programme.amount[0].cap_fen == 200000


def test_bad_rate_names_file_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", GOOD.replace("rate_bp: 1500", "rate_bp: 15000"))
    with pytest.raises(PolicyFileInvalid) as info:
        load_dir(tmp_path)
    assert info.value.path == str(path)
    assert info.value.line == 14
    assert info.value.field == "amount.0.rate_bp"
    assert "数值过大" in info.value.reason
    assert f"{path}:14" in info.value.message


def test_unknown_key_is_refused_at_its_line() -> None:
    text = GOOD.replace("payment_mode: point_of_sale", "payment_mode: point_of_sale\npaymnt: x")
    with pytest.raises(PolicyFileInvalid) as info:
        parse_programme(text, path="typo.yaml")
    assert (info.value.line, info.value.field) == (10, "paymnt")
    assert "不认识的字段" in info.value.reason


def test_funding_not_summing_to_10000_is_refused_at_funding() -> None:
    text = GOOD.replace("{county: 10000}", "{county: 9000, city: 500}")
    with pytest.raises(PolicyFileInvalid) as info:
        parse_programme(text, path="f.yaml")
    assert info.value.line == 17  # the split under funding
    assert "10000" in info.value.reason


def test_missing_field_points_at_parent_mapping() -> None:
    text = GOOD.replace("    cap_fen: 200000\n", "").replace("    rate_bp: 1500\n", "")
    with pytest.raises(PolicyFileInvalid) as info:
        parse_programme(text, path="m.yaml")
    assert info.value.line == 13  # the amount rule that has no method
    assert info.value.field is not None and info.value.field.startswith("amount.0")


def test_yaml_syntax_error_has_line() -> None:
    with pytest.raises(PolicyFileInvalid) as info:
        parse_programme(GOOD.replace("title: 测试家电补贴", "title: [unclosed"), path="s.yaml")
    assert info.value.line is not None and info.value.line >= 3
    assert "YAML" in info.value.reason


def test_national_level_requires_national_code() -> None:
    text = GOOD.replace("level: county", "level: national")
    with pytest.raises(PolicyFileInvalid) as info:
        parse_programme(text, path="n.yaml")
    assert info.value.line == 7


def test_duplicate_id_version_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", GOOD)
    second = _write(tmp_path, "b.yaml", GOOD)
    with pytest.raises(PolicyFileInvalid) as info:
        load_dir(tmp_path)
    assert (info.value.path, info.value.line) == (str(second), 2)
    assert "重复" in info.value.reason


def test_unknown_stacks_on_reference_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", GOOD + "stacks_on: [no.such]\n")
    with pytest.raises(PolicyFileInvalid) as info:
        load_dir(tmp_path)
    assert (info.value.path, info.value.line) == (str(path), 18)
    assert "no.such" in info.value.reason


def test_missing_directory() -> None:
    with pytest.raises(PoliciesDirNotFound):
        load_dir(Path("/nonexistent/policies"))


def test_env_overrides_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "a.yaml", GOOD)
    monkeypatch.setenv("HUANXIN_POLICIES_DIR", str(tmp_path))
    assert [p.id for p in load_dir()] == ["t.appliance"]


def test_shipped_files_round_trip_through_json() -> None:
    programmes = load_dir()
    assert len(programmes) == 23
    for programme in programmes:
        assert from_json(programme.model_dump_json()) == programme
        assert Programme.model_validate(programme.model_dump(mode="json")) == programme


def test_shipped_files_cite_sources() -> None:
    for programme in load_dir():
        assert programme.sources
        assert all(s.document for s in programme.sources)


@pytest.mark.parametrize("module", [loader, engine, eligibility])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
