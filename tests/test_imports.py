"""The package's modules never import each other in a circle.

Counted as Python runs them and as a type checker reads them: imports inside
functions and under `TYPE_CHECKING` are imports too. The direction between
stages is pyproject.toml's import-linter contract (`lint-imports`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest


def circles(package: str) -> list[list[str]]:
    """Return every set of modules of `package` that import one another, largest first."""
    graph = grimp.build_graph(package, include_external_packages=False)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(found, key=len, reverse=True)


def test_no_module_of_the_package_imports_itself_in_a_circle() -> None:
    assert circles("pipeline") == []


def test_a_circle_through_a_function_or_type_checking_import_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from circled import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from circled import c\n"
    )
    (package / "c.py").write_text("import circled.a\n")
    (package / "d.py").write_text("import circled.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert circles("circled") == [["circled.a", "circled.b", "circled.c"]]
    finally:
        sys.modules.pop("circled", None)
