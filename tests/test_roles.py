"""Which commands each role's menu offers."""

from __future__ import annotations

from bot.domain.roles import (
    ACCOUNT,
    CAREGIVER,
    INFORMATION,
    NEWCOMER,
    PATIENT,
    STAFF,
    Role,
    menu_commands,
)


def test_a_newcomer_sees_sign_up_information_and_account_only() -> None:
    commands = menu_commands(NEWCOMER)
    assert commands[0] == "start"
    assert set(commands) == {"start", *INFORMATION, *ACCOUNT}
    assert not set(commands) & {"taken", "patients", "stats", "invite"}


def test_a_patient_sees_their_plan_but_not_the_caregivers_commands() -> None:
    commands = menu_commands(Role(patient=True))
    assert set(PATIENT) <= set(commands)
    assert "patients" not in commands and "leave" not in commands and "stats" not in commands


def test_a_caregiver_only_sees_whom_they_follow_not_a_plan() -> None:
    commands = menu_commands(Role(caregiver=True))
    assert {"start", "patients", "settings", "leave", "help"} <= set(commands)
    assert not set(commands) & {"taken", "schedule", "next", "pen", "log", "invite"}


def test_someone_both_patient_and_caregiver_sees_both_once() -> None:
    commands = menu_commands(Role(patient=True, caregiver=True))
    assert set(PATIENT) | set(CAREGIVER) <= set(commands)
    assert len(commands) == len(set(commands)), "settings is in both, listed once"


def test_staff_see_their_commands_last() -> None:
    commands = menu_commands(Role(staff=True))
    assert commands[-len(STAFF) :] == STAFF
    assert "stats" not in menu_commands(Role(patient=True, caregiver=True))
