"""The Jinja2 environment and the context each template gets, turned into HTML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from markupsafe import escape

from pipeline.errors import BuildError
from pipeline.i18n.languages import Formatter, Language, gettext_for
from pipeline.i18n.scripts import direction_of
from pipeline.plan.kinds import PACK, RECIPIENT_PACK, SUMMARY
from pipeline.plan.planner import CountryAsks, PackView, RecipientView, StatementView, SummaryView
from pipeline.render.templates import template_environment, template_error
from pipeline.version import __version__


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


@dataclass(frozen=True)
class Meta:
    title: str
    author: str
    subject: str
    keywords: list[str]
    created: str
    version: str = __version__


@dataclass(frozen=True)
class Page:
    """What every document's template reads: its language, metadata and running texts."""

    lang: str
    dir: str
    meta: Meta
    page_label: tuple[str, str, str]
    running_title: str
    coalition_name: str
    draft_mark: str


@dataclass(frozen=True)
class SummaryContext(Page):
    """The context of summary.html."""

    statement: StatementView
    links: bool = False


@dataclass(frozen=True)
class RecipientCover:
    """The recipient's cover line and section title, in the pack's language."""

    addressed_to: str
    chamber: str
    country: str
    title: str
    asks: CountryAsks


@dataclass(frozen=True)
class PackContext(Page):
    """The context of pack.html."""

    pack: PackView
    pack_date: str
    language_name: str
    links: bool = True
    chapter_only: bool = False  # its statements' chapters alone, to fit their summaries


@dataclass(frozen=True)
class RecipientContext(PackContext):
    """The context of recipient.html: a member's own pages, put in front of the pack."""

    recipient: RecipientCover | None = None


class Renderer:
    """Turn the planned views of one language into HTML: the catalog's words, CLDR's formats."""

    def __init__(
        self, templates: Path, language: Language, today: dt.date, draft: bool = False
    ) -> None:
        self.templates = templates
        self.draft = draft  # the catalog is in progress: untranslated strings show in English
        self.language = language
        self.fmt = Formatter(language)
        self.today = today
        self.gettext = gettext_for(language)
        self.env = template_environment(
            templates, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True
        )
        # A catalog's strings are text, escaped like record text: a translator's
        # `<a href>` shows as written, never as a link (no template needs markup in one).
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            lambda message: str(escape(self.gettext.gettext(message))),
            lambda singular, plural, n: str(escape(self.gettext.ngettext(singular, plural, n))),
            newstyle=True,
        )
        self.env.globals.update(
            direction=direction_of,
            meeting_name=self.meeting_name,
            translation_mark=self.translation_mark,
            number=self.fmt.number,
            country_list=lambda codes: self.fmt.list([self.fmt.country(c) for c in codes]),
            verdict=lambda key: self._(VERDICTS[key]),
        )

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

    def page_label(self) -> tuple[str, str, str]:
        """Split "Page %(page)s of %(pages)s" around its numbers, for the CSS footer."""
        text = self._("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
        before, _, rest = text.partition("\x00")
        middle, _, after = rest.partition("\x01")
        return before, middle, after

    def _page(self, title: str, subject: str, running: str, coalition: bool) -> Page:
        name = (
            self._("International Parliamentarians’ Coalition for North Korean Refugees")
            if coalition
            else ""
        )
        return Page(
            lang=self.language.code,
            dir=direction_of(str(self.language.locale)),
            meta=Meta(
                title=title,
                author=name or "IPCNKR",
                subject=subject,
                keywords=[self._("North Korean refugees"), self._("human rights"), "IPCNKR"],
                created=self.today.isoformat(),
            ),
            page_label=self.page_label(),
            running_title=running,
            coalition_name=name,
            draft_mark=self._("Draft translation") if self.draft else "",
        )

    # --- documents ------------------------------------------------------------

    def summary(self, view: SummaryView) -> str:
        """Return the HTML of one statement's one-page summary."""
        statement = view.statement
        title = f"{statement.title.text} — {self._('One-page summary')}"
        page = self._page(title, statement.overview.text, "IPCNKR", view.coalition)
        context = SummaryContext(**_values(page), statement=statement)
        return self._render(SUMMARY.template, context)

    def pack(self, pack: PackView, chapter_only: bool = False) -> str:
        """Return the HTML of the briefing pack, or of its statements' chapters alone."""
        title = self._("IPCNKR briefing pack")
        subject = self._(
            "The joint statements of the general meetings, %(first)s–%(last)s",
            first=pack.years[0],
            last=pack.years[-1],
        )
        context = PackContext(
            **_values(self._page(title, subject, title, coalition=True)),
            pack=pack,
            pack_date=self.fmt.date(self.today),
            language_name=self.language.name,
            chapter_only=chapter_only,
        )
        return self._render(PACK.template, context)

    def recipient_pages(self, pack: PackView) -> str:
        """Return the HTML of a recipient's own pages, to be joined in front of the pack.

        Its links to the pack's anchors are marked as such (pipeline/join.py), so
        that WeasyPrint keeps them for the join instead of warning.
        """
        from pipeline.render.links import mark_links_into_pack

        if pack.recipient is None:
            raise BuildError("a recipient's pages need a recipient")
        cover = self._recipient(pack.recipient)
        title = self._("IPCNKR briefing pack")
        subject = self._(
            "The joint statements of the general meetings, %(first)s–%(last)s",
            first=pack.years[0],
            last=pack.years[-1],
        )
        page = self._page(f"{title} — {cover.addressed_to}", subject, title, coalition=True)
        context = RecipientContext(
            **_values(page),
            pack=pack,
            recipient=cover,
            pack_date=self.fmt.date(self.today),
            language_name=self.language.name,
        )
        return mark_links_into_pack(self._render(RECIPIENT_PACK.template, context))

    def _recipient(self, view: RecipientView) -> RecipientCover:
        recipient = view.recipient
        return RecipientCover(
            addressed_to=self._(
                "%(honorific)s %(name)s", honorific=recipient.honorific, name=recipient.name
            ),
            chamber=recipient.chamber,
            country=view.country,
            title=self._("Asks concerning %(country)s", country=view.country),
            asks=view.asks,
        )

    def _render(self, name: str, context: Page) -> str:
        try:
            html = self.env.get_template(name).render(_values(context))
        except Exception as error:  # a template is data: whatever it raises is its error
            message = template_error(error, self.templates, f"{self.templates / name}")
            if message is None:
                raise
            raise BuildError(message) from None
        return keep_hangul_words(drop_layout_whitespace(html))


def _values(context: Page) -> dict[str, Any]:
    """Return a context's fields by name, as Jinja2 takes them (not copied, unlike asdict)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}
