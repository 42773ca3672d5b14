"""The patient's records as files: a CSV of doses and diary notes (for a spreadsheet or the
doctor), and an iCalendar file of the upcoming doses that phone calendars import. The
calendar comes from the `icalendar` library rather than hand-written text: line folding,
escaping and time-zone rules are easy to get subtly wrong."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.domain.adherence import Status
from bot.domain.schedule import PlannedDose

CSV_COLUMNS = ("record", "dose", "phase", "planned", "taken", "status", "note")
EVENT_LENGTH = timedelta(minutes=30)


def records_csv(
    doses: Iterable[tuple[PlannedDose, Status]], notes: Iterable[tuple[date, str]]
) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for dose, status in doses:
        writer.writerow(
            (
                "dose",
                dose.number,
                dose.phase.value,
                dose.planned.isoformat(),
                dose.taken.isoformat() if dose.taken else "",
                status.value,
                "",
            )
        )
    for day, text in notes:
        writer.writerow(("diary", "", "", "", day.isoformat(), "", text))
    return out.getvalue()


def calendar_ics(
    upcoming: Iterable[PlannedDose],
    *,
    reminder_time: time,
    zone: str,
    now: datetime,
    uid_prefix: str,
    title: Callable[[int], str],
    description: str,
) -> bytes:
    """One event per upcoming dose, at the local reminder time, with a stable UID so that a
    second import updates the events instead of doubling them. `title` names a dose's event
    (in the patient's language)."""
    calendar = Calendar()
    calendar.add("prodid", "-//kesimpta-companion-bot//EN")
    calendar.add("version", "2.0")
    for dose in upcoming:
        start = datetime.combine(dose.planned, reminder_time, tzinfo=ZoneInfo(zone))
        event = Event()
        event.add("uid", f"{uid_prefix}-dose-{dose.number}@kesimpta-companion-bot")
        event.add("summary", title(dose.number))
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_LENGTH)
        event.add("dtstamp", now)
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
