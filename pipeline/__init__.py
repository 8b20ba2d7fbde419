"""briefing: typeset the IPCNKR joint statements into briefing packs and summaries.

The public API, used by the command line and the benchmark; everything else
is internal to its module. Names are imported when first used, so `briefing
--version` or a no-op build does not pay for what it does not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pipeline.version import __version__

_PUBLIC = {
    "BuildPlan": "pipeline.build.run",
    "build_all": "pipeline.build.run",
    "plan_build": "pipeline.build.run",
    "BuildRequest": "pipeline.config",
    "Finished": "pipeline.config",
    "Paths": "pipeline.config",
    "build_date": "pipeline.config",
    "Cache": "pipeline.cache",
    "Job": "pipeline.build.jobs",
    "KINDS": "pipeline.plan.kinds",
    "Kind": "pipeline.plan.kinds",
    "Written": "pipeline.config",
    "Project": "pipeline.records.project",
    "check_records": "pipeline.records.validate",
    "load_project": "pipeline.records.validate",
    "Made": "pipeline.render.exporter",
    "Worker": "pipeline.build.workers",
    "BriefingError": "pipeline.errors",
}
__all__ = [
    "KINDS",
    "BriefingError",
    "BuildPlan",
    "BuildRequest",
    "Cache",
    "Finished",
    "Job",
    "Kind",
    "Made",
    "Paths",
    "Project",
    "Worker",
    "Written",
    "__version__",
    "build_all",
    "build_date",
    "check_records",
    "load_project",
    "plan_build",
]

if TYPE_CHECKING:
    from pipeline.build.run import BuildPlan, build_all, plan_build
    from pipeline.build.workers import Worker
    from pipeline.cache import Cache
    from pipeline.config import BuildRequest, Finished, Paths, Written, build_date
    from pipeline.errors import BriefingError
    from pipeline.plan.documents import Job
    from pipeline.plan.kinds import KINDS, Kind
    from pipeline.records.project import Project
    from pipeline.records.validate import check_records, load_project
    from pipeline.render.exporter import Made


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
