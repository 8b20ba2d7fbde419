"""A strict YAML reader that remembers where every value came from.

PyYAML alone keeps the last of two duplicate keys, expands aliases (alias
bombs), builds Python objects from `!!python` tags and recurses once per
nesting level. This reader takes libyaml's flat event stream instead and
builds plain values itself, with a stack rather than recursion, so it can
refuse all of those with a position, and records the line and column of
every key and value for error messages.

It does so in two passes, because recording positions costs as much as
parsing: a lean pass (`plain_value`) builds the values of an ordinary record
and gives up on anything unusual; the full pass (`_parse_located`) runs only
for a text the lean pass gave up on, to say what is wrong and where, and for
a file that turns out to have a problem, when a position is first asked for.
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
# The first characters that YAML 1.1's implicit types (bool, int, float, null,
# timestamp...) can start with; a plain scalar starting otherwise is text.
_FIRST_CHARS = frozenset(c for c in _RESOLVER.yaml_implicit_resolvers if c is not None)
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


Positions = dict[Path_, tuple[int, int]]


@dataclass
class Document:
    """A parsed file: its value and the 1-based position of every path in it.

    Only a file with a problem needs positions, and recording them costs as much
    as the parse itself; so they are found by parsing `text` again, with
    positions, the first time one is asked for.
    """

    value: Any
    text: str = field(repr=False)
    located: tuple[Positions, Positions] | None = field(default=None, repr=False, compare=False)

    @property
    def positions(self) -> Positions:
        """Where each value starts."""
        return self._locate()[0]

    def _locate(self) -> tuple[Positions, Positions]:
        """Return where each value starts, and each key, parsing the text again if need be."""
        if self.located is None:
            _, positions, key_positions = _parse_located(self.text)
            self.located = (positions, key_positions)
        return self.located

    def position(self, path: Path_) -> tuple[int, int]:
        """Return the position of `path`, or of its nearest ancestor that has one."""
        positions, key_positions = self._locate()
        while path:
            if path in key_positions:
                return key_positions[path]
            if path in positions:
                return positions[path]
            path = path[:-1]
        return positions.get((), (1, 1))

    def value_position(self, path: Path_) -> tuple[int, int]:
        """Return where the value at `path` starts (the mapping itself for a parent)."""
        positions = self.positions
        while path not in positions and path:
            path = path[:-1]
        return positions.get(path, (1, 1))


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


def _resolve(event: Any) -> str:
    """Return a plain or quoted scalar's tag, asking YAML's resolver only when it could matter."""
    tag = event.tag
    if tag is None or tag == "!":
        if tag == "!" or not event.implicit[0]:
            return _STR  # quoted, or a non-specific tag: always text
        value = event.value
        if value and value[0] not in _FIRST_CHARS:
            return _STR  # no implicit type starts with this character
        return str(
            _RESOLVER.resolve(
                yaml.ScalarNode,
                value,  # type: ignore[no-untyped-call]
                event.implicit,
            )
        )
    return str(tag)


def _scalar(event: Any, tag: str) -> Any:
    """Return a scalar's value, refusing tags, empty values and impossible dates."""
    if tag not in _STANDARD_TAGS:
        raise _Refused(f"tag {tag!r} is not allowed")
    if tag.endswith(":null"):
        raise _Refused("empty value: fill it in or remove the key")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:
        if tag.endswith("timestamp"):
            raise _Refused(f"{event.value!r} is not a real date") from None
        raise _Refused(f"cannot read {event.value!r}: {error}") from None
    finally:  # the constructor remembers every node it built: forget this one
        _CONSTRUCTOR.constructed_objects.pop(node, None)
        _CONSTRUCTOR.recursive_objects.pop(node, None)
    if isinstance(value, dt.datetime):
        raise _Refused("a date is expected here, not a date and time")
    return value


class _Refused(Exception):
    """A scalar this project does not accept; the parser adds where it is."""


def parse(text: str) -> Document:
    """Parse one YAML document into plain values, refusing what this project does not accept."""
    return document(text, plain_value(text))


def document(text: str, value: Any) -> Document:
    """Return the document of `text`, given its `plain_value` (found here or in a worker).

    The lean reader accepts the usual record. What it is unsure of (None: a
    problem, or a rare construct) is parsed again by the reader that records
    positions, which then says exactly what is wrong and where.
    """
    if value is None:
        value, positions, key_positions = _parse_located(text)
        return Document(value, text, (positions, key_positions))
    return Document(value, text)


# The implicit types whose constructors are plain functions of the scalar: calling them
# directly is what `construct_object` does, without keeping every node it was given.
_IMPLICIT = {
    f"tag:yaml.org,2002:{name}": _CONSTRUCTOR.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("int", "float", "bool", "timestamp")
}
_ScalarEvent, _StreamEndEvent = yaml.ScalarEvent, yaml.StreamEndEvent
_MappingStartEvent, _SequenceStartEvent = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MappingEndEvent, _SequenceEndEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_QUIET_EVENTS = (yaml.StreamStartEvent, yaml.DocumentEndEvent)


class _Unsure(Exception):
    """The lean reader met something the reader with positions must judge."""


def plain_value(text: str) -> Any:
    """Return the value of an ordinary record, or None for anything else.

    It accepts only what `_parse_located` accepts, with the same value: plain
    or quoted text, the implicit numbers, booleans and dates, mappings with
    text keys and sequences, one document. Anchors, aliases, tags, empty values,
    duplicate keys, deep nesting and every error are left to `_parse_located`.
    Building no positions and no nodes makes it about twice as fast.
    """
    stack: list[Any] = []  # the parent of each open container, outermost first
    container: Any = None  # the innermost open mapping or sequence
    key: Any = None  # the pending key of `container`, if it is a mapping
    root: Any = None
    documents = 0
    try:
        get_event = _Loader(text).get_event
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is _ScalarEvent:
                value = event.value
                if event.anchor is not None or event.tag is not None:
                    raise _Unsure
                if event.implicit[0] and (not value or value[0] in _FIRST_CHARS):
                    tag = _RESOLVER.resolve(
                        yaml.ScalarNode,
                        value,  # type: ignore[no-untyped-call]
                        event.implicit,
                    )
                    if tag != _STR:
                        if tag not in _IMPLICIT:
                            raise _Unsure  # null, merge (<<), value (=)
                        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
                        value = _IMPLICIT[tag](_CONSTRUCTOR, node)
                        if type(value) is dt.datetime:
                            raise _Unsure
                if key is not None:
                    container[key] = value
                    key = None
                elif type(container) is list:
                    container.append(value)
                elif container is None:
                    raise _Unsure  # a document that is a single scalar
                else:  # a mapping's key: text, a number or a boolean, and new
                    if type(value) is not str:
                        if type(value) is not int and type(value) is not bool:
                            raise _Unsure
                        value = str(value)
                    if value in container:
                        raise _Unsure
                    key = value
            elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    raise _Unsure
                new: Any = {} if kind is _MappingStartEvent else []
                if key is not None:
                    container[key] = new
                elif type(container) is list:
                    container.append(new)
                elif container is None and root is None:
                    root = new
                else:
                    raise _Unsure  # a mapping or sequence as a key
                stack.append(container)
                container, key = new, None
            elif kind is _MappingEndEvent or kind is _SequenceEndEvent:
                container = stack.pop()
            elif kind is _DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Unsure
            elif kind is _StreamEndEvent:
                break
            elif kind not in _QUIET_EVENTS:
                raise _Unsure  # an alias
    except (_Unsure, yaml.YAMLError, ValueError, OverflowError):
        # ValueError covers UnicodeEncodeError (a lone surrogate) and impossible dates.
        return None
    return root


def _parse_located(text: str) -> tuple[Any, Positions, Positions]:
    """Parse one YAML document into its value, where each value starts, and each key."""
    root: Any = None
    positions: Positions = {}
    key_positions: Positions = {}
    # Each frame: [container, its path, the pending key of a mapping or None]
    stack: list[list[Any]] = []
    seen_documents = 0

    def attach(value: Any, mark: Any, is_container: bool) -> Path_:
        nonlocal root
        where = (mark.line + 1, mark.column + 1)
        if not stack:
            root = value
            positions[()] = where
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if type(container) is list:
            child: Path_ = (*path, len(container))
            container.append(value)
            positions[child] = where
            return child
        key = frame[2]
        if key is None:  # this value is a key
            if is_container or (not isinstance(value, str | int | bool) and value is not None):
                raise YamlProblem(*where, "mapping keys must be plain text", path)
            key = value if isinstance(value, str) else str(value)
            if key in container:
                first = key_positions[(*path, key)]
                raise YamlProblem(*where, f"duplicate key {key!r} (first at line {first[0]})", path)
            frame[2] = key
            key_positions[(*path, key)] = where
            return tuple(path)
        frame[2] = None
        container[key] = value
        child = (*path, key)
        positions[child] = where
        return child

    def here() -> Path_:
        if not stack:
            return ()
        frame = stack[-1]
        if type(frame[0]) is dict and frame[2] is not None:
            return (*frame[1], frame[2])
        return tuple(frame[1])

    try:
        loader = _Loader(text)
        while loader.check_event():
            event: Any = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None:
                    raise YamlProblem(
                        *_pos(event.start_mark), "YAML anchors (&name) are not allowed"
                    )
                tag = _resolve(event)
                if tag == _STR:
                    attach(event.value, event.start_mark, False)
                    continue
                if not stack and tag.endswith(":null") and event.value in _NULLS:
                    continue  # `---` or `~` alone: an empty file, reported as such below
                try:
                    value = _scalar(event, tag)
                except _Refused as refused:
                    raise YamlProblem(*_pos(event.start_mark), str(refused), here()) from None
                attach(value, event.start_mark, False)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None:
                    raise YamlProblem(
                        *_pos(event.start_mark), "YAML anchors (&name) are not allowed"
                    )
                if event.tag is not None and event.tag not in _STANDARD_TAGS:
                    raise YamlProblem(*_pos(event.start_mark), f"tag {event.tag!r} is not allowed")
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        *_pos(event.start_mark), f"nesting is deeper than {MAX_DEPTH} levels"
                    )
                container: Any = {} if kind is yaml.MappingStartEvent else []
                stack.append([container, attach(container, event.start_mark, True), None])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                raise YamlProblem(*_pos(event.start_mark), "YAML aliases (*name) are not allowed")
            elif kind is yaml.DocumentStartEvent:
                seen_documents += 1
                if seen_documents > 1:
                    raise YamlProblem(
                        *_pos(event.start_mark), "only one YAML document per file is allowed"
                    )
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
    if seen_documents == 0 or root is None:
        raise YamlProblem(1, 1, "file is empty")
    return root, positions, key_positions
