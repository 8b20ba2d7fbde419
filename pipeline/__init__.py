"""briefing: typeset the IPCNKR joint statements into briefing packs and summaries.

The public API, used by the command line and the benchmark; everything else
is internal to its module. Names are imported when first used, so `briefing
--version` or a no-op build does not pay for what it does not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "BuildPlan": "pipeline.build",
    "build_all": "pipeline.build",
    "plan_build": "pipeline.build",
    "BuildRequest": "pipeline.config",
    "Finished": "pipeline.config",
    "Paths": "pipeline.config",
    "build_date": "pipeline.config",
    "Cache": "pipeline.cache",
    "Job": "pipeline.jobs",
    "KINDS": "pipeline.kinds",
    "Kind": "pipeline.kinds",
    "Written": "pipeline.config",
    "Project": "pipeline.project",
    "check_records": "pipeline.validate",
    "load_project": "pipeline.validate",
    "Typeset": "pipeline.workers",
    "Worker": "pipeline.workers",
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
    "Paths",
    "Project",
    "Typeset",
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
    from pipeline.build import BuildPlan, build_all, plan_build
    from pipeline.cache import Cache
    from pipeline.config import BuildRequest, Finished, Paths, Written, build_date
    from pipeline.errors import BriefingError
    from pipeline.jobs import Job
    from pipeline.kinds import KINDS, Kind
    from pipeline.project import Project
    from pipeline.validate import check_records, load_project
    from pipeline.workers import Typeset, Worker


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
