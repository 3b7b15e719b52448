"""The numbered outline of a plan (一、/（一）/1./（1）/①) and the tasks taken from it.

Owns: building the section tree from paragraphs (numbering must continue its sequence to
count), attaching unit groups to sections (inline, per section or per sentence), choosing
which leaves are tasks, and their refs and titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huanxin.supervision.planparse.text import cn_number, numbering
from huanxin.supervision.planparse.units import Units, find_groups, parse_units

TITLE_CUT = re.compile(r"[。，,；;：:！？]")
NON_TASK = re.compile(r"(指导思想|总体要求|总体目标|主要目标|工作目标|基本原则|目标任务|发展目标)")


@dataclass
class Node:
    level: int
    token: str
    parent: Node | None = None
    paras: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    units: Units = field(default_factory=Units)
    blocks: list[Units] = field(default_factory=list)

    @property
    def ref(self) -> str:
        path: list[str] = []
        node: Node | None = self
        while node is not None and node.level >= 0:
            path.append(node.token)
            node = node.parent
        return "/".join(reversed(path))

    @property
    def heading(self) -> str:
        return self.paras[0] if self.paras else ""

    def effective_units(self) -> Units:
        node: Node | None = self
        while node is not None:
            if node.units:
                return node.units
            node = node.parent
        return Units()

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


@dataclass
class Outline:
    root: Node
    preamble: list[str]
    unplaced: list[dict[str, str]]


def build_outline(paragraphs: list[str]) -> Outline:
    root = Node(level=-1, token="")
    stack, preamble = [root], []
    last: dict[int, tuple[int, Node]] = {}
    unplaced: list[dict[str, str]] = []
    for para in paragraphs:
        head = numbering(para)
        if head and _in_sequence(head[0], head[1], last, stack):
            level, token, rest = head
            while stack[-1].level >= level:
                stack.pop()
            last[level] = (cn_number(token), stack[-1])
            node = Node(level=level, token=token, parent=stack[-1], paras=[rest])
            stack[-1].children.append(node)
            stack.append(node)
        elif stack[-1] is root:
            preamble.append(para)
        else:
            _add_paragraph(stack[-1], para, unplaced)
    _resolve_blocks(root, unplaced)
    return Outline(root=root, preamble=preamble, unplaced=unplaced)


def _in_sequence(
    level: int, token: str, last: dict[int, tuple[int, Node]], stack: list[Node]
) -> bool:
    """A numbering token counts when it continues its level's sequence (possibly across
    parents, as in （5）→2.→（6）) or restarts at 1 under a new parent."""
    n = cn_number(token)
    previous, previous_parent = last.get(level, (0, None))
    if n == previous + 1 or (level == 0 and previous == 0 and n <= 3):
        return True
    parent = next(s for s in reversed(stack) if s.level < level)
    return n == 1 and parent is not previous_parent


def _add_paragraph(node: Node, para: str, unplaced: list[dict[str, str]]) -> None:
    groups = find_groups(para)
    if groups and groups[0][0] == 0 and groups[-1][1] >= len(para.rstrip("。 ")):
        block = Units()
        for _, _, inner in groups:
            block.merge(parse_units(inner))
        _note_leftovers(block, node, unplaced)
        node.blocks.append(block)
        return
    node.paras.append(para)


def _note_leftovers(units: Units, node: Node, unplaced: list[dict[str, str]]) -> None:
    for text in units.leftovers:
        unplaced.append({"text": text, "reason": "unit_text_not_parsed", "near": node.ref})
    units.leftovers = []


def _resolve_blocks(root: Node, unplaced: list[dict[str, str]]) -> None:
    """Inline groups belong to their section; standalone blocks to the item before them,
    or to the whole enclosing section when none of its items names units itself."""
    nodes = _walk(root)
    for node in nodes:
        for para in node.paras:
            for _, _, inner in find_groups(para):
                node.units.merge(parse_units(inner))
        _note_leftovers(node.units, node, unplaced)
    for node in nodes:
        for block in node.blocks:
            _place_block(node, block)


def _place_block(node: Node, block: Units) -> None:
    if node.children:  # block after a section's own heading text: section-level
        node.units.merge(block)
        return
    parent = node.parent
    if node.units or parent is None or parent.level < 0:
        node.units.merge(block)
        return
    siblings = [s for s in parent.children if s is not node]
    if any(s.units or s.blocks or _has_units_below(s) for s in siblings):
        node.units.merge(block)
    else:
        parent.units.merge(block)


def _has_units_below(node: Node) -> bool:
    return any(bool(leaf.units) for leaf in node.leaves() if leaf is not node)


def _walk(node: Node) -> list[Node]:
    out = [node] if node.level >= 0 else []
    for child in node.children:
        out += _walk(child)
    return out


def task_leaves(root: Node) -> tuple[list[Node], list[Node]]:
    """(tasks, other leaves): leaves with units, plus unit-less leaves in chapters where
    most leaves carry units; without any units anywhere, leaves outside goal chapters."""
    leaves = [leaf for leaf in root.leaves() if leaf is not root]
    with_units = [leaf for leaf in leaves if leaf.effective_units()]
    if not with_units:
        tasks = [leaf for leaf in leaves if leaf.level > 0 and not _goal_chapter(leaf)]
        return tasks, [leaf for leaf in leaves if leaf not in tasks]
    tasks = []
    for leaf in leaves:
        chapter = _chapter(leaf)
        mates = [x for x in leaves if _chapter(x) is chapter]
        share = sum(1 for x in mates if x.effective_units()) / len(mates)
        if leaf.effective_units() or (share >= 0.5 and leaf.level > 0):
            tasks.append(leaf)
    return tasks, [leaf for leaf in leaves if leaf not in tasks]


def _chapter(node: Node) -> Node:
    while node.parent is not None and node.parent.level >= 0:
        node = node.parent
    return node


def _goal_chapter(node: Node) -> bool:
    return bool(NON_TASK.search(_chapter(node).heading)) or bool(
        re.search(r"(保障措施|工作要求|组织实施|保障机制)", _chapter(node).heading)
    )


def task_title(node: Node) -> str:
    """Lead sentence up to the first 。/，/；, without unit groups, at most 40 chars."""
    text = node.heading or (node.paras[1] if len(node.paras) > 1 else "")
    for start, end, _ in reversed(find_groups(text)):
        text = text[:start] + text[end:]
    title = TITLE_CUT.split(text, maxsplit=1)[0].strip()
    return title[:40]


def body_text(node: Node) -> list[str]:
    """The node's paragraphs with unit groups removed."""
    out = []
    for para in node.paras:
        text = para
        for start, end, _ in reversed(find_groups(para)):
            text = text[:start] + text[end:]
        if text.strip():
            out.append(text)
    return out
