"""The check-in the day after each loading dose: how did it go? What the answer calls for:
emergency services at once (signs of a severe allergic reaction), the doctor promptly (signs of
infection, a reaction getting worse), or just a note in the diary."""

from __future__ import annotations

import re
from enum import StrEnum

LOADING_DOSES = frozenset({1, 2, 3})
KIND = "checkin"
CHECKIN_PRIORITY = 2


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    DOCTOR = "doctor"
    DIARY = "diary"


EMERGENCY_SIGNS = (
    r"breath",
    r"can'?t breathe",
    r"wheez",
    r"(?:swell|swollen)\w* (?:of |in )?(?:my |the )?(?:face|lips?|tongue|throat)",
    r"(?:face|lips?|tongue|throat) (?:is |are )?(?:swell|swollen)",
    r"throat (?:\w+ )?(?:tight|closing)",
    r"anaphyla",
    r"faint",
)
DOCTOR_SIGNS = (
    r"fever",
    r"chills?",
    r"temperature",
    r"getting worse",
    r"worse",
    r"infection",
    r"cough",
    r"sore throat",
    r"yellow",
    r"rash",
)


def urgency_of(answer: str) -> Urgency:
    """What a typed answer calls for; the most urgent sign found wins."""
    text = " ".join(answer.lower().split())
    if any(re.search(sign, text) for sign in EMERGENCY_SIGNS):
        return Urgency.EMERGENCY
    if any(re.search(sign, text) for sign in DOCTOR_SIGNS):
        return Urgency.DOCTOR
    return Urgency.DIARY


def needs_checkin(dose_number: int) -> bool:
    """The loading doses, the first above all, are when whole-body reactions are most likely."""
    return dose_number in LOADING_DOSES
