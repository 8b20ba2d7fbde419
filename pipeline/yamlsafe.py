"""A strict YAML reader that remembers where every value came from.

PyYAML alone keeps the last of two duplicate keys, expands aliases (alias
bombs), builds Python objects from `!!python` tags and recurses once per
nesting level. This reader takes libyaml's flat event stream instead and
builds plain values itself, with a stack rather than recursion, so it can
refuse all of those with a position, and records the line and column of
every key and value for error messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is much faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
}
_RESOLVER = yaml.resolver.Resolver()
_NULLS = ("", "~", "null", "Null", "NULL")  # what YAML 1.1 reads as null
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class YamlProblem(Exception):
    """The text is not YAML this project accepts; `line` and `column` are 1-based."""

    def __init__(self, line: int, column: int, message: str, path: Path_ = ()) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path


@dataclass
class Document:
    """A parsed file: its value and the 1-based position of every path in it."""

    value: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int, int]:
        """Return the position of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.key_positions:
                return self.key_positions[path]
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def value_position(self, path: Path_) -> tuple[int, int]:
        """Return where the value at `path` starts (the mapping itself for a parent)."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _text_pos(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(data: bytes) -> str:
    """Return the text of a file, refusing what is too big, binary or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(1, 1, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes")
    if not data.strip():
        raise YamlProblem(1, 1, "file is empty")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise YamlProblem(line, 1, "file is binary (it contains NUL bytes), not YAML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1  # characters
        raise YamlProblem(
            line, column, f"file is not UTF-8 text (byte 0x{data[error.start]:02x})"
        ) from None
    return text.removeprefix("\ufeff")


def _scalar(event: Any, path: Path_) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        if event.tag == "!" or not event.implicit[0]:
            tag = _STR  # quoted, or a non-specific tag: always text
        else:
            tag = str(_RESOLVER.resolve(yaml.ScalarNode, event.value,  # type: ignore[no-untyped-call]
                                        event.implicit))
    if tag not in _STANDARD_TAGS:
        line, column = _pos(event.start_mark)
        raise YamlProblem(line, column, f"tag {tag!r} is not allowed", path)
    if tag == _STR:
        return event.value
    if tag.endswith(":null"):
        line, column = _pos(event.start_mark)
        raise YamlProblem(line, column, "empty value: fill it in or remove the key", path)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:
        line, column = _pos(event.start_mark)
        if tag.endswith("timestamp"):
            raise YamlProblem(line, column, f"{event.value!r} is not a real date", path) from None
        raise YamlProblem(line, column, f"cannot read {event.value!r}: {error}", path) from None
    if isinstance(value, dt.datetime):
        line, column = _pos(event.start_mark)
        raise YamlProblem(line, column, "a date is expected here, not a date and time", path)
    return value


def parse(text: str) -> Document:
    """Parse one YAML document into plain values with positions."""
    doc = Document(None)
    # Each frame: [container, path, pending key or None, key position]
    stack: list[list[Any]] = []
    seen_documents = 0

    def attach(value: Any, start: Any, *, is_container: bool) -> Path_:
        if not stack:
            doc.value = value
            doc.positions[()] = _pos(start)
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
            doc.positions[child] = _pos(start)
            return child
        if frame[2] is None:  # this value is a key
            if is_container or (not isinstance(value, str | int | bool) and value is not None):
                line, column = _pos(start)
                raise YamlProblem(line, column, "mapping keys must be plain text", path)
            key = value if isinstance(value, str) else str(value)
            if key in container:
                line, column = _pos(start)
                first = doc.key_positions[(*path, key)]
                raise YamlProblem(
                    line, column, f"duplicate key {key!r} (first at line {first[0]})", path
                )
            frame[2] = key
            doc.key_positions[(*path, key)] = _pos(start)
            return tuple(path)
        key = frame[2]
        frame[2] = None
        container[key] = value
        child = (*path, key)
        doc.positions[child] = _pos(start)
        return child

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line, column = _pos(event.start_mark)
                raise YamlProblem(line, column, "YAML aliases (*name) are not allowed")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                line, column = _pos(event.start_mark)
                raise YamlProblem(line, column, "YAML anchors (&name) are not allowed")
            if isinstance(event, yaml.DocumentStartEvent):
                seen_documents += 1
                if seen_documents > 1:
                    line, column = _pos(event.start_mark)
                    raise YamlProblem(line, column, "only one YAML document per file is allowed")
            elif isinstance(event, yaml.ScalarEvent):
                if not stack and event.tag is None and event.implicit[0] and event.value in _NULLS:
                    continue  # `---` or `~` alone: an empty file, reported as such below
                current: Path_ = stack[-1][1] if stack else ()
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is not None:
                    current = (*current, stack[-1][2])
                attach(_scalar(event, current), event.start_mark, is_container=False)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
                if event.tag is not None and event.tag not in _STANDARD_TAGS:
                    line, column = _pos(event.start_mark)
                    raise YamlProblem(line, column, f"tag {event.tag!r} is not allowed")
                if len(stack) >= MAX_DEPTH:
                    line, column = _pos(event.start_mark)
                    raise YamlProblem(line, column, f"nesting is deeper than {MAX_DEPTH} levels")
                container: Any = [] if kind == "seq" else {}
                path = attach(container, event.start_mark, is_container=True)
                stack.append([container, path, None])
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _pos(mark) if mark is not None else (1, 1)
        message = error.problem or error.context or "malformed YAML"
        raise YamlProblem(line, column, f"malformed YAML: {message}") from None
    except yaml.reader.ReaderError as error:
        # No mark here, and the C reader counts bytes: find the character itself.
        code = error.character if isinstance(error.character, int) else ord(error.character)
        index = text.find(chr(code))
        line, column = _text_pos(text, index) if index >= 0 else (1, 1)
        raise YamlProblem(
            line, column, f"malformed YAML: unacceptable character #x{code:04x}: {error.reason}"
        ) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, 1, f"malformed YAML: {error}") from None
    except UnicodeEncodeError as error:  # a lone surrogate, only possible in a str passed in
        line, column = _text_pos(text, error.start)
        raise YamlProblem(line, column, "text contains an unpaired surrogate character") from None
    if seen_documents == 0 or doc.value is None:
        raise YamlProblem(1, 1, "file is empty")
    return doc
