"""/deletedata leaves no trace of the person in any table: a patient who has used everything
(doses with who and where, a diary, a pen, a check-in, a caregiver of their own and a patient
they follow and confirmed a dose for, invites used and open, a language choice, a support
request, a broadcast, reminders and alerts in the outbox) erases their data, and then no row of
any table holds their id or their name in any column.

Aggregate counts stay by design: a broadcast's `total`/`delivered` still count them. The
`broadcasts` table also keeps the sending staff member's id and name (`sender_id`,
`sender_name`, `preview_chat_id`) as the audit of who sent what; only staff appear there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Start
from tests.support.database import rows, value
from tests.support.fakebotapi import FakeBotApi, FakeUser
from tests.support.people import enrol, pen_out, say
from tests.support.traces import traces

STAFF = 9001
SUBJECT = 5_550_123_401  # above 2**32: no count or row id can equal it by chance
NAME = "Zephyrine"
INVITE_LINK = re.compile(r"https://t\.me/kesimpta_test_bot\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
def bot_env() -> dict[str, str]:
    """The bot under libfaketime (`start_at`), with support staff."""
    return {"ADMIN_IDS": str(STAFF)}


def invite(patient: FakeUser) -> str:
    message = say(patient, "/invite", "Send this link")
    match = INVITE_LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)


def link(patient: FakeUser, caregiver: FakeUser) -> None:
    say(caregiver, f"/start {invite(patient)}", "Waiting for their approval")
    request = patient.wait_for(contains="opened your invite")
    patient.tap(request, "✅ Approve")
    patient.wait_for_edit(request)
    caregiver.wait_for(contains="approved you")


def use_everything(api: FakeBotApi, start_at: Start) -> tuple[FakeUser, FakeUser, FakeUser]:
    """The subject, a patient they follow and their own caregiver, with every kind of record."""
    start_at("2026-03-02 07:00:00")
    subject = api.user(SUBJECT, NAME, last_name="Quorndon", username="zephy_q")
    followed = api.user(5_550_123_402, "Quillon")
    caregiver = api.user(5_550_123_403, "Rosalind")
    staff = api.user(STAFF, "Staff")
    enrol(subject, zone="UTC", first="today", at="09:00")
    enrol(followed, zone="UTC", first="today", at="08:00")

    link(followed, subject)  # the subject as a caregiver...
    listed = say(followed, "/caregivers", "Your caregivers")
    followed.tap(listed, f"🔓 Let {NAME} confirm doses")
    followed.wait_for(contains="may confirm doses for you")
    link(subject, caregiver)  # ... and with a caregiver of their own
    invite(subject)  # an invite still open

    say(subject, "/pens 4", "Noted: 4 pens at home")  # the dose below takes one of them
    recorded = say(subject, "/taken", "Dose 1 recorded")
    who = subject.wait_for(contains="Who gave the injection", after=recorded)
    subject.tap(who, "🙋")
    where = subject.wait_for_edit(who)
    subject.tap(where, "Left thigh")
    subject.wait_for_edit(where)
    caregiver.wait_for(contains="dose 1", timeout=40)  # the confirmation alert, via the outbox
    say(subject, f"/log headache, {NAME} here", "Noted in your diary")
    pen_out(subject)
    choice = say(subject, "/settings", "🌐")
    subject.tap(choice, "✅ English")  # already English: now chosen
    subject.wait_for(contains="From now on I'll write to you in English.")
    say(subject, "/support my reminders stopped", "Sent to the support team")
    staff.wait_for(contains="Support request #")

    staff.send("/broadcast Clinic closed on Friday")
    preview = staff.wait_for(lambda message: "✅ Send to" in " ".join(message.buttons))
    staff.tap(preview, "✅ Send to")
    subject.wait_for(contains="Clinic closed on Friday", timeout=40)

    start_at("2026-03-03 08:00:30")  # the followed patient's dose 1 looks missed
    alert = subject.wait_for(contains="looks missed", timeout=40)
    subject.tap(alert, "✅ Quillon has injected")
    assert "Recorded for Quillon" in subject.wait_for_edit(alert).body

    start_at("2026-03-03 09:00:30")  # the day after the subject's own dose 1: the check-in
    question = subject.wait_for(contains="(dose 1) go?", timeout=40)
    subject.tap(question, "😊 Fine")
    subject.wait_for()  # the answer: the note is in their diary
    listed = say(subject, "/appointments", "No appointments yet")  # a new process: no flood
    subject.tap(listed, "➕ Add")
    subject.tap(subject.wait_for(contains="What is the appointment for"), "📌 Other")
    say(subject, f"eye doctor with {NAME}", "on which day")
    say(subject, "2026-03-20", "at what time")
    say(subject, "10:00", "noted")
    subject.tap(subject.wait_for(contains="Save this appointment?"), "✅ Save")
    subject.wait_for(contains="Your appointments")
    return subject, followed, caregiver


def test_deletedata_leaves_no_trace_in_any_table(
    api: FakeBotApi, start_at: Start, tmp_path: Path
) -> None:
    subject, followed, caregiver = use_everything(api, start_at)
    before = traces(tmp_path, SUBJECT, NAME)
    held = {place.split(".")[0] for place in before}
    assert held >= {
        "patients",
        "dose_records",
        "diary_entries",
        "pen_periods",
        "pen_stocks",
        "pen_uses",
        "appointments",
        "outbox",
        "invites",
        "caregiver_links",
        "languages",
        "support_requests",
        "broadcast_deliveries",
    }, before
    assert "dose_records.recorded_by" in before, "the dose they confirmed for someone else"
    assert "invites.used_by" in before, "the invite they opened"

    confirm = say(subject, "/deletedata", "erases everything")
    subject.tap(confirm, "✅")
    assert "erased" in subject.wait_for_edit(confirm).body

    assert traces(tmp_path, SUBJECT, NAME) == {}
    # the others keep what is theirs: the dose the subject confirmed stays, without them
    [(number, by)] = rows(
        tmp_path,
        "SELECT number, recorded_by FROM dose_records WHERE patient_id = ?",
        followed.user_id,
    )
    assert (number, by) == (1, None)
    assert value(tmp_path, "SELECT count(*) FROM caregiver_links") == 0
    assert value(tmp_path, "SELECT total FROM broadcasts") == 3, "counts stay"
    assert traces(tmp_path, caregiver.user_id, "Rosalind"), "the caregiver's own data stays"
    say(subject, "/schedule", "haven't signed up")
    assert traces(tmp_path, SUBJECT, NAME) == {}, "writing again stores nothing"
