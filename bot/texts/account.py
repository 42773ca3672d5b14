"""Help, about (what is stored), the user's id, erasing data, fallbacks."""

from __future__ import annotations

from bot.texts.common import (
    not_medical_advice,
    timing_is_our_reading,
)
from bot.texts.language import _

# --- information and account ---------------------------------------------------------------


def help(*, patient: bool, caregiver: bool, staff: bool) -> str:
    """What this person can do: their own commands (a plan's, a caregiver's, or how to sign
    up), then what everyone has."""
    parts = [_("<b>What I can do</b>")]
    if patient:
        parts.append(_help_patient() + "\n" + _help_pens() + "\n" + _help_appointments())
    elif caregiver:
        parts.append(_("/start – whom you follow; or sign up, if you take Kesimpta yourself too"))
    else:
        parts.append(
            _(
                "/start – sign up: I'll work out your dose dates and remind you\n"
                "/patients – if someone invited you as their caregiver: the people you follow"
            )
        )
    if caregiver:
        parts.append(_help_caregiver())
    parts.append(_help_everyone())
    if staff:
        parts.append(staff_help())
    return "\n\n".join(parts) + "\n\n" + not_medical_advice()


def _help_patient() -> str:
    return _(
        "/start – where you are\n"
        "/schedule – your dose plan, past and upcoming\n"
        "/next – your next dose and when I'll remind you\n"
        "/taken – record your due dose (add a date for an earlier day)\n"
        "/history – your injections: on time, late, missed; and your diary\n"
        "/log – note a side effect in your diary\n"
        "/export – your doses and diary as a spreadsheet, and a calendar file\n"
        "/report – a PDF of your injections for your neurologist\n"
        "/pen – a pen came out of the fridge: I'll count its days at room temperature\n"
        "/settings – reminder time, time zone, pause or resume, language\n"
        "/invite – a link for a caregiver · /caregivers – yours"
    )


def _help_pens() -> str:
    return _("/pens – pens at home: how many, deliveries, a reminder to reorder")


def _help_appointments() -> str:
    return _(
        "/appointments – visits and blood tests: a reminder the day before and two hours before"
    )


def _help_caregiver() -> str:
    return _(
        "<b>As a caregiver</b>\n"
        "/patients – the people you follow: next dose, last dose, how it's going\n"
        "/settings – which alerts you get about them\n"
        "/leave – stop following someone"
    )


def _help_everyone() -> str:
    return _(
        "/sideeffects · /precautions · /howto · /storage · /missed · /faq – about Kesimpta\n"
        "/about – what this bot is, and what it stores\n"
        "/myid – your Telegram id\n"
        "/support – write to the support team (about the bot, not medical questions)\n"
        "/deletedata – erase everything I store about you"
    )


def staff_help() -> str:
    return _(
        "<b>Support staff</b>\n"
        "/broadcast &lt;text&gt; – a notice to users, with a preview first\n"
        "/broadcasts – recent broadcasts and their outcome\n"
        "/stats – aggregate figures"
    )


def about() -> str:
    return "".join(
        (
            _(
                "<b>About this bot</b>\n"
                "An unofficial companion for people treated with Kesimpta (ofatumumab) for "
                "relapsing "
                "multiple sclerosis. It works out your dose dates and helps you keep the rhythm. "
                "It is not "
                "made by the manufacturer and it gives no medical advice: for anything about your "
                "health "
                "or your treatment, ask your doctor, nurse or pharmacist. In an emergency call 112 "
                "in "
                "Europe, 911 in North America, or your local emergency number.\n\n"
                "<b>What it stores</b>: your Telegram id, time zone, reminder time and the "
                "injection dates "
                "you give or confirm (with where you injected, if you say), the notes you /log, "
                "when a "
                "pen came out of the fridge (/pen), your "
                "answers while you sign up, the language you chose, and the caregivers you "
                "approve. "
                "Caregivers you approve see your dose dates, never your notes or injection sites; "
                "nothing "
                "is shared with anyone else. /deletedata erases all of it. If you block the bot, "
                "or leave "
                "the sign-up unfinished, it is deleted after a while."
            ),
            "\n\n",
            timing_is_our_reading(),
        )
    )


def my_id(user_id: int) -> str:
    return _("Your Telegram id is <code>{user_id}</code>.").format(user_id=user_id)


def confirm_erase() -> str:
    return _(
        "🗑 This erases everything I store about you: your plan, your recorded injections, your "
        "diary notes and your settings. It can't be undone. Are you sure?"
    )


def erase_button() -> str:
    return _("✅ Yes, erase everything")


def keep_button() -> str:
    return _("✖️ Keep my data")


def erased() -> str:
    return _(
        "Done: everything I stored about you is erased. Send /start if you ever want to begin "
        "again."
    )


def nothing_to_erase() -> str:
    return _("I don't store anything about you, so there's nothing to erase.")


def erase_kept() -> str:
    return _("Nothing was erased.")


def fallback() -> str:
    return _("I didn't understand that. /help lists what I can do.")


def caregiver_fallback() -> str:
    return _(
        "I didn't understand that. /patients shows the people you follow, /settings your alerts, "
        "/help everything else."
    )


def staff_only() -> str:
    return _("Sorry, that command is for the support team only.")


def something_went_wrong() -> str:
    return _("Sorry, something went wrong on my side. Please try again in a moment.")
