"""Sign-up: consent, time zone, first and most recent injection, reminder time."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from bot.domain.answers import ClockProblem, DateProblem
from bot.texts.common import (
    dose_phase,
    shorten,
)
from bot.texts.language import (
    N_,
    _,
    day,
    either,
    month_year,
    numeric_day,
    spelled_day,
    weekday,
)

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


def ask_first_injection(today: date) -> str:
    return _(
        "💉 When is (or was) your <b>first</b> Kesimpta injection?\n\n"
        "Type the date the way you usually write it (for example <code>{example}</code>, "
        "<b>15 Jan</b> or <b>next Monday</b>), or <b>today</b>, <b>tomorrow</b> or "
        "<b>yesterday</b>, or pick it below. If you're already on treatment, give the date "
        "you started."
    ).format(example=numeric_day(today))


def ask_last_injection(first: date, today: date) -> str:
    return _(
        "You started on {first}. When was your <b>most recent</b> injection?\n\n"
        "Type the date (for example <code>{example}</code> or <b>last Monday</b>), <b>today</b> "
        "or <b>yesterday</b>, or pick it below. If you don't remember, just say so. I'll "
        "continue your plan from there."
    ).format(first=day(first), example=numeric_day(today))


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
    return _date_problems()[problem].format(first=numeric_day(first) if first else "")


_DAY_WORDS = (N_("today"), N_("tomorrow"), N_("yesterday"))
"""The words for a day that the handlers pass to `date_unreadable` in English; marked here so
each is shown in the current language (the parser accepts English and German)."""


def date_unreadable(text: str, example: date, keywords: tuple[str, ...]) -> str:
    text = escape(shorten(text))
    if not keywords:
        return _(
            "I couldn't read “{text}” as a date. Please write it like <code>{example}</code>."
        ).format(text=text, example=numeric_day(example))
    words = " / ".join(f"<b>{_(word)}</b>" for word in keywords)
    return _(
        "I couldn't read “{text}” as a date. Please write it like <code>{example}</code>, or "
        "{words}."
    ).format(text=text, example=numeric_day(example), words=words)


def which_date(text: str) -> str:
    return _("“{text}” can be read two ways. Which day do you mean?").format(
        text=escape(shorten(text))
    )


def date_choice_button(option: date) -> str:
    return spelled_day(option)


def vague_date(month: date | None) -> str:
    if month is None:
        return _(
            "That's all right. Pick the day in the calendar below if it comes back to you; the "
            "clinic's letter, your notes or the date on the pen's box may help."
        )
    return _(
        "That's all right. Here is {month}: pick the day in the calendar below, as close as you "
        "can; the clinic's letter, your notes or the date on the pen's box may help."
    ).format(month=month_year(month))


def vague_last_date(month: date | None) -> str:
    return (
        vague_date(month)
        + "\n\n"
        + _(
            "Or tap <b>{button}</b>: I'll assume each dose so far came on its planned day. Please "
            "check that with your clinic."
        ).format(button=plan_from_first_button())
    )


def plan_from_first_button() -> str:
    return _("📅 Plan from my first injection")


def planned_from_first(number: int, on: date) -> str:
    return _(
        "I've assumed your most recent injection was dose {number} on {day}, as planned from your "
        "first injection. Please check this with your clinic: this plan goes beyond what you told "
        "me, and the timing of your next dose is for your doctor to confirm."
    ).format(number=number, day=day(on))


def ask_which_dose(on: date, candidates: tuple[int, ...]) -> str:
    named = [_("dose {number} ({phase})").format(number=n, phase=dose_phase(n)) for n in candidates]
    options = named[0]
    for option in named[1:]:
        options = _("{one} or {other}").format(one=options, other=option)
    return _(
        "Your injection on {day} falls between two planned dates. Was it {options}? "
        "Tap a button or type the number."
    ).format(day=numeric_day(on), options=options)


def which_dose_unclear(candidates: list[int]) -> str:
    return _("Please tap one of the buttons, or type just the dose number ({choices}).").format(
        choices=either([str(number) for number in candidates])
    )


def which_dose_button(number: int) -> str:
    return _("Dose {number} · {phase}").format(number=number, phase=dose_phase(number))


def ask_reminder_time() -> str:
    return _(
        "⏰ At what local time should I remind you on dose days? Type it the way you like (for "
        "example <code>9:00</code>, <b>9am</b> or <code>19:30</code>), or tap one below."
    )


COMMON_TIMES = (("08:00", "09:00", "10:00"), ("12:00", "18:00", "20:00"))


def _clock_problems() -> dict[ClockProblem, str]:
    return {
        ClockProblem.NO_SUCH_HOUR: _(
            "“{text}” isn't a time: the hours go from 0 to 23 (or from 1 to 12 with am or pm)."
        ),
        ClockProblem.NO_SUCH_MINUTE: _("“{text}” isn't a time: the minutes go from 00 to 59."),
        ClockProblem.UNREADABLE: _(
            "“{text}” isn't a time I can read. Type it like <code>9:00</code>, <b>9am</b> or "
            "<code>21:30</code>."
        ),
    }


def time_unreadable(text: str, problem: ClockProblem = ClockProblem.UNREADABLE) -> str:
    return _clock_problems()[problem].format(text=escape(shorten(text)))


def pick_time(text: str) -> str:
    return _("“{text}”: at what time exactly? Tap one below, or type another.").format(
        text=escape(shorten(text))
    )


def enrolled() -> str:
    return _(
        "🎉 You're all set. Here is your plan. /next shows the next dose, /settings changes your "
        "reminder time or time zone, /help lists everything I can do."
    )


def enrolment_resumed() -> str:
    return _("Let's pick up where we left off.")


def picked(on: date) -> str:
    return _("Picked {day}.").format(day=day(on))
