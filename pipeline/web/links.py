"""Links between the pages of the web edition, from the anchors of the one pack they show.

The templates link as the pack does, to `#anchor`; in the web edition that
anchor is on another page, or on this one under a short name a reader can
cite (`ipcnkr-2007-seoul.html#r2`). `anchors_of` says where each anchor went;
`localise` rewrites a page's links and ids to match.
"""

from __future__ import annotations

import re

from pipeline.plan.planner import PackView

Place = tuple[str, str]  # (file, anchor on that page, or "" for its top)

_HREF = re.compile(r'\shref="#([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
SECTIONS = {
    "about": ("index.html", "about"),
    "contents": ("index.html", "contents"),
    "asks": ("asks.html", ""),
    "themes": ("themes.html", ""),
    "instruments": ("instruments.html", ""),
    "sources": ("sources.html", ""),
}


def anchors_of(pack: PackView) -> dict[str, Place]:
    """Where each anchor of the pack is in the web edition."""
    places: dict[str, Place] = dict(SECTIONS)
    for statement in pack.statements:
        page = f"{statement.id}.html"
        places[statement.anchor] = (page, "")
        places[f"{statement.anchor}-summary"] = (page, "summary")
        places[f"{statement.anchor}-text"] = (page, "text")
        for resolution in statement.resolutions:
            places[resolution.anchor] = (page, f"r{resolution.number}")
            for number, item in enumerate(resolution.items, 1):
                places[item.anchor] = (page, f"r{resolution.number}-{number}")
    for entry in pack.actors:
        places[entry.actor.anchor] = ("asks.html", entry.actor.anchor)
    for _, _, articles in pack.instruments:
        for article in articles:
            places[article.anchor] = ("instruments.html", article.anchor)
    for note in pack.coalition.notes:
        places[f"note-{note.id}"] = ("sources.html", f"note-{note.id}")
    for source in pack.sources:
        places[f"source-{source.id}"] = ("sources.html", f"source-{source.id}")
    return places


def localise(html: str, page: str, places: dict[str, Place]) -> str:
    """Point a page's links at the page each anchor is on; give its own anchors their names."""

    def link(match: re.Match[str]) -> str:
        anchor = match.group(1)
        if anchor not in places:
            return match.group(0)  # the page's own (a skip link), or a test's to catch
        file, name = places[anchor]
        if file == page:
            return f' href="#{name or "main"}"'
        return f' href="{file}{"#" + name if name else ""}"'

    def own(match: re.Match[str]) -> str:
        file, name = places.get(match.group(1), ("", ""))
        return f' id="{name}"' if file == page and name else match.group(0)

    return _HREF.sub(link, _ID.sub(own, html))
