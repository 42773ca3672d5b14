"""Dose reminders and what follows them: confirming, correcting, snoozing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html import escape

from bot.texts.common import (
    dose_phase,
    medicine,
    shorten,
)
from bot.texts.language import _, day, ngettext, numeric_day

# --- reminders ---------------------------------------------------------------------------


def heads_up(number: int, planned: date, at: time, discreet: bool) -> str:
    return _(
        "📅 Tomorrow, <b>{planned}</b>, is dose {number} ({phase}) of {medicine}. I'll remind you "
        "at {at:%H:%M}."
    ).format(
        planned=numeric_day(planned),
        number=number,
        phase=dose_phase(number),
        medicine=medicine(discreet),
        at=at,
    )


def take_out(number: int, discreet: bool) -> str:
    if discreet:
        text = _(
            "🧊 Time to take your pen out of the fridge: it should sit at room temperature for "
            "15–30 minutes before you inject. Don't shake it, and keep it in its carton, away "
            "from light. Dose {number} reminder in 30 minutes."
        )
    else:
        text = _(
            "🧊 Time to take your Kesimpta pen out of the fridge: it should sit at room "
            "temperature for 15–30 minutes before you inject. Don't shake it, and keep it in its "
            "carton, away from light. Dose {number} reminder in 30 minutes."
        )
    return text.format(number=number)


def first_dose_note() -> str:
    return _(
        "The first injection is usually given under the guidance of a healthcare professional."
    )


def dose_reminder(number: int, planned: date, *, late: bool, discreet: bool, snoozed: bool) -> str:
    if snoozed:
        text = _(
            "⏰ Reminder, as you asked: dose {number} ({phase}) of {medicine}, planned {planned}."
        )
    else:
        text = _("💉 It's time for dose {number} ({phase}) of {medicine}, planned {planned}.")
    text = text.format(
        number=number,
        phase=dose_phase(number),
        medicine=medicine(discreet),
        planned=numeric_day(planned),
    )
    if late:
        text += "\n" + _("(This reminder comes late: I couldn't send it on time.)")
    if number == 1:
        text += "\n" + first_dose_note()
    return text + "\n\n" + _("Tap ✅ once you've injected, or reply <b>done</b> to this message.")


def missed_dose_advice() -> str:
    """What the label says about a missed dose, and that the timing is the doctor's call."""
    return _(
        "The label says to take a missed dose as soon as possible; the doses after it are then "
        "counted from the day you take it. Please check the timing with your doctor."
    )


def days_ago(days: int) -> str:
    return ngettext("{days} day ago", "{days} days ago", days).format(days=days)


def dose_overdue(number: int, planned: date, days: int, discreet: bool) -> str:
    """The first reminder of a dose already late on an earlier day (someone who joined
    mid-treatment with a dose overdue): how late, and what to do."""
    text = _("💉 Dose {number} ({phase}) of {medicine} was planned for {planned} — {ago}.").format(
        number=number,
        phase=dose_phase(number),
        medicine=medicine(discreet),
        planned=numeric_day(planned),
        ago=days_ago(days),
    )
    return (
        text
        + "\n"
        + missed_dose_advice()
        + "\n\n"
        + _("Tap ✅ once you've injected, or reply <b>done</b> to this message.")
    )


def overdue_at_sign_up(
    number: int, planned: date, days: int, remind_at: datetime, now: datetime
) -> str:
    """Part of the plan shown at sign-up when the next dose is already late; `remind_at` and
    `now` are local to the patient."""
    text = _("⚠️ Dose {number} was planned for {planned} — {ago}.").format(
        number=number, planned=numeric_day(planned), ago=days_ago(days)
    )
    if remind_at <= now:
        when = _("I'll send its reminder now, with a button to record it.")
    else:
        when = _("I'll remind you at {at:%H:%M} today, with a button to record it.").format(
            at=remind_at
        )
    return text + " " + missed_dose_advice() + " " + when


def follow_up(number: int, planned: date, discreet: bool) -> str:
    return _(
        "👋 Just checking: have you injected dose {number} ({medicine}) planned {planned}? Tap ✅ "
        "when it's done."
    ).format(number=number, medicine=medicine(discreet), planned=numeric_day(planned))


def missed(number: int, planned: date, discreet: bool) -> str:
    return _(
        "❗ Dose {number} ({medicine}), planned {planned}, looks missed: it isn't recorded 24 "
        "hours after its reminder.\n\n"
        "Inject it as soon as you can; don't wait for the next date. Please check the timing of "
        "your next doses with your doctor. If your doctor told you to wait (for example during "
        "an infection), tap “Not yet / a problem” to pause reminders."
    ).format(number=number, medicine=medicine(discreet), planned=numeric_day(planned))


def overdue(number: int, planned: date, discreet: bool) -> str:
    return _(
        "⚠️ Dose {number} ({medicine}), planned {planned}, is still not recorded. Inject it as "
        "soon as you can, then tap ✅. Your next doses will count from the day you inject it; "
        "check the timing with your doctor."
    ).format(number=number, medicine=medicine(discreet), planned=numeric_day(planned))


def confirm_button() -> str:
    return _("✅ Done, I injected")


def snooze_buttons(at: time | None = None) -> tuple[tuple[str, str], ...]:
    """`at`: the patient's reminder time, which "tomorrow" means (said on the button)."""
    tomorrow = _("⏰ Tomorrow") if at is None else _("⏰ Tomorrow {at:%H:%M}").format(at=at)
    return (("1h", _("⏰ 1 h")), ("3h", _("⏰ 3 h")), ("tomorrow", tomorrow))


def problem_button() -> str:
    return _("🤔 Not yet / a problem")


def recorded(number: int, taken_on: date, next_number: int, next_planned: date) -> str:
    return _(
        "✅ Dose {number} recorded as injected on <b>{taken_on}</b>.\n"
        "Next: dose {next_number} ({next_phase}) on <b>{next_planned}</b>."
    ).format(
        number=number,
        taken_on=numeric_day(taken_on),
        next_number=next_number,
        next_phase=dose_phase(next_number),
        next_planned=day(next_planned),
    )


def earlier_than_plan(earlier: int, later: int, minimum_days: int) -> str:
    """Said after recording, never before: it must not read as leave to inject early."""
    return _(
        "⚠️ <b>Earlier than the plan</b>: dose {later} came sooner after dose {earlier} than the "
        "label's spacing (at least {minimum} days apart). I've recorded it as you said. Please "
        "tell your doctor or nurse, and check the timing of your next doses with them."
    ).format(earlier=earlier, later=later, minimum=minimum_days)


def already_recorded() -> str:
    return _("This dose is already recorded.")


def already_recorded_on(number: int, day: date) -> str:
    return _(
        "Dose {number} is already recorded for {day}, so there's nothing to add. If that date "
        "is wrong, correct it with the 📅 button under the recorded dose; /history lists them."
    ).format(number=number, day=numeric_day(day))


def not_due_yet(number: int, planned: date) -> str:
    return _(
        "Your next dose, dose {number}, is planned for {planned}. If you have already injected "
        "it, record it with /taken."
    ).format(number=number, planned=day(planned))


def not_a_reminder() -> str:
    return _(
        "I can only record a dose from a reply to one of your dose reminders. Use /taken to record "
        "your due dose."
    )


def stale_dose_button() -> str:
    return _("This reminder is out of date: the plan has changed. See /next.")


def correct_button() -> str:
    return _("📅 I injected on another day")


def undo_button() -> str:
    return _("↩️ Undo")


def ask_who() -> str:
    return _("Who gave the injection?")


def who_buttons() -> tuple[tuple[str, str], ...]:
    return (
        ("self", _("🙋 I did")),
        ("caregiver", _("🤝 A caregiver")),
        ("professional", _("🩺 A healthcare professional")),
    )


def ask_site() -> str:
    return _("Where was it injected?")


def site_names() -> dict[str, str]:
    return {
        "thigh_left": _("left thigh"),
        "thigh_right": _("right thigh"),
        "abdomen_left": _("left side of the belly"),
        "abdomen_right": _("right side of the belly"),
        "arm_left": _("left upper outer arm"),
        "arm_right": _("right upper outer arm"),
    }


def site_noted(site: str, suggestion: str) -> str:
    return _(
        "📍 Noted: {site}. Next time, try the {suggestion}, so each spot gets a rest. (Front of "
        "the thigh, or the belly at least 5 cm from the navel; the upper outer arm only when "
        "someone else injects.)"
    ).format(site=site_names()[site], suggestion=site_names()[suggestion])


def ask_correct_date(number: int, taken_on: date) -> str:
    return _(
        "On which day did you inject dose {number}? Tap one, or type the date (for example "
        "<code>{example}</code> or <b>yesterday</b>). Type <b>cancel</b> to keep {taken_on}."
    ).format(number=number, taken_on=day(taken_on), example=numeric_day(taken_on))


def correction_days() -> tuple[tuple[str, str], ...]:
    return (
        ("0", _("Today")),
        ("1", _("Yesterday")),
        ("2", _("2 days ago")),
        ("3", _("3 days ago")),
    )


def undone(number: int) -> str:
    return _("↩️ Undone: dose {number} is no longer recorded.").format(number=number)


def not_recorded_any_more(number: int) -> str:
    """A tap on "who gave it" or "where" after the dose was undone."""
    return _(
        "Dose {number} is no longer recorded (it was undone), so I noted nothing. Record it "
        "again with /taken once you've injected."
    ).format(number=number)


def cannot_undo() -> str:
    return _("That can't be undone any more: a later dose is recorded after it.")


def taken_problems() -> dict[str, str]:
    return {
        "in_future": _("That date is in the future; I can only record injections that happened."),
        "before_previous_dose": _("That's not after your previous recorded injection."),
        "after_next_dose": _("That's after your next recorded injection."),
        "before_first_approval": _("That's before Kesimpta was first approved (2020-08-20)."),
    }


def taken_usage(today: date) -> str:
    return _(
        "Send /taken to record your due dose as injected today, or add the day it was, for "
        "example /taken <code>{example}</code> or /taken <b>yesterday</b>."
    ).format(example=numeric_day(today - timedelta(days=2)))


def which_date_typed(text: str, options: tuple[date, date], command: str | None) -> str:
    """A typed date that reads two ways where no button can carry the answer: each reading
    written out to send back (after the command, if it came with one)."""
    if command is None:
        return _(
            "“{text}” can be read two ways. Type <code>{first}</code> or <code>{second}</code>, "
            "whichever you mean."
        ).format(
            text=escape(shorten(text)),
            first=numeric_day(options[0]),
            second=numeric_day(options[1]),
        )
    return _(
        "“{text}” can be read two ways. Send {command} <code>{first}</code> or {command} "
        "<code>{second}</code>, whichever you mean."
    ).format(
        text=escape(shorten(text)),
        command=command,
        first=numeric_day(options[0]),
        second=numeric_day(options[1]),
    )


def problem_advice(number: int) -> str:
    return _(
        "No problem. About dose {number}:\n"
        "• If you simply haven't had time, inject as soon as you can; don't wait for the next "
        "date. The following doses then count from the day you inject (check the timing with "
        "your doctor).\n"
        "• If your doctor told you to wait, for example because you have an infection, you can "
        "pause reminders and resume them in /settings when you're cleared.\n"
        "• Signs of infection, or anything that worries you: contact your doctor. In an "
        "emergency, call 112 in Europe, 911 in North America, or your local emergency number."
    ).format(number=number)


def pause_button() -> str:
    return _("⏸ Pause reminders (doctor said wait)")


def snoozed_until(when: datetime, today: date) -> str:
    """`when` is local to the patient, `today` their local date."""
    if when.date() == today:
        text = _("⏰ Snoozed until {time} today: I'll remind you again then.")
    elif when.date() == today + timedelta(days=1):
        text = _("⏰ Snoozed until tomorrow {time}: I'll remind you again then.")
    else:
        text = _("⏰ Snoozed until {time} on {day}: I'll remind you again then.")
    return text.format(time=f"{when:%H:%M}", day=numeric_day(when.date()))


def vague_dose_date() -> str:
    return _(
        "That's all right. If you can't pin the day down, type <b>cancel</b> to keep the date I "
        "have, or ask your clinic; you can correct it any time from the confirmation message."
    )
