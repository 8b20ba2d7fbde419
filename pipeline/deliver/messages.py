"""The message each member receives, in their language: plain text and an HTML alternative.

Its words come from the `deliver` catalog of the member's language
(`locales/<lang>/LC_MESSAGES/deliver.po`, a domain of its own so that editing a
message never changes a pack), its dates from CLDR through Babel.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po

from pipeline.i18n.languages import available_languages

DOMAIN = "deliver"


@dataclass(frozen=True)
class Change:
    """One thing that changed since the edition a member holds: a key and the statement."""

    what: str  # first | corrected | new | translation | removed | wording
    statement: str = ""


_CHANGES = {
    "first": "This is the first edition of your pack.",
    "corrected": "A statement was corrected: %(statement)s",
    "new": "A new statement was added: %(statement)s",
    "translation": "A translation was updated: %(statement)s",
    "removed": "A statement was removed: %(statement)s",
    "wording": "The pack's notes, wording or your details were updated.",
}


@dataclass(frozen=True)
class Letter:
    """What one message says, before it is put in an email."""

    member: str
    lang: str
    honorific: str
    name: str
    edition: str
    held: str | None  # the edition the member holds, if any
    changes: tuple[Change, ...]
    prepared: dt.date
    sha256: str
    link: str | None  # set when the pack is linked rather than attached


class _Catalog:
    """One language's `deliver` strings and CLDR locale; English where a string is missing."""

    def __init__(self, locales: Path, lang: str) -> None:
        languages = available_languages(locales)
        self.locale = languages[lang].locale if lang in languages else Locale.parse("en")
        self.strings: dict[str, str] = {}
        path = locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            with path.open("rb") as po:
                for message in read_po(po):
                    if message.id and isinstance(message.string, str) and message.string:
                        self.strings[str(message.id)] = message.string

    def __call__(self, text: str, **values: str) -> str:
        return self.strings.get(text, text) % values


@functools.cache
def _catalog(locales: Path, lang: str) -> _Catalog:
    return _Catalog(locales, lang)


def message_id(member: str, edition: str, sender: str) -> str:
    """Return the Message-ID of a member's edition: the same every run, so clients fold resends."""
    domain = sender.rpartition("@")[2].strip(">") or "briefing.invalid"
    return f"<briefing.{edition.lower()}.{member}@{domain}>"


def paragraphs(letter: Letter, locales: Path) -> tuple[str, list[str]]:
    """Return the subject and the paragraphs of a letter, in its language."""
    say = _catalog(locales, letter.lang)
    date = format_date(letter.prepared, format="long", locale=say.locale)
    subject = say("IPCNKR briefing pack, edition %(edition)s", edition=letter.edition)
    lines = [say("Dear %(honorific)s %(name)s,", honorific=letter.honorific, name=letter.name)]
    if letter.link is None:
        lines.append(
            say(
                "Please find attached your briefing pack, edition %(edition)s, "
                "prepared on %(date)s.",
                edition=letter.edition,
                date=date,
            )
        )
    else:
        lines.append(
            say(
                "Your briefing pack, edition %(edition)s, prepared on %(date)s, "
                "is too large to attach; it is here:",
                edition=letter.edition,
                date=date,
            )
            + f"\n{letter.link}"
        )
    changes = [say(_CHANGES[c.what], statement=c.statement) for c in letter.changes]
    if letter.held is not None:
        heading = say("What changed since the edition you hold (%(edition)s):", edition=letter.held)
        lines.append(heading + "\n" + "\n".join(f"- {c}" for c in changes))
    else:
        lines.extend(changes)
    lines.append(
        say(
            "Please quote the edition %(edition)s when you write to us about this pack.",
            edition=letter.edition,
        )
    )
    lines.append(say("SHA-256 of the file: %(sha256)s", sha256=letter.sha256))
    lines.append(
        say(
            "The secretariat of the International Parliamentarians' Coalition "
            "for North Korean Refugees"
        )
    )
    return subject, lines


def compose(
    letter: Letter,
    sender: str,
    to: str,
    cc: list[str],
    pdf: bytes | None,
    when: dt.datetime,
    locales: Path,
) -> EmailMessage:
    """Return the email of one letter: plain text, an HTML alternative, the pack attached."""
    subject, lines = paragraphs(letter, locales)
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id(letter.member, letter.edition, sender)
    message["X-Briefing-Member"] = letter.member
    message["X-Briefing-Edition"] = letter.edition
    message.set_content("\n\n".join(lines) + "\n")
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in lines)
    message.add_alternative(
        f'<!DOCTYPE html>\n<html lang="{html.escape(letter.lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n{body}</body></html>\n",
        subtype="html",
    )
    if pdf is not None:
        message.add_attachment(
            pdf,
            maintype="application",
            subtype="pdf",
            filename=f"{letter.member}-{letter.edition}.pdf",
        )
    message["Content-Language"] = letter.lang  # last: setting the content drops Content-*
    return message
