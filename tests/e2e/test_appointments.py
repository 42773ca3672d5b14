"""/appointments end to end under libfaketime, typed and tapped as a patient would, in English
and German: an MRI scan added (a gibberish time, a past day and a day that is no date
refused kindly on the way), reminded the day before at the reminder time and two hours
before, once each; a repeating blood test at the interval the patient typed; a cancelled
appointment's reminders gone; a forged button or someone else's appointment id changing
nothing."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from datetime import time as wall_time
from pathlib import Path

from icalendar import Calendar

from bot import texts
from bot.domain.appointments import AppointmentKind
from bot.texts import language
from tests.e2e.conftest import Start
from tests.e2e.test_export import exported
from tests.e2e.test_readers import chat_menu, help_of
from tests.support.database import rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.people import enrol, say
from tests.support.wording import GERMAN_TWIN, german, shown

MONDAY = "2027-01-04 08:00:00"  # 09:00 in Berlin
DAY_BEFORE = "2027-01-11 09:00:30"  # 10:00 in Berlin, the patient's reminder time
SOON = "2027-01-12 06:30:30"  # 07:30 in Berlin, two hours before 09:30
TOMORROW_EN = "🗓 Tomorrow, Tue 2027-01-12 at 09:30: 🧲 MRI scan."
SOON_EN = "⏰ In two hours, at 09:30: 🧲 MRI scan."


def appointment_rows(workdir: Path, user_id: int) -> list[tuple[str, str | None]]:
    return [
        (kind, outcome)
        for kind, outcome in rows(
            workdir,
            "SELECT kind, outcome FROM outbox WHERE patient_id = ? AND kind LIKE 'appt_%' "
            "ORDER BY id",
            user_id,
        )
    ]


def open_add(user: FakeUser, add: str = "➕ Add", ask: str = "What is the appointment for") -> None:
    listed = say(user, "/appointments", "🗓")
    user.tap(listed, add)
    user.wait_for(contains=ask)


def tap_last(user: FakeUser, contains: str, button: str) -> ChatMessage:
    message = user.wait_for(contains=contains)
    user.tap(message, button)
    return message


def count(user: FakeUser, text: str) -> int:
    return len([message for message in user.messages() if text in message.body])


def test_an_mri_typed_in_english_is_reminded_the_day_before_and_two_hours_before(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at(MONDAY)
    ana = api.user(6301, "Ana")
    enrol(ana, zone="Europe/Berlin", first="2027-06-01", at="10:00")
    assert "/appointments" in help_of(ana, "en").split()
    assert "appointments" in chat_menu(api, ana, "en", has="appointments")
    say(ana, "/appointments", "No appointments yet")
    open_add(ana)
    tap_last(ana, "What is the appointment for", "🧲 MRI scan")
    ana.wait_for(contains="on which day")
    say(ana, "not sure", "Pick the day in the calendar")
    say(ana, "blah blah", "couldn't read “blah blah” as a date")
    say(ana, "2027-01-01", "That day has already passed")
    say(ana, "2027-01-12", "at what time")
    say(ana, "half past something", "isn't a time I can read")
    say(ana, "9:30", "09:30, noted")
    confirm = ana.wait_for(contains="Save this appointment?")
    assert "🧲 MRI scan" in confirm.body and "Tue 2027-01-12 at 09:30" in confirm.body
    ana.tap(confirm, "✅ Save")
    ana.wait_for(contains="Saved")
    listed = ana.wait_for(contains="Your appointments")
    assert "1. Tue 2027-01-12 at 09:30 · 🧲 MRI scan" in listed.body
    assert appointment_rows(tmp_path, 6301) == [("appt_day_before", None), ("appt_soon", None)]
    _, calendar = exported(ana)
    [event] = [
        event
        for event in Calendar.from_ical(calendar.document.content).walk("VEVENT")
        if "appointment" in str(event["uid"])
    ]
    assert str(event["summary"]) == "MRI scan"
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 1, 12, 8, 30, tzinfo=UTC)

    start_at(DAY_BEFORE)
    ana.wait_for(contains=TOMORROW_EN, timeout=30)
    start_at(SOON)
    ana.wait_for(contains=SOON_EN, timeout=30)
    say(ana, "/appointments", "🗓")
    assert (count(ana, TOMORROW_EN), count(ana, SOON_EN)) == (1, 1), "each once"
    assert appointment_rows(tmp_path, 6301) == [("appt_day_before", "sent"), ("appt_soon", "sent")]


@GERMAN_TWIN
def test_a_repeating_blood_test_typed_in_german(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at(MONDAY)
    lena = api.user(6302, "Lena", language_code="de")
    lena.send("/start")
    lena.wait_for(contains=shown(german(lambda: texts.enrolment.consent(False)))[:30])
    say(lena, "ja", shown(german(texts.enrolment.ask_time_zone))[:30])
    say(lena, "Europe/Berlin", "erste")
    say(lena, "01.06.2027", shown(german(texts.enrolment.ask_reminder_time))[:30])
    say(lena, "10 Uhr", shown(german(texts.enrolment.enrolled))[:30])
    assert "/appointments – Arzttermine und Blutuntersuchungen" in help_of(lena, "de")
    menu = chat_menu(api, lena, "de", has="appointments")
    assert "appointments" in menu
    with language.speaking("de"):
        described = texts.menu.entries(["appointments"], caregiver_only=False)
    assert described == [("appointments", "Arzttermine und Blutuntersuchungen, mit Erinnerungen")]
    open_add(lena, "➕ Hinzufügen", "Wofür ist der Termin")
    tap_last(lena, "Wofür ist der Termin", "🩸 Blutuntersuchung: Immunglobuline")
    lena.wait_for(contains="an welchem Tag")
    say(lena, "gestern", "Dieser Tag ist schon vorbei")
    say(lena, "12.01.2027", "um wie viel Uhr")
    say(lena, "halb irgendwas", "Uhrzeit")
    say(lena, "9:30", "notiert")
    ask = lena.wait_for(contains="wiederholt werden")
    assert not any(char.isdigit() for char in ask.buttons[0]), "the bot proposes no interval"
    say(lena, "ab und zu", "nicht als Anzahl von Monaten")
    confirm = say(lena, "alle 3 Monate", "Diesen Termin speichern?")
    assert "wiederholt sich alle 3 Monate" in confirm.body and "Di., 12.01.2027" in confirm.body
    lena.tap(confirm, "✅ Speichern")
    lena.wait_for(contains="Gespeichert")

    tomorrow = shown(
        german(
            lambda: texts.appointments.reminder(
                AppointmentKind.BLOOD_IMMUNOGLOBULINS,
                None,
                date(2027, 1, 12),
                wall_time(9, 30),
                soon=False,
                discreet=False,
            )
        )
    )
    assert tomorrow.startswith("🗓 Morgen, Di., 12.01.2027 um 09:30")
    start_at(DAY_BEFORE)
    lena.wait_for(contains=tomorrow, timeout=30)
    start_at(SOON)
    lena.wait_for(contains="⏰ In zwei Stunden, um 09:30", timeout=30)
    start_at("2027-01-12 09:00:00")  # it has begun: the next one, three months on
    deadline = time.monotonic() + 30
    while rows(tmp_path, "SELECT day FROM appointments") != [(date(2027, 4, 12),)]:
        assert time.monotonic() < deadline, rows(tmp_path, "SELECT day FROM appointments")
        time.sleep(0.3)
    listed = say(lena, "/appointments", "Ihre Termine")
    assert "Mo., 12.04.2027 um 09:30" in listed.body


def test_a_cancelled_appointment_sends_nothing_and_forged_taps_change_nothing(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at(MONDAY)
    ana = api.user(6303, "Ana")
    sol = api.user(6304, "Sol")
    enrol(ana, zone="Europe/Berlin", first="2027-06-01", at="10:00")
    enrol(sol, zone="Europe/Berlin", first="2027-06-01", at="10:00")
    open_add(ana)
    tap_last(ana, "What is the appointment for", "🩺 Neurologist")
    picker = ana.wait_for(contains="on which day")
    ana.tap(picker, "12")  # the date picker, as at sign-up
    ana.wait_for(contains="at what time")
    say(ana, "9:30", "noted")
    ana.tap(ana.wait_for(contains="Save this appointment?"), "✅ Save")
    listed = ana.wait_for(contains="Your appointments")
    assert "Tue 2027-01-12 at 09:30 · 🩺 Neurologist" in listed.body
    ana.tap(listed, "✏️ Change 1")
    ana.tap(ana.wait_for(contains="What would you like to change in appointment 1"), "🕐 Time")
    ana.wait_for(contains="at what time")
    say(ana, "11:00", "noted")
    ana.tap(ana.wait_for(contains="Save this appointment?"), "✅ Save")
    ana.wait_for(contains="Changed")
    listed = ana.wait_for(contains="Your appointments")
    assert "Tue 2027-01-12 at 11:00 · 🩺 Neurologist" in listed.body
    [(appointment_id,)] = rows(tmp_path, "SELECT id FROM appointments")
    assert rows(
        tmp_path,
        "SELECT kind, due_at FROM outbox WHERE patient_id = 6303 AND kind LIKE 'appt_%' "
        "AND outcome IS NULL ORDER BY id",
    ) == [
        ("appt_day_before", datetime(2027, 1, 11, 9, 0, tzinfo=UTC)),
        ("appt_soon", datetime(2027, 1, 12, 8, 0, tzinfo=UTC)),
    ], "re-planned for 11:00 (10:00 UTC)"
    assert appointment_rows(tmp_path, 6303)[:2] == [
        ("appt_day_before", "cancelled"),
        ("appt_soon", "cancelled"),
    ]

    own = say(sol, "/appointments", "No appointments yet")
    for forged in (
        f"appt:gone:{appointment_id}",  # someone else's appointment
        f"appt:share:{appointment_id}",
        f"appt:change:{appointment_id}",
        "appt:gone:999999",
        "apptk:dentist",
        "apptf:save",
    ):
        query = sol.tap_data(own, forged)
        assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    assert rows(tmp_path, "SELECT id FROM appointments") == [(appointment_id,)]
    assert appointment_rows(tmp_path, 6303)[2:] == [("appt_day_before", None), ("appt_soon", None)]

    ana.tap(listed, "🗑 Cancel 1")
    ask = ana.wait_for(contains="Cancel this appointment and its reminders?")
    ana.tap(ask, "🗑 Yes, cancel it")
    ana.wait_for_edit(ask)
    assert rows(tmp_path, "SELECT id FROM appointments") == []
    assert {outcome for _, outcome in appointment_rows(tmp_path, 6303)} == {"cancelled"}
    query = ana.tap_data(ask, f"appt:gone:{appointment_id}")  # tapped again: nothing there
    assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    start_at(DAY_BEFORE)
    say(ana, "/appointments", "No appointments yet")
    assert count(ana, "Tomorrow") == 0
