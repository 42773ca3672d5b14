"""The outcome vocabulary: its values are what the outbox has always stored, so the enum needed
no migration and old rows still read back as the same outcomes."""

from bot.domain.outcomes import Outcome


def test_the_stored_values_stay_the_same_strings():
    assert {outcome.name: str(outcome) for outcome in Outcome} == {
        "SENT": "sent",
        "RETRY": "retry",
        "BLOCKED": "blocked",
        "FAILED": "failed",
        "STALE": "stale",
        "SUPERSEDED": "superseded",
        "CANCELLED": "cancelled",
    }


def test_a_stored_string_is_its_outcome():
    assert Outcome("sent") is Outcome.SENT
    assert Outcome.FAILED == "failed"
