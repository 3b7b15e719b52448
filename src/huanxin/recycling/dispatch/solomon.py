"""Solomon VRPTW text format: parsing into a plain instance.

The format is: a name line, a ``VEHICLE`` section giving the number of vehicles and their
capacity, then a ``CUSTOMER`` section with one line per node (id, x, y, demand, ready time,
due date, service time); node 0 is the depot. A malformed file raises ``InvalidInput``
naming the line and the reason, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from huanxin.core.errors import InvalidInput, MalformedFile, Required

_NODE_FIELDS = 7


@dataclass(frozen=True)
class SolomonNode:
    """One line of the customer section (node 0 is the depot)."""

    id: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


@dataclass(frozen=True)
class SolomonInstance:
    """A parsed Solomon instance."""

    name: str
    num_vehicles: int
    capacity: int
    depot: SolomonNode
    customers: tuple[SolomonNode, ...]


def read_solomon(path: Path) -> SolomonInstance:
    """Read and parse a Solomon instance file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFile(f"无法读取算例文件：{path}", field="file") from exc
    return parse_solomon(text)


def parse_solomon(text: str) -> SolomonInstance:
    """Parse the text of a Solomon instance."""
    lines = [(no, line.strip()) for no, line in enumerate(text.splitlines(), start=1)]
    content = [(no, line) for no, line in lines if line]
    if not content:
        raise MalformedFile("算例文件为空", field="file")
    name = content[0][1]
    vehicle_at = _find_header(content, "VEHICLE")
    customer_at = _find_header(content, "CUSTOMER")
    num_vehicles, capacity = _parse_vehicle_line(content, vehicle_at)
    nodes = [_parse_node(no, line) for no, line in content[customer_at + 2 :]]
    return _assemble(name, num_vehicles, capacity, nodes, content[-1][0])


def _find_header(content: list[tuple[int, str]], header: str) -> int:
    for idx, (_, line) in enumerate(content):
        if line.upper().startswith(header):
            return idx
    raise Required(f"缺少 {header} 段", field="file")


def _parse_vehicle_line(content: list[tuple[int, str]], vehicle_at: int) -> tuple[int, int]:
    if vehicle_at + 2 >= len(content):
        raise Required("VEHICLE 段缺少车辆数量与容量", field="file")
    no, line = content[vehicle_at + 2]
    parts = line.split()
    if len(parts) != 2:
        raise MalformedFile(f"第{no}行：车辆行应有 2 个字段，实际 {len(parts)} 个", field="file")
    num, cap = (
        _int_field(no, part, label) for part, label in zip(parts, ("车辆数量", "容量"), strict=True)
    )
    if num <= 0 or cap <= 0:
        raise MalformedFile(f"第{no}行：车辆数量和容量必须为正数", field="file")
    return num, cap


def _parse_node(no: int, line: str) -> SolomonNode:
    parts = line.split()
    if len(parts) < _NODE_FIELDS:
        msg = f"第{no}行：字段数量不足（需要 7 个，实际 {len(parts)} 个）"
        raise InvalidInput(msg, field="file")
    if len(parts) > _NODE_FIELDS:
        raise MalformedFile(f"第{no}行：字段过多（需要 7 个，实际 {len(parts)} 个）", field="file")
    node_id = _int_field(no, parts[0], "编号")
    x, y = _float_field(no, parts[1], "X 坐标"), _float_field(no, parts[2], "Y 坐标")
    labels = ("需求量", "最早时间", "最晚时间", "服务时间")
    demand, ready, due, service = (
        _int_field(no, p, lab) for p, lab in zip(parts[3:], labels, strict=True)
    )
    if min(demand, ready, due, service) < 0:
        raise MalformedFile(f"第{no}行：需求量和时间不能为负数", field="file")
    if ready > due:
        raise MalformedFile(f"第{no}行：最早时间 {ready} 晚于最晚时间 {due}", field="file")
    return SolomonNode(node_id, x, y, demand, ready, due, service)


def _assemble(
    name: str, num_vehicles: int, capacity: int, nodes: list[SolomonNode], last_line: int
) -> SolomonInstance:
    if len(nodes) < 2:
        raise Required(f"第{last_line}行：算例至少需要仓库和一个客户", field="file")
    for position, node in enumerate(nodes):
        if node.id != position:
            msg = f"节点编号应为 {position}，实际为 {node.id}（编号须从 0 连续）"
            raise InvalidInput(msg, field="file")
    depot, customers = nodes[0], tuple(nodes[1:])
    for node in customers:
        if node.demand > capacity:
            msg = f"客户 {node.id} 的需求量 {node.demand} 超过车辆容量 {capacity}"
            raise InvalidInput(msg, field="file")
    return SolomonInstance(name, num_vehicles, capacity, depot, customers)


def _int_field(no: int, raw: str, label: str) -> int:
    try:
        value = float(raw)
    except ValueError:
        raise MalformedFile(f"第{no}行：{label}“{raw}”不是数字", field="file") from None
    if not value.is_integer():
        raise MalformedFile(f"第{no}行：{label}“{raw}”应为整数", field="file")
    return int(value)


def _float_field(no: int, raw: str, label: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise MalformedFile(f"第{no}行：{label}“{raw}”不是数字", field="file") from None
