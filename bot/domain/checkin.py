"""The check-in the day after each loading dose: how did it go? What the answer calls for:
emergency services at once (signs of a severe allergic reaction), the doctor promptly (signs of
infection, a reaction getting worse), or just a note in the diary."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

LOADING_DOSES = frozenset({1, 2, 3})
KIND = "checkin"
ASK_UNTIL = timedelta(days=2)
"""After a downtime, a check-in more than two days after the injection is no longer asked."""
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
    r"atem",
    r"luft ?not",
    r"keine luft",
    r"(?:schwell|geschwollen)\w*.{0,25}(?:gesicht|lippe|zunge|hals|rachen)",
    r"(?:gesicht|lippe|zunge|hals|rachen)\w*.{0,25}(?:schwell|geschwollen)",
    r"ohnmacht",
    r"bewusstlos",
)
"""English and German: a typed answer is read in both, whatever the chosen language."""
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
    r"fieber",
    r"schüttelfrost",
    r"temperatur",
    r"schlimmer",
    r"verschlechter",
    r"infekt",
    r"husten",
    r"halsschmerz",
    r"gelb",
    r"ausschlag",
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


def still_worth_asking(taken_on: date, today: date) -> bool:
    """ "How did it go?" makes sense the day after, or the day after that; not a week later."""
    return today <= taken_on + ASK_UNTIL
