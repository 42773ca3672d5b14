"""The texts as the bot sends them: every message is HTML (the application's default parse mode),
so every text must be markup Telegram accepts, in every language, and what people typed must
arrive as they typed it, never as markup."""

from __future__ import annotations

import inspect
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.domain.answers import DateProblem
from bot.domain.broadcast import check_formatting
from bot.texts.language import LANGUAGES, speaking

# The command menu's descriptions are plain text in Telegram's menu, never parsed.
TEXT_MODULES = [getattr(texts, name) for name in texts.__all__ if name not in {"language", "menu"}]
NASTY = '<b>Ann & "Bo"</i>'
ESCAPED = "&lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/i&gt;"
BUTTON_LABELS = {"button", "buttons", "labels", "names", "choices", "answers", "notes", "days"}


def no_argument_texts() -> list[tuple[str, object]]:
    """Every text function that needs no value, except button labels (never parsed)."""
    found = []
    for module in TEXT_MODULES:
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__ or inspect.signature(function).parameters:
                continue
            if any(name.endswith(label) for label in BUTTON_LABELS):
                continue
            found.append((f"{module.__name__}.{name}", function))
    return found


def test_the_texts_are_found() -> None:
    names = {name for name, _ in no_argument_texts()}
    assert "bot.texts.common.not_enrolled" in names
    assert "bot.texts.account.staff_help" in names
    assert len(names) > 60


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_text_is_html_telegram_accepts(code: str) -> None:
    with speaking(code):
        for name, function in no_argument_texts():
            text = function()  # type: ignore[operator]
            if isinstance(text, str):
                check_formatting(text)
            elif isinstance(text, dict):
                for value in text.values():
                    if isinstance(value, str):
                        check_formatting(value)
            else:
                pytest.fail(f"{name} returns {type(text).__name__}")


def with_values() -> list[str]:
    """The texts that carry something a person typed or a name Telegram gave."""
    moment = datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
    return [
        texts.caregivers.waiting_for_approval(NASTY),
        texts.caregivers.already_following(NASTY),
        texts.caregivers.left_for_caregiver(NASTY),
        texts.caregivers.caregiver_welcome([NASTY, None]),
        texts.caregivers.recorded_for(NASTY, "✅ Dose 4"),
        texts.caregivers.no_plan_of_your_own([NASTY, None]),
        texts.support.support_request(7, NASTY, NASTY),
        texts.enrolment.zone_unknown(NASTY),
        texts.enrolment.time_unreadable(NASTY),
        texts.enrolment.picked(date(2026, 3, 3)),
        texts.enrolment.ask_last_injection(date(2026, 3, 3)),
        texts.enrolment.date_problem(DateProblem.BEFORE_FIRST_INJECTION, date(2026, 3, 3)),
        texts.reminders.ask_correct_date(4, date(2026, 3, 3)),
        texts.reminders.snoozed_until(moment, date(2026, 3, 2)),
    ]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_what_people_typed_is_escaped(code: str) -> None:
    with speaking(code):
        for text in with_values():
            check_formatting(text)
            assert NASTY not in text
            assert "{" not in text, f"a value is left unformatted: {text[:60]!r}"
        for text in with_values()[:5]:
            assert ESCAPED in text


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_texts_chosen_by_role_or_setting_are_html_telegram_accepts(code: str) -> None:
    with speaking(code):
        for patient, caregiver, staff in [
            (p, c, s) for p in (0, 1) for c in (0, 1) for s in (0, 1)
        ]:
            check_formatting(
                texts.account.help(
                    patient=bool(patient), caregiver=bool(caregiver), staff=bool(staff)
                )
            )
        for shown in (False, True):
            check_formatting(texts.enrolment.consent(shown))
        for may_confirm in (False, True):
            check_formatting(
                texts.caregivers.caregiver_missed(NASTY, 4, date(2026, 3, 3), may_confirm)
            )
        check_formatting(
            texts.caregivers.patient_summary(NASTY, (4, date(2026, 3, 3), True), None, "x")
        )


def test_templates_carry_their_values() -> None:
    assert "2026-03-03" in texts.enrolment.ask_last_injection(date(2026, 3, 3))
    assert "2026-03-03" in texts.enrolment.picked(date(2026, 3, 3))
    first = texts.enrolment.date_problem(DateProblem.BEFORE_FIRST_INJECTION, date(2026, 3, 3))
    assert "2026-03-03" in first
    correct = texts.reminders.ask_correct_date(4, date(2026, 3, 3))
    assert "4" in correct and "2026-03-03" in correct
    moment = datetime(2026, 3, 3, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))
    assert "09:30" in texts.reminders.snoozed_until(moment, date(2026, 3, 1))
    tomorrow = texts.reminders.snoozed_until(moment, date(2026, 3, 2))
    assert "Snoozed until tomorrow 09:30" in tomorrow
    assert "Snoozed until 09:30 today" in texts.reminders.snoozed_until(moment, date(2026, 3, 3))
    welcome = texts.caregivers.caregiver_welcome(["Ann", None])
    assert "Ann, " + texts.caregivers.the_patient() in welcome
