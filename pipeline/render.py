"""The Jinja2 environment and the context each template gets, turned into HTML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from pipeline import __version__
from pipeline.documents import TEMPLATES
from pipeline.errors import BuildError
from pipeline.i18n import SOURCE_LANGUAGE, Formatter, Language, T, gettext_for
from pipeline.instruments import Instruments
from pipeline.models import Coalition, Recipient, SourceDocument, StatementTranslation
from pipeline.plan import PackView, StatementView, asks_concerning, theme_grids
from pipeline.scripts import direction_of


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


# Ordinals by CLDR plural category: each language's catalog words them its own way.
ORDINAL_MESSAGES = {
    "one": N_("%(number)sst General Meeting"),
    "two": N_("%(number)snd General Meeting"),
    "few": N_("%(number)srd General Meeting"),
    "other": N_("%(number)sth General Meeting"),
}

VERDICTS = {
    "new": N_("new"),
    "returns": N_("returns"),
    "recurs": N_("recurs"),
    "strengthened": N_("strengthened"),
    "weakened": N_("fewer asks"),
    "dropped": N_("not repeated"),
    "constant": N_("recurs"),
}
STATUS_MARKS = {
    "unofficial": N_("Unofficial translation; the English text is authoritative."),
    "official": N_("Official translation."),
    "partial": N_(
        "Partly translated: passages not yet translated are shown in the original %(language)s."
    ),
    "untranslated": N_(
        "Not yet translated into %(target)s: the statement is shown in its original language, "
        "%(language)s."
    ),
}


_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_TEXT_NODE = re.compile(r"(<title>.*?</title>)|>([^<]+)<", re.S)
_HANGUL_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")
_UNIT = re.compile(r"&#?\w+;|.", re.S)  # a character, or an escaped one kept whole
WORD_JOINER = "\u2060"


def keep_hangul_words(html: str) -> str:
    """Let Korean lines break between words, never inside one.

    This is CSS `word-break: keep-all`, which WeasyPrint 70 does not support.
    A WORD JOINER (U+2060: invisible, no glyph, not in the extracted text)
    between the characters of each Korean word forbids a break there; it lays
    out as fast as plain text, where a nowrap span per word was twelve times
    slower.
    """

    def word(match: re.Match[str]) -> str:
        return WORD_JOINER.join(_UNIT.findall(match.group(0)))

    def text_node(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return f">{_HANGUL_WORD.sub(word, match.group(2))}<"

    return _TEXT_NODE.sub(text_node, html)


# Elements whose neighbouring whitespace CSS always drops (no template uses `pre`).
_BLOCKS = frozenset(
    re.findall(
        r"\w+",
        """
    html head body meta title link section nav header footer div p h1 h2 h3 h4 h5 h6
    ul ol li dl dt dd table thead tbody tfoot tr th td""",
    )
)
_GAP = re.compile(r"(</?([a-z][a-z0-9]*)\b[^>]*>)\s+(?=</?([a-z][a-z0-9]*)\b)")


def drop_layout_whitespace(html: str) -> str:
    """Remove the templates' indentation between tags where a block starts or ends.

    It shows nothing on the page, but WeasyPrint parses each such run and builds,
    then discards, a box for it: about 900 in a pack, 7 % of its layout time.
    Whitespace between two inline elements (a space between words) is kept.
    """

    def gap(match: re.Match[str]) -> str:
        if match.group(2) in _BLOCKS or match.group(3) in _BLOCKS:
            return match.group(1)
        return match.group(0)

    return _GAP.sub(gap, html)


def _cited(coalition: Coalition, statements: list[list[str]]) -> set[str]:
    """Return the ids of the sources the statements and the coalition record cite."""
    cited = {source for sources in statements for source in sources}
    pending: list[Any] = [coalition.model_dump()]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if isinstance(value.get("source"), str):
                cited.add(value["source"])
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return cited


@dataclass(frozen=True)
class Meta:
    title: str
    author: str
    subject: str
    keywords: list[str]
    created: str
    version: str = __version__


class Renderer:
    """Render the summary and pack templates of one language."""

    def __init__(
        self,
        templates: Path,
        language: Language,
        instruments: Instruments,
        coalition: Coalition | None,
        today: dt.date,
        translations: dict[tuple[str, str], StatementTranslation] | None = None,
        sources: dict[str, SourceDocument] | None = None,
        draft: bool = False,
    ) -> None:
        self.templates = templates
        self.draft = draft  # the catalog is in progress: untranslated strings show in English
        self.language = language
        self.fmt = Formatter(language)
        self.instruments = instruments
        self.coalition = coalition
        self.today = today
        self.translations = translations or {}
        self.sources = sources or {}
        self.gettext = gettext_for(language)
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=True,  # every template, whatever its name: statement text is data
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_translations(self.gettext, newstyle=True)  # type: ignore[attr-defined]

    def _(self, message: str, **values: Any) -> str:
        text = self.gettext.gettext(message)
        return text % values if values else text

    # --- helpers the templates call ------------------------------------------

    def meeting_name(self, ordinal: int) -> str:
        category = self.fmt.locale.ordinal_form(ordinal)
        message = ORDINAL_MESSAGES.get(category, ORDINAL_MESSAGES["other"])
        return self._(message, number=self.fmt.number(ordinal))

    def translation_mark(self, statement: StatementView) -> str:
        state = statement.state
        if state.status in ("unofficial", "official") and state.note is not None:
            mark = self._(STATUS_MARKS[state.status])
        else:
            mark = self._(
                STATUS_MARKS.get(state.status, STATUS_MARKS["partial"]),
                language=self.fmt.language_name(state.original_language),
                target=self.fmt.language_name(self.language.code),
            )
        if state.stale:
            mark += " " + self.gettext.ngettext(
                "%(num)d passage marked † translates an earlier version of the original, "
                "which has been corrected since.",
                "%(num)d passages marked † translate an earlier version of the original, "
                "which has been corrected since.",
                state.stale,
            ) % {"num": state.stale}
        return mark

    def _source(self, source_id: str) -> SourceDocument | None:
        return self.sources.get(source_id)

    def source_title(self, source_id: str) -> str:
        source = self._source(source_id)
        return source.title if source else source_id

    def source_short(self, source_id: str) -> T:
        source = self._source(source_id)
        return T(source.label if source else source_id, SOURCE_LANGUAGE)

    def statement_sources(self, statement: StatementView) -> list[SourceDocument]:
        return [s for s in (self._source(i) for i in statement.sources) if s is not None]

    def page_label(self) -> tuple[str, str, str]:
        """Split "Page %(page)s of %(pages)s" around its numbers, for the CSS footer."""
        text = self._("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
        before, _, rest = text.partition("\x00")
        middle, _, after = rest.partition("\x01")
        return before, middle, after

    def coalition_name(self) -> str:
        if self.coalition is None:
            return ""
        return self._("International Parliamentarians’ Coalition for North Korean Refugees")

    def _common(self, title: str, subject: str, running: str) -> dict[str, Any]:
        return {
            "lang": self.language.code,
            "dir": direction_of(str(self.language.locale)),
            "direction": direction_of,
            "meta": Meta(
                title=title,
                author=self.coalition_name() or "IPCNKR",
                subject=subject,
                keywords=[self._("North Korean refugees"), self._("human rights"), "IPCNKR"],
                created=self.today.isoformat(),
            ),
            "page_label": self.page_label(),
            "running_title": running,
            "meeting_name": self.meeting_name,
            "translation_mark": self.translation_mark,
            "statement_sources": self.statement_sources,
            "source_title": self.source_title,
            "source_short": self.source_short,
            "number": self.fmt.number,
            "coalition_name": self.coalition_name(),
            "draft_mark": self._("Draft translation") if self.draft else "",
        }

    # --- documents ------------------------------------------------------------

    def summary(self, statement: StatementView) -> str:
        """Return the HTML of one statement's one-page summary."""
        title = f"{statement.title.text} — {self._('One-page summary')}"
        context = self._common(title, statement.overview.text, "IPCNKR")
        context.update(statement=statement, links=False)
        return self._render(TEMPLATES["summary"], context)

    def pack(self, pack: PackView, recipient: Recipient | None = None) -> str:
        """Return the HTML of the briefing pack."""
        coalition = pack.coalition
        if coalition is None:
            raise BuildError("the briefing pack needs the coalition record (coalition.yaml)")
        title = self._("IPCNKR briefing pack")
        subject = self._(
            "The joint statements of the general meetings, %(first)s–%(last)s",
            first=pack.years[0],
            last=pack.years[-1],
        )
        context = self._common(title, subject, title)
        founded_year, founded_month = (int(p) for p in coalition.founded.date.split("-"))
        notes_by_meeting = {n.id: n for n in coalition.notes}
        cited = _cited(coalition, [statement.sources for statement in pack.statements])
        context.update(
            {
                "pack": pack,
                "links": True,
                "recipient": self._recipient(pack, recipient) if recipient else None,
                "pack_date": self.fmt.date(self.today),
                "language_name": self.language.name,
                "founded_month": self.fmt.month(founded_year, founded_month),
                "country_list": lambda codes: self.fmt.list([self.fmt.country(c) for c in codes]),
                "membership": [self._membership(row) for row in coalition.membership],
                "meetings": [
                    self._meeting(m, notes_by_meeting, {s.id for s in pack.statements})
                    for m in coalition.meetings
                ],
                "verdict": lambda key: self._(VERDICTS[key]),
                "theme_grids": theme_grids(pack),
                "sources": [s for s in self.sources.values() if s.id in cited],
                "instruments": self.instruments.articles(self.language.code),
            }
        )
        return self._render(TEMPLATES["pack"], context)

    def _recipient(self, pack: PackView, recipient: Recipient) -> dict[str, Any]:
        country = self.fmt.country(recipient.country)
        return {
            "addressed_to": self._(
                "%(honorific)s %(name)s", honorific=recipient.honorific, name=recipient.name
            ),
            "chamber": recipient.chamber,
            "country": country,
            "title": self._("Asks concerning %(country)s", country=country),
            "asks": asks_concerning(pack.statements, recipient.country),
        }

    def _membership(self, row: Any) -> dict[str, Any]:
        if isinstance(row.date, dt.date):
            when = self.fmt.date(row.date)
        else:
            year, month = (int(p) for p in row.date.split("-"))
            when = self.fmt.month(year, month)
        return {
            "date": when,
            "members": self.fmt.number(row.members),
            "countries": self.fmt.number(row.countries) if row.countries else None,
            "source": row.source,
        }

    def _meeting(self, meeting: Any, notes: dict[str, Any], in_pack: set[str]) -> dict[str, Any]:
        """Return a meeting; it links to its statement only if the pack holds it."""
        if meeting.start and meeting.end:
            from babel.dates import format_interval

            when = format_interval(meeting.start, meeting.end, "yMMMd", locale=self.fmt.locale)
        else:
            when = str(meeting.year)
        place = self.fmt.place(self._city(meeting.statement, meeting.city), meeting.country)
        note = next((n.id for n in notes.values() if meeting.ordinal in n.meetings), None)
        return {
            "when": when,
            "name": self.meeting_name(meeting.ordinal),
            "place": place,
            "statement": meeting.statement if meeting.statement in in_pack else None,
            "note": note,
        }

    def _city(self, statement_id: str | None, city: str | None) -> str | None:
        """Return a meeting's city as its statement's translation writes it, if it does."""
        translation = self.translations.get((statement_id or "", self.language.code))
        if translation is not None and translation.meeting is not None:
            return translation.meeting.city
        return city

    def _render(self, name: str, context: dict[str, Any]) -> str:
        try:
            html = self.env.get_template(name).render(context)
            return keep_hangul_words(drop_layout_whitespace(html))
        except TemplateNotFound as error:
            raise BuildError(
                f"template not found: {error.name} (searched {self.templates})"
            ) from None
        except TemplateSyntaxError as error:
            raise BuildError(
                f"{error.filename or error.name}:{error.lineno}: template error: {error.message}"
            ) from None
        except UndefinedError as error:
            raise BuildError(f"{name}: {error.message}") from None
