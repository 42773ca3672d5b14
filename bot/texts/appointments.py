"""/appointments: visits and blood tests, their list, the questions that add or change one, and
their reminders (to the patient, and to caregivers the patient chose to tell)."""

from __future__ import annotations

from datetime import date, time
from html import escape

from bot.domain.appointments import MAX_EVERY_MONTHS, NOTE_LENGTH, AppointmentKind, DayProblem
from bot.texts.common import shorten
from bot.texts.language import _, day, numeric_day

SYMBOL = {
    AppointmentKind.NEUROLOGIST: "🩺",
    AppointmentKind.MRI: "🧲",
    AppointmentKind.BLOOD_IMMUNOGLOBULINS: "🩸",
    AppointmentKind.BLOOD_HEPATITIS_B: "🩸",
    AppointmentKind.BLOOD_OTHER: "🩸",
    AppointmentKind.OTHER: "📌",
}


def kind_label(kind: AppointmentKind) -> str:
    """The kind as the chat shows it, its symbol first."""
    return f"{SYMBOL[kind]} {kind_name(kind)}"


def kind_name(kind: AppointmentKind) -> str:
    """The kind in words only (the /report PDF has no emoji font)."""
    names = {
        AppointmentKind.NEUROLOGIST: _("Neurologist"),
        AppointmentKind.MRI: _("MRI scan"),
        AppointmentKind.BLOOD_IMMUNOGLOBULINS: _("Blood test: immunoglobulins"),
        AppointmentKind.BLOOD_HEPATITIS_B: _("Blood test: hepatitis B"),
        AppointmentKind.BLOOD_OTHER: _("Blood test: other"),
        AppointmentKind.OTHER: _("Other"),
    }
    return names[kind]


def what(kind: AppointmentKind, note: str | None) -> str:
    """The kind, with an "other" appointment's note."""
    if note:
        return _("{kind}: {note}").format(kind=kind_label(kind), note=escape(note))
    return kind_label(kind)


def when(on: date, at: time) -> str:
    return _("{day} at {time}").format(day=day(on), time=f"{at:%H:%M}")


def repeats(every_months: int) -> str:
    if every_months == 1:
        return _("repeats every month")
    return _("repeats every {months} months").format(months=every_months)


def line(
    kind: AppointmentKind, note: str | None, on: date, at: time, every: int | None, share: bool
) -> str:
    parts = [f"<b>{when(on, at)}</b>", what(kind, note)]
    if every:
        parts.append(repeats(every))
    if share:
        parts.append(_("caregivers reminded too"))
    return " · ".join(parts)


def list_header() -> str:
    return _("🗓 <b>Your appointments</b>")


def none_yet() -> str:
    return _(
        "🗓 No appointments yet. Add a visit to your neurologist, an MRI scan or a blood test, "
        "and I'll remind you the day before and two hours before."
    )


def list_footer(shared_possible: bool) -> str:
    if shared_possible:
        return _(
            "I remind you the day before at your reminder time and two hours before. Your "
            "caregivers are reminded only of the appointments you switch on for them (👥)."
        )
    return _("I remind you the day before at your reminder time and two hours before.")


def add_button() -> str:
    return _("➕ Add")


def change_button(number: int) -> str:
    return _("✏️ Change {number}").format(number=number)


def cancel_button(number: int) -> str:
    return _("🗑 Cancel {number}").format(number=number)


def share_button(number: int, share: bool) -> str:
    if share:
        return _("👥 {number}: caregivers told ✓").format(number=number)
    return _("👥 {number}: tell caregivers").format(number=number)


def ask_kind() -> str:
    return _("What is the appointment for? Tap one.")


def ask_note() -> str:
    return _(
        "What is it? A few words, for example <i>eye doctor</i> (at most {length} characters)."
    ).format(length=NOTE_LENGTH)


def skip_note_button() -> str:
    return _("Skip")


def ask_day(kind: AppointmentKind, note: str | None, today: date) -> str:
    return _(
        "{what}: on which day? Pick it below, or type it like <code>{example}</code> or "
        "<b>tomorrow</b>."
    ).format(what=what(kind, note), example=numeric_day(today))


def vague_day() -> str:
    return _("Pick the day in the calendar below, or type the date from your letter.")


def day_problem(problem: DayProblem) -> str:
    if problem is DayProblem.PAST:
        return _("That day has already passed. Which day is the appointment?")
    return _("That is more than two years ahead. Please check the date and type it again.")


def ask_time(on: date) -> str:
    return _(
        "{day}: at what time (your local time)? Type it like <code>09:30</code> or tap one."
    ).format(day=day(on))


def time_noted(at: time) -> str:
    return _("🕐 {time}, noted.").format(time=f"{at:%H:%M}")


def time_passed() -> str:
    return _("That time today has already passed. At what time is the appointment?")


def ask_every() -> str:
    return _(
        "Has your doctor asked for this test to be repeated? If so, type the interval in months "
        "(for example <i>every 3 months</i>, whatever your doctor said). Otherwise tap "
        "<b>Only once</b>."
    )


def every_unreadable(text: str) -> str:
    return _(
        "I couldn't read “{text}” as a number of months (1 to {largest}). Type the interval your "
        "doctor gave, or tap <b>Only once</b>."
    ).format(text=escape(shorten(text)), largest=MAX_EVERY_MONTHS)


def once_button() -> str:
    return _("Only once")


def confirm(kind: AppointmentKind, note: str | None, on: date, at: time, every: int | None) -> str:
    text = _("Save this appointment?\n{what}\n{when}").format(
        what=what(kind, note), when=when(on, at)
    )
    if every:
        text += "\n" + repeats(every)
    return text


def save_button() -> str:
    return _("✅ Save")


def discard_button() -> str:
    return _("✖️ Don't save")


def saved() -> str:
    return _("✅ Saved. I'll remind you the day before and two hours before.")


def not_saved() -> str:
    return _("Nothing saved.")


def changed() -> str:
    return _("✅ Changed. The reminders follow the new time.")


def ask_change(number: int) -> str:
    return _("What would you like to change in appointment {number}?").format(number=number)


def change_day_button() -> str:
    return _("📅 Day")


def change_time_button() -> str:
    return _("🕐 Time")


def change_kind_button() -> str:
    return _("🏷 Kind")


def ask_cancel(kind: AppointmentKind, note: str | None, on: date, at: time) -> str:
    return _("Cancel this appointment and its reminders?\n{what}\n{when}").format(
        what=what(kind, note), when=when(on, at)
    )


def cancel_yes_button() -> str:
    return _("🗑 Yes, cancel it")


def cancel_no_button() -> str:
    return _("Keep it")


def cancelled() -> str:
    return _("🗑 Cancelled, with its reminders.")


def kept() -> str:
    return _("Kept as it was.")


def shared(share: bool) -> str:
    if share:
        return _("👥 Your caregivers will be reminded of this appointment too.")
    return _("👥 Your caregivers won't be reminded of this appointment.")


def gone() -> str:
    return _("That appointment is no longer there. /appointments shows the ones you have.")


# --- reminders -----------------------------------------------------------------------------


def reminder(
    kind: AppointmentKind, note: str | None, on: date, at: time, soon: bool, discreet: bool
) -> str:
    """To the patient; in discreet mode without saying what the appointment is."""
    if discreet:
        if soon:
            return _("⏰ Your appointment is at {time} today.").format(time=f"{at:%H:%M}")
        return _("🗓 Reminder: you have an appointment tomorrow, {when}.").format(when=when(on, at))
    if soon:
        return _("⏰ In two hours, at {time}: {what}.").format(
            time=f"{at:%H:%M}", what=what(kind, note)
        )
    return _("🗓 Tomorrow, {when}: {what}.").format(when=when(on, at), what=what(kind, note))


def caregiver_reminder(
    name: str,
    kind: AppointmentKind,
    note: str | None,
    on: date,
    at: time,
    soon: bool,
    discreet: bool,
) -> str:
    """To a caregiver the patient chose to tell (the patient's local time)."""
    name = escape(name)
    if discreet:
        if soon:
            return _("⏰ {name} has an appointment at {time} today.").format(
                name=name, time=f"{at:%H:%M}"
            )
        return _("🗓 {name} has an appointment tomorrow, {when}.").format(
            name=name, when=when(on, at)
        )
    if soon:
        return _("⏰ {name}, in two hours ({time}): {what}.").format(
            name=name, time=f"{at:%H:%M}", what=what(kind, note)
        )
    return _("🗓 {name}, tomorrow, {when}: {what}.").format(
        name=name, when=when(on, at), what=what(kind, note)
    )


def calendar_title(kind: AppointmentKind, note: str | None, discreet: bool) -> str:
    """An appointment's event in the exported calendar (plain text, not HTML)."""
    if discreet:
        return _("Appointment")
    labels = {
        AppointmentKind.NEUROLOGIST: _("Neurologist"),
        AppointmentKind.MRI: _("MRI scan"),
        AppointmentKind.BLOOD_IMMUNOGLOBULINS: _("Blood test: immunoglobulins"),
        AppointmentKind.BLOOD_HEPATITIS_B: _("Blood test: hepatitis B"),
        AppointmentKind.BLOOD_OTHER: _("Blood test"),
        AppointmentKind.OTHER: _("Appointment"),
    }
    title = labels[kind]
    return _("{kind}: {note}").format(kind=title, note=note) if note else title
