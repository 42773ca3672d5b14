"""/pen end to end under libfaketime: a pen out of the fridge gets a warning on day 6 and a
discard message after day 7 (counted from the first removal, whatever happens in between);
nothing once its dose is recorded; "warmer than 30 °C" ends it at once."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY, Row, rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.people import enrol, pen_out, say

pytestmark = SQLITE_ONLY

DAY_6 = "out of the fridge for 5 days"
OVER = "The 7 days are over"


def pen_rows(workdir: Path, user_id: int) -> list[Row]:
    return rows(
        workdir,
        "SELECT kind, outcome FROM outbox WHERE patient_id = ? AND kind LIKE 'pen_%' ORDER BY id",
        user_id,
    )


def eventually_rows(workdir: Path, user_id: int, expected: list[tuple[str, str | None]]) -> None:
    deadline = time.monotonic() + 30
    while pen_rows(workdir, user_id) != expected:
        assert time.monotonic() < deadline, pen_rows(workdir, user_id)
        time.sleep(0.3)


def test_day_6_warning_then_discard_counted_from_the_first_removal(
    api: FakeBotApi, start_at: Start
) -> None:
    start_at("2026-03-02 07:00:00")
    ana = api.user(6201, "Ana")
    enrol(ana, zone="Europe/Berlin", first="2026-03-09", at="09:00")
    noted = pen_out(ana)
    assert "Mon 2026-03-09 08:00" in noted.body, "until 7 days after it came out (Berlin time)"

    start_at("2026-03-04 12:00:00")
    again = say(ana, "/pen", "this is day 3 of 7")
    assert "since Mon 2026-03-02 08:00" in again.body, "a second /pen does not restart it"

    start_at("2026-03-07 07:01:00")
    warning = ana.wait_for(contains=DAY_6, timeout=30)
    assert "Mon 2026-03-09 08:00" in warning.body

    start_at("2026-03-09 07:01:00")
    ana.wait_for(contains=OVER, timeout=30)
    assert len([m for m in ana.messages() if DAY_6 in m.body]) == 1
    say(ana, "/pen", OVER)


def test_nothing_more_once_the_dose_is_recorded(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    ben = api.user(6202, "Ben")
    enrol(ben, zone="UTC", first="today", at="09:00")
    pen_out(ben)
    say(ben, "/taken", "Dose 1 recorded")
    start_at("2026-03-07 07:01:00")
    # the day-6 alert finds the dose recorded: the period closes, both alerts are dropped
    eventually_rows(tmp_path, 6202, [("pen_last_days", "cancelled"), ("pen_discard", "cancelled")])
    assert not [m for m in ben.messages() if DAY_6 in m.body or OVER in m.body]
    again = pen_out(ben)  # a new pen, for dose 2
    assert "Noted" in again.body


def test_too_warm_ends_it_and_strangers_or_forged_taps_change_nothing(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    cleo = api.user(6203, "Cleo")
    enrol(cleo, zone="UTC", first="2026-03-10", at="09:00")
    noted = pen_out(cleo)
    query = cleo.tap_data(noted, "pen:warm:999")
    assert api.wait_for_callback_answer(query).text == "This button is no longer active."
    stranger = api.user(6204, "Sol")
    say(stranger, "/pen", "haven't signed up")
    cleo.tap(noted, "🌡 It got warmer than 30 °C")
    cleo.wait_for(contains="don't use it")
    eventually_rows(tmp_path, 6203, [("pen_last_days", "cancelled"), ("pen_discard", "cancelled")])
