"""Templates as data: the sandboxed Jinja2 environment, its confined loader, its errors.

A templates folder may come from anyone (`--templates DIR`, a pull request),
so every template, the project's own included, is rendered by an
`ImmutableSandboxedEnvironment` that calls only what this module allows:

- the helpers the renderer registers as globals (`meeting_name`, `number`,
  `country_list`, ...), the catalog's `_`/`gettext`/`ngettext`, macros, and
  Jinja's own `range`, `dict`, `cycler`, `joiner`, `namespace`, `loop`;
- the non-mutating methods of plain values (`str`, numbers, lists, tuples,
  dicts, sets): `name.upper()`, `notes.items()`.

Nothing else is callable, so no attribute walk from a view reaches Python (a
`Path`'s `read_text`, a model's methods, `__globals__`). Templates are read
only from inside their folder: a name that is absolute or has `..`, or a link
that resolves outside, is refused. Any error a template raises becomes one line
naming the template file, its line and the problem (`template_error`).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound, meta
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from pipeline.files import CLOEXEC, NOFOLLOW, confined

MAX_TEMPLATE_BYTES = 1024 * 1024
# Values whose non-mutating methods a template may call (the sandbox refuses the mutating ones).
_PLAIN = (str, Markup, int, float, bool, list, tuple, dict, set, frozenset)
# Jinja's own helpers, whose methods a template may call (`loop.cycle`, `ns.x`).
_JINJA = (LoopContext, Cycler, Joiner, Namespace, Macro)


class RefusedTemplate(TemplateNotFound):
    """A template name that would read outside the templates folder."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(name, f"refused template {name!r}: {why}")


class ConfinedLoader(BaseLoader):
    """Load templates from one folder only; never through a link that leaves it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, name: str) -> Path:
        """Return the file a template name stands for, inside the folder, or refuse it."""
        path = confined(self.folder, name)
        if path is None:
            raise RefusedTemplate(name, "a template name is a relative path without '..'")
        try:
            root = self.folder.resolve(strict=True)
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise TemplateNotFound(name) from None
        if not real.is_relative_to(root):
            raise RefusedTemplate(name, f"it is a link that leaves {self.folder}/")
        if not real.is_file():
            raise TemplateNotFound(name)
        return real

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.path_of(template)
        try:
            fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
            try:
                with os.fdopen(fd, "rb", closefd=False) as handle:
                    raw = handle.read(MAX_TEMPLATE_BYTES + 1)
                mtime = os.fstat(fd).st_mtime_ns
            finally:
                os.close(fd)
        except OSError as error:
            raise TemplateNotFound(template, f"cannot read {path}: {error.strerror}") from None
        if len(raw) > MAX_TEMPLATE_BYTES:
            raise TemplateSyntaxError(
                f"larger than {MAX_TEMPLATE_BYTES // 1024} KB", 1, template, str(path)
            )
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise TemplateSyntaxError(
                f"not UTF-8 (byte 0x{raw[error.start]:02x})", line, template, str(path)
            ) from None

        def uptodate() -> bool:
            try:
                return os.stat(path, follow_symlinks=False).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


HELPERS = "__helpers__"  # a render's own helpers (a language's words and formats), by name


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, narrowed further: only the helpers above may be called.

    Helpers are the environment's globals, or those a render passes under
    `HELPERS` (one environment serves every language; each render brings its
    language's words).
    """

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, _JINJA):
            return True
        owner = getattr(obj, "__self__", None)
        if owner is not None and isinstance(owner, _PLAIN + _JINJA):
            return True
        wrapped = getattr(obj, "__wrapped__", None)  # the sandbox's own safe str.format
        if isinstance(getattr(wrapped, "__self__", None), str) and getattr(
            wrapped, "__name__", ""
        ) in ("format", "format_map"):
            return True
        return any(obj is value for value in self.globals.values())

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call what a template may call; name anything else briefly, without its value."""
        helpers = __context.parent.get(HELPERS, {})
        if not any(__obj is helper for helper in helpers.values()) and not __self.is_safe_callable(
            __obj
        ):
            name = getattr(__obj, "__qualname__", None) or type(__obj).__name__
            raise SecurityError(f"a template may not call {name}")
        return __context.call(__obj, *args, **kwargs)


def template_environment(folder: Path, **options: Any) -> TemplateSandbox:
    """Return the sandboxed environment every template of `folder` is rendered in."""
    return TemplateSandbox(
        loader=ConfinedLoader(folder),
        autoescape=True,  # every template, whatever its name: statement text is data
        undefined=StrictUndefined,
        **options,
    )


def template_error(error: BaseException, folder: Path, fallback: str) -> str | None:
    """Say in one line which template, at which line, went wrong and how; None if none did.

    The place is the innermost template frame of the traceback (Jinja maps it to
    the template's own line), or a syntax error's own file and line.
    """
    if isinstance(error, TemplateSyntaxError):
        place = f"{error.filename or error.name or fallback}:{error.lineno}"
        return f"{place}: template error: {_one_line(error.message or '')}"
    where = _template_frame(error.__traceback__, folder)
    if where is None and not isinstance(error, TemplateError | RecursionError):
        return None  # not raised by a template: a bug of ours, left to surface
    if isinstance(error, RecursionError):
        problem = "templates call themselves too deeply (a macro or include that never stops)"
    elif isinstance(error, TemplateNotFound) and not isinstance(error, RefusedTemplate):
        problem = f"template not found: {error.name} (searched {folder})"
    elif isinstance(error, TemplateError):
        problem = error.message or type(error).__name__
    else:
        problem = f"{type(error).__name__}: {error}"
    return f"{where or fallback}: template error: {_one_line(problem)}"


def _template_frame(tb: TracebackType | None, folder: Path) -> str | None:
    try:
        root = str(folder.resolve())
    except OSError:
        root = str(folder)
    found = None
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith(root + os.sep):
            found = f"{frame.filename}:{frame.lineno}"
    return found


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def template_files(templates: Path, main: str) -> list[Path]:
    """Return a template and every template it includes, imports or extends.

    Parsed by the same sandbox and loader the renderer uses, so a name the
    renderer would refuse is never read here either.
    """
    environment = template_environment(templates)
    loader = ConfinedLoader(templates)
    pending, seen, refused = [main], set(), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = loader.get_source(environment, name)[0]
            found = meta.find_referenced_templates(environment.parse(source))
        except RefusedTemplate:
            refused.add(name)
            continue
        except TemplateError:
            continue  # the renderer says what is wrong, at the template's line
        pending += [n for n in found if n is not None]
    return [templates / n for n in sorted(seen - refused)]
