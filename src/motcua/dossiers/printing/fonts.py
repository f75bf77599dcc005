"""The shipped Liberation Serif, loaded once per process for every form.

``FPDF.add_font`` parses the TrueType file and builds its width tables
each time (about 10 ms a style), and fpdf2 subsets the font object in
place when it writes the PDF, so a parsed font cannot simply be shared
between documents. Here each style is parsed once (:class:`_Prototype`);
a document gets a light copy that shares the read-only tables (cmap,
glyph names and widths) and gets its own lazily read ``TTFont`` for the
subset it will embed, its own font descriptor (fpdf2 writes the object
number and the font file into it), glyph map and HarfBuzz font, so
documents can also be written by several threads at once.

With text shaping on, fpdf2's line breaking measures each character by
shaping it alone; :class:`FormFont` remembers those widths per process.

This leans on fpdf2's ``TTFFont`` attributes (pinned ``fpdf2<3``); the
tests render two documents in a row and read their text back, which would
fail if a shared table were changed in place.
"""

from __future__ import annotations

import copy
import threading
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fontTools.ttLib import newTable
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

import motcua.core

FONT_DIR = Path(motcua.core.__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
_WIDTH_CACHE_LIMIT = 50_000


class FormFont(TTFFont):
    """A TrueType font whose shaped widths are remembered across documents."""

    __slots__ = ("_widths",)

    _widths: dict[tuple[Any, ...], tuple[int, float]]

    def shaped_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        params = text_shaping_params or {}
        features = params.get("features")
        key = (
            text,
            font_size_pt,
            params.get("fragment_direction"),
            params.get("script"),
            params.get("language"),
            tuple(sorted(features.items())) if features else (),
        )
        found = self._widths.get(key)
        if found is None:
            found = super().shaped_text_width(text, font_size_pt, text_shaping_params)
            if len(self._widths) >= _WIDTH_CACHE_LIMIT:
                self._widths.clear()
            self._widths[key] = found
        return found


# fpdf2 drops these tables from the embedded subset anyway; removing them
# once here saves reading them for every document. HarfBuzz still shapes
# (kerning included) from the full file on disk. The glyph names of the
# 'post' table are dropped too (format 3): each document's font gets the
# glyph order of the prototype instead of decoding the names again.
_UNEMBEDDED_TABLES = ("GSUB", "GPOS", "GDEF", "hdmx", "kern", "FFTM", "meta")


def _embeddable(path: Path) -> bytes:
    font = ttLib.TTFont(str(path), recalcTimestamp=False)
    font.getGlyphOrder()
    for tag in _UNEMBEDDED_TABLES:
        if tag in font:
            del font[tag]
    font["post"].formatType = 3.0
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _Prototype:
    """One parsed style: the tables every document may share."""

    def __init__(self, style: str) -> None:
        path = FONT_DIR / FILES[style]
        self.data = _embeddable(path)
        scratch = FPDF()
        scratch.add_font(FAMILY, style, str(path))
        font = scratch.fonts[f"{FAMILY.lower()}{style}"]
        assert isinstance(font, TTFFont)
        self.font = font
        self.glyph_order: list[str] = list(font.ttfont.getGlyphOrder())
        self.metrics: dict[str, tuple[int, int]] = dict(font.ttfont["hmtx"].metrics)
        self.widths: dict[tuple[Any, ...], tuple[int, float]] = {}


_prototypes: dict[str, _Prototype] = {}
_lock = threading.Lock()


def _prototype(style: str) -> _Prototype:
    found = _prototypes.get(style)
    if found is None:
        with _lock:
            found = _prototypes.get(style)
            if found is None:
                found = _prototypes[style] = _Prototype(style)
    return found


def install(pdf: FPDF, style: str) -> None:
    """Make ``FAMILY`` in ``style`` ("", "B", "I", "BI") usable in ``pdf``."""
    style = "".join(sorted(style.upper()))
    fontkey = f"{FAMILY.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    proto = _prototype(style)
    font = FormFont.__new__(FormFont)
    for name in TTFFont.__slots__:
        if hasattr(proto.font, name):
            setattr(font, name, getattr(proto.font, name))
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(BytesIO(proto.data), recalcTimestamp=False, lazy=True)
    font.ttfont.setGlyphOrder(list(proto.glyph_order))
    metrics = newTable("hmtx")
    metrics.metrics = dict(proto.metrics)
    font.ttfont["hmtx"] = metrics
    # The descriptor gets the object number and the embedded file at output.
    font.desc = copy.copy(proto.font.desc)
    font.cw = copy.copy(proto.font.cw)
    font.glyph_ids = dict(proto.font.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font._widths = proto.widths
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
