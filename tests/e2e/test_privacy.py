"""/deletedata really erases; buttons carry no trust; strangers get nothing."""

from __future__ import annotations

from tests.support.database import SQLITE_ONLY, value
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import BotProcess
from tests.support.people import begin, enrol

pytestmark = SQLITE_ONLY

TABLES = ("patients", "dose_records", "conversations")


def rows_about(bot: BotProcess, user_id: int) -> dict[str, int]:
    count = "SELECT count(*) FROM {} WHERE {} = ?"
    return {
        "patients": value(bot.workdir, count.format("patients", "user_id"), user_id),
        "dose_records": value(bot.workdir, count.format("dose_records", "patient_id"), user_id),
        "conversations": value(bot.workdir, count.format("conversations", "user_id"), user_id),
    }


def test_deletedata_erases_everything_after_confirmation(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(3001, "Kim")
    other = api.user(3002, "Lou")
    enrol(user, first="2025-01-06", last="2025-01-13", at="09:00")
    enrol(other, first="today")
    assert rows_about(bot, 3001)["dose_records"] == 2

    user.send("/deletedata")
    confirm = user.wait_for(contains="erases everything")
    user.tap(confirm, "✖️")
    user.wait_for_edit(confirm)
    assert rows_about(bot, 3001)["patients"] == 1

    user.send("/deletedata")
    confirm = user.wait_for(contains="erases everything")
    assert confirm.buttons[0].startswith("✅")
    user.tap(confirm, "✅")
    assert "erased" in user.wait_for_edit(confirm).body
    assert rows_about(bot, 3001) == dict.fromkeys(TABLES, 0)
    assert rows_about(bot, 3002)["patients"] == 1, "only the requester's data goes"

    user.send("/schedule")
    user.wait_for(contains="haven't signed up")
    user.send("/deletedata")
    user.wait_for(contains="nothing to erase")


def test_deletedata_during_enrolment_and_keeping_it(api: FakeBotApi, bot: BotProcess) -> None:
    user = api.user(3003, "Max")
    begin(user)
    user.send("/deletedata")
    confirm = user.wait_for(contains="erases everything")
    user.tap(confirm, "✖️")
    user.wait_for_edit(confirm)
    user.send("Europe/Vienna")
    user.wait_for(contains="first")
    user.send("/deletedata")
    confirm = user.wait_for(contains="erases everything")
    user.tap(confirm, "✅")
    assert "erased" in user.wait_for_edit(confirm).body
    assert rows_about(bot, 3003) == dict.fromkeys(TABLES, 0)


def test_forged_and_stale_buttons_change_nothing(api: FakeBotApi, bot: BotProcess) -> None:
    victim = api.user(3004, "Nia")
    stranger = api.user(3005, "Oz")
    enrol(victim, first="today", at="09:00")
    victim.send("/deletedata")
    confirm = victim.wait_for(contains="erases everything")
    stranger.send("/help")
    own_message = stranger.wait_for(contains="What I can do")

    for data in ("erase:yes", "set:pause", "set:time", "enrol:dose:3", "cal:2026-01-01", "zzz"):
        query_id = stranger.tap_data(own_message, data)
        answered = api.wait_for_callback_answer(query_id)
        assert answered.text == "This button is no longer active.", data
    assert rows_about(bot, 3004)["patients"] == 1
    assert rows_about(bot, 3005) == dict.fromkeys(TABLES, 0)

    victim.tap(confirm, "✖️")
    victim.wait_for_edit(confirm)
    query_id = victim.tap_data(confirm, "erase:yes")  # the request was answered: stale now
    assert api.wait_for_callback_answer(query_id).text == "This button is no longer active."
    assert rows_about(bot, 3004)["patients"] == 1
    victim.send("/settings")
    assert "active" in victim.wait_for(contains="Settings").body


def test_staff_commands_are_refused_to_others(api: FakeBotApi, bot: BotProcess) -> None:
    stranger = api.user(3006, "Pia")
    stranger.send("/stats")
    stranger.wait_for(contains="support team only")
    staff = api.user(9001, "Staff")
    enrol(stranger, first="today")
    staff.send("/stats")
    figures = staff.wait_for(contains="Figures")
    assert "Patients enrolled: 1" in figures.body
    assert "Pia" not in figures.body and "3006" not in figures.body
