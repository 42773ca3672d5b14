"""What caregivers read (adherence in words, a missed-dose alert about what they can do), and
the staff's count of people who blocked the bot."""

from __future__ import annotations

from datetime import date

import pytest

from bot.texts import caregivers, staff
from bot.texts.language import speaking


@pytest.mark.parametrize(
    ("on_time", "late", "missed", "expected"),
    [
        (5, 0, 0, "All 5 doses so far on time."),
        (1, 0, 0, "1 dose so far, on time."),
        (4, 1, 0, "4 of 5 doses on time, 1 late."),
        (3, 1, 1, "3 of 5 doses on time, 1 late, 1 missed."),
        (0, 0, 1, "0 of 1 dose on time, 1 missed."),
        (0, 0, 0, "No doses due yet since they signed up."),
    ],
)
def test_adherence_reads_as_a_sentence(on_time: int, late: int, missed: int, expected: str) -> None:
    assert caregivers.adherence_in_words(on_time, late, missed) == expected


def test_adherence_in_german() -> None:
    with speaking("de"):
        assert caregivers.adherence_in_words(4, 1, 0) == "4 von 5 Dosen pünktlich, 1 verspätet."
        assert caregivers.adherence_in_words(5, 0, 0) == "Alle 5 Dosen bisher pünktlich."


def test_the_missed_alert_says_what_a_caregiver_can_do_not_pause() -> None:
    for may_confirm in (False, True):
        text = caregivers.caregiver_missed("Fay", 4, date(2027, 2, 3), may_confirm)
        assert "missed" in text and "2027-02-03" in text
        assert "pause" not in text.lower()
        assert "check in with Fay" in text and "doctor" in text
        assert ("button below" in text) is may_confirm


def test_the_next_dose_is_named_once() -> None:
    summary = caregivers.patient_summary("Fay", (4, date(2027, 2, 3), False), None, "x")
    assert summary.count("Next:") == 1
    overdue = caregivers.patient_summary(
        "Fay", (4, date(2027, 2, 3), True), (3, date(2027, 1, 6)), "x"
    )
    assert "due since 2027-02-03" in overdue and "dose 3 on 2027-01-06" in overdue


@pytest.mark.parametrize(
    ("code", "blocked", "expected"),
    [
        ("en", 0, "Blocked the bot: nobody"),
        ("en", 1, "Blocked the bot: 1 person, now marked inactive"),
        ("en", 7, "Blocked the bot: 7 people, now marked inactive"),
        ("de", 0, "Bot blockiert: niemand"),
        ("de", 1, "Bot blockiert: 1 Person, jetzt als inaktiv markiert"),
        ("de", 7, "Bot blockiert: 7 Personen, jetzt als inaktiv markiert"),
    ],
)
def test_the_broadcast_report_counts_blocked_people_in_words(
    code: str, blocked: int, expected: str
) -> None:
    with speaking(code):
        assert staff.blocked_line(blocked) == expected
