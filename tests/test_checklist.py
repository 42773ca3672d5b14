"""The checks before a first injection: the tests undated ("before your first injection; ask
your clinic when"), the vaccines dated with the label's lead times and a week's notice, and a
vaccine deadline already past turned into "talk to your doctor"."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.domain.checklist import NOTICE, Check, Item, checklist, read_done, write_done
from bot.texts import language

FIRST = date(2026, 6, 15)
UNDATED = [
    Item(Check.HEPATITIS_B, None, None, False),
    Item(Check.IMMUNOGLOBULINS, None, None, False),
]


def test_far_ahead_the_tests_are_undated_and_the_vaccines_have_dated_reminders() -> None:
    assert checklist(FIRST, date(2026, 4, 1)) == [
        *UNDATED,
        Item(Check.LIVE_VACCINES, date(2026, 5, 18), date(2026, 5, 11), False),
        Item(Check.INACTIVATED_VACCINES, date(2026, 6, 1), date(2026, 5, 25), False),
    ]


def test_the_tests_never_get_a_deadline_even_the_day_before() -> None:
    items = checklist(FIRST, FIRST - timedelta(days=1))
    assert items[:2] == UNDATED


def test_a_deadline_already_past_is_for_the_doctor_never_do_it_now() -> None:
    items = {item.check: item for item in checklist(FIRST, date(2026, 6, 5))}
    assert items[Check.LIVE_VACCINES].too_late and items[Check.LIVE_VACCINES].remind_on is None
    assert items[Check.INACTIVATED_VACCINES].too_late
    assert items[Check.HEPATITIS_B] == UNDATED[0]


def test_inside_the_notice_week_the_list_itself_is_the_notice() -> None:
    """The tester's burst: reminders due the day the list was shown came seconds after it."""
    today = date(2026, 5, 30)
    items = {item.check: item for item in checklist(FIRST, today)}
    assert items[Check.INACTIVATED_VACCINES].remind_on is None
    assert not items[Check.INACTIVATED_VACCINES].too_late


def test_a_check_ticked_off_gets_no_reminder() -> None:
    today = date(2026, 4, 1)
    done = frozenset({Check.LIVE_VACCINES, Check.HEPATITIS_B})
    items = {item.check: item for item in checklist(FIRST, today, done)}
    assert items[Check.LIVE_VACCINES].done and items[Check.LIVE_VACCINES].remind_on is None
    assert items[Check.HEPATITIS_B].done
    assert not items[Check.INACTIVATED_VACCINES].done
    assert items[Check.INACTIVATED_VACCINES].remind_on == date(2026, 5, 25)


@given(st.frozensets(st.sampled_from(Check)))
def test_what_is_done_reads_back(done: frozenset[Check]) -> None:
    assert read_done(write_done(done)) == done
    assert read_done("") == frozenset()
    assert read_done("hepatitis_b,something_newer") == {Check.HEPATITIS_B}


def test_nothing_once_treatment_has_started() -> None:
    assert checklist(FIRST, FIRST) == []
    assert checklist(FIRST, FIRST + timedelta(days=3)) == []


@given(
    first=st.dates(date(2020, 8, 20), date(2030, 1, 1)),
    before=st.integers(min_value=1, max_value=400),
)
def test_reminders_never_fall_after_deadlines_or_in_the_past(first: date, before: int) -> None:
    today = first - timedelta(days=before)
    for item in checklist(first, today):
        if item.deadline is None:
            assert item.check in (Check.HEPATITIS_B, Check.IMMUNOGLOBULINS)
            assert item.remind_on is None and not item.too_late
            continue
        assert item.deadline < first
        if item.too_late:
            assert item.deadline < today and item.remind_on is None
        elif item.remind_on is not None:
            assert today < item.remind_on <= item.deadline
        else:
            assert item.deadline - NOTICE <= today, "no reminder only inside the notice week"


def test_the_overview_asks_the_clinic_when_for_the_tests_in_both_languages() -> None:
    items = checklist(FIRST, date(2026, 4, 1))
    english = texts.care.checklist_overview(items)
    assert (
        english.count(
            "before your first injection — your doctor needs the results first; ask "
            "your clinic when"
        )
        == 2
    )
    assert "2026-06-14" not in english and "day before" not in english
    with language.speaking("de"):
        german = texts.care.checklist_overview(items)
    assert german.count("vor Ihrer ersten Injektion") == 2 and "Praxis" in german
    assert "2026-06-14" not in german


def test_the_overview_never_shows_a_past_date_as_a_to_do() -> None:
    """The tester saw "by" dates already past. Ten days before the first injection the live
    vaccines' deadline (four weeks before) is gone: it is for the doctor, with no date."""
    today = date(2026, 6, 5)
    items = checklist(FIRST, today, frozenset({Check.IMMUNOGLOBULINS}))
    for code in ("en", "de"):
        with language.speaking(code):
            text = texts.care.checklist_overview(items)
        assert "2026-05-18" not in text, code
        assert "2026-06-01" not in text, code  # the inactivated vaccines' deadline passed too
        assert text.count("⬜") == 3 and text.count("✅") == 1, code
    english = texts.care.checklist_overview(items)
    assert english.count("talk to your doctor before the first injection") == 2
    assert "remind you" not in english
