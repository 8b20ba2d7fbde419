"""A PDF as independent readers draw it and read it.

poppler (pdftoppm, pdftotext), PDFium (Chrome), MuPDF (SumatraPDF and many
phone readers) and Ghostscript (printing pipelines) each interpret fonts,
CIDs and text on their own; a file that only one of them gets right is wrong.
What a reader copies is read by poppler, PDFium, MuPDF and pdf.js (Firefox).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pymupdf
import pypdfium2
from PIL import Image, ImageChops

MUPDF: Any = pymupdf  # untyped: reached through Any
REPO = Path(__file__).resolve().parent.parent
PDFJS = Path(__file__).resolve().parent / "pdfjs_text.mjs"

# Measured on this project's files: pages every engine draws right differ in at
# most 0.7 % of their squares (anti-aliasing, hinting); a Japanese summary whose
# CIDs MuPDF and Ghostscript could not follow differed in 4.6 % and 2.7 %.
DPI = 72  # enough to tell a glyph from a box or from nothing
CELL = 3  # pixels per side of the squares compared, about 1 mm
INK = 40  # a square darker or lighter than another engine's by this much differs
TOLERANCE = 0.015  # the share of a page one engine may draw apart from all others


def _poppler(pdf: Path) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), f"{folder}/p"],
            check=True,
            capture_output=True,
        )
        return [_loaded(path) for path in sorted(Path(folder).glob("p-*.png"))]


def _ghostscript(pdf: Path) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                "gs",
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-dSAFER",
                "-sDEVICE=pnggray",
                "-dTextAlphaBits=4",
                "-dGraphicsAlphaBits=4",
                f"-r{DPI}",
                f"-sOutputFile={folder}/p-%04d.png",
                str(pdf),
            ],
            check=True,
            capture_output=True,
        )
        return [_loaded(path) for path in sorted(Path(folder).glob("p-*.png"))]


def _pdfium(pdf: Path) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [
            page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for page in document
        ]
    finally:
        document.close()


def _mupdf(pdf: Path) -> list[Image.Image]:
    with MUPDF.open(pdf) as document:
        return [
            Image.frombytes("L", (pix.width, pix.height), pix.samples)
            for pix in (page.get_pixmap(dpi=DPI, colorspace=MUPDF.csGRAY) for page in document)
        ]


def _loaded(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("L")


ENGINES: dict[str, Callable[[Path], list[Image.Image]]] = {
    "poppler": _poppler,
    "PDFium": _pdfium,
    "MuPDF": _mupdf,
    "Ghostscript": _ghostscript,
}


def render(pdf: Path) -> dict[str, list[Image.Image]]:
    """Every page of `pdf` as each engine draws it, in grey."""
    return {name: draw(pdf) for name, draw in ENGINES.items()}


def _cells(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The page as squares of average ink: engines anti-alias and hint differently."""
    image = image.resize(size, Image.Resampling.BILINEAR)
    return image.resize((size[0] // CELL, size[1] // CELL), Image.Resampling.BOX)


def differing_share(image: Image.Image, others: list[Image.Image]) -> float:
    """The share of the page where `image` differs from every other engine's drawing."""
    size = others[0].size
    mine = _cells(image, size)
    apart: Image.Image | None = None
    for other in others:
        # A square differs from this engine only if it differs by INK or more;
        # it counts only where it differs from all the others.
        difference = ImageChops.difference(mine, _cells(other, size)).point(
            lambda value: 255 if value >= INK else 0
        )
        apart = difference if apart is None else ImageChops.darker(apart, difference)
    assert apart is not None
    histogram = apart.histogram()
    return histogram[255] / (apart.size[0] * apart.size[1])


def disagreements(pdf: Path, tolerance: float = TOLERANCE) -> list[str]:
    """Name each page where one engine's drawing differs materially from all the others."""
    pages = render(pdf)
    counts = {name: len(images) for name, images in pages.items()}
    if len(set(counts.values())) != 1:
        return [f"{pdf.name}: the engines count different pages: {counts}"]
    found = []
    for number in range(next(iter(counts.values()))):
        for name, images in pages.items():
            others = [pages[other][number] for other in pages if other != name]
            share = differing_share(images[number], others)
            if share > tolerance:
                found.append(
                    f"{pdf.name}, page {number + 1}: {name} differs from the other "
                    f"engines on {share:.1%} of the page"
                )
    return found


def extracted_text(pdf: Path, top: float = 0, bottom: float = 0) -> dict[str, str]:
    """The text of `pdf` as poppler, PDFium and MuPDF extract it (what a reader copies).

    `top` and `bottom` (points) leave out the running heads and page numbers.
    """
    with MUPDF.open(pdf) as opened:
        width, height = opened[0].rect.width, opened[0].rect.height
        mupdf = "\n".join(
            page.get_text(clip=MUPDF.Rect(0, top, page.rect.width, page.rect.height - bottom))
            for page in opened
        )
    poppler = subprocess.run(
        [
            "pdftotext",
            "-enc",
            "UTF-8",
            "-x",
            "0",
            "-y",
            str(round(top)),
            "-W",
            str(round(width)),
            "-H",
            str(round(height - top - bottom)),
            str(pdf),
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout.decode()
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pdfium = "\n".join(
            page.get_textpage().get_text_bounded(
                left=0, bottom=bottom, right=page.get_width(), top=page.get_height() - top
            )
            for page in document
        )
    finally:
        document.close()
    return {"poppler": poppler, "PDFium": pdfium, "MuPDF": mupdf}


def pdfjs_texts(pdfs: Sequence[Path], top: float = 0, bottom: float = 0) -> dict[Path, str]:
    """The text of each PDF as pdf.js reads it (Firefox's viewer), with `node` and `pdfjs-dist`.

    One node process reads them all: starting it costs more than reading a summary.
    """
    run = subprocess.run(
        ["node", str(PDFJS), json.dumps(top), json.dumps(bottom), *(str(p) for p in pdfs)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    texts: dict[str, str] = json.loads(run.stdout)
    return {pdf: texts[str(pdf)] for pdf in pdfs}


def copied_texts(
    pdfs: Sequence[Path], top: float = 0, bottom: float = 0
) -> dict[Path, dict[str, str]]:
    """The text of each PDF as each of four readers copies it: poppler, PDFium, MuPDF, pdf.js.

    Each reader's own text, untouched: what a user pastes, line breaks and all.
    """
    pdfjs = pdfjs_texts(pdfs, top, bottom)
    return {pdf: {**extracted_text(pdf, top, bottom), "pdf.js": pdfjs[pdf]} for pdf in pdfs}
