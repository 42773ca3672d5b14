"""The /report PDF read back: its text in English and German (pypdf), pages that grow with
years of doses and repeat the table's header row, A4 or US Letter, a page rendered by
poppler's pdftoppm that is not blank, emoji in a note that cannot break it, and a short
report for a patient with no doses."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.actions.report import Gathered, draw
from bot.domain.adherence import status_for
from bot.domain.report import Injection, NoteRow, Paper, PenRow, Period, Report, build_report
from bot.domain.schedule import Course, build_plan
from bot.report_pdf import MISSING_GLYPH, printable
from bot.texts import report as words
from bot.texts.language import speaking
from tests.conftest import missing_tool

TODAY = date(2026, 12, 5)
NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)
LATENESS = (0, 0, 1, 0, -2, 0, 3, 0)
"""Days late (negative: early) of successive doses, repeated."""


def course_of(years: int) -> Course:
    """A patient who started `years` years before TODAY and injected every dose since, some
    early or late, the latest one a few weeks ago."""
    first = TODAY - timedelta(days=365 * years)
    taken: dict[int, date] = {}
    for number in range(1, 13 * years + 4):
        due = build_plan(Course(first, taken), TODAY, upcoming=1)[-1].planned
        day = due + timedelta(days=LATENESS[number % len(LATENESS)])
        if day > TODAY - timedelta(days=3):
            break
        taken[number] = day
    return Course(first, taken)


def report_for(
    course: Course,
    period: Period = Period.ALL,
    *,
    notes: Sequence[NoteRow] = (),
    pens: Sequence[PenRow] = (),
    name: str | None = None,
) -> Report:
    plan = build_plan(course, TODAY, upcoming=1)
    enrolled = datetime.combine(course.first_injection, time(8), UTC)
    return build_report(
        period=period,
        today=TODAY,
        made_at=NOW,
        first_injection=course.first_injection,
        plan=[
            (
                dose,
                status_for(dose, now=NOW, zone="UTC", reminder_time=time(9), enrolled_at=enrolled),
            )
            for dose in plan
        ],
        injections={number: Injection("self", "thigh_left") for number in course.taken},
        name=name,
        notes=notes,
        pens=pens,
    )


def pdf_of(report: Report, code: str = "en", paper: Paper = Paper.A4) -> PdfReader:
    with speaking(code):
        pdf = draw(Gathered(report, paper), words.labels(report), words.chart_labels())
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text_of(reader: PdfReader) -> str:
    """The words of every page, lines joined (a sentence may wrap anywhere)."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_english_report_says_what_the_neurologist_needs() -> None:
    reader = pdf_of(
        report_for(
            course_of(1),
            Period.MONTHS_6,
            notes=[NoteRow(TODAY - timedelta(days=20), "sore thigh, a bit red")],
            pens=[
                PenRow(12, datetime(2026, 11, 20, 8, tzinfo=UTC), None, None),
            ],
            name="Ana",
        )
    )
    text = text_of(reader)
    for expected in (
        "Kesimpta injection report",
        "(last 6 months)",
        "Kesimpta (ofatumumab) 20 mg",
        "weeks 0, 1 and 2, then monthly from week 4",
        "Ana",
        "Doses planned",
        "Longest gap between injections",
        "Every dose",
        "left thigh",
        "the patient",
        "sore thigh, a bit red",
        "Pens at room temperature",
        "still counting",
        "the doctor decides",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "2026-12-05" in text, "dates as YYYY-MM-DD in English"
    assert reader.pages[0].images, "the adherence chart is on the first page"
    assert reader.metadata is not None and reader.metadata.title == "Kesimpta injection report"


def test_without_the_name_chosen_it_is_not_printed() -> None:
    text = text_of(pdf_of(report_for(course_of(1), Period.MONTHS_3)))
    assert "Patient" not in text.replace("the patient", "")


def test_the_german_report_is_in_german() -> None:
    text = text_of(pdf_of(report_for(course_of(1), Period.MONTHS_12), "de"))
    for expected in (
        "Bericht über die Kesimpta-Injektionen",
        "letzte 12 Monate",
        "Geplante Dosen",
        "Längster Abstand",
        "Oberschenkel links",
        "die Ärztin oder der Arzt",
        "Seite 1 von",
        "05.12.2026",
    ):
        assert expected in text, expected
    for english in ("Every dose", "Summary", "the doctor decides", "2026-12-05"):
        assert english not in text, english


def test_pages_grow_with_years_of_doses_and_repeat_the_header_row() -> None:
    one = pdf_of(report_for(course_of(1)))
    six = pdf_of(report_for(course_of(6)))
    assert len(six.pages) >= len(one.pages) + 2
    pages = [page.extract_text() for page in six.pages]
    with_doses = [text for text in pages if "thigh" in text]
    assert len(with_doses) >= 3, "the table runs over several pages"
    for text in with_doses:
        assert "Injected by" in text and "Planned" in text, "header row on every page"
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_letter_or_a4_paper() -> None:
    report = report_for(course_of(1), Period.MONTHS_3)
    a4 = pdf_of(report, paper=Paper.A4).pages[0].mediabox
    letter = pdf_of(report, paper=Paper.LETTER).pages[0].mediabox
    assert (round(a4.width), round(a4.height)) == (595, 842)
    assert (round(letter.width), round(letter.height)) == (612, 792)


def test_emoji_and_other_missing_characters_never_break_it() -> None:
    assert printable("🤒 Fieber 💉 und ✅ müde") == "Fieber und müde"
    assert printable("头痛 headache") == f"{MISSING_GLYPH}{MISSING_GLYPH} headache"
    assert printable("line one\nline two") == "line one\nline two"
    note = "🤒🤒 Kopfschmerzen nach der Spritze 💉, 头痛"
    text = text_of(pdf_of(report_for(course_of(1), notes=[NoteRow(TODAY, note)]), "de"))
    assert "Kopfschmerzen nach der Spritze" in text
    assert "🤒" not in text and "💉" not in text


def test_a_patient_with_no_doses_gets_a_short_report() -> None:
    report = report_for(Course(TODAY + timedelta(days=10), {}), Period.MONTHS_3)
    assert report.empty
    reader = pdf_of(report)
    assert len(reader.pages) == 1
    assert not reader.pages[0].images, "no chart without a dose"
    text = text_of(reader)
    assert "No dose was due in this period." in text
    assert "none yet" in text and "the doctor decides" in text


def test_a_page_rendered_by_pdftoppm_is_not_blank(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        missing_tool("pdftoppm is not installed (Debian package poppler-utils)")
    with speaking("en"):
        report = report_for(course_of(2), Period.MONTHS_12)
        pdf = draw(Gathered(report, Paper.A4), words.labels(report), words.chart_labels())
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-gray",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    (page,) = tmp_path.glob("page*.png")
    image = Image.open(page).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02, "an A4 page"
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (width * height)
    assert 0.01 < dark < 0.5, f"ink on {dark:.1%} of the page"
    top_half = image.crop((0, 0, width, height // 2)).histogram()
    assert sum(top_half[:128]) > 0, "the header and summary are drawn"


@pytest.mark.parametrize("code", ["en", "de"])
def test_every_status_and_outcome_has_words(code: str) -> None:
    report = report_for(course_of(1))
    with speaking(code):
        labels = words.labels(report)
    assert all(labels.status.values()) and None in labels.pen_outcome
    assert set(labels.site) >= {"thigh_left", "arm_right"}
    assert set(labels.injector) == {"self", "caregiver", "professional"}
