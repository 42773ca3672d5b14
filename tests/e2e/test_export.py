"""/export end to end: two files, parsed back: the CSV's dose and diary rows, and the .ics
events of the upcoming doses at the local reminder time."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import enrol, local_today, say, schedule_of

pytestmark = SQLITE_ONLY


def exported(user: FakeUser) -> tuple[ChatMessage, ChatMessage]:
    """/export's two files: the CSV of doses and notes, then the calendar."""
    user.send("/export")
    records = user.wait_for(
        lambda m: m.document is not None and m.document.filename.endswith(".csv")
    )
    calendar = user.wait_for(
        lambda m: m.document is not None and m.document.filename.endswith(".ics"), after=records
    )
    return records, calendar


def test_records_and_calendar_files(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6501, "Ana")
    plan = schedule_of(enrol(ana, zone="Europe/Berlin", first="today", at="09:00"))
    say(ana, "/taken", "Dose 1 recorded")
    say(ana, "/log sore thigh, a bit red", "Noted in your diary")
    records, calendar = exported(ana)

    rows = list(csv.DictReader(io.StringIO(records.document.content.decode())))
    doses = [row for row in rows if row["record"] == "dose"]
    notes = [row for row in rows if row["record"] == "diary"]
    today = local_today("Europe/Berlin")
    assert doses[0] == {
        "record": "dose",
        "dose": "1",
        "phase": "loading",
        "planned": today.isoformat(),
        "taken": today.isoformat(),
        "status": "on_time",
        "note": "",
    }
    assert [row["dose"] for row in doses[1:]] == [str(n) for n in range(2, 14)]
    assert notes == [
        {
            "record": "diary",
            "dose": "",
            "phase": "",
            "planned": "",
            "taken": today.isoformat(),
            "status": "",
            "note": "sore thigh, a bit red",
        }
    ]

    events = Calendar.from_ical(calendar.document.content).walk("VEVENT")
    starts = [event.decoded("dtstart") for event in events]
    expected = {line.number: line.day for line in plan}
    assert len(events) == 12
    for event, start in zip(events, starts, strict=True):
        number = int(str(event["summary"]).rsplit(" ", 1)[-1].rstrip(")"))
        assert start.date() == expected.get(number, start.date())
        assert start.timetz().replace(tzinfo=None) == time(9, 0)
        assert (
            start.utcoffset()
            == datetime.combine(start.date(), time(9), ZoneInfo("Europe/Berlin")).utcoffset()
        )
    assert str(events[0]["summary"]) == "Kesimpta injection (dose 2)"
    assert len({str(event["uid"]) for event in events}) == 12
    assert starts == sorted(starts)


def test_export_needs_a_plan(api: FakeBotApi, bot: BotProcess) -> None:
    say(api.user(6502, "Sol"), "/export", "haven't signed up")


def test_notes_stay_text_and_uids_carry_no_telegram_id(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6503, "Ana")
    enrol(ana)
    written = ["=HYPERLINK(A1)", "+49 30 1234", "-2 kg", "@doctor asked", "itchy"]
    for note in written:
        say(ana, f"/log {note}", "Noted in your diary")
    records, calendar = exported(ana)
    rows = list(csv.DictReader(io.StringIO(records.document.content.decode())))
    notes = [row["note"] for row in rows if row["record"] == "diary"]
    assert notes == [f"'{note}" for note in written[:4]] + ["itchy"]
    uids = [
        str(event["uid"]) for event in Calendar.from_ical(calendar.document.content).walk("VEVENT")
    ]
    prefixes = {uid.partition("-dose-")[0] for uid in uids}
    assert len(uids) == 12 and len(prefixes) == 1, "one stable reference for the patient"
    assert re.fullmatch("[0-9a-f]{32}", prefixes.pop()), "opaque, not the Telegram id"
