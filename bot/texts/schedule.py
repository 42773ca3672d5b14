"""The dose plan, the next dose, and the settings."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.domain.adherence import Status
from bot.domain.schedule import PlannedDose
from bot.texts.common import (
    dose_phase,
    status_mark,
)
from bot.texts.language import _, day, day_month, ngettext, numeric_day, weekday

# --- schedule ----------------------------------------------------------------------------


def schedule_line(dose: PlannedDose, status: Status) -> str:
    mark, label = status_mark(status)
    shown = dose.taken if dose.taken is not None else dose.planned
    if dose.taken is not None and dose.taken != dose.planned and not dose.before_enrolment:
        label = _("{status}, planned {planned}").format(
            status=label, planned=day_month(dose.planned)
        )
    if dose.provisional:
        label = _("{status} (provisional)").format(status=label)
    return _("{mark} Dose {number} · {phase} · <b>{day}</b> · {status}").format(
        mark=mark, number=dose.number, phase=dose_phase(dose.number), day=day(shown), status=label
    )


def undocumented_doses(count: int) -> str:
    return ngettext(
        "☑️ … {count} more injection before enrolment (dates not recorded)",
        "☑️ … {count} more injections before enrolment (dates not recorded)",
        count,
    ).format(count=count)


def schedule_header(zone: str, reminder: time, paused: bool) -> str:
    if paused:
        state = _("⏸ reminders paused")
    else:
        state = _("reminders at {reminder:%H:%M}").format(reminder=reminder)
    return _("📅 <b>Your Kesimpta plan</b> ({zone}, {state})").format(zone=zone, state=state)


def provisional_note() -> str:
    return _(
        "A dose is overdue, so the dates marked provisional assume you inject it today; they will "
        "follow the day you actually inject it."
    )


def next_dose(
    dose: PlannedDose, status: Status, reminder_at_local: datetime, left: timedelta, zone: str
) -> str:
    phase = dose_phase(dose.number)
    if status in (Status.OVERDUE, Status.MISSED):
        return _(
            "⚠️ Dose {number} ({phase}) was due on <b>{planned}</b> and isn't recorded "
            "yet. Inject it as soon as you can, then check the timing of the next doses with "
            "your doctor. If your doctor told you to wait (for example during an infection), "
            "you can pause reminders in /settings."
        ).format(number=dose.number, phase=phase, planned=day(dose.planned))
    when = _("today") if status is Status.DUE_TODAY else weekday(dose.planned)
    return _(
        "💉 Next: <b>dose {number}</b> ({phase}) on <b>{planned}</b> ({when}).\n"
        "Reminder at {reminder:%H:%M} {zone}: {left}."
    ).format(
        number=dose.number,
        phase=phase,
        planned=numeric_day(dose.planned),
        when=when,
        reminder=reminder_at_local,
        zone=zone,
        left=time_left(left),
    )


def time_left(left: timedelta) -> str:
    if left <= timedelta(0):
        return _("the reminder time has passed")
    minutes = int(left.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [_("{days} d").format(days=days)] if days else []
    if hours or days:
        parts.append(_("{hours} h").format(hours=hours))
    if not days:
        parts.append(_("{minutes} min").format(minutes=minutes))
    return _("in {duration}").format(duration=" ".join(parts))


def status_summary(next_line: str) -> str:
    return _("Welcome back!\n\n{next_line}\n\n/schedule · /next · /settings · /help").format(
        next_line=next_line
    )


# --- settings ----------------------------------------------------------------------------


def settings_overview(zone: str, reminder: time, paused: bool, discreet: bool) -> str:
    state = _("⏸ paused") if paused else _("▶️ active")
    style = _("discreet (no medicine name)") if discreet else _("with the medicine's name")
    return _(
        "⚙️ <b>Settings</b>\n"
        "Reminder time: <b>{reminder:%H:%M}</b>\n"
        "Time zone: <b>{zone}</b>\n"
        "Reminders: <b>{state}</b>, {style}\n\n"
        "Changes apply to upcoming doses; injections already recorded keep their dates."
    ).format(reminder=reminder, zone=zone, state=state, style=style)


def settings_time_button() -> str:
    return _("⏰ Reminder time")


def settings_zone_button() -> str:
    return _("🌍 Time zone")


def settings_pause_button() -> str:
    return _("⏸ Pause reminders")


def settings_resume_button() -> str:
    return _("▶️ Resume reminders")


def settings_discreet_button() -> str:
    return _("🙈 Discreet reminders")


def settings_named_button() -> str:
    return _("💊 Name the medicine in reminders")


def ask_new_reminder_time() -> str:
    return _(
        "Type the new reminder time (for example <code>9:00</code>, <b>9am</b> or "
        "<code>21:30</code>), or <b>cancel</b>."
    )


def ask_new_time_zone() -> str:
    return _(
        "🌍 Your new time zone: type your city or country (for example <code>Lisbon</code> or "
        "<code>Portugal</code>), tap one below, or share your location. Type <b>cancel</b> to "
        "keep the current one."
    )


def settings_cancelled() -> str:
    return _("Nothing changed.")


def reminder_time_changed(reminder: time, zone: str) -> str:
    return _(
        "✅ Reminders now come at <b>{reminder:%H:%M}</b> ({zone}) on upcoming dose days."
    ).format(reminder=reminder, zone=zone)


def time_zone_changed(zone: str, local_now: datetime) -> str:
    return _(
        "✅ Time zone changed to <b>{zone}</b> (it's {now:%H:%M} there now). Upcoming "
        "reminders follow it; injections already recorded keep their dates."
    ).format(zone=zone, now=local_now)


def paused() -> str:
    return _(
        "⏸ Reminders are paused. Do this only if your doctor told you to wait (for example "
        "during an infection). Resume in /settings when you're ready."
    )


def resumed() -> str:
    return _("▶️ Reminders are back on.")
