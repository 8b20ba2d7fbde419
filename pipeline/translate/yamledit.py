"""Change a YAML file's values in its own text, so its layout and comments stay as written.

Re-dumping a record would lose its comments, its `>-` blocks and its order.
`patch` compares the file's values with the values it should hold and edits
only the text of what differs: a changed text is rewritten where it stands,
in the style it was written in; a new key or list item is added at the end of
its mapping or list, at its indentation. Unchanged values are not touched, so
a file whose values did not change keeps every byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

# The pure-Python loader: its marks count characters of the text, as slicing does.
_Loader = yaml.SafeLoader


class PatchError(Exception):
    """The change cannot be made in the text (the file is not block YAML there)."""


@dataclass
class _Node:
    kind: str  # "map", "seq" or "scalar"
    start: int
    end: int  # where the node's own text ends (a block scalar: its last character)
    style: str | None = None  # a scalar's style (None plain, '"', "'", ">", "|"); "{"/"[" flow
    column: int = 0  # the column of a block collection's keys or dashes
    keys: dict[str, _Node] = field(default_factory=dict)
    key_starts: dict[str, int] = field(default_factory=dict)
    items: list[_Node] = field(default_factory=list)

    @property
    def last(self) -> int:
        """Where the node's content ends, children included."""
        if self.kind == "map" and self.keys and self.style != "{":
            return list(self.keys.values())[-1].last
        if self.kind == "seq" and self.items and self.style != "[":
            return self.items[-1].last
        return self.end


def _tree(text: str) -> _Node:
    stack: list[_Node] = []
    pending: list[str | None] = []
    root: _Node | None = None
    key_start = 0

    def attach(node: _Node) -> bool:
        nonlocal root
        if not stack:
            root = node
            return True
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
            return True
        key = pending[-1]
        if key is None:
            return False  # this node is a key
        parent.keys[key] = node
        parent.key_starts[key] = key_start
        pending[-1] = None
        return True

    for event in yaml.parse(text, Loader=_Loader):
        start_mark: Any = event.start_mark
        end_mark: Any = event.end_mark
        if isinstance(event, yaml.ScalarEvent):
            end = end_mark.index
            if event.style in (">", "|"):
                end = len(text[:end].rstrip())
            node = _Node("scalar", start_mark.index, end, event.style)
            if not attach(node):
                pending[-1] = event.value
                key_start = start_mark.index
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            flow = ("{" if kind == "map" else "[") if event.flow_style else None
            node = _Node(kind, start_mark.index, 0, flow, start_mark.column)
            attach(node)
            stack.append(node)
            pending.append(None)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            node = stack.pop()
            pending.pop()
            node.end = end_mark.index if node.style else node.last
    if root is None:
        raise PatchError("the file holds no YAML value")
    return root


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the project's records write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump(value: object) -> str:
    """Return `value` as block YAML in the records' style: one text per line, unsorted."""
    return yaml.dump(
        value,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )


def _flow(value: object) -> str:
    return yaml.dump(
        value, Dumper=_Dumper, allow_unicode=True, width=1_000_000, default_flow_style=True
    ).strip()


def _plain_is_safe(value: str) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


def scalar_text(value: str, style: str | None, indent: str) -> str:
    """Return a text written in `style` where it can be, else double-quoted."""
    if style in (">", "|") and "\n" not in value and value == value.strip() and value:
        return f">-\n{indent}{value}" if style == ">" else f"|-\n{indent}{value}"
    if style is None and _plain_is_safe(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _line_end(text: str, index: int) -> int:
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _indented(block: str, column: int) -> str:
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in block.splitlines(True))


def patch(text: str, old: Any, new: Any, *, before_key: str | None = None) -> str:
    """Return `text` with its values changed from `old` (its own) to `new`.

    Keys `new` lacks are left as they are. At the top level, new keys go before
    `before_key` (and the comments above it) when the file has it.
    """
    edits: list[tuple[int, int, str]] = []
    _diff(text, _tree(text), old, new, edits, before_key)
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _diff(
    text: str,
    node: _Node,
    old: Any,
    new: Any,
    edits: list[tuple[int, int, str]],
    before_key: str | None = None,
) -> None:
    if old == new:
        return
    if node.kind == "scalar":
        if not isinstance(new, str):
            raise PatchError(f"cannot write {new!r} in place of a text")
        line_start = text.rfind("\n", 0, node.start) + 1
        base = len(text[line_start:]) - len(text[line_start:].lstrip(" "))
        indent = " " * (base + 2)
        if node.style in (">", "|"):  # keep the block's own indentation
            first = text[_line_end(text, node.start) :]
            indent = first[: len(first) - len(first.lstrip(" "))] or indent
        edits.append((node.start, node.end, scalar_text(new, node.style, indent)))
        return
    if node.style is not None:  # a flow collection: written again, inline
        edits.append((node.start, node.end, _flow(new)))
        return
    if node.kind == "map":
        if not isinstance(old, dict) or not isinstance(new, dict):
            raise PatchError("a mapping cannot become something else")
        added = {k: v for k, v in new.items() if k not in old}
        for key, value in new.items():
            if key in old and key in node.keys:
                _diff(text, node.keys[key], old[key], value, edits)
        if added:
            at = _line_end(text, node.last)
            if before_key is not None and before_key in node.key_starts:
                at = _before_comments(text, node.key_starts[before_key])
            elif at == len(text) and not text.endswith("\n"):
                edits.append((at, at, "\n"))
            edits.append((at, at, _indented(dump(added), node.column)))
        return
    if not isinstance(old, list) or not isinstance(new, list) or len(new) < len(old):
        raise PatchError("a list cannot lose items or become something else")
    for child, before, after in zip(node.items, old, new, strict=False):
        _diff(text, child, before, after, edits)
    if len(new) > len(old):
        at = _line_end(text, node.last)
        if at == len(text) and not text.endswith("\n"):
            edits.append((at, at, "\n"))
        edits.append((at, at, _indented(dump(new[len(old) :]), node.column)))


def _before_comments(text: str, index: int) -> int:
    """Return the start of the comment and blank lines just above `index`'s line."""
    lines_start = text.rfind("\n", 0, index) + 1
    while lines_start > 0:
        previous = text.rfind("\n", 0, lines_start - 1) + 1
        line = text[previous:lines_start].strip()
        if line and not line.startswith("#"):
            break
        lines_start = previous
    return lines_start
