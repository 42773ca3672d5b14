"""The texts as the bot sends them: every message is HTML (the application's default parse mode),
so every text must be markup Telegram accepts, in every language, and what people typed must
arrive as they typed it, never as markup."""

from __future__ import annotations

import inspect
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.domain.answers import ClockProblem, DateProblem
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


def typed_values() -> list[str]:
    """The texts that carry something a person typed or a name Telegram gave."""
    return [
        texts.caregivers.waiting_for_approval(NASTY),
        texts.caregivers.already_following(NASTY),
        texts.caregivers.left_for_caregiver(NASTY),
        texts.caregivers.caregiver_welcome([NASTY, None]),
        texts.caregivers.recorded_for(NASTY, "✅ Dose 4"),
        texts.caregivers.no_plan_of_your_own([NASTY, None]),
        texts.support.support_request(7, NASTY, NASTY),
        texts.support.support_follow_up(7, NASTY, NASTY),
        texts.enrolment.zone_unknown(NASTY),
        texts.enrolment.time_unreadable(NASTY),
        texts.enrolment.which_date(NASTY),
        texts.enrolment.pick_time(NASTY),
        texts.enrolment.time_unreadable(NASTY, ClockProblem.NO_SUCH_HOUR),
        texts.reminders.which_date_typed(NASTY, (date(2027, 2, 1), date(2027, 1, 2)), "/taken"),
        texts.reminders.which_date_typed(NASTY, (date(2027, 2, 1), date(2027, 1, 2)), None),
    ]


def dated_values() -> list[str]:
    """Texts filled with dates and times, which must leave no placeholder behind."""
    moment = datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
    return [
        texts.enrolment.picked(date(2026, 3, 3)),
        texts.enrolment.ask_last_injection(date(2026, 3, 3), date(2026, 4, 1)),
        texts.enrolment.date_problem(DateProblem.BEFORE_FIRST_INJECTION, date(2026, 3, 3)),
        texts.reminders.ask_correct_date(4, date(2026, 3, 3)),
        texts.reminders.snoozed_until(moment, date(2026, 3, 2)),
    ]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_what_people_typed_is_escaped(code: str) -> None:
    with speaking(code):
        for text in typed_values():
            check_formatting(text)
            assert NASTY not in text
            assert ESCAPED in text, text
        for text in typed_values() + dated_values():
            assert "{" not in text, f"a value is left unformatted: {text[:60]!r}"
            check_formatting(text)


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
    assert "2026-03-03" in texts.enrolment.ask_last_injection(date(2026, 3, 3), date(2026, 4, 1))
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


def test_dates_read_the_way_each_language_writes_them() -> None:
    """English keeps the unambiguous ISO date with the weekday; German writes its own form, in
    the prompts' examples too, and no English date form is left in a German text."""
    tuesday = date(2026, 3, 3)
    assert texts.enrolment.picked(tuesday) == "Picked Tue 2026-03-03."
    assert "<code>2026-04-01</code>" in texts.enrolment.ask_first_injection(date(2026, 4, 1))
    with speaking("de"):
        assert "Di., 03.03.2026" in texts.enrolment.picked(tuesday)
        first = texts.enrolment.ask_first_injection(date(2026, 4, 1))
        assert "<code>01.04.2026</code>" in first and "JJJJ" not in first
        correct = texts.reminders.ask_correct_date(4, tuesday)
        assert "Di., 03.03.2026" in correct and "2026-03-03" not in correct
        moment = datetime(2026, 3, 3, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))
        snoozed = texts.reminders.snoozed_until(moment, date(2026, 3, 1))
        assert "03.03.2026, 09:30" in snoozed and "2026-03-03" not in snoozed
        assert "20.08.2020" in texts.enrolment.date_problem(DateProblem.BEFORE_APPROVAL)
        for text in (
            first,
            texts.reminders.taken_usage(tuesday),
            texts.schedule.ask_new_reminder_time(),
        ):
            assert not any(word in text for word in ("today", "yesterday", "YYYY", "HH:MM")), text
