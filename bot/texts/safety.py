"""The safety net for whatever a person types about how they feel: the emergency advice, the
"contact your doctor promptly" list, and the one line every "I didn't understand" carries. The
bot cannot judge symptoms, so these never reassure; they say where to get help."""

from __future__ import annotations

from bot.domain.triage import Urgency, advice_order
from bot.texts.language import _


def emergency_advice() -> str:
    return _(
        "🚑 <b>Call 112 / 911 or your local emergency number now</b> if there are signs of a "
        "severe allergic reaction: trouble breathing or swallowing, swelling of the face, lips, "
        "tongue or throat, hives spreading over the body, fainting, or any other sign of a severe "
        "allergic reaction. Call them too for weakness or numbness on one side, or trouble "
        "speaking, that comes on suddenly."
    )


def doctor_advice() -> str:
    return _(
        "🩺 <b>Contact your doctor promptly</b> (today; out of hours, the on-call service) for: "
        "fever or other signs of an infection, new or worse neurological symptoms such as changes "
        "in your vision, weakness or numbness, burning when passing urine, yellow skin or eyes, or "
        "a reaction that is getting worse."
    )


def leads() -> dict[Urgency, str]:
    return {
        Urgency.EMERGENCY: _("⚠️ What you describe can be a sign of a severe reaction."),
        Urgency.DOCTOR: _("⚠️ What you describe should be looked at by your doctor."),
        Urgency.UNCLEAR: _("I can't judge from a message how you are, so to be safe:"),
    }


def safety_line() -> str:
    return _(
        "If you feel unwell: your doctor; in an emergency 112 / 911 or your local emergency number."
    )


def fine() -> str:
    return _("😊 Glad to hear it went well. If anything changes, tell your doctor.")


def advice(urgency: Urgency) -> str:
    """The advice for an answer that is not clearly fine: a lead, then both pieces of
    advice, the most urgent first."""
    blocks = {Urgency.EMERGENCY: emergency_advice(), Urgency.DOCTOR: doctor_advice()}
    lead = leads().get(urgency)
    lines = [lead] if lead is not None else []
    lines += [blocks[part] for part in advice_order(urgency)]
    return "\n\n".join(lines)


def answer(urgency: Urgency) -> str:
    """The reply to a check-in answer: reassurance only when it was clearly fine."""
    return fine() if urgency is Urgency.FINE else advice(urgency)


def noted() -> str:
    return _("📝 Noted in your diary (/history).")


def with_noted(reply: str) -> str:
    return reply + "\n\n" + noted()


def with_safety_line(reply: str) -> str:
    """An "I didn't understand" answer, never without where to get help."""
    return reply + "\n\n" + safety_line()
