"""The command menu's descriptions, as Telegram shows them beside each command."""

from __future__ import annotations

from bot.texts.language import _


def everyone() -> list[tuple[str, str]]:
    """Each command everyone may use, with its description, in menu order."""
    return [
        ("start", _("Sign up, or see where you are")),
        ("schedule", _("Your dose plan")),
        ("next", _("Your next dose")),
        ("taken", _("Record your due dose")),
        ("history", _("Your injections so far, and your diary")),
        ("log", _("Note a side effect in your diary")),
        ("pen", _("A pen came out of the fridge")),
        ("export", _("Your records as files (CSV, calendar)")),
        ("settings", _("Reminder time, time zone, language, pause")),
        ("invite", _("Invite a caregiver")),
        ("caregivers", _("Your caregivers")),
        ("patients", _("People you follow (caregivers)")),
        ("leave", _("Stop following someone")),
        ("sideeffects", _("Side effects, and when to get help")),
        ("precautions", _("Checks before starting, vaccines, pregnancy")),
        ("howto", _("Injecting with the pen, step by step")),
        ("storage", _("Keeping the pens: fridge, room temperature")),
        ("missed", _("If you missed a dose")),
        ("faq", _("Questions people ask")),
        ("help", _("What the bot can do")),
        ("about", _("What this bot is and what it stores")),
        ("myid", _("Your Telegram id")),
        ("support", _("Write to the support team")),
        ("deletedata", _("Erase everything about you")),
    ]


def staff() -> list[tuple[str, str]]:
    """The support staff's own commands, shown only in their chats."""
    return [
        ("broadcast", _("Send a notice to users (staff)")),
        ("broadcasts", _("Recent broadcasts (staff)")),
        ("stats", _("Aggregate figures (staff)")),
    ]
