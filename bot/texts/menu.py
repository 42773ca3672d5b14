"""The command menu's descriptions, as Telegram shows them beside each command."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts.language import _


def entries(commands: Sequence[str], *, caregiver_only: bool) -> list[tuple[str, str]]:
    """Each of `commands` with its description; /start and /settings say something else to
    someone who follows others but has no plan of their own."""
    described = _descriptions()
    if caregiver_only:
        described |= _caregiver_descriptions()
    return [(command, described[command]) for command in commands]


def _caregiver_descriptions() -> dict[str, str]:
    return {
        "start": _("Whom you follow, or sign up yourself"),
        "settings": _("Your alerts, language"),
    }


def _descriptions() -> dict[str, str]:
    return dict(
        [
            ("start", _("Sign up, or see where you are")),
            ("schedule", _("Your dose plan")),
            ("next", _("Your next dose")),
            ("taken", _("Record your due dose")),
            ("history", _("Your injections so far, and your diary")),
            ("log", _("Note a side effect in your diary")),
            ("pen", _("A pen came out of the fridge")),
            ("pens", _("Pens at home: count, deliveries, reorder")),
            ("appointments", _("Visits and blood tests, with reminders")),
            ("export", _("Your records as files (CSV, calendar)")),
            ("report", _("A PDF report for your neurologist")),
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
            ("broadcast", _("Send a notice to users (staff)")),
            ("broadcasts", _("Recent broadcasts (staff)")),
            ("stats", _("Aggregate figures (staff)")),
        ]
    )


def page_button() -> str:
    """The button under /schedule and /history that opens the patient's page."""
    return _("📅 Open my calendar")


def page_menu_button() -> str:
    """The chat's menu button that opens the patient's page (a few words: it sits beside the
    typing field)."""
    return _("My doses")
