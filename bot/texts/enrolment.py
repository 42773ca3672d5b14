"""Sign-up: consent, time zone, first and most recent injection, reminder time."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from bot.domain.answers import DateProblem
from bot.texts.common import (
    dose_phase,
    shorten,
)
from bot.texts.language import N_, _, either, weekday

# --- enrolment ---------------------------------------------------------------------------


def consent(support_sees_name: bool) -> str:
    """`support_sees_name`: staff see the first name of whoever writes to /support (the
    SUPPORT_SHOWS_FIRST_NAME setting), which people are told before they agree."""
    support = (
        _(
            "If you write to the support team (/support), they see your message and your "
            "Telegram first name.\n\n"
        )
        if support_sees_name
        else _(
            "If you write to the support team (/support), they see your message, not your name.\n\n"
        )
    )
    return (
        _(
            "👋 Hello! I'm a companion for people on <b>Kesimpta</b> (ofatumumab). I work out "
            "your dose dates and help you stay on rhythm.\n\n"
            "To do that I need to store, linked to your Telegram account:\n"
            "• your time zone and the time you'd like reminders,\n"
            "• the dates of your injections, and the ones you confirm later.\n\n"
            "I use this only to plan and remind you. Nothing is shared with anyone unless you "
            "invite them. /deletedata erases all of it at any time.\n\n"
        )
        + support
        + _("Do you agree? Tap a button or type <b>yes</b>.")
    )


def consent_agree_button() -> str:
    return _("✅ I agree")


def consent_decline_button() -> str:
    return _("✖️ No thanks")


def consent_declined() -> str:
    return _(
        "No problem, I haven't stored anything about you. You can still read /about and /help, "
        "and send /start whenever you change your mind."
    )


def ask_time_zone() -> str:
    return _(
        "🌍 Which time zone do you live in? I need it to remind you at your local time.\n\n"
        "Type your city or country (for example <code>London</code>, <code>New York</code> or "
        "<code>Germany</code>), tap one below, or share your location (I only keep the time "
        "zone, not where you are)."
    )


def share_location_button() -> str:
    return _("📍 Share my location")


COMMON_ZONES = (
    ("Europe/London", "Europe/Berlin"),
    ("Europe/Paris", "Europe/Madrid"),
    ("America/New_York", "America/Chicago"),
    ("America/Denver", "America/Los_Angeles"),
    ("Australia/Sydney", "Asia/Kolkata"),
)


def zone_unknown(text: str) -> str:
    return _(
        "I don't know the time zone “{text}”. Please type your city or country (for example "
        "<code>Rome</code> or <code>Canada</code>), a time zone name like "
        "<code>America/Toronto</code>, tap one of the buttons, or share your location."
    ).format(text=escape(shorten(text)))


def location_without_zone() -> str:
    return _(
        "I couldn't find a time zone for that spot (the open sea, perhaps?). Please type your city "
        "or country, for example <code>Berlin</code>."
    )


def zone_confirmed(zone: str, local_now: datetime) -> str:
    return _("Time zone: <b>{zone}</b>. It's {now:%H:%M} there now ({weekday}).").format(
        zone=zone, now=local_now, weekday=weekday(local_now)
    )


def ask_first_injection() -> str:
    return _(
        "💉 When is (or was) your <b>first</b> Kesimpta injection?\n\n"
        "Type the date as <code>YYYY-MM-DD</code>, or <b>today</b> or <b>tomorrow</b>, or pick it "
        "below. If you're already on treatment, give the date you started."
    )


def ask_last_injection(first: date) -> str:
    return _(
        "You started on {first}. When was your <b>most recent</b> injection?\n\n"
        "Type <code>YYYY-MM-DD</code>, <b>today</b> or <b>yesterday</b>, or pick it below. "
        "I'll continue your plan from there."
    ).format(first=first)


def _date_problems() -> dict[DateProblem, str]:
    return {
        DateProblem.BEFORE_APPROVAL: _(
            "That's before Kesimpta was first approved (2020-08-20), so it can't be right."
        ),
        DateProblem.TOO_FAR_AHEAD: _("That's more than a year ahead; please give a nearer date."),
        DateProblem.IN_FUTURE: _("That date is in the future; please give the date it happened."),
        DateProblem.BEFORE_FIRST_INJECTION: _("That's before your first injection ({first})."),
    }


def date_problem(problem: DateProblem, first: date | None = None) -> str:
    """Why a date was refused; `first` is the first injection, for the problems that name it."""
    return _date_problems()[problem].format(first=first)


_DAY_WORDS = (N_("today"), N_("tomorrow"), N_("yesterday"))
"""The words for a day that the handlers pass to `date_unreadable` in English; marked here so
each is shown in the current language (the parser accepts English and German)."""


def date_unreadable(text: str, example: date, keywords: tuple[str, ...]) -> str:
    text = escape(shorten(text))
    if not keywords:
        return _(
            "I couldn't read “{text}” as a date. Please use the form <code>YYYY-MM-DD</code> "
            "(for example <code>{example}</code>)."
        ).format(text=text, example=example)
    words = " / ".join(f"<b>{_(word)}</b>" for word in keywords)
    return _(
        "I couldn't read “{text}” as a date. Please use the form <code>YYYY-MM-DD</code> "
        "(for example <code>{example}</code>), or {words}."
    ).format(text=text, example=example, words=words)


def ask_which_dose(day: date, candidates: tuple[int, ...]) -> str:
    named = [_("dose {number} ({phase})").format(number=n, phase=dose_phase(n)) for n in candidates]
    options = named[0]
    for option in named[1:]:
        options = _("{one} or {other}").format(one=options, other=option)
    return _(
        "Your injection on {day} falls between two planned dates. Was it {options}? "
        "Tap a button or type the number."
    ).format(day=day, options=options)


def which_dose_unclear(candidates: list[int]) -> str:
    return _("Please tap one of the buttons, or type just the dose number ({choices}).").format(
        choices=either([str(number) for number in candidates])
    )


def which_dose_button(number: int) -> str:
    return _("Dose {number} · {phase}").format(number=number, phase=dose_phase(number))


def ask_reminder_time() -> str:
    return _(
        "⏰ At what local time should I remind you on dose days? Type it as <code>HH:MM</code> on "
        "the 24-hour clock (for example <code>09:00</code> or <code>19:30</code>), or tap one "
        "below."
    )


COMMON_TIMES = (("08:00", "09:00", "10:00"), ("12:00", "18:00", "20:00"))


def time_unreadable(text: str) -> str:
    return _(
        "“{text}” isn't a time I can use. Please type it as <code>HH:MM</code> on the 24-hour "
        "clock, for example <code>08:30</code> or <code>21:00</code>."
    ).format(text=escape(shorten(text)))


def enrolled() -> str:
    return _(
        "🎉 You're all set. Here is your plan. /next shows the next dose, /settings changes your "
        "reminder time or time zone, /help lists everything I can do."
    )


def enrolment_resumed() -> str:
    return _("Let's pick up where we left off.")


def picked(day: date) -> str:
    return _("Picked {day}.").format(day=day)
