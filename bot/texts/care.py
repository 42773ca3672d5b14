"""History, diary, export, the check-in after loading doses, the pre-start checklist and
the pen timer."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.domain.adherence import Status
from bot.domain.checklist import Check
from bot.domain.checklist import Item as ChecklistItem
from bot.texts.common import (
    medicine,
    not_medical_advice,
    status_mark,
)
from bot.texts.language import _, moment, numeric_day

# --- history -----------------------------------------------------------------------------


def history_header() -> str:
    return _("📖 <b>Your injections</b>")


def diary_header() -> str:
    return _("📝 <b>Your diary</b> (latest first)")


def diary_ask() -> str:
    return _(
        "📝 What did you notice? Pick one, or write it in your next message, for example "
        "<i>headache since this morning</i>."
    )


def diary_choices() -> dict[str, str]:
    return {
        "headache": _("🤕 Headache"),
        "fever": _("🌡 Fever or chills"),
        "site": _("🔴 Redness or swelling where I injected"),
        "tired": _("😴 Tiredness or aching muscles"),
    }


def diary_notes() -> dict[str, str]:
    return {
        "headache": _("headache"),
        "fever": _("fever or chills"),
        "site": _("redness or swelling at the injection site"),
        "tired": _("tiredness or aching muscles"),
    }


def diary_noted(noted_on: date, text: str) -> str:
    return _("📝 Noted in your diary for {day}: <i>{text}</i>. /history shows it.").format(
        day=numeric_day(noted_on), text=escape(text)
    )


def export_csv() -> str:
    return _(
        "📄 Your doses and diary notes as a spreadsheet (CSV). Only you have it; share it with "
        "your doctor if you like."
    )


def export_ics() -> str:
    return _(
        "📅 Your next doses as a calendar file: open it to add them to your phone's calendar. If a "
        "dose is late the dates after it move, so export again after that (/schedule is always "
        "current)."
    )


def calendar_description() -> str:
    return _(
        "Planned by the Kesimpta companion bot. Dates after a late dose move: /schedule in the bot "
        "is always current. Check the timing with your doctor."
    )


def calendar_title(discreet: bool, number: int) -> str:
    """A calendar event's title; discreet mode keeps the medicine's name off the calendar."""
    if discreet:
        return _("Injection (dose {number})").format(number=number)
    return _("Kesimpta injection (dose {number})").format(number=number)


def checkin_answers() -> dict[str, str]:
    return {
        "fine": _("😊 Fine"),
        "fever": _("🤒 Fever, chills or aching"),
        "worse": _("😣 A reaction that gets worse"),
        "breath": _("🚨 Trouble breathing, or a swollen face or throat"),
    }


def checkin_notes() -> dict[str, str]:
    return {
        "fine": _("went fine"),
        "fever": _("fever, chills or aching"),
        "worse": _("a reaction getting worse"),
        "breath": _("trouble breathing or swelling of the face or throat"),
    }


def checkin_question(number: int, discreet: bool) -> str:
    return _(
        "👋 How did {medicine} (dose {number}) go? Tap what fits, or reply to this message in "
        "your own words. In the first weeks, fever, headache, aching muscles, chills or "
        "tiredness within a day of an injection are common, especially after the first "
        "injection."
    ).format(medicine=medicine(discreet), number=number)


def checkin_note(number: int, answer: str) -> str:
    return _("check-in after dose {number}: {answer}").format(number=number, answer=answer)


def check_names() -> dict[str, str]:
    return {
        "hepatitis_b": _("a hepatitis B blood test"),
        "immunoglobulins": _("a blood test of your immunoglobulins (antibodies)"),
        "live_vaccines": _("any live or live-attenuated vaccine you need"),
        "inactivated_vaccines": _("any other (inactivated) vaccine you need"),
    }


def check_buttons() -> dict[str, str]:
    """Short names for the checklist's buttons."""
    return {
        "hepatitis_b": _("Hepatitis B test"),
        "immunoglobulins": _("Immunoglobulin test"),
        "live_vaccines": _("Live vaccines"),
        "inactivated_vaccines": _("Other vaccines"),
    }


def check_button(check: Check, done: bool) -> str:
    """A check's button shows its state: ✅ done, ⬜ not yet; a tap switches it."""
    return ("✅ " if done else "⬜ ") + check_buttons()[check.value]


def checklist_overview(items: list[ChecklistItem]) -> str:
    """The one checklist message: it is edited in place when a check is ticked off. A deadline
    already past is never shown as a date to meet: it is for the doctor."""
    lines = [
        _("📋 <b>Before your first injection</b>, your doctor usually checks these:"),
    ]
    for item in items:
        name = check_names()[item.check.value]
        if item.done:
            line = _("✅ {name}: done")
        elif item.deadline is None:
            line = _(
                "⬜ {name}: before your first injection — your doctor needs the results first; "
                "ask your clinic when."
            )
        elif item.too_late:
            line = _(
                "⬜ {name}: the time for it before your first injection has passed. If it "
                "wasn't done, talk to your doctor before the first injection."
            )
        else:
            line = _("⬜ {name}: by {deadline}")
        lines.append(
            line.format(name=name, deadline=numeric_day(item.deadline) if item.deadline else "")
        )
    lines.append("\n" + _("Tap a check below once it's done (tap again to undo)."))
    if any(item.remind_on is not None for item in items):
        lines.append(_("I'll remind you a week before a date if it isn't ticked off by then."))
    lines.append(_("/precautions explains why.") + " " + not_medical_advice())
    return "\n".join(lines)


def checklist_closed() -> str:
    return _("Your first injection is behind you: this checklist is closed. /next shows your plan.")


def checklist_reminder(check: Check, deadline: date, first_injection: date) -> str:
    return _(
        "📋 Before your first injection on {first_injection}: {check} should be done by "
        "{deadline}. If it's already done, tap below; if your doctor decided otherwise, "
        "nothing to do. /precautions explains why."
    ).format(
        first_injection=numeric_day(first_injection),
        check=check_names()[check.value],
        deadline=numeric_day(deadline),
    )


def pen_question() -> str:
    return _(
        "🧊 Did a pen come out of the fridge just now? If so, I'll count its days at room "
        "temperature and remind you before they run out."
    )


def pen_yes_button() -> str:
    return _("✅ Yes")


def pen_no_button() -> str:
    return _("No")


def pen_not_noted() -> str:
    return _("Alright, nothing noted. Send /pen when a pen comes out of the fridge.")


def pen_undo_button() -> str:
    return _("↩️ Undo")


def pen_undone() -> str:
    return _("↩️ Undone: no pen is counting now. Send /pen when one comes out of the fridge.")


def pen_nothing_to_undo() -> str:
    return _("Nothing to undo: that pen isn't counting any more.")


def pen_too_warm_button() -> str:
    return _("🌡 It got warmer than 30 °C")


def pen_too_warm() -> str:
    return _(
        "🌡 Above 30 °C the pen can't be trusted any more: please don't use it. Throw it away as "
        "your pharmacy advises and use a new pen from the fridge (/pen when it comes out). "
        "/storage has the details."
    )


def _local(at: datetime, zone: str) -> str:
    """`at` as a date and time in the patient's zone, in the current language."""
    return moment(at.astimezone(ZoneInfo(zone)))


def pen_started(removed_at: datetime, discard_at: datetime, zone: str) -> str:
    return _(
        "🧊➡️ Noted: a pen came out of the fridge on {removed_at}.\n"
        "It may stay at room temperature (never above 30 °C) until {discard_at}: one period of 7 "
        "days, which putting it back in the fridge does not restart. I'll remind you on day 6, "
        "and I stop as soon as you record the injection (/taken)."
    ).format(removed_at=_local(removed_at, zone), discard_at=_local(discard_at, zone))


def pen_status(day: int, removed_at: datetime, discard_at: datetime, zone: str) -> str:
    return _(
        "🧊 Your pen has been out of the fridge since {removed_at}: this is day {day} of 7. It "
        "may stay out (never above 30 °C) until {discard_at}. Putting it back in the fridge "
        "doesn't restart the count."
    ).format(removed_at=_local(removed_at, zone), day=day, discard_at=_local(discard_at, zone))


def pen_last_days(discard_at: datetime, zone: str, discreet: bool) -> str:
    if discreet:
        text = _(
            "⏳ Your pen has been out of the fridge for 5 days: it may stay out until "
            "{discard_at}. Plan your injection before then."
        )
    else:
        text = _(
            "⏳ Your Kesimpta pen has been out of the fridge for 5 days: it may stay out until "
            "{discard_at}. Plan your injection before then."
        )
    return text.format(discard_at=_local(discard_at, zone))


def pen_discard(discreet: bool) -> str:
    if discreet:
        return _(
            "🗑 The 7 days are over for the pen that came out of the fridge: please don't use "
            "it. Throw it away as your pharmacy advises and take a new one (/pen when it comes "
            "out). If you already injected with it, record it with /taken."
        )
    return _(
        "🗑 The 7 days are over for the Kesimpta pen that came out of the fridge: please don't "
        "use it. Throw it away as your pharmacy advises and take a new one (/pen when it comes "
        "out). If you already injected with it, record it with /taken."
    )


def diary_too_long(limit: int) -> str:
    return _("That's a bit long for the diary: please keep it under {limit} characters.").format(
        limit=limit
    )


def diary_line(noted_on: date, text: str) -> str:
    return f"{numeric_day(noted_on)} · {escape(text)}"


def no_history() -> str:
    return _("No injections recorded yet. /next shows your first one.")


def history_line(number: int, planned: date, taken: date | None, status: Status) -> str:
    mark, label = status_mark(status)
    actual = _("injected {taken}").format(taken=numeric_day(taken)) if taken else _("not recorded")
    return _("{mark} Dose {number} · planned {planned} · {actual} · {label}").format(
        mark=mark, number=number, planned=numeric_day(planned), actual=actual, label=label
    )


def history_counts(on_time: int, early: int, late: int, missed_now: int) -> str:
    return "\n" + _(
        "On time: {on_time} · early: {early} · late: {late} · missed (open): {missed_now}"
    ).format(on_time=on_time, early=early, late=late, missed_now=missed_now)
