"""The /report PDF: a `bot.domain.report.Report` laid out on A4 or US Letter with fpdf2.

fpdf2 (pure Python) writes the PDF: tables that break across pages with their header row
repeated, embedded TrueType fonts and images, none of which is worth writing by hand. The font
is DejaVu Sans, which matplotlib already ships, so German and most other alphabets print;
characters it lacks (emoji in a diary note) are replaced or dropped before they reach fpdf2.
It prints in black and white: status words and signed day counts in the table, grey rules and
headings only, and the chart's marks differ in shape, not only in colour.

Every word comes in through `ReportLabels` (see bot/texts/report.py). Rendering is blocking
(call it from a worker thread); nothing is written to disk or kept.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.adherence import Status
from bot.domain.report import Paper, Report

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
MARGIN_MM = 15
BODY_PT = 9.5
HEADING_PT = 12
TITLE_PT = 16
HEADING_GREY = 225
"""The table's header rows: a light grey fill that any printer renders, with bold words."""
MISSING_GLYPH = "□"
MINUS = "−"


@dataclass(frozen=True)
class ReportLabels:
    """Every word the PDF shows, supplied by the caller in the patient's language. `header`
    and `summary` are label/value pairs already worded; the mappings name statuses, who
    injected, sites, how a pen's period ended (key None: still counting) and appointments' kinds."""

    title: str
    header: tuple[tuple[str, str], ...]
    summary_title: str
    summary: tuple[tuple[str, str], ...]
    chart_title: str
    doses_title: str
    dose_columns: tuple[str, str, str, str, str, str, str]
    no_doses: str
    notes_title: str
    note_columns: tuple[str, str]
    pens_title: str
    pen_columns: tuple[str, str, str, str]
    appointments_title: str
    appointment_columns: tuple[str, str, str]
    closing: str
    page: str  # with {page} and {pages}
    day: Callable[[date], str]
    moment: Callable[[datetime], str]
    status: Mapping[Status, str]
    injector: Mapping[str, str]
    site: Mapping[str, str]
    pen_outcome: Mapping[str | None, str]
    appointment_kind: Mapping[str, str]


def font_path(bold: bool = False) -> Path:
    """DejaVu Sans as matplotlib ships it (a dependency already, so no font file of our own)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


@cache
def _glyphs() -> frozenset[int]:
    """The code points both weights of the font can draw."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools has no types

    regular, bold = (set(TTFont(font_path(b), lazy=True).getBestCmap()) for b in (False, True))
    return frozenset(regular & bold)


def printable(text: str) -> str:
    """`text` with what the font cannot draw taken out: emoji, other symbols and the
    invisible marks that build them are dropped, any other missing letter becomes □ (so a
    word in an alphabet the font lacks still shows that something was there)."""
    glyphs = _glyphs()
    kept = []
    for char in text:
        if char in "\n\t" or ord(char) in glyphs:
            kept.append(char)
        elif unicodedata.category(char) not in {"So", "Sk", "Cf", "Mn", "Me", "Cs", "Co", "Cc"}:
            kept.append(MISSING_GLYPH)
    return re.sub(" {2,}", " ", "".join(kept)).strip()


def signed_days(days: int | None) -> str:
    """+3, 0, or a real minus sign (U+2212) before the days early; empty for a dose not taken."""
    if days is None:
        return ""
    return f"+{days}" if days > 0 else (f"{MINUS}{-days}" if days < 0 else "0")


def render(report: Report, labels: ReportLabels, chart_png: bytes | None, paper: Paper) -> bytes:
    """The PDF's bytes. `chart_png` is the adherence chart (bot.chart), or None for none."""
    pdf = _document(labels, paper)
    pdf.add_page()
    _title(pdf, labels.title)
    _pairs(pdf, labels.header)
    _heading(pdf, labels.summary_title)
    _pairs(pdf, labels.summary)
    if chart_png is not None:
        _heading(pdf, labels.chart_title)
        width = pdf.epw * 0.85
        pdf.image(io.BytesIO(chart_png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
    _heading(pdf, labels.doses_title)
    if report.doses:
        _table(
            pdf,
            labels.dose_columns,
            [
                (
                    str(row.number),
                    labels.day(row.planned),
                    labels.day(row.taken) if row.taken else "",
                    signed_days(row.days_off),
                    labels.status[row.status],
                    labels.injector.get(row.injector or "", ""),
                    labels.site.get(row.site or "", ""),
                )
                for row in report.doses
            ],
            widths=(11, 18, 18, 15, 22, 30, 28),
            aligned=("C", "L", "L", "C", "L", "L", "L"),
        )
    else:
        _paragraph(pdf, labels.no_doses)
    if report.appointments:
        _heading(pdf, labels.appointments_title)
        _table(
            pdf,
            labels.appointment_columns,
            [
                (
                    labels.day(row.day),
                    row.at.strftime("%H:%M") if row.at else "",
                    labels.appointment_kind[row.kind] + (f": {row.note}" if row.note else ""),
                )
                for row in report.appointments
            ],
            widths=(20, 12, 68),
        )
    if report.notes:
        _heading(pdf, labels.notes_title)
        _table(
            pdf,
            labels.note_columns,
            [(labels.day(note.day), note.text) for note in report.notes],
            widths=(18, 82),
        )
    if report.pens:
        _heading(pdf, labels.pens_title)
        _table(
            pdf,
            labels.pen_columns,
            [
                (
                    str(pen.dose_number),
                    labels.moment(pen.removed),
                    labels.moment(pen.ended) if pen.ended else "",
                    labels.pen_outcome.get(pen.outcome, labels.pen_outcome[None]),
                )
                for pen in report.pens
            ],
            widths=(12, 28, 28, 32),
            aligned=("C", "L", "L", "L"),
        )
    pdf.ln(4)
    _paragraph(pdf, labels.closing, bold=True)
    return bytes(pdf.output())


def _document(labels: ReportLabels, paper: Paper) -> FPDF:
    from fpdf import FPDF

    page = printable(labels.page)

    class _Pages(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=8)
            self.cell(0, 5, page.format(page=self.page_no(), pages="{nb}"), align="C")

    pdf = _Pages(format="Letter" if paper is Paper.LETTER else "A4", unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM + 5)
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_font(FONT, "B", str(font_path(bold=True)))
    pdf.set_font(FONT, size=BODY_PT)
    pdf.set_title(printable(labels.title))
    pdf.set_creator("Kesimpta companion bot")
    pdf.set_draw_color(120)
    return pdf


def _title(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "B", TITLE_PT)
    pdf.multi_cell(0, 8, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=BODY_PT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    if pdf.will_page_break(20):  # a heading never ends a page alone
        pdf.add_page()
    pdf.set_font(FONT, "B", HEADING_PT)
    pdf.multi_cell(0, 7, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(FONT, size=BODY_PT)


def _paragraph(pdf: FPDF, text: str, *, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", BODY_PT)
    pdf.multi_cell(0, 5, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=BODY_PT)


def _pairs(pdf: FPDF, pairs: Sequence[tuple[str, str]]) -> None:
    """Label: value lines, the labels bold in a column of their own."""
    label_width = pdf.epw * 0.32
    for label, value in pairs:
        top = pdf.get_y()
        pdf.set_font(FONT, "B", BODY_PT)
        pdf.multi_cell(label_width, 5, printable(label), align="L", new_x="LMARGIN", new_y="NEXT")
        below_label = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_width, top)
        pdf.set_font(FONT, "", BODY_PT)
        pdf.multi_cell(0, 5, printable(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), below_label))


def _table(
    pdf: FPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int],
    aligned: Sequence[str] | None = None,
) -> None:
    """A table as wide as the page, split across pages with its header row repeated."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, size=BODY_PT)
    with pdf.table(
        col_widths=tuple(widths),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_GREY),
        line_height=5,
        padding=1,
        repeat_headings=1,
        text_align=tuple(aligned or ("L",) * len(headings)),
        v_align="TOP",
        width=pdf.epw,
    ) as table:
        table.row([printable(text) for text in headings])
        for cells in rows:
            table.row([printable(text) for text in cells])
