"""/pens (pens at home) end to end under libfaketime, typed and tapped as a patient would, in
English and German: the count set after refusals (a word, a negative number, 10000), forged
buttons changing nothing, the reorder reminder turned on, doses taking pens, the reminder once
and once more three days later, a delivery by button and typed after the command."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bot import texts
from tests.e2e.conftest import Start
from tests.e2e.test_fewer_messages import enrol_in_german
from tests.support.database import Row, rows
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.people import enrol, say
from tests.support.wording import GERMAN_TWIN, german, shown

EXPIRED = "This button is no longer active."
REORDER = "Time to reorder pens"


def stock(workdir: Path, user_id: int) -> list[Row]:
    return rows(workdir, "SELECT count, reorder_days FROM pen_stocks WHERE patient_id = ?", user_id)


def reorders(workdir: Path, user_id: int) -> list[Row]:
    return rows(
        workdir,
        "SELECT kind, dose_number, outcome FROM outbox"
        " WHERE patient_id = ? AND kind LIKE 'pens_%' AND outcome = 'sent' ORDER BY id",
        user_id,
    )


def sent_by_now(workdir: Path, user_id: int, expected: list[tuple[str, int, str]]) -> None:
    """The reorder rows recorded as sent (the record follows the message by a moment)."""
    deadline = time.monotonic() + 10
    while reorders(workdir, user_id) != expected:
        assert time.monotonic() < deadline, reorders(workdir, user_id)
        time.sleep(0.2)


def forged(api: FakeBotApi, user: FakeUser, message_id: int, data: str) -> str | None:
    query = user.tap_data(message_id, data)
    return api.wait_for_callback_answer(query).text


def test_pens_counted_used_reminded_and_delivered(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    ana = api.user(6301, "Ana")
    enrol(ana, zone="UTC", first="today", at="09:00")
    say(ana, "/help", "/pens – pens at home: how many, deliveries, a reminder to reorder")
    first = say(ana, "/pens", "Pens at home")
    assert "haven't told me yet" in first.body
    assert "/pen counts its days" in first.body, "the pen out of the fridge is /pen"
    ana.tap(first, "✏️ Set the count")
    ana.wait_for(contains="How many pens do you have at home")
    for bad in ("four", "-1", "10000", "3.5"):
        say(ana, bad, "isn't a number of pens I can note")
    assert stock(tmp_path, 6301) == []
    noted = say(ana, "3", "Noted: 3 pens at home")
    assert "until Mon 2026-03-16" in noted.body and "Mon 2026-03-30" in noted.body
    assert "Planned in the next 14 days: 3 doses." in noted.body, "loading: 3 pens in 2 weeks"
    assert "Reorder reminder: off" in noted.body

    for data in ("pens:add:61:0", "pens:lead:13:0", "pens:add:3:0", "pens:steal:1:1"):
        assert forged(api, ana, noted.message_id, data) == EXPIRED, data
    assert stock(tmp_path, 6301) == [(3, None)], "a forged or stale tap changes nothing"

    ana.tap(noted, "🔔 Reorder reminder…")
    choices = ana.wait_for(contains="How long before you run out")
    ana.tap(choices, "14 days")
    done = ana.wait_for_edit(choices)
    assert "Done: I'll remind you to reorder" in done.body and "14 days ahead" in done.body
    assert stock(tmp_path, 6301) == [(3, 14)]

    say(ana, "/taken", "Dose 1 recorded")
    assert "You have 2 pens at home." in say(ana, "/pens", "Pens at home").body
    start_at("2026-03-09 10:00:00")
    say(ana, "/taken", "Dose 2 recorded")
    assert stock(tmp_path, 6301) == [(1, 14)]

    start_at("2026-03-16 09:00:30")  # 14 days before dose 4 (2026-03-30), at 09:00
    reminder = ana.wait_for(contains=REORDER, timeout=40)
    assert "for your dose on Mon 2026-03-16" in reminder.body and "2026-03-30" in reminder.body
    say(ana, "/taken", "Dose 3 recorded")  # the last pen: the same shortage, no new reminder
    start_at("2026-03-19 09:05:00")
    again = ana.wait_for(contains="once more: time to reorder", timeout=40)
    assert "none left at home" in again.body
    sent_by_now(tmp_path, 6301, [("pens_reorder", 4, "sent"), ("pens_reorder2", 4, "sent")])

    view = say(ana, "/pens", "You have 0 pens at home")
    ana.tap(view, "📦 A delivery came")
    ask = ana.wait_for(contains="How many pens came?")
    say(ana, "lots", "isn't a number of pens I can add")
    ana.tap(ask, "+6")
    added = ana.wait_for_edit(ask)
    assert "Delivery noted: 6 pens more." in added.body and "You have 6 pens" in added.body
    assert forged(api, ana, ask.message_id, "pens:add:6:0") == EXPIRED, "tapped twice: once"
    say(ana, "/pens +2", "You have 8 pens at home.")
    say(ana, "/pens 59", "Noted: 59 pens")
    say(ana, "/pens +2", "more than 60 pens")
    assert stock(tmp_path, 6301) == [(59, 14)]
    assert len([m for m in ana.messages() if REORDER in m.body]) == 1


def german_says(user: FakeUser, text: str, render: str) -> None:
    """Send `text` and wait for the German rendering (its first 30 characters)."""
    user.send(text)
    user.wait_for(contains=shown(render)[:30])


@GERMAN_TWIN
def test_pens_in_german(api: FakeBotApi, start_at: Start, tmp_path: Path) -> None:
    start_at("2026-04-06 05:00:00")
    lena = api.user(6302, "Lena", language_code="de")
    enrol_in_german(lena, zone="Europe/Berlin", first="heute", at="9:00")
    lena.send("/help")
    lena.wait_for(contains="/pens – Pens zu Hause: wie viele, Lieferungen")
    lena.send("/pens")
    view = lena.wait_for(contains="📦 Pens zu Hause")
    assert "/pen zählt seine Tage" in view.body
    lena.tap(view, german(texts.pens.set_count_button))
    lena.wait_for(contains="Wie viele Pens haben Sie jetzt zu Hause")
    for bad in ("vier", "-2", "10000"):
        german_says(lena, bad, german(texts.pens.not_a_count))
    assert stock(tmp_path, 6302) == []
    lena.send("5")
    noted = lena.wait_for(contains="Notiert: 5 Pens zu Hause")
    assert "In den nächsten 14 Tagen geplant: 3 Dosen." in noted.body

    lena.tap(noted, german(texts.pens.delivery_button))
    ask = lena.wait_for(contains="Wie viele Pens sind gekommen?")
    lena.tap(ask, "+3")
    added = lena.wait_for_edit(ask)
    assert "Lieferung notiert: 3 Pens mehr." in added.body
    assert "Sie haben 8 Pens zu Hause." in added.body
    lena.tap(added, german(lambda: texts.pens.reminder_button(None)))
    choices = lena.wait_for(contains="Wie lange, bevor die Pens ausgehen")
    lena.tap(choices, "21 Tage")
    done = lena.wait_for_edit(choices)
    assert "Erledigt: Ich erinnere Sie ans Nachbestellen" in done.body
    assert stock(tmp_path, 6302) == [(8, 21)]

    lena.send("/taken")
    lena.wait_for(contains="Dosis 1")
    lena.send("/pens")
    lena.wait_for(contains="Sie haben 7 Pens zu Hause.")
    lena.send("/pens 1")  # some went off: one left, for dose 2; dose 3 on 04-20 has none
    lena.wait_for(contains="Notiert: 1 Pen zu Hause.")
    expected = german(
        lambda: texts.pens.reorder(1, date(2026, 4, 13), date(2026, 4, 20), again=False)
    )
    reminder = lena.wait_for(contains=shown(expected).splitlines()[1], timeout=40)
    assert "Zeit, Pens nachzubestellen" in reminder.body
    sent_by_now(tmp_path, 6302, [("pens_reorder", 3, "sent")])
