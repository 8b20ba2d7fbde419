"""Links from a member's own pages into the pack their pages are joined in front of."""

from __future__ import annotations

import re

# A link from a recipient's pages to an anchor of the pack they go in front of.
# WeasyPrint keeps a link with a scheme of its own as a URI (an `#anchor` it
# cannot find in the same document is a warning); the join turns it into a
# link to the pack's destination of that name.
PACK_SCHEME = "briefing-pack:"
_HREF = re.compile(r'(\shref=")#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')


def mark_links_into_pack(html: str) -> str:
    """Mark each link to an anchor this HTML does not hold as a link into the pack."""
    own = set(_ID.findall(html))

    def mark(match: re.Match[str]) -> str:
        anchor = match.group(2)
        if anchor in own:
            return match.group(0)
        return f'{match.group(1)}{PACK_SCHEME}{anchor}"'

    return _HREF.sub(mark, html)
