"""The page layout every form shares: header, title, lines, tables, signatures.

Layout follows NĐ 30/2020/NĐ-CP where it applies to forms: A4, margins of
20 mm top and bottom, 30 mm left and 15 mm right (portrait), the agency
names on the left and the national motto on the right, the place and date
in italics under the motto, signature blocks at the end. The log book is
landscape with narrower side margins so its eleven columns fit.

Every string passes through :func:`clean` (NFC, no control characters)
before it reaches fpdf2; text shaping is on (HarfBuzz) and the only font
is the shipped Liberation Serif in four styles.

The issuing body's name in the header breaks only between words, never
inside a place name ("PHƯỜNG NGÃ BẢY" stays on one line): the phrases to
keep whole are joined with no-break spaces, and a phrase wider than the
column is printed in a smaller size rather than split.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import segno
from fpdf import FPDF
from fpdf.enums import TextDirection, TextEmphasis
from fpdf.fonts import FontFace
from fpdf.line_break import Fragment

from motcua.dossiers.printing import fonts

BODY = 12.0
SMALL = 10.0
TABLE = 11.0
LINE = 5.6
QR_SIZE = 22.0
QR_SCALE = 4
QR_BORDER = 2
QR_ERROR = "m"

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SIGN_ROOM = 16.0
"""Millimetres left blank for a signature (and a seal) above the printed name."""
NBSP = "\u00a0"
HEADER_MIN_SIZE = 9.0

_CONTROL = {cp: " " for cp in range(32) if cp != 10}
# Right-to-left scripts and explicit direction controls: text with any of
# them goes through fpdf2's full bidi algorithm, other text skips it.
_NOT_LTR = re.compile(
    "[\u0590-\u08ff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefc"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def clean(text: Any) -> str:
    """Return ``text`` as NFC with control characters (other than newlines) blanked."""
    return unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").translate(_CONTROL)


@dataclass(frozen=True)
class Header:
    """The top of a form: who issues it, its number, where and when."""

    agency: str
    parent: str = ""
    number: str = ""
    place_date: str = ""
    keep: Sequence[str] = ()
    """Phrases no line break may split (a place name, "Phường Ngã Bảy")."""


@dataclass(frozen=True)
class Signature:
    """A signature block: title, hint, room to sign, the printed name."""

    title: str
    name: str = ""
    hint: str = SIGN_HINT
    above: str = ""


@dataclass(frozen=True)
class HeadCell:
    """A table heading that spans ``colspan`` columns and ``rowspan`` heading rows."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Recipients:
    """The "Nơi nhận" list printed left of the head's signature."""

    lines: Sequence[str] = field(default_factory=tuple)


def keep_together(text: str, phrases: Sequence[str]) -> str:
    """Return ``text`` with the spaces inside each of ``phrases`` made no-break.

    Phrases are found whatever their case (a header is printed in capitals);
    the longest first, so a place inside a longer name is joined either way.
    """
    for phrase in sorted((p for p in phrases if p and " " in p.strip()), key=len, reverse=True):
        words = clean(phrase).split()
        pattern = re.compile(r"[ \u00a0]+".join(re.escape(word) for word in words), re.I)
        text = pattern.sub(lambda match: re.sub(r"[ \u00a0]+", NBSP, match.group(0)), text)
    return text


def qr_png(url: str) -> bytes:
    """Return the QR code of ``url`` as a PNG (error level M, 4 px a module)."""
    buffer = BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(
        buffer, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return buffer.getvalue()


class FormPDF(FPDF):
    """An A4 form in Liberation Serif with the blocks the forms share."""

    def __init__(
        self, *, landscape: bool = False, page_numbers: bool = False, scale: float = 1.0
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.page_numbers = page_numbers
        self.form_scale = scale
        """Factor on every font size and line height: below 1 to fit a crowded form on a page."""
        self.line_h = LINE * scale
        # A floating image (the receipt's QR code) at the right: the lines
        # printed beside it are narrower, tables and signatures start below it.
        self.skipped = 0.0
        """Height left blank at page ends to keep a block whole (see ``_ensure_room``)."""
        self._float_bottom = 0.0
        self._float_width = 0.0
        self._float_page = 0
        if landscape:
            self.set_margins(left=20, top=15, right=15)
            self.set_auto_page_break(True, margin=15)
        else:
            self.set_margins(left=30, top=20, right=15)
            self.set_auto_page_break(True, margin=20)
        self.set_text_shaping(True, direction="ltr")
        self.set_lang("vi")
        self.set_creator("Motcua")
        self.c_margin = 0.8
        self.alias_nb_pages()
        self.add_page()
        self.use(size=BODY)

    # --- fonts -----------------------------------------------------------------------------------

    def set_font(
        self,
        family: str | None = None,
        style: str | TextEmphasis = "",
        size: float = 0,
    ) -> None:
        """Install the shipped font's style on first use, then select it."""
        letters = style.style if isinstance(style, TextEmphasis) else style
        fonts.install(self, "".join(ch for ch in letters.upper() if ch in "BI"))
        super().set_font(fonts.FAMILY, style, size)

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Sequence[Fragment]:
        """Skip the Unicode bidi algorithm for text that has nothing right-to-left.

        fpdf2 runs the algorithm in Python for every string once shaping is
        on; for Vietnamese it always yields one left-to-right fragment, and
        it took about a sixth of a form's drawing time.
        """
        if not self.text_shaping or _NOT_LTR.search(text):
            return super()._preload_bidirectional_text(text, markdown)
        self.text_shaping["paragraph_direction"] = TextDirection.LTR
        self.text_shaping["fragment_direction"] = TextDirection.LTR
        emphasis = (
            "B" in self.font_style,
            "I" in self.font_style,
            self.strikethrough,
            self.underline,
        )
        return tuple(self._preload_font_styles(text, markdown, _initial_emphasis=emphasis))

    def use(self, style: str = "", size: float = BODY) -> None:
        """Select the form font in ``style`` ("", "B", "I", "BI") and ``size`` points (scaled)."""
        self.set_font(fonts.FAMILY, style, size * self.form_scale)

    def footer(self) -> None:
        if not self.page_numbers:
            return
        self.set_y(-10)
        self.use("I", 9)
        self.cell(0, 5, clean(f"Trang {self.page_no()}/{{nb}}"), align="R")

    # --- blocks ----------------------------------------------------------------------------------

    def form_mark(self, number: str | None, basis: str) -> None:
        """Print "Mẫu số 01" and its legal basis (or a note) in the top right corner."""
        y = self.get_y()
        width = 80.0
        self.set_xy(self.w - self.r_margin - width, max(8.0, self.t_margin - 12))
        if number:
            self.use("B", SMALL + 1)
            self.multi_cell(width, 4.5, clean(f"Mẫu số {number}"), align="R")
            self.set_x(self.w - self.r_margin - width)
        self.use("I", 9)
        self.multi_cell(width, 4, clean(basis), align="R")
        self.set_xy(self.l_margin, max(y, self.get_y() + 1))

    def header_block(self, header: Header) -> None:
        """Print the agency (left) and the national motto (right), then number and date."""
        top = self.get_y()
        left_w = 70.0 if self.w < 250 else 100.0
        right_w = self.epw - left_w
        x_left = self.l_margin
        x_right = self.l_margin + left_w
        self.set_xy(x_left, top)
        if header.parent:
            parent, size = self._fit_name(header.parent, header.keep, "", left_w)
            self.use("", size)
            self.multi_cell(
                left_w, 5.5 * self.form_scale, self._balanced(parent, left_w), align="C"
            )
            self.set_x(x_left)
        agency, size = self._fit_name(header.agency, header.keep, "B", left_w)
        self.use("B", size)
        self.multi_cell(left_w, 5.5 * self.form_scale, self._balanced(agency, left_w), align="C")
        rule_w = min(30.0, left_w / 2)
        y_left = self.get_y() + 1
        self.line(x_left + (left_w - rule_w) / 2, y_left, x_left + (left_w + rule_w) / 2, y_left)
        self.set_xy(x_right, top)
        self.use("B", BODY)
        self.multi_cell(right_w, 5.5 * self.form_scale, clean(MOTTO), align="C")
        self.set_x(x_right)
        self.use("B", BODY + 1)
        self.multi_cell(right_w, 6 * self.form_scale, clean(MOTTO_2), align="C")
        motto_w = self.get_string_width(MOTTO_2)
        y_right = self.get_y() + 0.5
        self.line(
            x_right + (right_w - motto_w) / 2, y_right, x_right + (right_w + motto_w) / 2, y_right
        )
        y = max(y_left, y_right) + 2
        if header.number:
            self.set_xy(x_left, y)
            self.use("", BODY)
            self.multi_cell(left_w, self.line_h, clean(f"Số: {header.number}"), align="C")
        end = self.get_y()
        if header.place_date:
            self.set_xy(x_right, y)
            self.use("I", BODY)
            self.multi_cell(right_w, self.line_h, clean(header.place_date), align="C")
        self.set_xy(self.l_margin, max(end, self.get_y(), y + self.line_h) + 4 * self.form_scale)

    def _fit_name(
        self, name: str, keep: Sequence[str], style: str, width: float
    ) -> tuple[str, float]:
        """Return a header name in capitals, its phrases to keep joined, and the size to print it.

        A phrase that would not fit the column even at the smallest size
        is left free to break between its words.
        """
        text = clean(name.upper())
        self.use(style, HEADER_MIN_SIZE)
        room = width - 2 * self.c_margin
        fitting = [p for p in keep if self.get_string_width(clean(p.upper())) <= room]
        glued = keep_together(text, fitting)
        return glued, self._fitting_size(glued, style, width)

    def _balanced(self, text: str, width: float) -> str:
        """Return ``text`` broken into as few lines as at ``width``, but of even lengths.

        The narrowest width that still gives the same number of lines is
        found by bisection over the measured words, so "TRUNG TÂM PHỤC VỤ /
        HÀNH CHÍNH CÔNG / PHƯỜNG NGÃ BẢY" rather than a last line of one word.
        Words joined by no-break spaces count as one.
        """
        room = width - 2 * self.c_margin - 0.5
        space = self.get_string_width(" ")
        paragraphs = []
        for paragraph in text.split("\n"):
            runs = [run for run in paragraph.split(" ") if run]
            widths = [self.get_string_width(run.replace(NBSP, " ")) for run in runs]

            def fill(
                limit: float, runs: list[str] = runs, widths: list[float] = widths
            ) -> list[str]:
                lines: list[list[str]] = []
                used = 0.0
                for run, run_width in zip(runs, widths, strict=True):
                    if lines and used + space + run_width <= limit:
                        lines[-1].append(run)
                        used += space + run_width
                    else:
                        lines.append([run])
                        used = run_width
                return [" ".join(line) for line in lines]

            wanted = len(fill(room))
            low, high = max(widths, default=0.0), room
            for _ in range(16):
                middle = (low + high) / 2
                if len(fill(middle)) > wanted:
                    low = middle
                else:
                    high = middle
            paragraphs.append("\n".join(fill(high)))
        return "\n".join(paragraphs)

    def _fitting_size(self, text: str, style: str, width: float) -> float:
        """Return the largest size, from BODY down, at which every unbreakable run fits ``width``."""
        runs = [run for line in text.split("\n") for run in line.split(" ") if run]
        size = BODY
        while size > HEADER_MIN_SIZE:
            self.use(style, size)
            widest = max((self.get_string_width(run.replace(NBSP, " ")) for run in runs), default=0)
            if widest <= width - 2 * self.c_margin:
                break
            size -= 0.5
        return size

    def heading(self, text: str, *subtitles: str, qr: tuple[str, str] | None = None) -> None:
        """Print the form title in bold capitals, centred, with optional lines below.

        With ``qr`` (address, code) the QR code of the address stands at the
        right of the title, the code printed under it, and the title is
        centred in the room left of it.
        """
        top = self.get_y()
        width = self.epw
        bottom = top
        if qr is not None:
            url, code = qr
            size = QR_SIZE * self.form_scale
            x = self.w - self.r_margin - size
            self.image(BytesIO(qr_png(url)), x=x, y=top, w=size, h=size)
            self.set_xy(x - 6, top + size)
            self.use("B", 8)
            self.cell(size + 12, 3.2, clean(code), align="C")
            bottom = top + size + 3
            width = self.epw - size - 4
            self._float_bottom, self._float_width = bottom, size + 4
            self._float_page = self.page_no()
            self.set_xy(self.l_margin, top + 4 * self.form_scale)
        self.use("B", BODY + 2)
        self.multi_cell(
            width,
            7 * self.form_scale,
            clean(text.upper()),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        for line in subtitles:
            if line:
                self.use("B", BODY)
                self.multi_cell(
                    width, self.line_h, clean(line), align="C", new_x="LMARGIN", new_y="NEXT"
                )
        # With a QR code the next lines go on beside it (see _beside_float).
        self.set_y(self.get_y() + 3 * self.form_scale if qr else max(self.get_y(), bottom) + 3)

    @contextmanager
    def _beside_float(self) -> Iterator[None]:
        """Narrow the right margin while the line starts beside the floating image."""
        if self.page_no() != self._float_page or self.get_y() >= self._float_bottom:
            yield
            return
        saved = self.r_margin
        self.set_right_margin(saved + self._float_width)
        try:
            yield
        finally:
            self.set_right_margin(saved)

    def _below_float(self) -> None:
        """Move below the floating image before a block that needs the full width."""
        if self.page_no() == self._float_page and self.get_y() < self._float_bottom:
            self.set_y(self._float_bottom)

    def para(
        self,
        text: str,
        *,
        style: str = "",
        size: float = BODY,
        align: str = "J",
        indent: float = 0,
        h: float = LINE,
    ) -> None:
        """Print a paragraph that wraps inside the margins (``h`` is scaled with the fonts)."""
        self.use(style, size)
        with self._beside_float():
            self.set_x(self.l_margin + indent)
            self.multi_cell(
                self.epw - indent,
                h * self.form_scale,
                clean(text),
                align=align,
                new_x="LMARGIN",
                new_y="NEXT",
            )

    def labelled(
        self, label: str, value: str, *, bold: bool = False, indent: float = 0, h: float = LINE
    ) -> None:
        """Print "label: value" as one wrapping line; a blank value prints dots."""
        h *= self.form_scale
        with self._beside_float():
            self.set_x(self.l_margin + indent)
            self.use("", BODY)
            self.write(h, clean(f"{label}: "))
            self.use("B" if bold else "", BODY)
            self.write(h, clean(value or "…………………………"))
            self.ln(h)
        self.use("", BODY)

    def labelled_pairs(
        self, pairs: Sequence[tuple[str, str]], *, indent: float = 0, h: float = LINE
    ) -> None:
        """Print several "label: value" on one wrapping line, separated by semicolons."""
        h *= self.form_scale
        with self._beside_float():
            self.set_x(self.l_margin + indent)
            for index, (label, value) in enumerate(pairs):
                self.use("", BODY)
                self.write(h, clean(f"{'; ' if index else ''}{label}: "))
                self.write(h, clean(value or "…………………………"))
            self.ln(h)

    def numbered(self, items: Sequence[str], *, indent: float = 5) -> None:
        """Print "1. item" lines, each wrapping under its own text."""
        self._below_float()
        self.use("", BODY)
        for number, item in enumerate(items, start=1):
            prefix = f"{number}. "
            width = self.get_string_width(prefix) + 1
            y = self.get_y()
            if y + self.line_h > self.page_break_trigger:
                self.add_page()
                y = self.get_y()
            self.set_xy(self.l_margin + indent, y)
            self.cell(width, self.line_h, prefix)
            self.multi_cell(
                self.epw - indent - width, self.line_h, clean(item), new_x="LMARGIN", new_y="NEXT"
            )

    def grid(
        self,
        headings: Sequence[str | HeadCell] | Sequence[Sequence[str | HeadCell]],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        aligns: Sequence[str] | None = None,
        size: float = TABLE,
        line_height: float = 5.0,
    ) -> None:
        """Print a bordered table; long cells wrap, headings repeat on each page.

        ``headings`` is one row of titles, or several rows of titles and
        :class:`HeadCell` (a title spanning columns or rows).
        """
        self._below_float()
        heading_rows: list[Sequence[str | HeadCell]]
        if headings and not isinstance(headings[0], str | HeadCell):
            heading_rows = list(headings)  # type: ignore[arg-type]
        else:
            heading_rows = [headings]  # type: ignore[list-item]
        self.use("", size)
        with self.table(
            align="LEFT",
            col_widths=tuple(widths),
            width=self.epw,
            text_align=tuple(aligns) if aligns else "LEFT",
            line_height=line_height * self.form_scale,
            headings_style=FontFace(emphasis="BOLD"),
            num_heading_rows=len(heading_rows),
            padding=(0.9 * self.form_scale, 1.2),
            v_align="TOP",
        ) as table:
            for titles in heading_rows:
                heading_row = table.row()
                for title in titles:
                    cell = title if isinstance(title, HeadCell) else HeadCell(title)
                    heading_row.cell(
                        clean(cell.text),
                        align="CENTER",
                        v_align="MIDDLE",
                        colspan=cell.colspan,
                        rowspan=cell.rowspan,
                    )
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(clean(value))
        self.ln(2)

    def _ensure_room(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.skipped += self.page_break_trigger - self.get_y()
            self.add_page()

    def _signature(self, block: Signature, x: float, y: float, width: float) -> float:
        self.set_xy(x, y)
        if block.above:
            self.use("I", BODY)
            self.multi_cell(width, self.line_h, clean(block.above), align="C")
            self.set_x(x)
        self.use("B", BODY)
        self.multi_cell(width, self.line_h, clean(block.title), align="C")
        if block.hint:
            self.set_x(x)
            self.use("I", SMALL + 1)
            self.multi_cell(width, 5 * self.form_scale, clean(block.hint), align="C")
        self.set_xy(x, self.get_y() + SIGN_ROOM * self.form_scale)
        if block.name:
            self.use("B", BODY)
            self.multi_cell(width, self.line_h, clean(block.name), align="C")
        return self.get_y()

    def _recipients(self, block: Recipients, x: float, y: float, width: float) -> float:
        self.set_xy(x, y)
        self.use("B", BODY)
        self.multi_cell(width, self.line_h, clean("Nơi nhận:"))
        self.use("", SMALL + 1)
        for line in block.lines:
            self.set_x(x)
            self.multi_cell(width, 5 * self.form_scale, clean(f"- {line}"))
        return self.get_y()

    def closing(
        self, left: Signature | Recipients | None, right: Signature | None, *, room: float = 40
    ) -> None:
        """Print two blocks side by side (signatures, or recipients and signature)."""
        self._below_float()
        self.ln(3 * self.form_scale)
        self._ensure_room(room * self.form_scale)
        y = self.get_y()
        half = self.epw / 2
        ends = [y]
        if isinstance(left, Signature):
            ends.append(self._signature(left, self.l_margin, y, half))
        elif isinstance(left, Recipients):
            ends.append(self._recipients(left, self.l_margin, y, half - 5))
        if right is not None:
            ends.append(self._signature(right, self.l_margin + half, y, half))
        self.set_xy(self.l_margin, max(ends) + 3)

    def notes(self, lines: Sequence[str], *, heading: str = "Ghi chú:") -> None:
        """Print footnotes in small italics."""
        if not lines:
            return
        self.ln(1)
        self._ensure_room(12)
        self.para(heading, style="B", size=SMALL, h=4.2)
        for line in lines:
            self.para(f"- {line}", style="I", size=SMALL, h=4.2, indent=3)
