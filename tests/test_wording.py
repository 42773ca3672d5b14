"""Medical wording outside the information pages, in every language: the check-in names the
first injection, the arm is the upper outer arm, German says "Rachen" for the throat, and
nothing invites an early injection."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from bot import texts
from bot.texts import information, language
from bot.texts.language import _, catalog_path

LANGUAGES = sorted(language.LANGUAGES)
FIRST_INJECTION = {"en": "especially after the first injection", "de": "nach der ersten Injektion"}
OUTER_ARM = {"en": "upper outer arm", "de": "äußerer Oberarm"}
DOCTOR_OR_NURSE = {"en": "tell your doctor or nurse", "de": "Arzt oder Ihrer Pflegefachkraft"}
ARM_NAMES = {"en": "upper outer arm", "de": "Oberarm außen"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_check_in_question_names_the_first_injection(code: str) -> None:
    with language.speaking(code):
        assert FIRST_INJECTION[code] in texts.care.checkin_question(1, discreet=False)
        assert FIRST_INJECTION[code] in texts.care.checkin_question(2, discreet=True)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_arm_is_always_the_upper_outer_arm(code: str) -> None:
    with language.speaking(code):
        assert OUTER_ARM[code] in texts.reminders.site_noted("thigh_left", "arm_right")
        for site in ("arm_left", "arm_right"):
            assert ARM_NAMES[code] in texts.reminders.site_names()[site]


def test_no_german_text_says_hals_for_the_throat() -> None:
    """ "Halsschmerzen" (a sore throat) is the usual word; the throat itself is "Rachen"."""
    with catalog_path("de").open("rb") as po:
        german = [message.string for message in read_po(po, locale="de") if message.id]
    assert [text for text in german if re.search(r"\bHals\b", str(text))] == []


def test_german_says_rachen_for_the_throat() -> None:
    with language.speaking("de"):
        own = [
            _(information.EMERGENCY),
            _(information.HELP_NOW[0]),
            _(information.SIDE_EFFECTS[0]),
        ]
    assert all("Hals" not in text for text in own)
    assert "Rachen" in own[0] and "Rachen" in own[1]


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_text_invites_an_early_injection(code: str) -> None:
    with language.speaking(code):
        not_yet = texts.reminders.not_due_yet(2, date(2026, 4, 13))
        notice = texts.reminders.earlier_than_plan(1, 2, 7)
    assert "early" not in not_yet and "früher" not in not_yet
    assert DOCTOR_OR_NURSE[code] in notice and "7" in notice


def test_the_dose_choices_are_joined_in_the_persons_language() -> None:
    """The sign-up used to join them with an English "or" for everyone."""
    with language.speaking("en"):
        assert "(5 or 6)" in texts.enrolment.which_dose_unclear([5, 6])
    with language.speaking("de"):
        assert "(5, 6 oder 7)" in texts.enrolment.which_dose_unclear([5, 6, 7])
