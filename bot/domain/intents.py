"""What a plain message asks for, when it is one of the few things people naturally type instead
of a command ("help", "what's my next dose?", "hilfe", "wann ist meine nächste Spritze?").
Deliberately a short closed list, matched on the whole message: anything else is not
understood, and the caller keeps its safety line for it."""

from __future__ import annotations

import re
from enum import StrEnum

MAX_LENGTH = 80
"""Longer messages say more than a request for one of these; they are not guessed at."""


class Intent(StrEnum):
    """HELP and SUPPORT serve anyone; the others only someone with a plan."""

    HELP = "help"
    NEXT_DOSE = "next"
    SCHEDULE = "schedule"
    SUPPORT = "support"
    TAKEN = "taken"
    """As /taken: the due dose, injected today (the answer offers ↩️ Undo)."""


_PHRASES: dict[Intent, tuple[str, ...]] = {
    Intent.HELP: (
        "help",
        "help me",
        "help please",
        "please help",
        "menu",
        "commands",
        "what can you do",
        "how does this work",
        "hilfe",
        "hilfe bitte",
        "bitte hilfe",
        "befehle",
        "was kannst du",
        "wie funktioniert das",
    ),
    Intent.NEXT_DOSE: (
        "next",
        "next dose",
        "next injection",
        "my next dose",
        "my next injection",
        "when is my next dose",
        "when is my next injection",
        "whats my next dose",
        "what is my next dose",
        "when do i inject next",
        "when is the next dose",
        "nächste",
        "nächste dosis",
        "nächste spritze",
        "nächste injektion",
        "meine nächste dosis",
        "meine nächste spritze",
        "wann ist meine nächste spritze",
        "wann ist meine nächste dosis",
        "wann ist meine nächste injektion",
        "wann ist die nächste spritze",
        "wann muss ich wieder spritzen",
    ),
    Intent.SCHEDULE: (
        "schedule",
        "my schedule",
        "show my schedule",
        "plan",
        "my plan",
        "dose plan",
        "my dose plan",
        "all my doses",
        "zeitplan",
        "mein zeitplan",
        "mein plan",
        "dosisplan",
        "mein dosisplan",
        "spritzplan",
        "mein spritzplan",
    ),
    Intent.SUPPORT: (
        "support",
        "contact support",
        "talk to support",
        "i need support",
        "kontakt",
        "support kontaktieren",
        "kundendienst",
    ),
    Intent.TAKEN: (
        "taken",
        "taken it",
        "dose taken",
        "i took it",
        "i took my dose",
        "i have taken it",
        "ive taken it",
        "injected",
        "i injected",
        "i have injected",
        "ive injected",
        "injection done",
        "done",
        "genommen",
        "gespritzt",
        "erledigt",
        "habe gespritzt",
        "hab gespritzt",
        "ich habe gespritzt",
        "ich hab gespritzt",
        "spritze gesetzt",
        "ich habe meine spritze gesetzt",
        "dosis genommen",
    ),
}

_BY_PHRASE = {phrase: intent for intent, phrases in _PHRASES.items() for phrase in phrases}
_NOT_A_WORD = re.compile(r"[^\w\s]")


def normalized(text: str) -> str:
    """Lowercased, apostrophes and punctuation dropped, single spaces: "What's my next dose?"
    reads as "whats my next dose"."""
    return " ".join(_NOT_A_WORD.sub("", text.lower().replace("’", "'")).split())


def intent_of(text: str) -> Intent | None:
    """The intent a whole message names, or None (not one of the list, too long, or an unknown
    /command, which keeps its own answer)."""
    if len(text) > MAX_LENGTH or text.lstrip().startswith("/"):
        return None
    return _BY_PHRASE.get(normalized(text))
