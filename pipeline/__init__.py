"""briefing: typeset the IPCNKR joint statements into briefing packs and summaries."""

from __future__ import annotations

__version__ = "0.1.0"
