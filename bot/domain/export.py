"""The patient's records as files: a CSV of doses, diary notes and the pens at home (for a
spreadsheet or the doctor), and an iCalendar file of the upcoming doses that phone calendars
import. The calendar comes from the `icalendar` library rather than hand-written text: line
folding, escaping and time-zone rules are easy to get subtly wrong."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.domain.adherence import Status
from bot.domain.schedule import PlannedDose

CSV_COLUMNS = ("record", "dose", "phase", "planned", "taken", "status", "note")
EVENT_LENGTH = timedelta(minutes=30)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet app reads a cell starting with one of these as a formula (which can run
commands or send data away when the doctor opens the file)."""


def as_text_cell(text: str) -> str:
    """What someone wrote, kept as text in a spreadsheet: a leading `'` stops a formula and
    is not shown in the cell."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def calendar_reference(user_id: int, secret: str) -> str:
    """The patient's part of the calendar events' UIDs: the same for every export (so a second
    import updates the events), but an HMAC keyed with `secret`, so the file does not carry
    their Telegram id."""
    digest = hmac.new(secret.encode(), f"calendar uid {user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def records_csv(
    doses: Iterable[tuple[PlannedDose, Status]],
    notes: Iterable[tuple[date, str]],
    pens_at_home: int | None = None,
) -> str:
    """Doses, then diary notes, then the pens at home (/pens) if the patient counted them."""
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
        writer.writerow(("diary", "", "", "", day.isoformat(), "", as_text_cell(text)))
    if pens_at_home is not None:
        writer.writerow(("pens_at_home", "", "", "", "", "", pens_at_home))
    return out.getvalue()


@dataclass(frozen=True)
class CalendarAppointment:
    """An upcoming appointment as the calendar shows it: its id (for a stable UID), local day
    and time, and its title in the patient's language."""

    id: int
    day: date
    at: time
    title: str


APPOINTMENT_LENGTH = timedelta(hours=1)


def calendar_ics(
    upcoming: Iterable[PlannedDose],
    *,
    reminder_time: time,
    zone: str,
    now: datetime,
    uid_prefix: str,
    title: Callable[[int], str],
    description: str,
    appointments: Iterable[CalendarAppointment] = (),
) -> bytes:
    """One event per upcoming dose, at the local reminder time, and one per upcoming
    appointment, each with a stable UID so that a second import updates the events instead
    of doubling them (a changed appointment moves, keeping its UID). `title` names a dose's
    event (in the patient's language)."""
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
    for appointment in appointments:
        start = datetime.combine(appointment.day, appointment.at, tzinfo=ZoneInfo(zone))
        event = Event()
        event.add("uid", f"{uid_prefix}-appointment-{appointment.id}@kesimpta-companion-bot")
        event.add("summary", appointment.title)
        event.add("dtstart", start)
        event.add("dtend", start + APPOINTMENT_LENGTH)
        event.add("dtstamp", now)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
