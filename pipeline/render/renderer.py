"""The Jinja2 environment and the context each template gets, turned into HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from babel import Locale
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from pipeline.errors import BuildError
from pipeline.i18n import grammar
from pipeline.i18n.languages import Formatter, Language, T, gettext_for
from pipeline.i18n.scripts import direction_of
from pipeline.plan.kinds import PACK, RECIPIENT_PACK, SUMMARY
from pipeline.plan.planner import (
    Cite,
    CountryAsks,
    PackView,
    RecipientView,
    StatementView,
    SummaryView,
)
from pipeline.render.templates import HELPERS, template_environment, template_error
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

# Each kind of document: its name, and how many of it a pack holds.
DOCUMENT_NAMES = {
    "joint-statement": N_("joint statement"),
    "action-programme": N_("action programme"),
    "resolution": N_("resolution"),
}
VERDICTS = {
    "incomplete": N_("not compared: incomplete text"),
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
    online: str = ""  # where the web edition is published: the summary names the page there


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
    online: str = ""  # where the web edition is published: each summary names its page there


@dataclass(frozen=True)
class RecipientContext(PackContext):
    """The context of recipient.html: a member's own pages, put in front of the pack."""

    recipient: RecipientCover | None = None
    edition: str = ""  # the member's edition label, which they quote back


@dataclass(frozen=True)
class SiteLanguage:
    """A language of the web edition, as the language switcher names and links it."""

    code: str
    name: str  # in its own language
    dir: str


@dataclass(frozen=True)
class SitePage:
    """Where a page of the web edition is, what it is about, and what it links to."""

    file: str  # its file name in the language's folder
    languages: tuple[SiteLanguage, ...]  # every language of the site, its own among them
    pack_pdf: str  # the file name of the language's pack, served beside the pages
    statement: str = ""  # the statement a statement page shows
    country: str = ""  # the country code of a country's page
    pdf_suffix: str = "-summary.pdf"  # a statement's summary: its id and this
    countries: tuple[str, ...] = ()  # the countries with a page of their asks


@dataclass(frozen=True)
class SiteContext(RecipientContext):
    """The context of a page of the web edition (templates/web/): the pack's, and the page's."""

    site: SitePage | None = None
    statement: StatementView | None = None
    countries: tuple[tuple[str, str], ...] = ()  # (code, name) of each country's page


class Renderer:
    """Turn the planned views of one language into HTML: the catalog's words, CLDR's formats."""

    def __init__(
        self,
        templates: Path,
        language: Language,
        today: dt.date,
        draft: bool = False,
        base_url: str = "",
    ) -> None:
        self.templates = templates
        self.base_url = base_url  # the web edition's address, which the PDFs name; "" for none
        self.draft = draft  # the catalog is in progress: untranslated strings show in English
        self.language = language
        self.fmt = Formatter(language)
        self.today = today
        self.gettext = gettext_for(language)
        self.env = _environment(templates)
        words = Environment(extensions=["jinja2.ext.i18n"])
        # A catalog's strings are text, escaped like record text: a translator's
        # `<a href>` shows as written, never as a link (no template needs markup in one).
        words.install_gettext_callables(  # type: ignore[attr-defined]
            lambda message: str(escape(self.gettext.gettext(message))),
            lambda singular, plural, n: str(escape(self.gettext.ngettext(singular, plural, n))),
            newstyle=True,
        )
        # The language's words and formats, given to each render: the environment,
        # and each template compiled in it, serve every language.
        self.words: dict[str, Any] = {
            name: words.globals[name] for name in _GETTEXT if name in words.globals
        }
        self.words.update(self._grammar_words())
        self.words.update(
            direction=direction_of,
            meeting_name=self.meeting_name,
            translation_mark=self.translation_mark,
            number=self.fmt.number,
            country_list=lambda codes: self.fmt.list([self.fmt.country(c) for c in codes]),
            verdict=lambda key: self._(VERDICTS[key]),
            meeting_of=self.meeting_of,
            document_name=lambda kind: self._(DOCUMENT_NAMES[kind]),
            document_counts=self.document_counts,
            cite=self.cite,
            missing_mark=self.missing_mark,
        )

    def _(self, message: str, **values: Any) -> str:
        text = self.gettext.gettext(message)
        return grammar.format_message(self.language.code, text, values) if values else text

    # --- names in sentences: each takes its article, particle or case (i18n/grammar.py) ---

    def _grammar_words(self) -> dict[str, Any]:
        """Return the catalog's `_`/`gettext` for templates, filling names as grammar.py says.

        As Jinja's own (newstyle, autoescaped): the translation is escaped, then
        formatted with its values escaped as they go in.
        """
        code = self.language.code
        catalog = self.gettext

        @pass_context
        def gettext(context: Context, message: str, **values: Any) -> str:
            text = str(escape(catalog.gettext(message)))
            return grammar.format_message(code, text, values, html=context.eval_ctx.autoescape)

        return {"gettext": gettext, "_": gettext}

    def country_name(self, code: str) -> grammar.Name:
        """Return a country's name in the page's language, as a sentence takes it."""
        return grammar.country(self.language.code, code, self.fmt.country(code))

    # --- helpers the templates call ------------------------------------------

    def meeting_name(self, ordinal: int) -> str:
        category = self.fmt.locale.ordinal_form(ordinal)
        message = ORDINAL_MESSAGES.get(category, ORDINAL_MESSAGES["other"])
        if self.gettext.gettext(message) == message:  # untranslated: English, by English rules
            message = ORDINAL_MESSAGES[Locale("en").ordinal_form(ordinal)]
        return self._(message, number=self.fmt.number(ordinal))

    def meeting_of(self, statement: StatementView) -> str:
        """Return the name of the meeting that adopted `statement`: a conference by its own."""
        if statement.conference is not None:
            return statement.conference.text
        return self.meeting_name(statement.meeting_ordinal or 0)

    def document_counts(self, statements: list[StatementView]) -> str:
        """Return "2 joint statements and 1 action programme", in the catalog's words."""
        ngettext = self.gettext.ngettext
        counted = {  # literal calls, so that the catalogs hold each as a plural
            "joint-statement": lambda n: ngettext(
                "%(num)d joint statement", "%(num)d joint statements", n
            ),
            "action-programme": lambda n: ngettext(
                "%(num)d action programme", "%(num)d action programmes", n
            ),
            "resolution": lambda n: ngettext("%(num)d resolution", "%(num)d resolutions", n),
        }
        counts = {kind: 0 for kind in DOCUMENT_NAMES}
        for statement in statements:
            counts[statement.document] += 1
        parts = [counted[kind](count) % {"num": count} for kind, count in counts.items() if count]
        return self.fmt.list(parts)

    def cite(self, cite: Cite) -> str:
        """Return how a document is cited: its year, or with its kind and date when needed."""
        if cite.document is None:
            return str(cite.year)
        name = self._(DOCUMENT_NAMES[cite.document])
        if cite.date is None:
            return self._("%(year)s %(document)s", year=cite.year, document=name)
        return self._("%(document)s of %(date)s", document=name, date=cite.date)

    def missing_mark(self, numbers: list[int]) -> str:
        """Return the mark where numbered paragraphs are missing from the text."""
        listed = self.fmt.list([self.fmt.number(n) for n in numbers])
        return self.gettext.ngettext(
            "[Paragraph %(numbers)s: text not available]",
            "[Paragraphs %(numbers)s: text not available]",
            len(numbers),
        ) % {"numbers": listed}

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
        if state.status == "partial" and state.translated in ("unofficial", "official"):
            # What a partial translation does translate is no less unofficial (or official).
            mark = self._(STATUS_MARKS[state.translated]) + " " + mark
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
        context = SummaryContext(**_values(page), statement=statement, online=self.base_url)
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
            online=self.base_url,
        )
        return self._render(PACK.template, context)

    def recipient_pages(self, pack: PackView, edition: str = "") -> str:
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
            edition=edition,
            pack_date=self.fmt.date(self.today),
            language_name=self.language.name,
            online=self.base_url,
        )
        return mark_links_into_pack(self._render(RECIPIENT_PACK.template, context))

    def site_page(self, template: str, pack: PackView, page: SitePage) -> str:
        """Return the HTML of a page of the web edition: the pack's views, one page's part."""
        title = self._("IPCNKR briefing pack")
        subject = self._(
            "The joint statements of the general meetings, %(first)s–%(last)s",
            first=pack.years[0],
            last=pack.years[-1],
        )
        statement = next((s for s in pack.statements if s.id == page.statement), None)
        cover = None
        if page.country:
            from pipeline.plan.planner import asks_concerning

            name = self.country_name(page.country)
            asks = asks_concerning(pack.statements, page.country)
            title_of = self._("Asks concerning %(country)s", country=name)
            cover = RecipientCover("", "", name, title_of, asks)
        context = SiteContext(
            **_values(self._page(title, subject, title, coalition=True)),
            pack=pack,
            pack_date=self.fmt.date(self.today),
            language_name=self.language.name,
            recipient=cover,
            site=page,
            statement=statement,
            countries=tuple((code, self.fmt.country(code)) for code in page.countries),
        )
        return self._render(template, context)

    def _recipient(self, view: RecipientView) -> RecipientCover:
        recipient = view.recipient
        country = self.country_name(recipient.country)
        return RecipientCover(
            addressed_to=self._(
                "%(honorific)s %(name)s", honorific=recipient.honorific, name=recipient.name
            ),
            chamber=recipient.chamber,
            country=country,
            # TRANSLATORS: %(country)s is a name; write the particle or case after it as for
            # any name (Korean 와(과), 을(를), …; Mongolian -д, -ын): the build picks the
            # form it takes.
            title=self._("Asks concerning %(country)s", country=country),
            asks=view.asks,
        )

    def _render(self, name: str, context: Page) -> str:
        """Render a template; for print, with the typesetter's word joiners in Korean.

        A browser keeps Korean words whole with CSS (`word-break: keep-all`), and
        the joiners would be copied with the text, so the web has none.
        """
        try:
            values = {**self.words, HELPERS: self.words, **_values(context)}
            return self.env.get_template(name).render(values)
        except Exception as error:  # a template is data: whatever it raises is its error
            message = template_error(error, self.templates, f"{self.templates / name}")
            if message is None:
                raise
            raise BuildError(message) from None


_GETTEXT = ("gettext", "ngettext", "pgettext", "npgettext", "_")


@functools.cache
def _environment(templates: Path) -> Environment:
    """One environment per templates folder and process, whatever the language.

    Compiling the templates is most of the time the web edition takes: once
    per language, five languages' pages took five times as long to make.
    """
    env = template_environment(
        templates, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["mid_sentence"] = _mid_sentence
    env.filters.update(BIDI_FILTERS)
    return env


def _mid_sentence(text: T) -> T:
    """A name as it reads inside a sentence: "concerning the United Nations" (grammar.py)."""
    return dataclasses.replace(text, text=grammar.mid_sentence(text.text, text.lang))


def _values(context: Page) -> dict[str, Any]:
    """Return a context's fields by name, as Jinja2 takes them (not copied, unlike asdict)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


# --- Bidirectional isolation ---------------------------------------------------
# Every run of text in another language than the page's is tagged with its
# language; a run in the other direction is also isolated with `dir` (a
# fallback title in a Hebrew contents, an English citation, source or name in an
# Arabic sentence). `dir` is what both readers of the HTML honour: browsers
# isolate it (`unicode-bidi: isolate`), and WeasyPrint lays each element with
# `dir` out alone in its own direction, then places it as one piece in the
# line's. So the run's neutral characters (full stops, brackets, "*") stay with
# it, and the page's own punctuation and separators stay outside, in the page's
# direction. One filter does it for every template: `{{ t | isolate }}` for a
# text that knows its language (T), `{{ text | isolate("en") }}` for one whose
# language the template knows; `{{ names | isolate_each("; ") }}` joins a list of
# them with a separator in the page's direction. The styles set an isolate in
# the other direction as one inline block, so that a long one wraps inside
# itself instead of interleaving its lines with the sentence around it.


def isolated(text: str, lang: str, page_lang: str, page_dir: str) -> Markup:
    """Return `text` as HTML: in its language, and isolated if in the other direction."""
    if lang == page_lang or not lang:
        return escape(text)
    direction = direction_of(lang)
    if direction == page_dir:
        return Markup('<span lang="{}" class="other-lang">{}</span>').format(lang, text)
    return Markup('<span lang="{}" dir="{}" class="other-lang">{}</span>').format(
        lang, direction, text
    )


def _page_of(context: Context) -> tuple[str, str]:
    return str(context.get("lang", "")), str(context.get("dir", "ltr"))


@pass_context
def _isolate(context: Context, value: T | str, lang: str | None = None) -> Markup:
    page_lang, page_dir = _page_of(context)
    if isinstance(value, T):
        return isolated(value.text, lang or value.lang, page_lang, page_dir)
    return isolated(str(value), lang or page_lang, page_lang, page_dir)


@pass_context
def _isolate_each(
    context: Context, values: list[T | str], separator: str = "; ", lang: str | None = None
) -> Markup:
    """Join texts, each isolated, with a separator that stays in the page's direction."""
    return Markup(escape(separator)).join(_isolate(context, value, lang) for value in values)


BIDI_FILTERS = {"isolate": _isolate, "isolate_each": _isolate_each}
