"""Planning: what each document will say, checked on the planned views without typesetting.

The records are the project's own (`statements/`); a test that needs another
state of a translation (partial, official, stale) changes a copy in memory.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.config import Paths
from pipeline.i18n.languages import Language, T, available_languages
from pipeline.plan.planner import Planner, StatementView, asks_concerning, translated_share
from pipeline.records.instruments import Instruments
from pipeline.records.models import Statement, StatementTranslation
from pipeline.records.overlay import aligned
from pipeline.records.project import Project
from pipeline.records.validate import check_records, load_project, load_recipients

REPO = Path(__file__).resolve().parent.parent
TOKYO, SEOUL = "ipcnkr-2005-tokyo", "ipcnkr-2007-seoul"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project([REPO / "statements"], Paths())


@pytest.fixture(scope="module")
def instruments() -> Instruments:
    return Instruments.load(REPO / "instruments")


def language(code: str) -> Language:
    return available_languages(REPO / "locales")[code]


def plan(
    project: Project, instruments: Instruments, lang: str, statement: str, density: int = 0
) -> StatementView:
    planner = Planner(project, language(lang), instruments)
    return planner.statement(project.statements[statement], density)


def with_translation(project: Project, translation: StatementTranslation) -> Project:
    """Return the project with one statement translation replaced."""
    key = (translation.statement, translation.translation.language)
    return dataclasses.replace(project, translations={**project.translations, key: translation})


def with_statement(project: Project, statement: Statement) -> Project:
    return dataclasses.replace(project, statements={**project.statements, statement.id: statement})


def texts(view: StatementView) -> list[T]:
    """Every statement text a view shows, in reading order."""
    out = [view.title, *view.heading, view.overview]
    for resolution in view.resolutions:
        out.append(resolution.text)
        out += [t for t in (resolution.verb, resolution.ask) if t is not None]
        for item in resolution.items:
            out.append(item.text)
            out += [t for t in (item.action, item.verb, item.ask) if t is not None]
    return out


# --- the translation laid over its original -----------------------------------------


def test_a_translated_text_is_in_the_translation_language(
    project: Project, instruments: Instruments
) -> None:
    view = plan(project, instruments, "ja", TOKYO)
    translation = project.translations[(TOKYO, "ja")]
    assert view.title == T(translation.title or "", "ja")
    assert view.resolutions[0].text.lang == "ja"
    assert view.resolutions[0].verb == T("要求する", "ja")
    assert "東京" in view.place
    assert all(t.lang == "ja" for t in texts(view)), [t for t in texts(view) if t.lang != "ja"]
    assert all(p.lang == "ja" for p in view.preamble)
    assert view.issuing_body.lang == "en"  # a name as issued, never translated


def test_a_missing_translation_falls_back_to_the_original_in_its_language(
    project: Project, instruments: Instruments
) -> None:
    full = project.translations[(SEOUL, "ja")]
    resolutions = list(full.resolutions or [])
    items = list(resolutions[1].items or [])
    items[0] = items[0].model_copy(update={"text": None})
    resolutions[1] = resolutions[1].model_copy(update={"items": items})
    resolutions[0] = resolutions[0].model_copy(update={"text": None})
    partial = full.model_copy(update={"title": None, "resolutions": resolutions})
    original = project.statements[SEOUL]

    view = plan(with_translation(project, partial), instruments, "ja", SEOUL)

    assert view.title == T(original.title, "en")
    assert view.resolutions[0].text == T(original.resolutions[0].text, "en")
    assert view.resolutions[1].items[0].text == T(original.resolutions[1].items[0].text, "en")
    assert view.resolutions[1].items[1].text.lang == "ja"
    assert view.overview.lang == "ja"
    assert view.state.status == "partial"
    assert view.state.translated == "unofficial"


def test_a_partial_unofficial_translation_is_marked_unofficial_and_partial(
    project: Project, instruments: Instruments
) -> None:
    """What a partial translation translates is still unofficial: the mark says both."""
    import datetime as dt

    from pipeline.render.renderer import Renderer

    full = project.translations[(SEOUL, "ja")]
    partial = full.model_copy(update={"title": None})
    view = plan(with_translation(project, partial), instruments, "ja", SEOUL)
    japanese = available_languages(REPO / "locales")["ja"]
    mark = Renderer(REPO / "templates", japanese, dt.date(2026, 1, 15)).translation_mark(view)
    words = Renderer(REPO / "templates", japanese, dt.date(2026, 1, 15))._
    unofficial = words("Unofficial translation; the English text is authoritative.")
    assert mark.startswith(unofficial + " "), mark
    assert "英語" in mark.removeprefix(unofficial), mark  # the partial mark names the original


def test_a_language_without_a_translation_shows_the_original(
    project: Project, instruments: Instruments
) -> None:
    view = plan(project, instruments, "mn", SEOUL)
    original = project.statements[SEOUL]
    assert view.title == T(original.title, "en")
    assert all(t.lang == "en" for t in texts(view))
    assert view.state.status == "untranslated"
    assert view.state.original_language == "en"
    assert view.lang == "mn"
    assert view.adopted != plan(project, instruments, "en", SEOUL).adopted  # a Mongolian date


def test_the_original_language_is_the_original(project: Project, instruments: Instruments) -> None:
    view = plan(project, instruments, "en", TOKYO)
    assert view.state.status == "original"
    assert view.title == T(project.statements[TOKYO].title, "en")
    assert view.place == "Tokyo, Japan"


def test_texts_translating_an_earlier_original_are_marked_stale(
    project: Project, instruments: Instruments
) -> None:
    original = project.statements[TOKYO]
    resolutions = list(original.resolutions)
    resolutions[2] = resolutions[2].model_copy(update={"text": resolutions[2].text + " (sic)"})
    corrected = original.model_copy(
        update={"resolutions": resolutions, "overview": original.overview + " Corrected."}
    )

    view = plan(with_statement(project, corrected), instruments, "ja", TOKYO)

    stale = [t for t in texts(view) if t.stale]
    assert stale == [view.overview, view.resolutions[2].text]
    assert all(t.lang == "ja" for t in stale)  # still shown, in the translation
    assert view.state.stale == 2
    assert view.state.status == "unofficial"
    assert not plan(project, instruments, "ja", TOKYO).state.stale


def test_a_translation_without_recorded_originals_is_not_stale(
    project: Project, instruments: Instruments
) -> None:
    unrecorded = project.translations[(TOKYO, "ko")].model_copy(update={"originals": None})
    view = plan(with_translation(project, unrecorded), instruments, "ko", TOKYO)
    assert not any(t.stale for t in texts(view))
    assert view.state.stale == 0


def test_translation_states(project: Project, instruments: Instruments) -> None:
    translation = project.translations[(SEOUL, "zh")]
    official = translation.model_copy(
        update={"translation": translation.translation.model_copy(update={"status": "official"})}
    )
    view = plan(with_translation(project, official), instruments, "zh", SEOUL)
    assert view.state.status == "official"
    assert view.state.note == T(translation.translation.note or "", "zh")
    assert plan(project, instruments, "zh", SEOUL).state.status == "unofficial"


# --- how much is translated ----------------------------------------------------------


def test_translated_share(project: Project) -> None:
    statement = project.statements[SEOUL]
    full = project.translations[(SEOUL, "ko")]
    assert translated_share(statement, full) == 1.0
    assert translated_share(statement, None) == 0.0
    partial = full.model_copy(update={"title": None, "preamble": None})
    # title, overview, heading, each paragraph, each resolution's text and ask, and
    # each item's text, action and ask
    fields = 3 + len(statement.preamble)
    for resolution in statement.resolutions:
        fields += 1 + (resolution.ask is not None)
        fields += sum(
            1 + (i.action is not None) + (i.ask is not None or i.commitment is not None)
            for i in resolution.items
        )
    missing = 1 + len(statement.preamble)
    assert translated_share(statement, partial) == pytest.approx((fields - missing) / fields)


# --- asks -----------------------------------------------------------------------------


def test_an_ask_per_resolution_or_item(project: Project, instruments: Instruments) -> None:
    tokyo = plan(project, instruments, "en", TOKYO)
    assert [(row.resolution, row.anchor) for row in tokyo.asks] == [
        (n, f"{TOKYO}-r-{n}") for n in range(1, 6)
    ]
    seoul = plan(project, instruments, "en", SEOUL)
    record = project.statements[SEOUL]
    items = [i for r in record.resolutions for i in r.items]
    assert len(seoul.asks) == sum(1 for i in items if i.kind == "ask") == len(items) - 2
    assert len(seoul.commitments) == 2  # IPCNKR's own undertakings are not asks
    first = seoul.asks[0]
    assert (first.resolution, first.anchor) == (1, f"{SEOUL}-r-1-i-1")
    assert first.verb == T("STRENGTHEN", "en")  # an item's action is its ask's verb
    assert [a.id for a in seoul.asks[1].concerns] == ["prc-government"]
    last = seoul.asks[-1]
    assert (last.anchor, last.verb) == (f"{SEOUL}-r-5-i-2", T("COOPERATE", "en"))
    assert seoul.resolutions[4].items[2].action is None
    assert seoul.commitments[-1].anchor == f"{SEOUL}-r-5-i-3"  # "IPCNKR will cooperate…"


def test_asks_concerning_a_country(project: Project, instruments: Instruments) -> None:
    views = [plan(project, instruments, "en", s) for s in (TOKYO, SEOUL)]
    korea = asks_concerning(views, "KR")
    addressed = {
        (r.statement_id, r.anchor) for a in korea.addressed for y in a.years for r in y.rows
    }
    concerning = {
        (r.statement_id, r.anchor) for a in korea.concerning for y in a.years for r in y.rows
    }
    assert all(not a.concerning for a in korea.addressed)
    assert all(a.concerning for a in korea.concerning)
    # resolution 4 asks the Korean legislature, with others; 5 the Six-Party Talks
    assert addressed == {(TOKYO, f"{TOKYO}-r-4"), (TOKYO, f"{TOKYO}-r-5")}
    assert concerning == {(SEOUL, f"{SEOUL}-r-1-i-8"), (SEOUL, f"{SEOUL}-r-4-i-2")}
    assert not addressed & concerning
    britain = asks_concerning(views, "GB")
    assert britain.addressed == britain.concerning == []


# --- densities and the pack -------------------------------------------------------------


def test_densities(project: Project, instruments: Instruments) -> None:
    assert plan(project, instruments, "en", TOKYO, density=3).density == 3
    planner = Planner(project, language("ko"), instruments)
    pack = planner.pack({SEOUL: 2})
    assert [(s.id, s.density) for s in pack.statements] == [(TOKYO, 0), (SEOUL, 2)]
    assert pack.years == [2005, 2007]
    chosen = planner.pack({}, [SEOUL])
    assert [s.id for s in chosen.statements] == [SEOUL]


def test_pack_notes_are_translated_or_fall_back(project: Project, instruments: Instruments) -> None:
    coalition = project.coalition
    assert coalition is not None
    note = coalition.notes[0].id
    english = Planner(project, language("en"), instruments).pack({}).notes
    japanese = Planner(project, language("ja"), instruments).pack({}).notes
    assert english[f"{note}.subject"] == T(coalition.notes[0].subject, "en")
    assert japanese[f"{note}.subject"].lang == "ja"
    untranslated = dataclasses.replace(
        project, extra={k: v for k, v in project.extra.items() if k != ("coalition", "ja")}
    )
    fallback = Planner(untranslated, language("ja"), instruments).pack({}).notes
    assert fallback[f"{note}.resolution"] == T(coalition.notes[0].resolution, "en")


# --- the overlay itself, and what validation reads from it ------------------------------


def test_aligned_pairs_fields_by_number_or_position(project: Project) -> None:
    statement = project.statements[SEOUL]
    translation = project.translations[(SEOUL, "ko")]
    resolutions = list(translation.resolutions or [])
    swapped = translation.model_copy(
        update={"resolutions": [resolutions[1], resolutions[0], *resolutions[2:], resolutions[0]]}
    )
    fields = {f.where: f for f in aligned(statement, swapped) if f.original is not None}
    first = fields[("resolutions", 0, "text")]
    assert (first.original, first.translated) == (
        statement.resolutions[0].text,
        resolutions[0].text,
    )
    assert first.at == ("resolutions", 1, "text")  # by number, wherever the file puts it
    item = fields[("resolutions", 1, "items", 1, "action")]
    assert item.at == ("resolutions", 0, "items", 1, "action")
    extra = [f for f in aligned(statement, swapped) if f.original is None]
    assert [(f.at, f.translated) for f in extra] == [(("resolutions", 5), resolutions[0])]
    untranslated = [f for f in aligned(statement, None) if isinstance(f.original, str)]
    assert untranslated and all(f.translated is None and f.at is None for f in untranslated)


def test_validation_reports_what_does_not_line_up(records: Path) -> None:
    path = records / "test-2005-tokyo.fr.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  - number: 2\n    text: Nous demandons",
        "  - number: 1\n    text: Encore.\n  - number: 2\n    text: Nous demandons",
    )
    text = text.replace("      - text: les parlements à tenir des auditions.\n", "")
    path.write_text(text, encoding="utf-8")
    _, problems, _ = check_records([records], Paths())
    found = {(p.field, p.message) for p in problems if p.path == path and p.is_error}
    assert found == {
        ("resolutions[1].number", "resolution 1 is translated twice"),
        ("resolutions[2].items", "1 items; resolution 2 of the original has 2"),
    }


def test_the_pack_plans_the_coalition_and_the_recipient(
    project: Project, instruments: Instruments
) -> None:
    recipient = load_recipients(
        REPO / "tests" / "fixtures" / "recipients.yaml", Paths().locales
    ).recipients[0]
    pack = Planner(project, language("ja"), instruments).pack({}, [SEOUL], recipient)
    seoul = next(m for m in pack.meetings if m.ordinal == 4)
    tokyo = next(m for m in pack.meetings if m.ordinal == 2)
    assert "ソウル" in seoul.place  # the city as the statement's translation writes it
    assert (seoul.statement, tokyo.statement) == (SEOUL, None)  # links only inside the pack
    assert all(row.members for row in pack.membership)
    assert set(pack.citations) >= {ref.source for ref in project.statements[SEOUL].sources}
    assert {s.id for s in pack.sources} <= set(pack.citations)
    assert pack.recipient is not None
    assert pack.recipient.country == "韓国"
    assert {
        r.statement_id for a in pack.recipient.asks.concerning for y in a.years for r in y.rows
    } == {SEOUL}
    assert Planner(project, language("en"), instruments).pack({}).recipient is None
