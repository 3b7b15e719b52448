"""Loading programme files: YAML → validated :class:`Programme`, with file and line on failure.

A bad file is refused as a whole with :class:`PolicyFileInvalid`, naming the file, the
1-based line of the offending value (found from the YAML node marks) and the reason.
Checks across files: ``(id, version)`` is unique; every id in ``stacks_on`` / ``excludes``
exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from huanxin.policy.errors import PoliciesDirNotFound, PolicyFileInvalid
from huanxin.policy.schema import Programme

ENV_DIR = "HUANXIN_POLICIES_DIR"
Loc = tuple[str, ...]


def default_policies_dir() -> Path:
    """``$HUANXIN_POLICIES_DIR`` if set, else the repository's ``policies/`` directory."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "policies"


def line_map(text: str) -> dict[Loc, int]:
    """Map each path of keys/indices in a YAML document to the 1-based line of its value.

    >>> m = line_map("id: a\\ncategories:\\n  - code: tv\\n    name: 电视\\n")
    >>> m[("categories", "0", "name")], m[("categories",)]
    (4, 3)
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Loc, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return lines


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _walk(value, (*loc, str(key.value)), lines)
            lines.setdefault((*loc, str(key.value), "<key>"), key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, str(index)), lines)


def line_of(lines: dict[Loc, int], loc: Sequence[object]) -> int | None:
    """Line of the longest prefix of ``loc`` present in ``lines`` (pydantic adds tag segments).

    >>> line_of({(): 1, ("a",): 2, ("a", "b"): 5}, ("a", "b", "c"))
    5
    >>> line_of({(): 1, ("a",): 2}, ("x",))
    1
    """
    best: int | None = lines.get(())
    prefix: Loc = ()
    for part in loc:
        candidate = (*prefix, str(part))
        if candidate not in lines:
            continue  # skip segments pydantic inserts (union tags, validator names)
        prefix = candidate
        best = lines[prefix]
    return best


def parse_programme(text: str, *, path: Path | str) -> Programme:
    """Parse and validate one programme file's text; raise PolicyFileInvalid on any error."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyFileInvalid(
            path=path, line=line, reason=f"YAML 语法错误：{exc}", field=None
        ) from exc
    if not isinstance(data, dict):
        raise PolicyFileInvalid(
            path=path, line=1, reason="文件内容须为一个映射（键: 值）", field=None
        )
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, text=text, path=path) from exc


def _first_error(exc: ValidationError, *, text: str, path: Path | str) -> PolicyFileInvalid:
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    field = ".".join(str(p) for p in loc) or None
    line = line_of(line_map(text), loc)
    reason = f"{_reason_zh(error['type'])}（{error['msg']}）"
    return PolicyFileInvalid(path=path, line=line, reason=reason, field=field)


_REASONS = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段",
    "value_error": "取值不符合规则",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "enum": "取值不在允许范围内",
    "date_from_datetime_parsing": "日期格式不正确",
    "date_parsing": "日期格式不正确",
    "date_type": "须为日期（YYYY-MM-DD）",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数（金额以分计）",
    "string_type": "须为文本",
    "too_short": "至少需要一项",
}


def _reason_zh(error_type: str) -> str:
    return _REASONS.get(error_type, "取值无效")


def load_file(path: Path) -> Programme:
    return parse_programme(path.read_text(encoding="utf-8"), path=path)


def load_dir(directory: Path | None = None) -> list[Programme]:
    """Load every ``*.yaml`` directly inside ``directory`` (not sub-folders), sorted by name."""
    directory = directory or default_policies_dir()
    if not directory.is_dir():
        raise PoliciesDirNotFound(f"找不到政策文件目录：{directory}")
    files = sorted(directory.glob("*.yaml"))
    programmes = [load_file(p) for p in files]
    check_set(programmes, files)
    return programmes


def check_set(programmes: Sequence[Programme], files: Sequence[Path]) -> None:
    """Refuse duplicate ``(id, version)`` and references to unknown programme ids."""
    seen: dict[tuple[str, int], Path] = {}
    ids = {p.id for p in programmes}
    for programme, path in zip(programmes, files, strict=True):
        if programme.key in seen:
            reason = f"编号 {programme.id} 版本 {programme.version} 与 {seen[programme.key]} 重复"
            raise _at(path, ("version",), reason)
        seen[programme.key] = path
        _check_refs(programme, path, ids)


def _check_refs(programme: Programme, path: Path, ids: Iterable[str]) -> None:
    known = set(ids)
    for name in ("stacks_on", "excludes"):
        for index, ref in enumerate(getattr(programme, name)):
            if ref not in known:
                raise _at(path, (name, str(index)), f"引用了不存在的政策编号 {ref}")


def _at(path: Path, loc: Loc, reason: str) -> PolicyFileInvalid:
    line = line_of(line_map(path.read_text(encoding="utf-8")), loc)
    return PolicyFileInvalid(path=path, line=line, reason=reason, field=".".join(loc))


def dump_json(programme: Programme) -> str:
    """Serialise for storage; ``Programme.model_validate_json`` reads it back unchanged."""
    return programme.model_dump_json()


def from_json(text: str | bytes) -> Programme:
    return Programme.model_validate_json(text)


def as_data(programme: Programme) -> dict[str, Any]:
    return programme.model_dump(mode="json")
