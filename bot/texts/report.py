"""Words of /report: the question with its buttons, the document's caption, and every word
printed in the PDF (`labels`, plain text, not HTML)."""

from __future__ import annotations

from datetime import date, datetime

from bot.chart import ChartLabels
from bot.domain.adherence import Status
from bot.domain.appointments import AppointmentKind
from bot.domain.report import Gap, Period, Report
from bot.report_pdf import ReportLabels
from bot.texts import language
from bot.texts.appointments import kind_name
from bot.texts.language import _, ngettext, numeric_day
from bot.texts.reminders import site_names


def ask_period(named: bool) -> str:
    if named:
        privacy = _("Your first name <b>is</b> printed on it.")
    else:
        privacy = _("Your name is <b>not</b> printed on it unless you choose so below.")
    return (
        _(
            "📄 A report of your injections for your neurologist, as a PDF: every dose with its "
            "timing, the chart, your diary and check-in answers, and your pens' days at room "
            "temperature. Which period should it cover?"
        )
        + "\n"
        + privacy
    )


def period_buttons() -> dict[Period, str]:
    return {
        Period.MONTHS_3: _("Last 3 months"),
        Period.MONTHS_6: _("Last 6 months"),
        Period.MONTHS_12: _("Last 12 months"),
        Period.ALL: _("Everything"),
    }


def name_button(named: bool) -> str:
    if named:
        return _("👤 Name on it: yes (tap for no)")
    return _("👤 Name on it: no (tap for yes)")


def making() -> str:
    return _("📄 Making your report…")


def sent() -> str:
    return _(
        "📄 Your report is below. I made it for you only and don't keep a copy: share it with "
        "your doctor as you like."
    )


def caption() -> str:
    return _("Your injection report (PDF)")


def chart_labels() -> ChartLabels:
    """The chart as printed in the report, where it speaks of the patient, not to them."""
    return ChartLabels(
        title=_("Injections: planned date and day taken"),
        x_axis=_("Planned date"),
        y_axis=_("Days early (−) or late (+)"),
        on_time=_("On time"),
        early=_("Early"),
        late=_("Late"),
        missed=_("Missed"),
    )


def _period(period: Period) -> str:
    return {
        Period.MONTHS_3: _("last 3 months"),
        Period.MONTHS_6: _("last 6 months"),
        Period.MONTHS_12: _("last 12 months"),
        Period.ALL: _("since the first injection"),
    }[period]


def _gap(gap: Gap | None) -> str:
    if gap is None:
        return _("none yet")
    if gap.until is None:
        return ngettext(
            "{days} day since {since}, with no injection recorded since",
            "{days} days since {since}, with no injection recorded since",
            gap.days,
        ).format(days=gap.days, since=numeric_day(gap.since))
    return ngettext(
        "{days} day ({since} to {until})", "{days} days ({since} to {until})", gap.days
    ).format(days=gap.days, since=numeric_day(gap.since), until=numeric_day(gap.until))


def _statuses() -> dict[Status, str]:
    return {
        Status.BEFORE_ENROLMENT: _("before using the bot"),
        Status.ON_TIME: _("on time"),
        Status.EARLY: _("early"),
        Status.LATE: _("late"),
        Status.MISSED: _("missed (not recorded)"),
        Status.OVERDUE: _("overdue"),
        Status.DUE_TODAY: _("due today"),
        Status.UPCOMING: _("upcoming"),
    }


def _injectors() -> dict[str, str]:
    return {
        "self": _("the patient"),
        "caregiver": _("a caregiver"),
        "professional": _("a healthcare professional"),
    }


def _pen_outcomes() -> dict[str | None, str]:
    return {
        "used": _("its dose was recorded"),
        "too_warm": _("it got warmer than 30 °C"),
        None: _("still counting when the report was made"),
    }


def labels(report: Report) -> ReportLabels:
    """Every word of `report`'s PDF in the current language. The date formatters keep this
    language, whichever thread draws the PDF."""
    code = language.current()

    def day(value: date) -> str:
        with language.speaking(code):
            return numeric_day(value)

    def moment(value: datetime) -> str:
        with language.speaking(code):
            return language.moment(value)

    summary = report.summary
    header = [
        (
            _("Period"),
            _("{start} to {end} ({which})").format(
                start=day(report.start), end=day(report.end), which=_period(report.period)
            ),
        ),
        (_("Medicine"), _("Kesimpta (ofatumumab) 20 mg, injected under the skin with a pen")),
        (
            _("Plan"),
            _(
                "weeks 0, 1 and 2, then monthly from week 4; a dose taken early or late moves "
                "the dates after it (the bot's reading of the label)"
            ),
        ),
    ]
    if report.name:
        header.append((_("Patient"), report.name))
    header.append((_("Made on"), moment(report.made_at)))
    counts = [
        (_("Doses planned"), str(summary.planned)),
        (_("On time"), str(summary.on_time)),
        (_("Early"), str(summary.early)),
        (_("Late"), str(summary.late)),
        (_("Missed"), str(summary.missed)),
    ]
    if summary.open:
        counts.append((_("Due, not recorded yet"), str(summary.open)))
    counts.append((_("Longest gap between injections"), _gap(summary.longest_gap)))
    return ReportLabels(
        title=_("Kesimpta injection report"),
        header=tuple(header),
        summary_title=_("Summary"),
        summary=tuple(counts),
        chart_title=_("Timing of each dose"),
        doses_title=_("Every dose"),
        dose_columns=(
            _("Dose"),
            _("Planned"),
            _("Injected"),
            _("Days early (−) / late (+)"),
            _("Status"),
            _("Injected by"),
            _("Site"),
        ),
        no_doses=_("No dose was due in this period."),
        notes_title=_("Diary and check-in answers"),
        note_columns=(_("Date"), _("Note")),
        pens_title=_("Pens at room temperature"),
        pen_columns=(_("For dose"), _("Out of the fridge"), _("Ended"), _("How it ended")),
        appointments_title=_("Appointments"),
        appointment_columns=(_("Date"), _("Time"), _("What")),
        closing=_(
            "On time, early, late and missed are the bot's reading of the plan above, from "
            "what the patient recorded in the chat. This is not a medical assessment: the "
            "doctor decides about the treatment and its timing."
        ),
        page=_("Page {page} of {pages}"),
        day=day,
        moment=moment,
        status=_statuses(),
        injector=_injectors(),
        site=site_names(),
        pen_outcome=_pen_outcomes(),
        appointment_kind={kind.value: kind_name(kind) for kind in AppointmentKind},
    )
