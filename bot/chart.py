"""The /history adherence chart: one mark per dose, how many days early or late it was taken.

Rendering is plain, blocking matplotlib (call it from a worker thread). Every word on the chart
comes in through ``ChartLabels``, so this module holds no user-facing text; the chart carries
only dates, dose numbers and statuses, never names or anything the patient typed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.domain.adherence import Status

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOTTED = frozenset({Status.ON_TIME, Status.EARLY, Status.LATE, Status.MISSED})
"""Doses whose timing is settled: taken (on time, early, late) or missed."""

SIZE_INCHES = (8, 5)
DPI = 100
NUMBERED_UP_TO = 24
"""Beyond this many doses, numbers above the marks would overlap on a phone screen."""

# Okabe-Ito colours (readable with colour blindness), and a distinct shape for each status so
# colour is never the only cue.
_STYLES = {
    Status.ON_TIME: ("#009E73", "o"),
    Status.EARLY: ("#0072B2", "v"),
    Status.LATE: ("#E69F00", "^"),
    Status.MISSED: ("#D55E00", "X"),
}

_RENDER_LOCK = threading.Lock()
"""Matplotlib is not thread-safe, and two /history requests may render at once."""


@dataclass(frozen=True)
class DosePoint:
    """One dose as the chart needs it; ``taken`` is None for a missed dose."""

    number: int
    planned: date
    taken: date | None
    status: Status

    @property
    def days_off(self) -> int:
        """Days after the planned date (negative: early); a missed dose sits on the line."""
        return (self.taken - self.planned).days if self.taken is not None else 0


@dataclass(frozen=True)
class ChartLabels:
    """Every word the chart shows, supplied by the caller (see bot/texts/chart.py)."""

    title: str
    x_axis: str
    y_axis: str
    on_time: str
    early: str
    late: str
    missed: str

    def status(self, status: Status) -> str:
        return {
            Status.ON_TIME: self.on_time,
            Status.EARLY: self.early,
            Status.LATE: self.late,
            Status.MISSED: self.missed,
        }[status]


def adherence_png(points: Sequence[DosePoint], labels: ChartLabels, dpi: int = DPI) -> bytes:
    """The chart as PNG bytes, about 800x500 px so it stays legible on a phone (more pixels
    with a higher `dpi`, for print)."""
    with _RENDER_LOCK:
        figure = adherence_figure(points, labels)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def adherence_figure(points: Sequence[DosePoint], labels: ChartLabels) -> Figure:
    """The chart as a matplotlib Figure on its own Agg canvas: no pyplot, no global state, no
    display. matplotlib is imported here because importing it costs start-up time."""
    if not points:
        raise ValueError("nothing to plot")
    unplottable = {point.status for point in points} - PLOTTED
    if unplottable:
        raise ValueError(f"statuses not plotted: {sorted(unplottable)}")

    from matplotlib import dates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.axhline(0, color="#555555", linestyle="--", linewidth=1.2, zorder=1)

    # The x values are dates: matplotlib converts them itself (its date units), but its stubs
    # take only floats, hence the ignores below.
    for status in (Status.ON_TIME, Status.EARLY, Status.LATE, Status.MISSED):
        group = [point for point in points if point.status == status]
        if not group:
            continue
        colour, marker = _STYLES[status]
        days = [point.planned for point in group]
        offsets = [point.days_off for point in group]
        if status is Status.MISSED:
            for day in days:
                axes.axvline(day, color=colour, alpha=0.25, linewidth=6, zorder=0)  # type: ignore[arg-type]
        else:
            axes.vlines(days, 0, offsets, color=colour, linewidth=2, zorder=2)  # type: ignore[arg-type]
        axes.scatter(days, offsets, s=140, color=colour, marker=marker, zorder=3)  # type: ignore[arg-type]

    if len(points) <= NUMBERED_UP_TO:
        for point in points:
            axes.annotate(
                str(point.number),
                (point.planned, point.days_off),
                xytext=(0, 11 if point.days_off >= 0 else -19),
                textcoords="offset points",
                ha="center",
                fontsize=11,
                color="#333333",
            )

    first = min(point.planned for point in points)
    last = max(point.planned for point in points)
    margin = max(timedelta(days=7), (last - first) * 0.05)
    axes.set_xlim(first - margin, last + margin)  # type: ignore[arg-type]
    reach = max(3, *(abs(point.days_off) for point in points))
    axes.set_ylim(-reach - 1.5, reach + 1.5)

    axes.xaxis.set_major_locator(dates.AutoDateLocator(minticks=3, maxticks=6))
    axes.xaxis.set_major_formatter(dates.DateFormatter("%Y-%m-%d"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=12)
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(labels.title, fontsize=16)
    axes.set_xlabel(labels.x_axis, fontsize=13)
    axes.set_ylabel(labels.y_axis, fontsize=13)

    present = [status for status in _STYLES if any(p.status == status for p in points)]
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=_STYLES[status][1],
            markersize=11,
            color=_STYLES[status][0],
            label=labels.status(status),
        )
        for status in present
    ]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=13
    )
    return figure
