"""Who someone is to the bot (a newcomer, a patient, a caregiver, staff, or several), and so
which commands their menu and /help offer: each person sees what they can use, nothing they
can't."""

from __future__ import annotations

from dataclasses import dataclass

START = ("start",)
PATIENT = (
    "schedule",
    "next",
    "taken",
    "history",
    "log",
    "pen",
    "pens",
    "appointments",
    "export",
    "report",
    "settings",
    "invite",
    "caregivers",
)
CAREGIVER = ("patients", "settings", "leave")
INFORMATION = ("sideeffects", "precautions", "howto", "storage", "missed", "faq")
ACCOUNT = ("help", "about", "myid", "support", "deletedata")
STAFF = ("broadcast", "broadcasts", "stats")


@dataclass(frozen=True)
class Role:
    """What a person is now; any mix, or none (a newcomer)."""

    patient: bool = False
    caregiver: bool = False
    staff: bool = False


NEWCOMER = Role()


def menu_commands(role: Role) -> tuple[str, ...]:
    """The commands of `role`'s menu, in menu order, each once: /start first (sign up, or the
    status), then their own, then the information pages and the account's."""
    chosen = [*START]
    if role.patient:
        chosen += PATIENT
    if role.caregiver:
        chosen += CAREGIVER
    chosen += INFORMATION + ACCOUNT
    if role.staff:
        chosen += STAFF
    return tuple(dict.fromkeys(chosen))
