"""What a typed message about someone's health calls for. A bot cannot read free text
reliably, so this fails safe: only an answer that is clearly fine gets reassurance; every other
answer gets the emergency advice and the "call your doctor" list. Recognised signs only decide
which of the two comes first.

English and German are read whatever language the person chose, with or without umlauts."""

from __future__ import annotations

import re
from enum import StrEnum

SCAN_LIMIT = 4096
"""Telegram's longest message; nothing longer reaches the bot."""


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    """Signs of a severe allergic reaction or of a stroke: emergency services now."""
    DOCTOR = "doctor"
    """Signs of infection or of new neurological symptoms: the doctor promptly."""
    UNCLEAR = "unclear"
    """Not clearly fine, and nothing recognised: both pieces of advice, to be safe."""
    FINE = "fine"


EMERGENCY_SIGNS = (
    # breathing and swallowing
    r"breath",
    r"can'?t breathe",
    r"wheez",
    r"gasp",
    r"suffocat",
    r"chok",
    r"get (?:any |enough )?air",
    r"\bair\b.{0,10}\bin\b",
    r"air hunger",
    r"swallow",
    r"atem",
    r"atmen",
    r"atmung",
    r"luft ?not",
    r"keine luft",
    r"kaum luft",
    r"luft\w* (?:weg|knapp)",
    r"erstick",
    r"schluck",
    # swelling of the face, lips, tongue or throat
    r"(?:swell|swollen|puff|thick)\w*.{0,30}\b(?:face|lips?|tongue|throat|eyes?|eyelids?|mouth)",
    r"(?:face|lips?|tongue|throat|eyes?|eyelids?|mouth)\b.{0,30}"
    r"(?:swell|swollen|puff|thick|big|huge|blew up|blown up|balloon)",
    r"(?:schwell|geschwollen|dick|aufgequollen)\w*.{0,30}"
    r"(?:gesicht|lippe|zunge|hals|rachen|auge|mund|kehle)",
    r"(?:gesicht|lippe|zunge|hals|rachen|auge|mund|kehle)\w*.{0,30}"
    r"(?:schwell|geschwollen|dick|aufgequollen)",
    # tingling or itching of the lips, tongue or throat
    r"\b(?:lips?|tongue|throat|mouth)\b.{0,25}(?:tingl|itch|numb|prickl|burn)",
    r"(?:tingl|itch|numb|prickl)\w*.{0,25}\b(?:lips?|tongue|throat|mouth)\b",
    r"(?:lippe|zunge|rachen|hals|mund)\w*.{0,25}(?:kribbel|juck|taub|pelzig|brenn)",
    r"(?:kribbel|juck|pelzig)\w*.{0,25}(?:lippe|zunge|rachen|hals|mund)",
    # a tight throat or chest
    r"throat\b.{0,30}(?:tight|clos|narrow|constrict)",
    r"(?:tight|clos|narrow|constrict)\w*.{0,20}throat",
    r"chest\b.{0,30}(?:tight|pain|pressure|heavy|hurt)",
    r"(?:tight|pain|pressure|heavy)\w*.{0,20}chest",
    r"(?:hals|rachen|kehle)\w*.{0,30}"
    r"(?:\beng|schnu|zieht sich|(?:geht|wird|ist|macht|schwillt) (?:\w+ )?zu\b)",
    r"(?:\beng|zugeschnu)\w*.{0,20}(?:hals|rachen|kehle)",
    r"brust\w*.{0,30}(?:\beng|druck|schmerz|stech)",
    r"(?:engegefu|druck|schmerz)\w*.{0,20}brust",
    # hives all over
    r"hives",
    r"welts",
    r"(?:rash|itch|hives|welts|bumps)\w*.{0,30}"
    r"(?:all over|everywhere|whole body|entire body|over my body)",
    r"(?:all over|everywhere|whole body|entire body)\w*.{0,30}(?:rash|itch|hives|welts|bumps)",
    r"nesselsucht",
    r"quaddel",
    r"(?:ausschlag|juck|quaddel|pustel)\w*.{0,30}(?:uberall|ganze[nmr]? korper)",
    r"(?:uberall|ganze[nmr]? korper)\w*.{0,30}(?:ausschlag|juck|quaddel|pustel)",
    # fainting, collapse
    r"faint",
    r"pass(?:ed|ing)? out",
    r"black(?:ed|ing)? out",
    r"collaps",
    r"unconscious",
    r"ohnmacht",
    r"bewusstlos",
    r"umgekippt",
    r"umgefallen",
    r"schwarz vor (?:den )?augen",
    r"kollabier",
    r"zusammengebrochen",
    r"zusammengeklappt",
    # a seizure, blue lips, thoughts of ending one's life
    r"seizure",
    r"convuls",
    r"krampfanfall",
    r"\bblue lips",
    r"lips?\b.{0,15}\bblue",
    r"blaue\w* lippe",
    r"lippe\w*.{0,15}\bblau",
    r"suicid",
    r"suizid",
    r"selbstmord",
    r"want to die",
    r"kill myself",
    r"end my life",
    r"umbringen",
    r"nicht mehr leben",
    # a severe allergic reaction, named
    r"anaphyla",
    r"allergic (?:reaction|shock)",
    r"allergisch\w* (?:reaktion|schock)",
    # signs of a stroke: sudden weakness on one side, a drooping face, slurred speech
    r"sudden\w*.{0,40}(?:weak|numb|paraly|droop|can'?t (?:move|speak|talk))",
    r"(?:weak|numb|paraly)\w*.{0,40}sudden",
    r"(?:face|mouth)\b.{0,20}droop",
    r"slurr",
    r"can'?t (?:speak|talk)",
    r"paraly",
    r"plotzlich\w*.{0,40}(?:schwach|schwache|taub|gelahmt|lahmung|hang|sprechen|bewegen)",
    r"(?:schwach|schwache|taub|gelahmt|lahmung)\w*.{0,40}plotzlich",
    r"lahmung",
    r"gelahmt",
    r"verwaschen",
    r"hangende\w* (?:mund|gesicht)",
)
DOCTOR_SIGNS = (
    # infection
    r"fever",
    r"temperature",
    r"\btemp\b",
    r"\b(?:3[89]|4[0-2])(?:[.,][0-9])? ?(?:°|grad|degrees|c\b)",
    r"\b(?:10[0-5])(?:[.,][0-9])? ?(?:°|degrees|f\b)",
    r"temp\w* (?:of|is|was|von)? ?(?:3[89]|4[0-2]|10[0-5])",
    r"chills?",
    r"shiver",
    r"infect",
    r"cough",
    r"sore throat",
    r"throat\b.{0,15}sore",
    r"\bflu\b",
    r"\bpus\b",
    r"burn\w*.{0,30}(?:pee|urin|toilet|wee)",
    r"(?:pee|urin)\w*.{0,30}(?:burn|hurt|pain|often)",
    r"bladder",
    r"vomit",
    r"throw\w* up",
    r"threw up",
    r"\bpuk",
    r"diarrh",
    r"fieber",
    r"temperatur",
    r"schu[e]?ttelfrost",
    r"frier",
    r"frost",
    r"infekt",
    r"entzund",
    r"husten",
    r"halsschmerz",
    r"grippe",
    r"eiter",
    r"brenn\w*.{0,30}(?:wasserlassen|pinkeln|urin|toilette)",
    r"blase",
    r"erbrech",
    r"durchfall",
    r"\bshak",
    r"trembl",
    r"zitter",
    r"sweat",
    r"schwitz",
    r"burning up",
    r"\bhot\b",
    r"\bheiss",
    r"hitzewall",
    r"so cold",
    r"freezing",
    r"\bpale\b",
    r"\bblass",
    r"ganse ?haut",
    r"runny nose",
    r"sneez",
    r"schnupfen",
    r"niesen",
    r"blood",
    r"bleed",
    r"\bblut",
    r"heart\b.{0,15}(?:racing|pounding|beating fast|skipping)",
    r"palpitat",
    r"herzrasen",
    r"herzklopfen",
    r"herzstolper",
    r"\bfell\b",
    r"hit my head",
    r"gesturzt",
    r"hingefallen",
    r"kopf\w* (?:an)?gestossen",
    # the liver
    r"yellow",
    r"jaundice",
    r"gelb",
    # new or worse neurological symptoms
    r"vision",
    r"blur",
    r"double",
    r"can'?t see",
    r"can'?t move",
    r"nicht (?:mehr )?bewegen",
    r"\bsee\b.{0,20}(?:properly|well|clearly)",
    r"\beyes?ight",
    r"weak",
    r"numb",
    r"tingl",
    r"pins and needles",
    r"clums",
    r"spinning",
    r"walk straight",
    r"can'?t walk",
    r"dreht sich",
    r"nicht (?:mehr |richtig )?(?:laufen|gehen)",
    r"balance",
    r"dizz",
    r"confus",
    r"memory",
    r"sehen",
    r"sehst",
    r"verschwommen",
    r"doppel",
    r"schwach",
    r"schwache",
    r"taub",
    r"kribbel",
    r"gleichgewicht",
    r"schwindel",
    r"verwirrt",
    r"gedachtnis",
    r"ungeschickt",
    # a reaction getting worse
    r"worse",
    r"rash",
    r"spreading",
    r"schlimmer",
    r"verschlecht",
    r"ausschlag",
    r"breitet sich",
)
CONCERN_SIGNS = (
    r"\bfeel",
    r"unwell",
    r"\bsick",
    r"\bill\b",
    r"\bach(?:e|es|ing|y)\b",
    r"wiped out",
    r"rough",
    r"\bpain",
    r"hurt",
    r"\bbad\b",
    r"awful",
    r"terrible",
    r"horrible",
    r"weird",
    r"strange",
    r"wrong",
    r"worried",
    r"scared",
    r"afraid",
    r"symptom",
    r"side ?effect",
    r"reaction",
    r"itch",
    r"\bred\b",
    r"redness",
    r"swell",
    r"swollen",
    r"bruis",
    r"headache",
    r"migraine",
    r"nause",
    r"tired",
    r"exhaust",
    r"fatigue",
    r"sore",
    r"not (?:well|good|ok|okay|fine|great)",
    r"fuhl",
    r"unwohl",
    r"krank",
    r"ubel",
    r"schmerz",
    r"\bweh\b",
    r"\w+weh\b",
    r"tut weh",
    r"schlecht",
    r"komisch",
    r"seltsam",
    r"merkwurdig",
    r"sorge",
    r"angst",
    r"symptom",
    r"nebenwirkung",
    r"reaktion",
    r"juck",
    r"rotung",
    r"\brot\b",
    r"schwellung",
    r"geschwollen",
    r"bluterguss",
    r"kopfschmerz",
    r"migrane",
    r"mude",
    r"erschopf",
    r"nicht (?:gut|ok|okay|so gut|so toll|toll|besonders)",
    r"geht so",
    r"\bnaja\b",
    r"mittelmassig",
    r"so-so",
    r"so so",
    r"could be better",
    r"not (?:too|so|very) (?:good|great|well)",
    r"\bmeh\b",
    r"\bpanic",
    r"anxi",
    r"depress",
    r"can'?t sleep",
    r"nightmare",
    r"appetite",
    r"appetit",
    r"schlaf",
)
"""Words of someone describing how they feel. A plain message (not an answer to a check-in)
that has one gets the full advice even when no sign is recognised."""

FINE_ANSWERS = frozenset(
    {
        "fine",
        "all fine",
        "all good",
        "good",
        "very good",
        "great",
        "ok",
        "okay",
        "all ok",
        "all okay",
        "went fine",
        "went well",
        "it went fine",
        "it went well",
        "all went well",
        "everything went well",
        "everything went fine",
        "everything is fine",
        "everything's fine",
        "everything fine",
        "everything ok",
        "everything okay",
        "everything good",
        "i'm fine",
        "im fine",
        "i am fine",
        "i'm good",
        "im good",
        "i am good",
        "i'm ok",
        "im ok",
        "i am ok",
        "i'm okay",
        "i feel fine",
        "i feel good",
        "i feel great",
        "feeling fine",
        "feeling good",
        "feeling great",
        "no problems",
        "no problems at all",
        "no issues",
        "no side effects",
        "no side effects at all",
        "no reaction",
        "no reactions",
        "perfect",
        "excellent",
        "super",
        "gut",
        "sehr gut",
        "alles gut",
        "alles ok",
        "alles okay",
        "alles in ordnung",
        "alles bestens",
        "alles prima",
        "alles super",
        "bestens",
        "prima",
        "toll",
        "passt",
        "passt alles",
        "mir geht es gut",
        "mir gehts gut",
        "mir geht's gut",
        "es geht mir gut",
        "es ging gut",
        "ging gut",
        "gut gegangen",
        "ist gut gegangen",
        "alles ist gut gegangen",
        "gut geklappt",
        "hat gut geklappt",
        "alles hat gut geklappt",
        "keine probleme",
        "keine beschwerden",
        "keine nebenwirkungen",
        "keine reaktion",
        "keine reaktionen",
    }
)
"""Whole answers that are clearly fine. A closed list on purpose: "fine, but my lips tingle"
or "not fine" are not in it, so they get the advice."""
FINE_MARKS = frozenset(
    {"👍", "👌", "😊", "🙂", "😀", "😃", "😄", "✅", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿"}
)
_FRAME_WORDS = (
    "yes",
    "yeah",
    "thanks",
    "thank you",
    "thx",
    "so far",
    "ja",
    "danke",
    "bisher",
    "bis jetzt",
    "soweit",
)
"""Words around a fine answer that do not change it: "yes, all good, thanks"."""

_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "’": "'", "‘": "'", "´": "'"})
_GERMAN_SPELLED = ((r"ae", "a"), (r"oe", "o"), (r"ue", "u"))
_EDGES = " \t\n.,;:!?…-–—()\"'*~"


def _compile(signs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{sign})" for sign in signs))


_EMERGENCY = _compile(EMERGENCY_SIGNS)
_DOCTOR = _compile(DOCTOR_SIGNS)
_CONCERN = _compile(CONCERN_SIGNS)


def _forms(text: str) -> tuple[str, ...]:
    """The text lowercased with umlauts folded, and once more with ae/oe/ue folded too, so
    "Schüttelfrost", "Schuettelfrost" and "Schuttelfrost" read the same."""
    folded = " ".join(text[:SCAN_LIMIT].lower().translate(_UMLAUTS).split())
    spelled = folded
    for pair, single in _GERMAN_SPELLED:
        spelled = spelled.replace(pair, single)
    return (folded, spelled) if spelled != folded else (folded,)


def signs_in(text: str) -> Urgency | None:
    """The most urgent recognised sign in the text, or None when there is none."""
    return _signs(_forms(text))


def _signs(forms: tuple[str, ...]) -> Urgency | None:
    if any(_EMERGENCY.search(form) for form in forms):
        return Urgency.EMERGENCY
    if any(_DOCTOR.search(form) for form in forms):
        return Urgency.DOCTOR
    return None


def is_clearly_fine(text: str) -> bool:
    """True only for a whole answer from the closed list of fine answers, perhaps with a
    thumbs-up, "yes" or "thanks" around it; any other sign or emoji makes it not fine."""
    if len(text) > 200:
        return False
    tokens = text.lower().translate(_UMLAUTS).split()
    if tokens and all(token in FINE_MARKS for token in tokens):
        return True
    words = " ".join(token for token in tokens if token not in FINE_MARKS).strip(_EDGES)
    changed = True
    while changed:
        changed = False
        for frame in _FRAME_WORDS:
            if words.startswith((frame + " ", frame + ",")):
                words, changed = words[len(frame) :].strip(_EDGES), True
            elif words.endswith((" " + frame, "," + frame)):
                words, changed = words[: -len(frame)].strip(_EDGES), True
    if any(not (char.isalnum() or char in " ',.!") for char in words):
        return False
    return " ".join(words.replace(",", " ").replace(".", " ").replace("!", " ").split()) in (
        FINE_ANSWERS
    )


def triage_answer(text: str) -> Urgency:
    """An answer to "how did it go?": fine only when clearly fine, otherwise advice."""
    found = signs_in(text)
    if found is not None:
        return found
    return Urgency.FINE if is_clearly_fine(text) else Urgency.UNCLEAR


def triage_message(text: str) -> Urgency | None:
    """A plain message that answers no question: advice when it has a sign or talks about how
    the person feels; None when it does neither (the bot then answers as usual, and its "I
    didn't understand" carries the safety line)."""
    forms = _forms(text)
    found = _signs(forms)
    if found is not None:
        return found
    if is_clearly_fine(text):
        return None
    if any(_CONCERN.search(form) for form in forms):
        return Urgency.UNCLEAR
    return None


def advice_order(urgency: Urgency) -> tuple[Urgency, ...]:
    """Which advice a reply carries, most urgent first. Everything but a fine answer carries
    both the emergency and the doctor advice."""
    if urgency is Urgency.FINE:
        return ()
    if urgency is Urgency.DOCTOR:
        return (Urgency.DOCTOR, Urgency.EMERGENCY)
    return (Urgency.EMERGENCY, Urgency.DOCTOR)
