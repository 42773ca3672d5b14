"""Words of the /history adherence chart. No emoji on the chart itself (its font has none);
the caption is sent unformatted."""

from __future__ import annotations

from bot.chart import ChartLabels
from bot.texts.language import _


def chart_caption() -> str:
    return _(
        "📈 Each mark is one dose: on the dashed line on time, above it late, below it early; "
        "✖ a missed dose."
    )


def labels() -> ChartLabels:
    """The chart's words in the current language."""
    return ChartLabels(
        title=_("Your injections: planned date and day taken"),
        x_axis=_("Planned date"),
        y_axis=_("Days early (−) or late (+)"),
        on_time=_("On time"),
        early=_("Early"),
        late=_("Late"),
        missed=_("Missed"),
    )
