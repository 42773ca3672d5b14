"""The few plain requests the bot understands without a command, in English and German; anything
else, and anything long, is left to the fallback (and its safety line)."""

from __future__ import annotations

import pytest

from bot.domain.intents import MAX_LENGTH, Intent, intent_of


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("help", Intent.HELP),
        ("Help!", Intent.HELP),
        ("  HILFE  ", Intent.HELP),
        ("what can you do?", Intent.HELP),
        ("what's my next dose?", Intent.NEXT_DOSE),
        ("What’s my next dose", Intent.NEXT_DOSE),
        ("When is my next injection?", Intent.NEXT_DOSE),
        ("wann ist meine nächste Spritze?", Intent.NEXT_DOSE),
        ("Nächste Dosis", Intent.NEXT_DOSE),
        ("my schedule", Intent.SCHEDULE),
        ("Mein Zeitplan", Intent.SCHEDULE),
        ("support", Intent.SUPPORT),
        ("Kundendienst", Intent.SUPPORT),
        ("Taken!", Intent.TAKEN),
        ("I took it", Intent.TAKEN),
        ("I've taken it.", Intent.TAKEN),
        ("done", Intent.TAKEN),
        ("Gespritzt", Intent.TAKEN),
        ("Ich habe gespritzt!", Intent.TAKEN),
    ],
)
def test_plain_requests_are_understood(text: str, intent: Intent) -> None:
    assert intent_of(text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "",
        "blue banana",
        "help me I can't breathe",  # more than the request: left to the safety net
        "my next dose made me dizzy",
        "next week I travel",
        "plan b",
        "helpful",
        "?",
        "/plan",  # an unknown command keeps its own answer
        "taken ill",
        "I took it but my arm hurts",
    ],
)
def test_anything_else_is_not_guessed(text: str) -> None:
    assert intent_of(text) is None


def test_a_long_message_is_never_an_intent() -> None:
    assert intent_of("help " + " " * MAX_LENGTH) is None
    assert intent_of(("next dose " * 10).strip()) is None
