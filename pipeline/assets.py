"""Where the tool's own files are: inside the installed wheel, or in the checkout.

The wheel carries templates/, locales/, instruments/ and schemas/ as
`pipeline/assets/<name>` (pyproject.toml, `force-include`), so an installed
`briefing` (pip, pre-commit) is the same tool as the checkout's. A checkout
keeps them at the top of the repository, where they are edited.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def asset(name: str) -> Path:
    """Return the folder of one kind of the tool's files: the installed one, else the checkout's."""
    packaged = files("pipeline") / "assets" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return CHECKOUT / name
