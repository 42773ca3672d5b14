"""The /history chart renders a phone-sized PNG for any mix of doses, shows no words but the
labels it is given, and leaves matplotlib's global state (pyplot) alone."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from datetime import date, timedelta

import pytest

from bot.chart import DosePoint, adherence_figure, adherence_png
from bot.domain.adherence import Status
from bot.texts.chart import labels

LABELS = labels()

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = date(2025, 1, 6)


def dose(number: int, planned: date, days_off: int | None) -> DosePoint:
    """A taken dose ``days_off`` days after planned (negative: early), or missed (None)."""
    if days_off is None:
        return DosePoint(number, planned, None, Status.MISSED)
    status = Status.ON_TIME if days_off == 0 else Status.LATE if days_off > 0 else Status.EARLY
    return DosePoint(number, planned, planned + timedelta(days=days_off), status)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, checking its place and CRC."""
    assert data.startswith(PNG_SIGNATURE)
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    header = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    assert crc == zlib.crc32(kind + header)
    width, height = struct.unpack(">II", header[:8])
    return width, height


def monthly(days_offs: list[int | None]) -> list[DosePoint]:
    return [
        dose(number, START + timedelta(days=30 * (number - 1)), days_off)
        for number, days_off in enumerate(days_offs, start=1)
    ]


CASES = {
    "one dose": [dose(1, START, 0)],
    "mixed": monthly([0, 2, -1, None, 0, 6, -3, None, 0, 1]),
    "only missed": monthly([None, None]),
    "years of doses": monthly([(n % 5) - 2 if n % 7 else None for n in range(60)]),
    "far off": [dose(1, START, 40), dose(2, START + timedelta(days=7), -20)],
}


@pytest.mark.parametrize("points", CASES.values(), ids=CASES.keys())
def test_renders_a_phone_sized_png(points: list[DosePoint]) -> None:
    data = adherence_png(points, LABELS)
    width, height = png_size(data)
    assert (width, height) == (800, 500)
    assert data.endswith(b"IEND\xaeB`\x82")
    assert len(data) < 200_000


def test_the_only_words_are_the_labels() -> None:
    """Nothing but the given labels, dose numbers, ISO dates and tick numbers appears."""
    from matplotlib.text import Text

    figure = adherence_figure(CASES["mixed"], LABELS)
    figure.canvas.draw()
    shown = {text.get_text() for text in figure.findobj(Text)} - {""}
    words = {LABELS.title, LABELS.x_axis, LABELS.y_axis}
    words |= {LABELS.on_time, LABELS.early, LABELS.late, LABELS.missed}
    numbers = re.compile(r"^(\d{4}-\d{2}-\d{2}|[−-]?\d+)$")
    assert words <= shown
    assert {text for text in shown - words if not numbers.match(text)} == set()


def test_legend_lists_only_statuses_present() -> None:
    from matplotlib.text import Text

    figure = adherence_figure(CASES["only missed"], LABELS)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.findobj(Text) if text.get_text()] == [LABELS.missed]


def test_rejects_nothing_to_plot_and_unsettled_doses() -> None:
    with pytest.raises(ValueError):
        adherence_png([], LABELS)
    with pytest.raises(ValueError):
        adherence_png([DosePoint(1, START, None, Status.OVERDUE)], LABELS)


def test_pyplot_stays_untouched() -> None:
    """Rendering creates no pyplot figure (which would leak memory in a long-running bot)."""
    had_pyplot = "matplotlib.pyplot" in sys.modules
    before = sys.modules["matplotlib.pyplot"].get_fignums() if had_pyplot else None
    adherence_png(CASES["mixed"], LABELS)
    if had_pyplot:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == before
    else:
        assert "matplotlib.pyplot" not in sys.modules


def test_importing_the_bot_does_not_import_matplotlib() -> None:
    """matplotlib is slow to import; the bot loads it on the first chart, not at start."""
    probe = "import sys, bot.app; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
