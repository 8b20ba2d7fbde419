"""A member's edition: a short label for the content of their pack, to quote back.

The label follows what the pack *says*: the records it is made from (statements,
translations, vocabulary, coalition, sources), the templates' and catalog's
words, the pack definition, and the member's own details as printed. It leaves
out what changes how the pack is made but not what it says: the code, the
fonts, the stylesheets, the build's date and the tool's version. So a corrected
statement makes a new edition for every member whose pack holds it, while a
code-only commit or a new build date does not (the bytes may differ; the
ledger keeps the bytes each member was sent).

No pipeline imports: the build prints the label on the cover, delivery reads it
from the manifest, and both can call these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

# Crockford's base 32: no I, L, O or U, so a label read out over the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NOT_CONTENT_PREFIXES = ("code", "fonts ", "template fonts.yaml", "options", "base ")
_NOT_CONTENT_SUFFIXES = (".css",)
MEMBER_PART = "member"  # the part naming the member's printed details


def member_digest(identity: Mapping[str, str]) -> str:
    """Return the hash of a member's printed details (name, chamber, country, paper...)."""
    text = "\n".join(f"{key}={identity[key]}" for key in sorted(identity))
    return hashlib.sha256(text.encode()).hexdigest()


def is_content(name: str) -> bool:
    """Say whether an input, named as in the manifest's `parts`, is part of what a pack says."""
    return not (name.startswith(_NOT_CONTENT_PREFIXES) or name.endswith(_NOT_CONTENT_SUFFIXES))


def content(parts: Mapping[str, str]) -> dict[str, str]:
    """Return the parts a member's edition follows (see the module's docstring)."""
    return {name: value for name, value in sorted(parts.items()) if is_content(name)}


def edition(member: str, parts: Mapping[str, str]) -> str:
    """Return a member's edition label, such as `K7QM-2XWD`, from their pack's input parts."""
    text = member + "\n" + "\n".join(f"{k}={v}" for k, v in content(parts).items())
    number = int.from_bytes(hashlib.sha256(text.encode()).digest()[:5], "big")  # 40 bits
    letters = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(8)))
    return f"{letters[:4]}-{letters[4:]}"
