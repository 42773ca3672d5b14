from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    FIRST_APPROVAL,
    Course,
    Phase,
    PlannedDose,
    ShortGap,
    TakenDateProblem,
    add_months,
    build_plan,
    check_recorded_date,
    infer_last_dose,
    minimum_gap,
    next_dose,
    phase_of,
    recorded_on,
    short_gap,
)
from tests.conftest import DATA

CASES_PATH = DATA / "schedule-cases.json"
D = date.fromisoformat


def _cases() -> list[dict[str, Any]]:
    return list(json.loads(CASES_PATH.read_text(encoding="utf-8"))["cases"])


def planned_dates(plan: list[PlannedDose]) -> list[date]:
    return [dose.planned for dose in plan]


def take_in_order(first: date, actual: dict[int, date], through: int) -> Course:
    """Doses 1..through taken: on their planned dates unless listed in ``actual``."""
    taken: dict[int, date] = {}
    for number in range(1, through + 1):
        due = next_dose(Course(first, taken), first)
        assert due.number == number
        taken[number] = actual.get(number, due.planned)
    return Course(first, taken)


def plan_after(course: Course, count: int = 16) -> list[PlannedDose]:
    """The plan with ``today`` on the latest recorded day, so nothing is overdue."""
    today = max([course.first_injection, *course.taken.values()])
    plan = build_plan(course, today, upcoming=count)
    assert not any(dose.provisional for dose in plan)
    return plan


# --- the worked examples ---------------------------------------------------------------


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["case"])
def test_worked_example(case: dict[str, Any]) -> None:
    first = D(case["first_injection"])
    actual = {int(n): D(day) for n, day in case["taken_on_another_day"].items()}
    course = take_in_order(first, actual, max(actual, default=0))
    plan = plan_after(course)[:16]
    assert [dose.number for dose in plan] == list(range(1, 17))
    assert planned_dates(plan) == [D(day) for day in case["planned_dates_of_doses_1_to_16"]]
    for number, day in actual.items():
        assert plan[number - 1].taken == day


def test_worked_examples_file_is_there() -> None:
    assert len(_cases()) >= 8


# --- basics --------------------------------------------------------------------------


def test_phase() -> None:
    assert [phase_of(n) for n in (1, 2, 3)] == [Phase.LOADING] * 3
    assert [phase_of(n) for n in (4, 5, 100)] == [Phase.MONTHLY] * 3
    with pytest.raises(ValueError):
        phase_of(0)
    dose = PlannedDose(4, D("2026-06-01"), None, provisional=False, before_enrolment=False)
    assert dose.phase is Phase.MONTHLY
    assert Phase.LOADING.value == "loading"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-01-31", 2, "2026-03-31"),
        ("2026-01-30", 1, "2026-02-28"),
        ("2026-01-29", 1, "2026-02-28"),
        ("2024-01-29", 1, "2024-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2028-01-30", 1, "2028-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-11-30", 14, "2028-01-30"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-05-04", 0, "2026-05-04"),
    ],
)
def test_add_months(day: str, months: int, expected: str) -> None:
    assert add_months(D(day), months) == D(expected)


def test_course_is_hashable_and_built_from_a_dict() -> None:
    one = Course(D("2026-05-04"), {2: D("2026-05-11"), 1: D("2026-05-04")})
    two = Course(D("2026-05-04"), {1: D("2026-05-04"), 2: D("2026-05-11")})
    assert one == two
    assert hash(one) == hash(two)
    assert one.taken == {1: D("2026-05-04"), 2: D("2026-05-11")}
    assert list(one.taken) == [1, 2]
    assert {one: "x"}[two] == "x"


# --- loading -----------------------------------------------------------------------------


def test_loading_all_on_time() -> None:
    plan = build_plan(Course(D("2026-05-04"), {}), D("2026-05-04"), upcoming=5)
    assert planned_dates(plan) == [
        D("2026-05-04"),
        D("2026-05-11"),
        D("2026-05-18"),
        D("2026-06-01"),
        D("2026-07-01"),
    ]
    assert [dose.phase for dose in plan] == [Phase.LOADING] * 3 + [Phase.MONTHLY] * 2
    assert not any(dose.taken or dose.provisional or dose.before_enrolment for dose in plan)


def test_first_injection_in_the_future() -> None:
    plan = build_plan(Course(D("2026-05-04"), {}), D("2026-05-01"), upcoming=2)
    assert planned_dates(plan) == [D("2026-05-04"), D("2026-05-11")]


@pytest.mark.parametrize(
    ("actual", "expected_2_to_5"),
    [
        ("2026-05-06", ["2026-05-13", "2026-05-20", "2026-06-03", "2026-07-03"]),
        ("2026-05-03", ["2026-05-10", "2026-05-17", "2026-05-31", "2026-06-30"]),
    ],
    ids=["late", "early"],
)
def test_dose_1_on_another_day(actual: str, expected_2_to_5: list[str]) -> None:
    course = Course(D("2026-05-04"), {1: D(actual)})
    plan = plan_after(course, count=4)
    assert plan[0].planned == D("2026-05-04")
    assert plan[0].taken == D(actual)
    assert planned_dates(plan[1:5]) == [D(day) for day in expected_2_to_5]


def test_dose_2_late() -> None:
    course = take_in_order(D("2026-05-04"), {2: D("2026-05-14")}, 2)
    plan = plan_after(course, count=3)
    assert planned_dates(plan[2:5]) == [D("2026-05-21"), D("2026-06-04"), D("2026-07-04")]


def test_dose_3_late_keeps_the_14_day_gap() -> None:
    course = take_in_order(D("2026-05-04"), {3: D("2026-05-25")}, 3)
    plan = plan_after(course, count=2)
    assert planned_dates(plan[3:5]) == [D("2026-06-08"), D("2026-07-08")]


@pytest.mark.parametrize(
    ("actual_4", "dose_5", "dose_6"),
    [
        ("2026-06-05", "2026-07-05", "2026-08-05"),
        ("2026-05-30", "2026-06-30", "2026-07-30"),
    ],
    ids=["late", "early"],
)
def test_dose_4_on_another_day_anchors_the_months(actual_4: str, dose_5: str, dose_6: str) -> None:
    course = take_in_order(D("2026-05-04"), {4: D(actual_4)}, 4)
    plan = plan_after(course, count=2)
    assert plan[3].planned == D("2026-06-01")
    assert planned_dates(plan[4:6]) == [D(dose_5), D(dose_6)]


def test_loading_across_the_year_end() -> None:
    plan = build_plan(Course(D("2026-12-20"), {}), D("2026-12-20"), upcoming=5)
    assert planned_dates(plan) == [
        D("2026-12-20"),
        D("2026-12-27"),
        D("2027-01-03"),
        D("2027-01-17"),
        D("2027-02-17"),
    ]


def test_monthly_across_the_year_end() -> None:
    plan = build_plan(Course(D("2026-10-18"), {}), D("2026-10-18"), upcoming=7)
    assert planned_dates(plan)[3:] == [
        D("2026-11-15"),
        D("2026-12-15"),
        D("2027-01-15"),
        D("2027-02-15"),
    ]


# --- month ends --------------------------------------------------------------------------


def monthly_from(dose_4: date, count: int) -> list[date]:
    """Planned dates of doses 4.. when dose 4 falls on ``dose_4`` and all are on time."""
    first = dose_4 - timedelta(days=28)
    plan = build_plan(Course(first, {}), first, upcoming=3 + count)
    assert plan[3].planned == dose_4
    return planned_dates(plan[3:])


@pytest.mark.parametrize(
    ("dose_4", "expected"),
    [
        ("2026-01-29", ["2026-01-29", "2026-02-28", "2026-03-29", "2026-04-29"]),
        ("2027-12-29", ["2027-12-29", "2028-01-29", "2028-02-29", "2028-03-29"]),
        ("2026-01-30", ["2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30"]),
        ("2024-01-30", ["2024-01-30", "2024-02-29", "2024-03-30", "2024-04-30"]),
        ("2027-01-31", ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]),
        ("2028-01-31", ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30"]),
        ("2026-08-31", ["2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30"]),
        ("2026-12-31", ["2026-12-31", "2027-01-31", "2027-02-28", "2027-03-31"]),
    ],
)
def test_month_ends(dose_4: str, expected: list[str]) -> None:
    assert monthly_from(D(dose_4), 4) == [D(day) for day in expected]


def test_no_drift_after_a_short_month_even_when_taken_on_time() -> None:
    course = take_in_order(D("2026-01-03"), {}, 6)
    plan = plan_after(course, count=2)
    assert [dose.taken for dose in plan[3:6]] == [D("2026-01-31"), D("2026-02-28"), D("2026-03-31")]
    assert planned_dates(plan[6:8]) == [D("2026-04-30"), D("2026-05-31")]


def test_latest_dose_on_another_day_is_the_anchor() -> None:
    course = take_in_order(
        D("2026-05-04"), {5: D("2026-07-05"), 7: D("2026-09-03"), 8: D("2026-10-03")}, 9
    )
    plan = plan_after(course, count=2)
    assert plan[5].planned == D("2026-08-05")
    assert plan[6].planned == D("2026-09-05")
    assert plan[7].planned == D("2026-10-03")
    assert plan[8].planned == D("2026-11-03")
    assert planned_dates(plan[9:11]) == [D("2026-12-03"), D("2027-01-03")]


def test_a_re_anchoring_hides_the_old_dates() -> None:
    course = take_in_order(D("2026-05-04"), {5: D("2026-07-05")}, 5)
    dates = set(planned_dates(plan_after(course, count=12)))
    assert D("2026-08-01") not in dates
    assert D("2026-08-05") in dates


# --- before enrolment ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enrolled_after", "last", "gap_dates", "next_dates"),
    [
        (1, "2026-01-05", [], ["2026-01-12", "2026-01-19", "2026-02-02"]),
        (2, "2026-01-14", [], ["2026-01-21", "2026-02-04", "2026-03-04"]),
        (3, "2026-01-20", ["2026-01-12"], ["2026-02-03", "2026-03-03"]),
        (4, "2026-02-05", ["2026-01-12", "2026-01-19"], ["2026-03-05", "2026-04-05"]),
        (
            10,
            "2026-08-04",
            [
                "2026-01-12",
                "2026-01-19",
                "2026-02-02",
                "2026-03-02",
                "2026-04-02",
                "2026-05-02",
                "2026-06-02",
                "2026-07-02",
            ],
            ["2026-09-04", "2026-10-04"],
        ),
    ],
)
def test_resumption_after_enrolment(
    enrolled_after: int, last: str, gap_dates: list[str], next_dates: list[str]
) -> None:
    first = D("2026-01-05")
    course = Course(first, {1: first, enrolled_after: D(last)}, enrolled_after=enrolled_after)
    today = D(last) + timedelta(days=1)
    plan = build_plan(course, today, upcoming=len(next_dates))
    assert [dose.number for dose in plan] == list(range(1, enrolled_after + len(next_dates) + 1))
    before, after = plan[:enrolled_after], plan[enrolled_after:]
    assert all(dose.before_enrolment for dose in before)
    assert not any(dose.before_enrolment or dose.provisional for dose in after)
    assert before[0].planned == first
    assert before[0].taken == first
    assert before[-1].taken == D(last)
    gap = before[1:-1]
    assert planned_dates(gap) == [D(day) for day in gap_dates]
    assert all(dose.taken is None for dose in gap)
    assert planned_dates(after) == [D(day) for day in next_dates]
    assert next_dose(course, today) == after[0]


def test_resumption_then_later_doses_taken() -> None:
    first = D("2026-01-05")
    course = Course(
        first,
        {1: first, 4: D("2026-02-05"), 5: D("2026-03-05"), 6: D("2026-04-07")},
        enrolled_after=4,
    )
    plan = build_plan(course, D("2026-04-07"), upcoming=2)
    assert planned_dates(plan[4:]) == [
        D("2026-03-05"),
        D("2026-04-05"),
        D("2026-05-07"),
        D("2026-06-07"),
    ]


def test_resumption_then_overdue() -> None:
    first = D("2026-01-05")
    course = Course(first, {1: first, 4: D("2026-02-05")}, enrolled_after=4)
    plan = build_plan(course, D("2026-03-20"), upcoming=3)
    assert [(dose.number, dose.planned, dose.provisional) for dose in plan[4:]] == [
        (5, D("2026-03-05"), False),
        (6, D("2026-04-20"), True),
        (7, D("2026-05-20"), True),
    ]
    assert not plan[3].provisional


def test_resumption_without_taken_1() -> None:
    first = D("2026-01-05")
    course = Course(first, {3: D("2026-01-20")}, enrolled_after=3)
    plan = build_plan(course, D("2026-01-21"), upcoming=1)
    assert [dose.taken for dose in plan] == [None, None, D("2026-01-20"), None]
    assert plan[3].planned == D("2026-02-03")


# --- overdue ---------------------------------------------------------------------------


def test_overdue_monthly_dose_makes_the_following_provisional() -> None:
    course = take_in_order(D("2026-05-04"), {}, 3)
    plan = build_plan(course, D("2026-06-05"), upcoming=3)
    assert [(dose.number, dose.planned, dose.provisional) for dose in plan[3:]] == [
        (4, D("2026-06-01"), False),
        (5, D("2026-07-05"), True),
        (6, D("2026-08-05"), True),
    ]
    assert next_dose(course, D("2026-06-05")) == plan[3]


def test_overdue_loading_dose_follows_the_chain_from_today() -> None:
    course = take_in_order(D("2026-05-04"), {}, 1)
    plan = build_plan(course, D("2026-05-14"), upcoming=4)
    assert [(dose.number, dose.planned, dose.provisional) for dose in plan[1:]] == [
        (2, D("2026-05-11"), False),
        (3, D("2026-05-21"), True),
        (4, D("2026-06-04"), True),
        (5, D("2026-07-04"), True),
    ]


def test_overdue_first_dose() -> None:
    plan = build_plan(Course(D("2026-05-04"), {}), D("2026-05-06"), upcoming=2)
    assert [(dose.planned, dose.provisional) for dose in plan] == [
        (D("2026-05-04"), False),
        (D("2026-05-13"), True),
    ]


def test_due_today_is_not_overdue() -> None:
    course = take_in_order(D("2026-05-04"), {}, 3)
    plan = build_plan(course, D("2026-06-01"), upcoming=3)
    assert planned_dates(plan[3:]) == [D("2026-06-01"), D("2026-07-01"), D("2026-08-01")]
    assert not any(dose.provisional for dose in plan)


def test_overdue_dose_recorded_moves_the_plan_to_the_real_date() -> None:
    course = take_in_order(D("2026-05-04"), {4: D("2026-06-05")}, 4)
    plan = plan_after(course, count=2)
    assert planned_dates(plan[4:6]) == [D("2026-07-05"), D("2026-08-05")]


# --- listing and validation ------------------------------------------------------------


def test_build_plan_lists_taken_then_upcoming() -> None:
    course = take_in_order(D("2026-05-04"), {}, 5)
    plan = build_plan(course, D("2026-07-01"))
    assert [dose.number for dose in plan] == list(range(1, 18))
    assert sum(dose.taken is None for dose in plan) == 12
    assert build_plan(course, D("2026-07-01"), upcoming=0) == plan[:5]
    assert build_plan(Course(D("2026-05-04"), {}), D("2026-05-04"), upcoming=0) == []
    with pytest.raises(ValueError):
        build_plan(course, D("2026-07-01"), upcoming=-1)


@pytest.mark.parametrize(
    ("taken", "enrolled_after"),
    [
        ({1: "2026-05-04", 3: "2026-05-18"}, 0),
        ({2: "2026-05-11"}, 0),
        ({1: "2026-05-04", 2: "2026-05-11", 4: "2026-06-01"}, 2),
        ({1: "2026-05-04"}, 3),
        ({0: "2026-05-04"}, 0),
        ({1: "2026-05-04", 2: "2026-05-04"}, 0),
        ({1: "2026-05-11", 2: "2026-05-04"}, 0),
        ({}, -1),
    ],
)
def test_build_plan_refuses_a_course_with_gaps(taken: dict[int, str], enrolled_after: int) -> None:
    with pytest.raises(ValueError):
        course = Course(D("2026-05-04"), {n: D(day) for n, day in taken.items()}, enrolled_after)
        build_plan(course, D("2026-06-01"))


def test_next_dose() -> None:
    course = take_in_order(D("2026-05-04"), {}, 2)
    assert next_dose(course, D("2026-05-12")) == PlannedDose(
        3, D("2026-05-18"), None, provisional=False, before_enrolment=False
    )


# --- inferring the last dose before enrolment ---------------------------------------------


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("2026-01-05", (1,)),
        ("2026-01-12", (2,)),
        ("2026-01-19", (3,)),
        ("2026-02-02", (4,)),
        ("2026-03-02", (5,)),
        ("2026-08-02", (10,)),
        ("2026-01-07", (1, 2)),
        ("2026-01-15", (2, 3)),
        ("2026-01-26", (3, 4)),
        ("2026-02-20", (4, 5)),
        ("2026-08-04", (10, 11)),
        ("2027-01-01", (14, 15)),
    ],
)
def test_infer_last_dose(last: str, expected: tuple[int, ...]) -> None:
    assert infer_last_dose(D("2026-01-05"), D(last)) == expected


def test_infer_last_dose_month_end() -> None:
    assert infer_last_dose(D("2026-01-03"), D("2026-02-28")) == (5,)
    assert infer_last_dose(D("2026-01-03"), D("2026-03-31")) == (6,)
    assert infer_last_dose(D("2026-01-03"), D("2026-03-28")) == (5, 6)


def test_infer_last_dose_refuses_last_before_first() -> None:
    with pytest.raises(ValueError):
        infer_last_dose(D("2026-01-05"), D("2026-01-04"))


# --- validating a recorded date ----------------------------------------------------------


def test_check_recorded_date() -> None:
    course = take_in_order(D("2026-05-04"), {}, 2)
    today = D("2026-05-20")
    assert check_recorded_date(course, 3, D("2026-05-18"), today) is None
    assert check_recorded_date(course, 3, today, today) is None
    assert check_recorded_date(course, 3, D("2026-05-21"), today) is TakenDateProblem.IN_FUTURE
    assert (
        check_recorded_date(course, 3, D("2026-05-11"), today)
        is TakenDateProblem.BEFORE_PREVIOUS_DOSE
    )
    assert (
        check_recorded_date(course, 3, D("2026-05-01"), today)
        is TakenDateProblem.BEFORE_PREVIOUS_DOSE
    )
    assert check_recorded_date(course, 2, D("2026-05-12"), today) is None
    assert (
        check_recorded_date(course, 1, D("2026-05-11"), today) is TakenDateProblem.AFTER_NEXT_DOSE
    )
    empty = Course(D("2020-08-25"), {})
    assert check_recorded_date(empty, 1, D("2020-08-19"), today) is (
        TakenDateProblem.BEFORE_FIRST_APPROVAL
    )
    assert check_recorded_date(empty, 1, FIRST_APPROVAL, today) is None


def test_check_recorded_date_after_the_enrolment_gap() -> None:
    first = D("2026-01-05")
    course = Course(first, {1: first, 4: D("2026-02-05")}, enrolled_after=4)
    today = D("2026-03-10")
    assert check_recorded_date(course, 5, D("2026-02-05"), today) is (
        TakenDateProblem.BEFORE_PREVIOUS_DOSE
    )
    assert check_recorded_date(course, 5, D("2026-02-06"), today) is None


# --- earlier than the label's spacing ---------------------------------------------------


def test_dose_2_the_day_after_dose_1_is_earlier_than_the_label_allows() -> None:
    course = Course(D("2026-05-04"), {1: D("2026-05-04")})
    assert short_gap(course, 2, D("2026-05-05")) == ShortGap(1, 2, timedelta(days=7))
    assert short_gap(course, 2, D("2026-05-10")) == ShortGap(1, 2, timedelta(days=7))
    assert short_gap(course, 2, D("2026-05-11")) is None
    assert short_gap(course, 2, D("2026-05-20")) is None


def test_the_first_monthly_dose_needs_two_weeks_after_dose_3() -> None:
    course = take_in_order(D("2026-05-04"), {}, 3)
    assert short_gap(course, 4, D("2026-05-31")) == ShortGap(3, 4, timedelta(days=14))
    assert short_gap(course, 4, D("2026-06-01")) is None


def test_a_monthly_dose_10_days_after_the_last_is_earlier_than_the_label_allows() -> None:
    course = take_in_order(D("2026-05-04"), {}, 4)
    last = course.taken[4]
    assert short_gap(course, 5, last + timedelta(days=10)) == ShortGap(4, 5, timedelta(days=28))
    assert short_gap(course, 5, last + timedelta(days=27)) is not None
    assert short_gap(course, 5, last + timedelta(days=28)) is None


def test_a_correction_can_bring_a_dose_too_close_to_the_next() -> None:
    course = take_in_order(D("2026-05-04"), {}, 3)
    assert short_gap(course, 2, D("2026-05-12")) == ShortGap(2, 3, timedelta(days=7))
    assert short_gap(course, 2, D("2026-05-11")) is None
    assert short_gap(course, 1, D("2026-05-04")) is None


def test_minimum_gap_follows_the_label() -> None:
    assert [minimum_gap(n).days for n in range(2, 7)] == [7, 7, 14, 28, 28]
    with pytest.raises(ValueError):
        minimum_gap(1)


# --- properties --------------------------------------------------------------------------

MIN_INTERVAL = {2: 7, 3: 7, 4: 14}


@st.composite
def courses(draw: st.DrawFn) -> tuple[Course, date]:
    """A course whose doses were taken -3..+40 days around their planned dates, and a today."""
    first = draw(st.dates(FIRST_APPROVAL, date(2035, 12, 31)))
    offsets = draw(st.lists(st.integers(-3, 40), max_size=20))
    taken: dict[int, date] = {}
    for number, offset in enumerate(offsets, start=1):
        due = next_dose(Course(first, taken), first)
        assert due.number == number
        day = due.planned + timedelta(days=offset)
        if taken:
            assert day > taken[number - 1]
        taken[number] = day
    enrolled_after = draw(st.integers(0, len(taken)))
    if enrolled_after:
        taken = {n: d for n, d in taken.items() if n in (1, enrolled_after) or n > enrolled_after}
    latest = max([first, *taken.values()])
    today = latest + timedelta(days=draw(st.integers(0, 120)))
    return Course(first, taken, enrolled_after), today


def effective_dates(plan: list[PlannedDose], today: date) -> list[date]:
    """The date each dose counts as given: actual, today for the overdue one, else planned."""
    result: list[date] = []
    overdue_seen = False
    for dose in plan:
        if dose.taken is not None:
            result.append(dose.taken)
        elif not dose.before_enrolment and not overdue_seen and dose.planned < today:
            overdue_seen = True
            result.append(today)
        else:
            result.append(dose.planned)
    return result


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(courses())
def test_no_interval_is_shorter_than_the_label(drawn: tuple[Course, date]) -> None:
    course, today = drawn
    plan = build_plan(course, today)
    effective = effective_dates(plan, today)
    for dose in plan[1:]:
        if dose.number <= course.enrolled_after:
            continue
        gap = (dose.planned - effective[dose.number - 2]).days
        assert gap >= MIN_INTERVAL.get(dose.number, 28), dose


@PROPERTY_SETTINGS
@given(courses())
def test_no_dose_is_ever_dropped(drawn: tuple[Course, date]) -> None:
    course, today = drawn
    plan = build_plan(course, today)
    assert [dose.number for dose in plan] == list(range(1, len(plan) + 1))
    for number, day in course.taken.items():
        assert plan[number - 1].taken == day
    assert all(dose.taken is None for dose in plan if dose.number not in course.taken)
    untaken = [dose for dose in plan if dose.number > course.enrolled_after and dose.taken is None]
    assert len(untaken) == 12
    assert all(b.planned > a.planned for a, b in pairwise(untaken))
    assert next_dose(course, today) == untaken[0]
    assert not untaken[0].provisional
    overdue = untaken[0].planned < today
    assert all(dose.provisional == overdue for dose in untaken[1:])
    assert all(dose.before_enrolment == (dose.number <= course.enrolled_after) for dose in plan)


@PROPERTY_SETTINGS
@given(courses())
def test_monthly_doses_keep_the_anchor_day(drawn: tuple[Course, date]) -> None:
    course, today = drawn
    plan = build_plan(course, today)
    effective = effective_dates(plan, today)
    anchor_number, anchor = 0, date.min
    for dose, day in zip(plan, effective, strict=True):
        if dose.number < 4:
            continue
        if anchor_number and dose.number > max(anchor_number, course.enrolled_after):
            months = (dose.planned.year - anchor.year) * 12 + dose.planned.month - anchor.month
            assert months == dose.number - anchor_number, dose
            last = calendar.monthrange(dose.planned.year, dose.planned.month)[1]
            assert dose.planned.day == min(anchor.day, last), (dose, anchor)
        if dose.number == 4 or dose.number == course.enrolled_after or day != dose.planned:
            anchor_number, anchor = dose.number, day


@PROPERTY_SETTINGS
@given(courses())
def test_the_planned_date_is_never_earlier_than_the_label_allows(
    drawn: tuple[Course, date],
) -> None:
    course, today = drawn
    upcoming = next_dose(course, today)
    if upcoming.number > 1 and not upcoming.provisional:
        assert short_gap(course, upcoming.number, upcoming.planned) is None


def test_recorded_on_names_the_dose_of_that_day() -> None:
    course = Course(D("2026-05-04"), {1: D("2026-05-04"), 2: D("2026-05-11")})
    assert recorded_on(course, D("2026-05-04")) == 1
    assert recorded_on(course, D("2026-05-11")) == 2
    assert recorded_on(course, D("2026-05-10")) is None
    assert recorded_on(Course(D("2026-05-04"), {}), D("2026-05-04")) is None
