"""The pre-start checklist end to end under libfaketime: shown after sign-up when the first
injection is ahead; the hepatitis B and immunoglobulin tests "before your first injection, ask
your clinic when", with no date and no reminder; the vaccines dated, with reminders a week
before their deadline; a deadline already past says to talk to the doctor, never "do it now";
nothing once treatment started."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.e2e.conftest import Start
from tests.support.database import SQLITE_ONLY, rows
from tests.support.fakebotapi import FakeBotApi
from tests.support.people import enrol, say

pytestmark = SQLITE_ONLY

OVERVIEW = "Before your first injection"
ASK_THE_CLINIC = (
    "before your first injection — your doctor needs the results first; ask your clinic when."
)


def checklist_rows(workdir: Path, user_id: int) -> list[tuple[str, str, datetime]]:
    """The checklist reminders planned: kind, the check's deadline (ISO date), when due."""
    found = rows(
        workdir,
        "SELECT kind, dose_planned, due_at FROM outbox WHERE patient_id = ? "
        "AND kind LIKE 'chk_%' ORDER BY due_at, kind",
        user_id,
    )
    return [(kind, deadline.isoformat(), due) for kind, deadline, due in found]


def test_dated_checks_and_their_reminders(api: FakeBotApi, start_at: Start, tmp_path: Path) -> None:
    start_at("2026-03-02 07:00:00")
    ana = api.user(6301, "Ana")
    enrol(ana, zone="Europe/Berlin", first="2026-04-15", at="09:00")
    shown = ana.wait_for(contains=OVERVIEW)
    overview = shown.body
    assert "live or live-attenuated vaccine you need: by 2026-03-18" in overview
    assert "(inactivated) vaccine you need: by 2026-04-01" in overview
    assert f"hepatitis B blood test: {ASK_THE_CLINIC}" in overview
    assert f"immunoglobulins (antibodies): {ASK_THE_CLINIC}" in overview
    assert "2026-04-14" not in overview and "by the day before" not in overview
    assert "talk to your doctor" not in overview
    assert [(kind, day) for kind, day, _ in checklist_rows(tmp_path, 6301)] == [
        ("chk_live_vaccine", "2026-03-18"),
        ("chk_vaccine", "2026-04-01"),
    ]
    start_at("2026-03-11 08:01:00")  # 09:01 in Berlin, a week before the live-vaccine deadline
    reminder = ana.wait_for(contains="should be done by", after=shown, timeout=30)
    assert "live or live-attenuated vaccine" in reminder.body
    assert "should be done by 2026-03-18" in reminder.body
    assert "first injection on 2026-04-15" in reminder.body


def test_a_deadline_already_past_is_for_the_doctor(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    ben = api.user(6302, "Ben")
    enrol(ben, zone="UTC", first="2026-03-12", at="09:00")
    overview = ben.wait_for(contains=OVERVIEW).body
    assert overview.count("talk to your doctor before the first injection") == 2
    assert overview.count(ASK_THE_CLINIC) == 2
    assert "now" not in overview.lower().replace("know", "")
    assert "remind you" not in overview
    assert checklist_rows(tmp_path, 6302) == []


def test_no_checklist_once_treatment_has_started(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    start_at("2026-03-02 07:00:00")
    cleo = api.user(6303, "Cleo")
    enrol(cleo, zone="UTC", first="today", at="09:00")
    say(cleo, "/myid", "Telegram id")  # whatever sign-up sent has arrived by now
    assert not [m for m in cleo.messages() if OVERVIEW in m.body]
    assert checklist_rows(tmp_path, 6303) == []
