"""Help, about (what is stored), the user's id, erasing data, fallbacks."""

from __future__ import annotations

from bot.texts.common import (
    NOT_MEDICAL_ADVICE,
    TIMING_IS_OUR_READING,
)
from bot.texts.language import N_, Joined, _

# --- information and account ---------------------------------------------------------------

HELP = Joined(
    N_(
        "<b>What I can do</b>\n"
        "/start – sign up, or see where you are\n"
        "/schedule – your dose plan, past and upcoming\n"
        "/next – your next dose and when I'll remind you\n"
        "/taken – record your due dose (add a date for an earlier day)\n"
        "/history – your injections: on time, late, missed; and your diary\n"
        "/log – note a side effect in your diary\n"
        "/export – your doses and diary as a spreadsheet, and a calendar file\n"
        "/pen – a pen came out of the fridge: I'll count its days at room temperature\n"
        "/settings – reminder time, time zone, pause or resume, your alerts\n"
        "/invite – a link for a caregiver · /caregivers – yours\n"
        "/patients – people you follow as a caregiver · /leave – stop following\n"
        "/sideeffects · /precautions · /howto · /storage · /missed · /faq – about Kesimpta\n"
        "/about – what this bot is, and what it stores\n"
        "/myid – your Telegram id\n"
        "/support – write to the support team (about the bot, not medical questions)\n"
        "/deletedata – erase everything I store about you"
    ),
    "\n\n",
    NOT_MEDICAL_ADVICE,
)
STAFF_HELP = Joined(
    "\n\n",
    N_(
        "<b>Support staff</b>\n"
        "/broadcast &lt;text&gt; – a notice to users, with a preview first\n"
        "/broadcasts – recent broadcasts and their outcome\n"
        "/stats – aggregate figures"
    ),
)
ABOUT = Joined(
    N_(
        "<b>About this bot</b>\n"
        "An unofficial companion for people treated with Kesimpta (ofatumumab) for relapsing "
        "multiple sclerosis. It works out your dose dates and helps you keep the rhythm. It is not "
        "made by the manufacturer and it gives no medical advice: for anything about your health "
        "or your treatment, ask your doctor, nurse or pharmacist. In an emergency call 112 in "
        "Europe, 911 in North America, or your local emergency number.\n\n"
        "<b>What it stores</b>: your Telegram id, time zone, reminder time and the injection dates "
        "you give or confirm (with where you injected, if you say), the notes you /log, when a "
        "pen came out of the fridge (/pen), your "
        "answers while you sign up, the language you chose, and the caregivers you approve. "
        "Caregivers you approve see your dose dates, never your notes or injection sites; nothing "
        "is shared with anyone else. /deletedata erases all of it. If you block the bot, or leave "
        "the sign-up unfinished, it is deleted after a while."
    ),
    "\n\n",
    TIMING_IS_OUR_READING,
)


def my_id(user_id: int) -> str:
    return _("Your Telegram id is <code>{user_id}</code>.").format(user_id=user_id)


CONFIRM_ERASE = N_(
    "🗑 This erases everything I store about you: your plan, your recorded injections, your "
    "diary notes and your settings. It can't be undone. Are you sure?"
)
ERASE_BUTTON = N_("✅ Yes, erase everything")
KEEP_BUTTON = N_("✖️ Keep my data")
ERASED = N_(
    "Done: everything I stored about you is erased. Send /start if you ever want to begin again."
)
NOTHING_TO_ERASE = N_("I don't store anything about you, so there's nothing to erase.")
ERASE_KEPT = N_("Nothing was erased.")
FALLBACK = N_("I didn't understand that. /help lists what I can do.")
CAREGIVER_FALLBACK = N_(
    "I didn't understand that. /patients shows the people you follow, /settings your alerts, "
    "/help everything else."
)
STAFF_ONLY = N_("Sorry, that command is for the support team only.")
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")
