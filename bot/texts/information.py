"""Information pages in English, written for this project from the facts in shared/reference
(never copied). Each fits a phone screen, names the source of its figures, points to the package
leaflet and the pen's Instructions for Use, and ends with the reminder that it does not replace
a doctor's or pharmacist's advice."""

from __future__ import annotations

from bot.texts.common import NOT_MEDICAL_ADVICE
from bot.texts.language import N_, Joined, _

EMERGENCY = N_(
    "🚑 <b>Emergency</b>: call emergency services at once (112 in Europe, 911 in North America, "
    "or your local emergency number) for trouble breathing, swelling of the face, lips, tongue "
    "or throat, or any other sign of a severe allergic reaction, and for weakness on one side "
    "of the body that comes on suddenly."
)
LEAFLET = N_("📄 More in the package leaflet and your pen's Instructions for Use.")

SIDE_EFFECTS = Joined(
    N_(
        "💊 <b>Side effects of Kesimpta</b>\n"
        "In the studies (Kesimpta compared with teriflunomide, another MS medicine):\n"
        "• colds and other upper airway infections: 39% (38% with teriflunomide)\n"
        "• reactions of the whole body after an injection: 21% (15%), mostly within a day of the "
        "<b>first</b> injection: fever, headache, aching muscles, chills, tiredness; nearly all "
        "were mild or moderate\n"
        "• headache: 13% (12%)\n"
        "• redness, pain, itching or swelling where you injected: 11% (6%)\n"
        "• a lower level of one kind of antibody (IgM) in the blood: 7.7% (3.1%)\n"
        "Urinary tract infections and back pain are also common.\n\n"
        "<b>Serious risks</b>: serious infections, hepatitis B coming back, and rarely PML, a "
        "brain infection. Allergic reactions have been reported since the medicine came on the "
        "market.\n\n"
        "If an effect lasts or bothers you, talk to your doctor. <b>Reporting side effects</b> to "
        "your doctor or your national medicines agency (in the US: FDA MedWatch) helps everyone."
    ),
    "\n\n",
    EMERGENCY,
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

HELP_NOW = Joined(
    N_(
        "🩺 <b>When to call your doctor promptly</b>\n"
        "• signs of an infection: fever, chills, cough, sore throat, burning or frequent "
        "urination, aching all over\n"
        "• signs from the liver: tiredness that keeps getting worse, yellow skin or eyes\n"
        "• new or worsening nerve symptoms: weakness on one side, clumsiness, changes in vision, "
        "or your MS seeming to get worse (weakness on one side that comes on suddenly is an "
        "emergency: see below)\n"
        "• reactions to an injection that get worse, or a new strong reaction after a later "
        "injection"
    ),
    "\n\n",
    EMERGENCY,
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

PRECAUTIONS = Joined(
    N_(
        "🛡 <b>Before you start, and during treatment</b>\n"
        "• <b>Hepatitis B</b>: a blood test before the first injection. With an active hepatitis "
        "B infection Kesimpta must not be used; after an old or silent infection, a liver "
        "specialist is involved.\n"
        "• <b>Immunoglobulins</b> (antibodies in the blood) are measured before starting and "
        "checked during and after treatment.\n"
        "• <b>Vaccines</b>: live or live-attenuated ones at least 4 weeks before the first "
        "injection, and not during treatment, nor after stopping until your B cells have "
        "recovered; inactivated ones, where possible, at least 2 weeks before.\n"
        "• <b>Infections</b>: with an active infection the injection may be delayed until it is "
        "over. Ask your doctor.\n"
        "• <b>Pregnancy</b>: if you could become pregnant, use contraception during treatment and "
        "for 6 months after the last dose. Kesimpta can lower a baby's B cells; if you are "
        "pregnant or planning to be, talk to your doctor. A baby exposed in the womb should not "
        "get live vaccines until its B cells have recovered.\n"
        "• <b>Breastfeeding</b> has not been studied: decide with your doctor.\n"
        "• Not for you after an allergic reaction to ofatumumab, or a life-threatening reaction "
        "to an injection of it."
    ),
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

HOW_TO = Joined(
    N_(
        "💉 <b>Injecting with the pen, step by step</b>\n"
        "With an infection or a fever, ask your doctor before injecting.\n"
        "1. Take the pen out of the fridge 15–30 minutes before, so it reaches room temperature.\n"
        "2. Pick a spot: the front of the thigh, or the belly at least 5 cm from the navel. The "
        "upper outer arm only when someone else (a caregiver or a nurse) injects for you.\n"
        "3. Avoid skin that is tender, bruised, red, scaly or hard, and moles, scars or stretch "
        "marks. A different spot each time is good practice.\n"
        "4. Take the cap off and inject within 5 minutes, following the pen's Instructions for "
        "Use and what your nurse showed you.\n"
        "5. Then tell me: /taken (I'll ask where you injected, to help you vary the spot).\n\n"
        "Your first injection is done with a healthcare professional."
    ),
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

STORAGE = Joined(
    N_(
        "🧊 <b>Keeping the pens</b>\n"
        "• In the fridge at 2–8 °C, in the original box (it protects from light).\n"
        "• Never freeze it, and don't shake it.\n"
        "• If needed, a pen may stay out at room temperature (up to 30 °C) for <b>one</b> period "
        "of up to 7 days. Write the day it came out on the box.\n"
        "• Kept below 30 °C, it may go back in the fridge, but those 7 days still count from the "
        "first time it came out. After them, or if it got warmer than 30 °C, throw it away.\n"
        "• Before injecting: 15–30 minutes out of the fridge."
    ),
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

MISSED = Joined(
    N_(
        "⏰ <b>If you missed a dose</b>\n"
        "Inject it as soon as you can; don't wait for the next planned date. Then tell me with "
        "/taken (add the date if it was an earlier day, e.g. <code>/taken 2026-03-02</code>).\n\n"
        "<b>How the later doses move</b>: the label says the doses after a late one follow the "
        "usual intervals. This bot counts them from the day you actually injected: in the first "
        "weeks 7 days after it (14 before the first monthly dose), later one calendar month after "
        "it. That is this bot's reading of the label, so please check the timing with your "
        "doctor. /schedule shows your new dates."
    ),
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

FAQ = Joined(
    N_(
        "❓ <b>Questions people ask</b>\n"
        "<b>Is Kesimpta chemotherapy?</b> No. It is a monoclonal antibody: it targets one protein "
        "on certain immune cells (B cells), instead of attacking every fast-growing cell as "
        "chemotherapy does.\n\n"
        "<b>How does it compare with Ocrevus?</b> Both are monoclonal antibodies for relapsing "
        "MS. Kesimpta is injected under the skin at home, once a month after the first weeks; "
        "Ocrevus is given mainly as an infusion, and is also approved for primary progressive "
        "MS. Which suits you is a question for your neurologist.\n\n"
        "<b>Can children use it?</b> No, it is approved for adults only.\n\n"
        "<b>What does it cost?</b> That depends on your country, your insurance and your pharmacy; "
        "at the time of writing there is no cheaper biosimilar version. Your pharmacy or insurer "
        "can tell you more."
    ),
    "\n\n",
    LEAFLET,
    "\n\n",
    NOT_MEDICAL_ADVICE,
)

PAGES = {
    "sideeffects": SIDE_EFFECTS,
    "help_now": HELP_NOW,
    "precautions": PRECAUTIONS,
    "howto": HOW_TO,
    "storage": STORAGE,
    "missed": MISSED,
    "faq": FAQ,
}
"""Each page by its command name."""

BUTTONS = {
    "sideeffects": N_("💊 Side effects"),
    "help_now": N_("🩺 When to call the doctor"),
    "precautions": N_("🛡 Precautions"),
    "howto": N_("💉 How to inject"),
    "storage": N_("🧊 Storage"),
    "missed": N_("⏰ Missed a dose"),
    "faq": N_("❓ Questions"),
}

RELATED = {
    "sideeffects": ("help_now", "precautions", "faq"),
    "help_now": ("sideeffects", "precautions"),
    "precautions": ("sideeffects", "howto", "faq"),
    "howto": ("storage", "missed", "sideeffects"),
    "storage": ("howto", "missed"),
    "missed": ("howto", "storage", "faq"),
    "faq": ("sideeffects", "precautions", "howto"),
}
"""The topics offered as buttons under each page."""


def page(topic: str) -> str:
    """The page of a topic in the current language, each part translated on its own."""
    return "".join(_(part) for part in PAGES[topic])


def button_labels() -> dict[str, str]:
    """Each topic's button label in the current language."""
    return {topic: _(label) for topic, label in BUTTONS.items()}
