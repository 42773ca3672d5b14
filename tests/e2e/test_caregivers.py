"""Caregivers end to end: invites and approval, what a caregiver may see and do, the alerts they
get through the outbox (on a faked clock), revoking, leaving and erasing; forged taps change
nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from tests.e2e.conftest import Start
from tests.support.database import Row
from tests.support.database import rows as database_rows
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import enrol, say, schedule_of

INVITE_LINK = re.compile(r"https://t\.me/kesimpta_test_bot\?start=([A-Za-z0-9_-]+)")
EXPIRED = "This button is no longer active."
NEXT_LINE = re.compile(r"Next: dose (\d+) \([^)]*\) on (\d{4}-\d{2}-\d{2})")


def rows(bot: BotProcess, sql: str, *params: object) -> list[Row]:
    """Rows of a query on the bot's database."""
    return database_rows(bot.workdir, sql, *params)


def links_of(bot: BotProcess, patient_id: int) -> dict[int, bool]:
    """The patient's caregiver links: caregiver id -> approved."""
    found = rows(
        bot,
        "SELECT caregiver_id, approved_at IS NOT NULL FROM caregiver_links WHERE patient_id = ?",
        patient_id,
    )
    return {caregiver: bool(approved) for caregiver, approved in found}


def link_id(bot: BotProcess, patient_id: int, caregiver_id: int) -> int:
    [(ident,)] = rows(
        bot,
        "SELECT id FROM caregiver_links WHERE patient_id = ? AND caregiver_id = ?",
        patient_id,
        caregiver_id,
    )
    return int(ident)


def invite(patient: FakeUser) -> tuple[str, ChatMessage]:
    """/invite: the token of the link and the message carrying it."""
    message = say(patient, "/invite", "Send this link")
    match = INVITE_LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1), message


def link(patient: FakeUser, caregiver: FakeUser) -> None:
    """Invite, open and approve: the caregiver follows the patient."""
    token, _ = invite(patient)
    say(caregiver, f"/start {token}", "Waiting for their approval")
    request = patient.wait_for(contains="opened your invite")
    patient.tap(request, "✅ Approve")
    patient.wait_for_edit(request)
    caregiver.wait_for(contains="approved you")


def answer_to(api: FakeBotApi, user: FakeUser, message: ChatMessage, data: str) -> str | None:
    """Tap (possibly forged) callback data and return the bot's answer text."""
    return api.wait_for_callback_answer(user.tap_data(message, data)).text


def settle(user: FakeUser) -> None:
    """A round trip through the bot, so whatever it was sending meanwhile has arrived."""
    say(user, "/help", "What I can do")


def with_text(user: FakeUser, text: str) -> list[ChatMessage]:
    return [m for m in user.messages() if text in m.body]


def pending_missed(bot: BotProcess, caregiver_id: int) -> tuple[datetime, str]:
    """Due time (UTC) and planned date of the caregiver's pending missed-dose alert."""
    [(due_at, planned)] = rows(
        bot,
        "SELECT due_at, dose_planned FROM outbox "
        "WHERE chat_id = ? AND kind = 'cg_missed' AND finished_at IS NULL",
        caregiver_id,
    )
    return due_at.replace(tzinfo=None), planned.isoformat()


def at(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def test_invite_open_and_approve(api: FakeBotApi, bot: BotProcess) -> None:
    """The link works once, only after the patient's ✅; forged and own links do nothing."""
    patient, caregiver, latecomer = (
        api.user(6101, "Ana"),
        api.user(6102, "Ben"),
        api.user(6103, "Cid"),
    )
    enrol(patient, first="today", at="09:00")
    token, message = invite(patient)
    assert len(token) == 32 and "48 hours" in message.body
    assert message.buttons == ["❌ Cancel this invite"]

    say(patient, f"/start {token}", "your own invite link")
    waiting = say(caregiver, f"/start {token}", "Waiting for their approval")
    assert "Ana" in waiting.body
    request = patient.wait_for(contains="opened your invite")
    assert "Ben" in request.body and request.buttons == ["✅ Approve", "❌ Decline"]
    assert links_of(bot, 6101) == {6102: False}
    say(caregiver, "/patients", "You don't follow anyone")

    patient.tap(request, "✅ Approve")
    assert "Ben now follows your injections" in patient.wait_for_edit(request).body
    assert "Ana approved you" in caregiver.wait_for(contains="approved you").body
    assert links_of(bot, 6101) == {6102: True}

    say(latecomer, f"/start {token}", "already used")
    say(latecomer, "/start " + "A" * 32, "isn't valid")
    say(latecomer, "/start hello", "isn't valid")
    assert links_of(bot, 6101) == {6102: True}
    assert rows(bot, "SELECT count(*) FROM caregiver_links WHERE caregiver_id = 6103") == [(0,)]
    listed = say(patient, "/caregivers", "Your caregivers")
    assert "Ben: approved" in listed.body


def test_decline_links_nothing(api: FakeBotApi, bot: BotProcess) -> None:
    """A declined request leaves no link; the declined person sees nothing of the patient."""
    patient, caregiver = api.user(6201, "Dana"), api.user(6202, "Eli")
    enrol(patient, first="today", at="09:00")
    token, _ = invite(patient)
    say(caregiver, f"/start {token}", "Waiting for their approval")
    request = patient.wait_for(contains="opened your invite")
    approve = request.button("✅ Approve")["callback_data"]
    patient.tap(request, "❌ Decline")
    assert "Eli was not added" in patient.wait_for_edit(request).body
    assert "Dana did not approve" in caregiver.wait_for(contains="did not approve").body
    assert links_of(bot, 6201) == {}

    assert answer_to(api, patient, request, approve) == EXPIRED
    assert links_of(bot, 6201) == {}
    overview = say(caregiver, "/patients", "You don't follow anyone")
    assert "Dana" not in overview.body
    say(patient, "/caregivers", "No caregivers yet")


def test_invite_expires_after_48_hours(api: FakeBotApi, start_at: Start) -> None:
    """Opened 47 h after it was made an invite works; 49 h after, it has expired."""
    bot = start_at("2026-03-02 07:00:00")
    patient, early, late = api.user(6301, "Fia"), api.user(6302, "Gil"), api.user(6303, "Hob")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    first, _ = invite(patient)
    second, _ = invite(patient)
    start_at("2026-03-04 06:00:00")
    say(early, f"/start {second}", "Waiting for their approval")
    start_at("2026-03-04 08:00:00")
    say(late, f"/start {first}", "expired")
    assert links_of(bot, 6301) == {6302: False}


def test_cancelled_invite(api: FakeBotApi, bot: BotProcess) -> None:
    """❌ Cancel this invite: the link no longer works."""
    patient, caregiver = api.user(6401, "Ida"), api.user(6402, "Jon")
    enrol(patient, first="today", at="09:00")
    token, message = invite(patient)
    cancel = message.button("❌ Cancel this invite")["callback_data"]
    patient.tap(message, "❌ Cancel this invite")
    cancelled = patient.wait_for_edit(message)
    assert "cancelled" in cancelled.body and cancelled.buttons == []
    assert answer_to(api, patient, cancelled, cancel) == EXPIRED
    say(caregiver, f"/start {token}", "was cancelled")
    assert links_of(bot, 6401) == {}
    assert rows(bot, "SELECT revoked_at IS NOT NULL, used_at FROM invites") == [(1, None)]


def test_forged_caregiver_buttons_change_nothing(api: FakeBotApi, start_at: Start) -> None:
    """Only the right side of a link may act on it: forged taps are refused and change nothing."""
    bot = start_at("2026-03-02 07:00:00")  # nothing is due for the patient during the test
    patient, helper, pending = api.user(6501, "Kit"), api.user(6502, "Lia"), api.user(6503, "Mo")
    stranger = api.user(6504, "Ned")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, helper)
    token, _ = invite(patient)
    say(pending, f"/start {token}", "Waiting for their approval")
    patient.wait_for(contains="opened your invite")
    invite(patient)
    approved, waiting = link_id(bot, 6501, 6502), link_id(bot, 6501, 6503)
    [(open_invite,)] = rows(bot, "SELECT id FROM invites WHERE used_at IS NULL")
    before = (
        rows(bot, "SELECT * FROM caregiver_links ORDER BY id"),
        rows(bot, "SELECT * FROM invites ORDER BY id"),
    )
    patient_messages = len(patient.messages())

    own = say(stranger, "/help", "What I can do")
    forged = [
        f"cg:approve:{waiting}",
        f"cg:decline:{waiting}",
        f"cg:revoke:{approved}",
        f"cg:revokeyes:{approved}",
        f"cg:allow:{approved}",
        "cg:leave:6501",
        "cg:alertconf:6501",
        "cg:alerthead:6501",
        f"cg:invrevoke:{open_invite}",
        "cg:approve:x",
        "cg:nothing:1",
    ]
    for data in forged:
        assert answer_to(api, stranger, own, data) == EXPIRED, data
    helper_own = say(helper, "/help", "What I can do")
    confirm = "dose:6501:1:20260302:ok"
    for data in (f"cg:allow:{approved}", f"cg:approve:{waiting}", confirm):
        assert answer_to(api, helper, helper_own, data) == EXPIRED, data

    after = (
        rows(bot, "SELECT * FROM caregiver_links ORDER BY id"),
        rows(bot, "SELECT * FROM invites ORDER BY id"),
    )
    assert after == before
    assert links_of(bot, 6501) == {6502: True, 6503: False}
    assert rows(bot, "SELECT count(*) FROM dose_records WHERE patient_id = 6501") == [(0,)]
    say(stranger, "/patients", "You don't follow anyone")
    listed = say(patient, "/caregivers", "Your caregivers")
    assert "Lia: approved" in listed.body and "Mo: waiting" in listed.body
    assert "may confirm" not in listed.body
    assert len(patient.messages()) == patient_messages + 1, "no notice from forged taps"


def test_missed_alert_reaches_caregiver_approved_after_enrolment(
    api: FakeBotApi, start_at: Start
) -> None:
    """Approved on the dose day before the reminder: that dose's missed alert reaches them."""
    start_at("2026-03-02 07:00:00")  # 08:00 in Berlin; the reminder is at 10:00 (09:00 UTC)
    patient, caregiver = api.user(6601, "Ola"), api.user(6602, "Pia")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, caregiver)
    start_at("2026-03-03 09:00:30")  # 24 h after the reminder
    patient.wait_for(contains="looks missed", timeout=30)
    alert = caregiver.wait_for(contains="looks missed", timeout=5)
    assert "Ola's dose 1, planned 2026-03-02" in alert.body


def test_missed_alert_and_confirming_for_the_patient(api: FakeBotApi, start_at: Start) -> None:
    """A missed-dose alert once, with ✅ only once the patient allowed it; the ✅ records."""
    patient, caregiver = api.user(6611, "Lea"), api.user(6612, "Max")
    bot = start_at("2026-03-02 07:00:00")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, caregiver)
    say(patient, "/taken", "recorded as injected on 2026-03-02")  # dose 2: 2026-03-09

    start_at("2026-03-10 09:00:30")  # 24 h after dose 2's reminder
    assert "2026-03-09" in patient.wait_for(contains="looks missed", timeout=30).body
    alert = caregiver.wait_for(contains="looks missed", timeout=30)
    assert "Lea's dose 2, planned 2026-03-09" in alert.body
    assert alert.buttons == [], "not allowed to confirm yet"

    listed = say(patient, "/caregivers", "Your caregivers")
    query = patient.tap(listed, "🔓 Let Max confirm doses")
    assert api.wait_for_callback_answer(query).text == "🔓"
    relisted = patient.wait_for(contains="may confirm doses for you")
    assert "🔒 Stop Max confirm doses" in relisted.buttons
    assert rows(bot, "SELECT may_confirm FROM caregiver_links") == [(1,)]

    say(patient, "/taken", "recorded as injected on 2026-03-10")
    due, planned = pending_missed(bot, 6612)
    start_at(at(due + timedelta(seconds=30)))
    alert = caregiver.wait_for(contains="looks missed", after=alert, timeout=30)
    assert f"Lea's dose 3, planned {planned}" in alert.body
    assert alert.buttons == ["✅ Lea has injected"]
    confirm = alert.button("✅ Lea has injected")["callback_data"]
    caregiver.tap(alert, "✅ Lea has injected")
    done = caregiver.wait_for_edit(alert)
    today = f"{due:%Y-%m-%d}"
    assert "Recorded for Lea" in done.body and done.buttons == []
    assert rows(
        bot, "SELECT taken_on, recorded_by FROM dose_records WHERE patient_id = 6611 AND number = 3"
    ) == [(due.date(), 6612)]
    start_at(at(due + timedelta(minutes=2)))
    told = patient.wait_for(contains="recorded your dose 3", timeout=30)
    assert "Max" in told.body and today in told.body
    assert answer_to(api, caregiver, done, confirm) == "This dose is already recorded."


def test_confirmation_notices_follow_the_caregivers_choice(
    api: FakeBotApi, start_at: Start
) -> None:
    """Recorded doses are news by default; a caregiver who switched that off gets none."""
    patient, quiet, control = api.user(6701, "Nia"), api.user(6702, "Oli"), api.user(6703, "Pat")
    bot = start_at("2026-03-02 07:00:00")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, quiet)
    link(patient, control)

    start_at("2026-03-02 09:00:30")
    reminder = patient.wait_for(contains="It's time for dose 1", timeout=30)
    patient.tap(reminder, "✅")
    patient.wait_for_edit(reminder)
    start_at("2026-03-02 09:02:00")  # the next sweep comes at once
    notice = quiet.wait_for(contains="was injected on 2026-03-02", timeout=30)
    assert "Nia's dose 1" in notice.body and "recorded by" not in notice.body
    control.wait_for(contains="dose 1 was injected on 2026-03-02", timeout=30)

    choices = say(quiet, "/settings", "Alerts about Nia")
    assert "Recorded doses: on" in choices.body and "The day before a dose: off" in choices.body
    quiet.tap(choices, "🔕 Stop recorded-dose alerts")
    assert "Recorded doses: off" in quiet.wait_for_edit(choices).body
    alerts_on = "SELECT caregiver_id, alert_confirmations FROM caregiver_links ORDER BY 1"
    assert rows(bot, alerts_on) == [(6702, 0), (6703, 1)]

    start_at("2026-03-09 09:00:30")
    reminder = patient.wait_for(contains="It's time for dose 2", timeout=30)
    patient.tap(reminder, "✅")
    patient.wait_for_edit(reminder)
    start_at("2026-03-09 09:02:00")
    control.wait_for(contains="dose 2 was injected on 2026-03-09", timeout=30)
    settle(quiet)
    assert with_text(quiet, "dose 2 was injected") == []
    assert rows(
        bot, "SELECT count(*) FROM outbox WHERE chat_id = 6702 AND kind = 'cg_confirmed'"
    ) == [(1,)]


def test_removed_caregiver_gets_nothing_more(api: FakeBotApi, start_at: Start) -> None:
    """Removal takes effect at once: pending alerts cancelled, later ones not sent, old buttons
    dead."""
    patient, caregiver = api.user(6801, "Quin"), api.user(6802, "Rae")
    bot = start_at("2026-03-02 07:00:00")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, caregiver)
    listed = say(patient, "/caregivers", "Your caregivers")
    patient.tap(listed, "🔓 Let Rae confirm doses")
    patient.wait_for(contains="may confirm doses for you")
    say(patient, "/taken", "recorded as injected on 2026-03-02")  # dose 2: 2026-03-09
    [(alert_id,)] = rows(
        bot,
        "SELECT id FROM outbox WHERE chat_id = 6802 AND kind = 'cg_missed' AND finished_at IS NULL",
    )
    choices = say(caregiver, "/settings", "Alerts about Quin")
    leaving = say(caregiver, "/leave", "Stop following whom?")

    listed = say(patient, "/caregivers", "Your caregivers")
    patient.tap(listed, "❌ Remove Rae")
    question = patient.wait_for(contains="Remove Rae?")
    patient.tap(question, "✅ Yes, remove")
    assert "Rae no longer follows" in patient.wait_for_edit(question).body
    assert "Quin removed you" in caregiver.wait_for(contains="removed you").body
    assert links_of(bot, 6801) == {}
    assert rows(bot, "SELECT outcome FROM outbox WHERE id = ?", alert_id) == [("cancelled",)]

    assert answer_to(api, caregiver, choices, choices.button("🔕")["callback_data"]) == EXPIRED
    assert answer_to(api, caregiver, leaving, leaving.button("🚪")["callback_data"]) == EXPIRED
    assert answer_to(api, caregiver, leaving, "dose:6801:2:20260309:ok") == EXPIRED
    assert rows(bot, "SELECT count(*) FROM dose_records WHERE patient_id = 6801") == [(1,)]
    say(caregiver, "/patients", "You don't follow anyone")
    assert with_text(patient, "stopped following") == []

    start_at("2026-03-10 09:00:30")
    assert "2026-03-09" in patient.wait_for(contains="looks missed", timeout=30).body
    settle(caregiver)
    assert with_text(caregiver, "looks missed") == []
    alerts = "SELECT DISTINCT outcome FROM outbox WHERE chat_id = 6802 AND kind = 'cg_missed'"
    assert rows(bot, alerts) == [("cancelled",)], "dose 1's by recording it, dose 2's by removal"


def test_leave_and_erasure_end_links(api: FakeBotApi, bot: BotProcess) -> None:
    """/leave and a caregiver's /deletedata end their links; the patient's erases links and
    invites."""
    patient = api.user(6901, "Sam")
    leaver, eraser, last = api.user(6902, "Tia"), api.user(6903, "Uma"), api.user(6904, "Vic")
    enrol(patient, first="today", at="09:00")
    for caregiver in (leaver, eraser, last):
        link(patient, caregiver)

    menu = say(leaver, "/leave", "Stop following whom?")
    leaver.tap(menu, "🚪 Stop following Sam")
    assert "You no longer follow Sam" in leaver.wait_for_edit(menu).body
    patient.wait_for(contains="Tia stopped following")
    assert links_of(bot, 6901) == {6903: True, 6904: True}

    confirm = say(eraser, "/deletedata", "erases everything")
    eraser.tap(confirm, "✅")
    assert "erased" in eraser.wait_for_edit(confirm).body
    assert links_of(bot, 6901) == {6904: True}
    assert rows(bot, "SELECT count(*) FROM caregiver_links WHERE caregiver_id = 6903") == [(0,)]
    say(eraser, "/patients", "You don't follow anyone")

    token, _ = invite(patient)
    confirm = say(patient, "/deletedata", "erases everything")
    patient.tap(confirm, "✅")
    assert "erased" in patient.wait_for_edit(confirm).body
    assert rows(bot, "SELECT count(*) FROM caregiver_links") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM invites") == [(0,)]
    say(last, "/patients", "You don't follow anyone")
    say(api.user(6905, "Wil"), f"/start {token}", "isn't valid")


def test_caregiver_only_start_and_signing_up_too(api: FakeBotApi, bot: BotProcess) -> None:
    """/start for someone who only follows others: their welcome, then sign-up on request."""
    patient, caregiver = api.user(7001, "Wes"), api.user(7002, "Xan")
    enrol(patient, first="today", at="09:00")
    link(patient, caregiver)
    welcome = say(caregiver, "/start", "Welcome back")
    assert "You follow: Wes" in welcome.body and "Do you agree" not in welcome.body
    assert welcome.buttons == ["💉 I take Kesimpta too: sign me up"]
    say(caregiver, "hello", "/patients shows the people you follow")
    caregiver.tap(welcome, "💉")
    caregiver.wait_for(contains="Do you agree")
    say(caregiver, "yes", "time zone")


def test_patients_overview_without_sites(api: FakeBotApi, start_at: Start) -> None:
    """/patients: last and next doses with dates, adherence, never the injection site."""
    bot = start_at("2026-03-02 07:00:00")
    patient, caregiver = api.user(7101, "Yul"), api.user(7102, "Zed")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    say(patient, "/taken", "recorded as injected on 2026-03-02")
    who = patient.wait_for(contains="Who gave the injection")
    patient.tap(who, "🙋")
    where = patient.wait_for_edit(who)
    patient.tap(where, "Left thigh")
    assert "left thigh" in patient.wait_for_edit(where).body
    assert rows(bot, "SELECT site FROM dose_records WHERE patient_id = 7101") == [("thigh_left",)]
    link(patient, caregiver)

    patient.send("/schedule")
    patient.wait_for(contains="Your Kesimpta plan")
    plan = [line for line in schedule_of(patient.messages()) if line.number > 1][:3]
    overview = say(caregiver, "/patients", "People you follow")
    assert "Yul" in overview.body and "Last dose: dose 1 on 2026-03-02" in overview.body
    upcoming = [(int(n), day) for n, day in NEXT_LINE.findall(overview.body)]
    assert upcoming == [(plan[0].number, plan[0].day.isoformat())], "the next dose, once"
    assert upcoming[0] == (2, "2026-03-09")
    assert "1 dose so far, on time." in overview.body
    assert "thigh" not in overview.body.lower() and "belly" not in overview.body.lower()


def test_pausing_tells_the_caregiver(api: FakeBotApi, bot: BotProcess) -> None:
    """A patient who pauses their reminders: their caregivers are told."""
    patient, caregiver = api.user(7201, "Abe"), api.user(7202, "Bea")
    enrol(patient, first="today", at="09:00")
    link(patient, caregiver)
    overview = say(patient, "/settings", "Settings")
    patient.tap(overview, "⏸ Pause reminders")
    patient.wait_for_edit(overview)
    bot.restart()  # the outbox sweep runs right after start
    assert "Abe paused their reminders" in caregiver.wait_for(contains="paused", timeout=30).body


def test_patient_name_with_html_characters(api: FakeBotApi, bot: BotProcess) -> None:
    """A first name that looks like HTML still reaches the caregiver's approval notice."""
    patient, caregiver = api.user(7301, "Kim <Mum>"), api.user(7302, "Cal")
    enrol(patient, first="today", at="09:00")
    link(patient, caregiver)
    assert with_text(caregiver, "Kim <Mum> approved you")


def test_caregiver_alerts_are_sent_once(api: FakeBotApi, start_at: Start) -> None:
    """A notice and a missed-dose alert reach the caregiver once, also after later sweeps."""
    bot = start_at("2026-03-02 07:00:00")
    patient, caregiver = api.user(7401, "Dee"), api.user(7402, "Eve")
    enrol(patient, zone="Europe/Berlin", first="today", at="10:00")
    link(patient, caregiver)
    say(patient, "/taken", "recorded as injected on 2026-03-02")  # dose 2: 2026-03-09
    start_at("2026-03-02 07:10:00")
    caregiver.wait_for(contains="dose 1 was injected", timeout=30)
    start_at("2026-03-10 09:00:30")
    caregiver.wait_for(contains="looks missed", timeout=30)
    start_at("2026-03-11 09:00:30")  # a day later the patient's overdue reminder goes out
    patient.wait_for(contains="still not recorded", timeout=30)
    settle(caregiver)
    assert len(with_text(caregiver, "dose 1 was injected")) == 1
    assert len(with_text(caregiver, "looks missed")) == 1
    unfinished = "SELECT count(*) FROM outbox WHERE chat_id = 7402 AND finished_at IS NULL"
    assert rows(bot, unfinished) == [(0,)], "what was sent is recorded as sent"


def test_stale_caregiver_heads_up_does_not_block_reminders(
    api: FakeBotApi, start_at: Start
) -> None:
    """A caregiver's day-before alert that went stale during downtime is dropped; the patient's
    dose reminder still goes out."""
    start_at("2026-03-02 07:00:00")
    patient, caregiver = api.user(7501, "Fox"), api.user(7502, "Gia")
    enrol(patient, zone="Europe/Berlin", first="tomorrow", at="10:00")
    link(patient, caregiver)
    choices = say(caregiver, "/settings", "Alerts about Fox")
    caregiver.tap(choices, "🔔 Get day-before alerts")
    assert "The day before a dose: on" in caregiver.wait_for_edit(choices).body
    start_at("2026-03-03 09:00:30")  # down over the heads-up time (2026-03-02 09:00 UTC)
    reminder = patient.wait_for(contains="It's time for dose 1", timeout=10)
    assert "2026-03-03" in reminder.body
    settle(caregiver)
    assert with_text(caregiver, "Tomorrow") == []
