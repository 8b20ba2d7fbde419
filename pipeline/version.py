"""The version of briefing, kept apart so that any module may read it without the package's API."""

__version__ = "0.1.0"
