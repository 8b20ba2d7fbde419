"""What an output format is: an exporter that makes a job's document from its plan.

Sphinx has a builder per output and Typst an exporter per format; here an
exporter is one small class. The PDF one is `typeset.exporter`, the web one
`web.exporter`; a new format is a new exporter (and its templates), named in
`build.workers.EXPORTERS`, and a kind whose `format` names it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from pipeline.errors import BuildError

if TYPE_CHECKING:
    from pipeline.cache import Cache
    from pipeline.plan.documents import Context, Job
    from pipeline.plan.kinds import Content, Spec
    from pipeline.plan.planner import PackView, Planner
    from pipeline.render.renderer import Renderer


@dataclass(frozen=True)
class Made:
    """One document made and checked by its exporter: its bytes, pages, how long it took."""

    job: Job
    data: bytes
    pages: int | None = None  # None for a format without pages
    seconds: float = 0.0
    complete: bool = True  # False for a document's own pages, before they are joined


class Workbench(Protocol):
    """What an exporter may use of the process that runs it: the plan and its tools."""

    @property
    def context(self) -> Context: ...

    @property
    def cache(self) -> Cache: ...

    def tools(self, lang: str) -> tuple[Planner, Renderer]: ...

    def planned_pack(self, lang: str, statements: tuple[str, ...]) -> PackView: ...


class Exporter(ABC):
    """One output format; one instance per process, made with the process's workbench."""

    format: ClassVar[str]  # as kinds and the manifest name it

    def __init__(self, bench: Workbench) -> None:
        self.bench = bench

    def warm(self, jobs: list[Job]) -> None:  # noqa: B027 - most formats have nothing to warm
        """Prepare what every job of this format shares, before worker processes fork."""

    @abstractmethod
    def export(self, job: Job) -> Made:
        """Make and check one document."""

    def join(self, front: Made, behind: Made) -> Made:
        """Put a document's own pages in front of the document behind it."""
        raise BuildError(f"{self.format} documents cannot be joined ({front.job.path})")


def content_html(bench: Workbench, spec: Spec, content: Content) -> str:
    """Render a document's content as its kind declares it, at the loosest density."""
    return _CONTENTS[content](bench, spec)


def _summary(bench: Workbench, spec: Spec) -> str:
    planner, renderer = bench.tools(spec.lang)
    return renderer.summary(planner.summary(bench.context.project.statements[spec.statements[0]]))


def _pack(bench: Workbench, spec: Spec) -> str:
    planner, renderer = bench.tools(spec.lang)
    chosen = list(spec.statements)
    return renderer.pack(planner.pack(dict.fromkeys(chosen, 0), chosen, summaries=spec.summaries))


def _members_pages(bench: Workbench, spec: Spec) -> str:
    assert spec.recipient is not None
    planner, renderer = bench.tools(spec.lang)
    pack = bench.planned_pack(spec.lang, spec.statements)
    return renderer.recipient_pages(
        planner.for_recipient(pack, spec.recipient), edition=spec.edition
    )


_CONTENTS: Mapping[Content, Callable[[Workbench, Spec], str]] = {
    "summary": _summary,
    "pack": _pack,
    "member's pages": _members_pages,
}
