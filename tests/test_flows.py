"""The table of conversations (`bot.handlers.flows`): every flow is in it with the names and
steps stored rows already carry, how long each stays live, what answers text or a location;
the answers' JSON both ways; stored rows that no longer read count as no conversation; routing
through the table (an expired prompt gives back what it interrupted; a note after /log is handed
the safety advice its message already got)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import services
from bot.clock import FixedClock
from bot.db import transaction
from bot.domain.conversations import (
    EARLIER,
    AppointmentAnswers,
    AppointmentStep,
    AskSupportAnswers,
    AskSupportStep,
    BroadcastAnswers,
    BroadcastStep,
    CorrectionAnswers,
    CorrectionStep,
    DiaryAnswers,
    DiaryStep,
    EnrolmentAnswers,
    EnrolmentStep,
    EraseAnswers,
    EraseStep,
    FlowName,
    PensAnswers,
    PensStep,
    SettingsAnswers,
    SettingsStep,
    SupportAnswers,
    SupportStep,
    parse,
)
from bot.handlers import (
    appointments,
    broadcast,
    diary,
    doses,
    enrolment,
    flows,
    pens,
    settings,
    support,
)
from bot.models import Conversation
from bot.store import conversations

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_every_flow_is_in_the_table_under_its_stored_name() -> None:
    assert set(flows.FLOWS) == {name.value for name in FlowName}
    assert {name: flow.name for name, flow in flows.FLOWS.items()} == {
        name: FlowName(name) for name in flows.FLOWS
    }
    assert sorted(flows.FLOWS) == [
        "appointment",
        "ask_support",
        "broadcast",
        "correct",
        "diary",
        "enrolment",
        "erase",
        "pens",
        "settings",
        "support",
    ]


def test_step_values_stay_those_stored_rows_carry() -> None:
    steps = {name: [step.value for step in flow.steps] for name, flow in flows.FLOWS.items()}
    assert steps == {
        "enrolment": ["zone", "first", "last", "which", "time"],
        "settings": ["time", "zone"],
        "correct": ["day"],
        "support": ["answer"],
        "erase": ["confirm"],
        "diary": ["note"],
        "ask_support": ["write"],
        "pens": ["count", "delivery"],
        "broadcast": ["version", "start"],
        "appointment": ["kind", "note", "day", "time", "every", "confirm"],
    }


def test_how_long_each_flow_stays_live() -> None:
    live_for = {name: flow.live_for for name, flow in flows.FLOWS.items()}
    assert live_for == {
        "enrolment": None,
        "settings": timedelta(minutes=30),
        "correct": timedelta(minutes=30),
        "support": timedelta(minutes=30),
        "erase": timedelta(minutes=10),
        "diary": timedelta(minutes=15),
        "ask_support": timedelta(minutes=15),
        "pens": timedelta(minutes=15),
        "broadcast": timedelta(minutes=30),
        "appointment": timedelta(minutes=30),
    }


@pytest.mark.parametrize("name", [name.value for name in FlowName])
def test_liveness_ends_just_after_the_flows_time(name: str) -> None:
    flow = flows.FLOWS[name]
    row = Conversation(user_id=1, flow=name, step="x", updated_at=NOW)
    assert flow.is_live(row, NOW)
    if flow.live_for is None:
        assert flow.is_live(row, NOW + timedelta(days=3650)), "a sign-up never expires"
    else:
        assert flow.is_live(row, NOW + flow.live_for)
        assert not flow.is_live(row, NOW + flow.live_for + timedelta(seconds=1))


def test_what_answers_text_and_locations() -> None:
    handlers = {
        name: (flow.on_text, flow.on_health_text, flow.on_location, flow.when_expired)
        for name, flow in flows.FLOWS.items()
    }
    assert handlers == {
        "enrolment": (enrolment.answer, None, enrolment.answer_location, None),
        "settings": (settings.answer, None, settings.answer_location, None),
        "correct": (doses.answer_correction, None, None, None),
        "support": (support.answer, None, None, flows.give_back),
        "erase": (None, None, None, None),
        "diary": (None, diary.answer, None, flows.give_back),
        "ask_support": (support.answer_request, None, None, flows.give_back),
        "pens": (pens.answer, None, None, flows.give_back),
        "broadcast": (broadcast.answer, None, None, flows.give_back),
        "appointment": (appointments.answer, None, None, None),
    }


ROUND_TRIPS = [
    (EnrolmentAnswers(), {}),
    (EnrolmentAnswers(zone="Europe/Berlin"), {"zone": "Europe/Berlin"}),
    (
        EnrolmentAnswers(zone="UTC", first=date(2026, 1, 5), last=date(2026, 2, 1), dose=4),
        {"zone": "UTC", "first": "2026-01-05", "last": "2026-02-01", "dose": 4},
    ),
    (
        EnrolmentAnswers(
            zone="UTC", first=date(2026, 1, 5), last=date(2026, 1, 20), candidates=(2, 3)
        ),
        {"zone": "UTC", "first": "2026-01-05", "last": "2026-01-20", "candidates": [2, 3]},
    ),
    (SettingsAnswers(), {}),
    (CorrectionAnswers(number=3), {"number": 3}),
    (SupportAnswers(request=17), {"request": 17}),
    (EraseAnswers(), {}),
    (DiaryAnswers(), {}),
    (AskSupportAnswers(), {}),
    (AskSupportAnswers(follow_up=9), {"follow_up": 9}),
    (PensAnswers(), {}),
    (BroadcastAnswers(broadcast=4), {"broadcast": 4}),
    (BroadcastAnswers(broadcast=4, language="de"), {"broadcast": 4, "language": "de"}),
    (AppointmentAnswers(), {}),
    (
        AppointmentAnswers(
            editing=4, kind="other", note="eye doctor", day=date(2027, 1, 31), at=time(9, 30)
        ),
        {"editing": 4, "kind": "other", "note": "eye doctor", "day": "2027-01-31", "at": "09:30"},
    ),
    (AppointmentAnswers(kind="blood_ig", every=3), {"kind": "blood_ig", "every": 3}),
]


@pytest.mark.parametrize(("answers", "stored"), ROUND_TRIPS)
def test_answers_are_stored_as_before_and_read_back(answers: Any, stored: dict[str, Any]) -> None:
    assert answers.to_json() == stored
    assert type(answers).from_json(stored) == answers


def test_rows_as_they_are_stored_read_for_every_step() -> None:
    zone, first, last = {"zone": "UTC"}, {"first": "2026-01-05"}, {"last": "2026-01-20"}
    readable = [
        (EnrolmentStep, EnrolmentAnswers, "zone", {}),
        (EnrolmentStep, EnrolmentAnswers, "first", zone),
        (EnrolmentStep, EnrolmentAnswers, "last", {**zone, **first}),
        (EnrolmentStep, EnrolmentAnswers, "which", {**zone, **first, **last, "candidates": [2]}),
        (EnrolmentStep, EnrolmentAnswers, "time", {**zone, **first}),
        (EnrolmentStep, EnrolmentAnswers, "time", {**zone, **first, **last, "dose": 2}),
        (SettingsStep, SettingsAnswers, "time", {}),
        (SettingsStep, SettingsAnswers, "zone", {}),
        (CorrectionStep, CorrectionAnswers, "day", {"number": 2}),
        (SupportStep, SupportAnswers, "answer", {"request": 5, EARLIER: None}),
        (EraseStep, EraseAnswers, "confirm", {EARLIER: {"flow": "x", "step": "y"}}),
        (PensStep, PensAnswers, "count", {EARLIER: None}),
        (PensStep, PensAnswers, "delivery", {}),
        (BroadcastStep, BroadcastAnswers, "version", {"broadcast": 4, "language": "de"}),
        (BroadcastStep, BroadcastAnswers, "start", {"broadcast": 4}),
        (AppointmentStep, AppointmentAnswers, "kind", {}),
        (AppointmentStep, AppointmentAnswers, "day", {"kind": "mri"}),
        (
            AppointmentStep,
            AppointmentAnswers,
            "confirm",
            {"kind": "mri", "day": "2027-01-05", "at": "08:15", "editing": 3},
        ),
    ]
    for steps, answers, step, data in readable:
        parsed = parse(steps, answers, step, data)
        assert parsed is not None, (step, data)
        assert parsed[0] == step and isinstance(parsed[0], steps)


@pytest.mark.parametrize(
    ("steps", "answers", "step", "data"),
    [
        (EnrolmentStep, EnrolmentAnswers, "zone", None),
        (BroadcastStep, BroadcastAnswers, "version", {"broadcast": 4}),
        (BroadcastStep, BroadcastAnswers, "start", {"broadcast": 4, "language": "de"}),
        (BroadcastStep, BroadcastAnswers, "start", {"broadcast": "4"}),
        (BroadcastStep, BroadcastAnswers, "start", {}),
        (EnrolmentStep, EnrolmentAnswers, "zone", ["zone"]),
        (EnrolmentStep, EnrolmentAnswers, "zone", "{}"),
        (EnrolmentStep, EnrolmentAnswers, "country", {}),
        (EnrolmentStep, EnrolmentAnswers, "zone", {"colour": "blue"}),
        (EnrolmentStep, EnrolmentAnswers, "zone", {"zone": 3}),
        (EnrolmentStep, EnrolmentAnswers, "first", {}),
        (EnrolmentStep, EnrolmentAnswers, "last", {"zone": "UTC"}),
        (EnrolmentStep, EnrolmentAnswers, "last", {"zone": "UTC", "first": "5 January"}),
        (EnrolmentStep, EnrolmentAnswers, "which", {"zone": "UTC", "first": "2026-01-05"}),
        (
            EnrolmentStep,
            EnrolmentAnswers,
            "which",
            {"zone": "UTC", "first": "2026-01-05", "last": "2026-01-20", "candidates": "23"},
        ),
        (
            EnrolmentStep,
            EnrolmentAnswers,
            "which",
            {"zone": "UTC", "first": "2026-01-05", "last": "2026-01-20", "candidates": []},
        ),
        (
            EnrolmentStep,
            EnrolmentAnswers,
            "time",
            {"zone": "UTC", "first": "2026-01-05", "dose": "2"},
        ),
        (
            EnrolmentStep,
            EnrolmentAnswers,
            "time",
            {"zone": "UTC", "first": "2026-01-05", "dose": True},
        ),
        (SettingsStep, SettingsAnswers, "pause", {}),
        (AppointmentStep, AppointmentAnswers, "day", {}),
        (AppointmentStep, AppointmentAnswers, "kind", {"kind": "dentist"}),
        (AppointmentStep, AppointmentAnswers, "time", {"kind": "mri", "day": "tomorrow"}),
        (
            AppointmentStep,
            AppointmentAnswers,
            "confirm",
            {"kind": "mri", "day": "2027-01-05", "at": "25:00"},
        ),
        (SettingsStep, SettingsAnswers, "time", {"number": 1}),
        (CorrectionStep, CorrectionAnswers, "day", {}),
        (CorrectionStep, CorrectionAnswers, "day", {"number": "2"}),
        (CorrectionStep, CorrectionAnswers, "day", {"number": 2.0}),
        (SupportStep, SupportAnswers, "answer", {"request": None}),
        (SupportStep, SupportAnswers, "answer", {"request": 5, "staff": 1}),
        (EraseStep, EraseAnswers, "confirm", {"anything": 1}),
    ],
)
def test_rows_that_are_not_what_the_flow_writes_read_as_nothing(
    steps: Any, answers: Any, step: str, data: object
) -> None:
    assert parse(steps, answers, step, data) is None


def store(engine: Engine, flow: str, step: str, answers: object, at: datetime = NOW) -> None:
    with transaction(engine) as session:
        session.merge(Conversation(user_id=1, flow=flow, step=step, answers=answers, updated_at=at))


def stored(engine: Engine) -> tuple[str, str, object] | None:
    with transaction(engine) as session:
        row = conversations.get(session, 1)
        return None if row is None else (row.flow, row.step, row.answers)


def test_a_damaged_row_reads_as_no_conversation(engine: Engine) -> None:
    store(engine, "correct", "day", {"number": "two"})
    with transaction(engine) as session:
        row = conversations.get(session, 1)
        assert row is not None
        assert flows.CORRECTION.read(row) is None
        assert flows.SETTINGS.read(row) is None, "another flow's row is not this flow's"
    store(engine, "correct", "day", {"number": 2})
    with transaction(engine) as session:
        found = flows.CORRECTION.read(conversations.get(session, 1))
    assert found is not None
    assert (found.user_id, found.step, found.answers) == (1, "day", CorrectionAnswers(2))


def test_ending_a_short_exchange_gives_back_what_it_interrupted(engine: Engine) -> None:
    with transaction(engine) as session:
        conversations.save(session, 1, "enrolment", "first", EnrolmentAnswers(zone="UTC"), NOW)
        conversations.interrupt(session, 1, "support", "answer", SupportAnswers(7), NOW)
        conversations.interrupt(session, 1, "support", "answer", SupportAnswers(8), NOW)
    assert stored(engine) == (
        "support",
        "answer",
        {"request": 8, EARLIER: {"flow": "enrolment", "step": "first", "answers": {"zone": "UTC"}}},
    )
    with transaction(engine) as session:
        conversations.resume(session, 1, "erase", NOW)
    assert stored(engine) is not None and stored(engine)[0] == "support", "not the erase's"
    with transaction(engine) as session:
        conversations.resume(session, 1, "support", NOW)
    assert stored(engine) == ("enrolment", "first", {"zone": "UTC"})


@pytest.mark.parametrize("earlier", [None, "enrolment", {"flow": "enrolment"}, {"step": 1}])
def test_nothing_readable_under_a_short_exchange_leaves_no_conversation(
    engine: Engine, earlier: object
) -> None:
    store(engine, "erase", "confirm", {EARLIER: earlier})
    with transaction(engine) as session:
        conversations.resume(session, 1, "erase", NOW)
    assert stored(engine) is None


class Recorder:
    """Stands in for the flows' handlers: which one got the message."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def on_text(self, label: str) -> Any:
        async def handler(update: Any, context: Any, exchange: Any, text: str) -> None:
            self.calls.append((label, (exchange.step, exchange.answers, text)))

        return handler

    def on_health_text(self, label: str) -> Any:
        async def handler(
            update: Any, context: Any, exchange: Any, text: str, advised: object
        ) -> None:
            self.calls.append((label, (exchange.step, exchange.answers, text, advised)))

        return handler

    def on_location(self, label: str) -> Any:
        async def handler(update: Any, context: Any, exchange: Any) -> None:
            self.calls.append((label, (exchange.step, exchange.answers, "location")))

        return handler


@pytest.fixture
def routed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> tuple[Recorder, Any]:
    """The real table's names, steps, answers and liveness with recording handlers."""
    recorder = Recorder()
    table = {
        name: flows.Flow(
            flow.name,
            flow.steps,
            flow.answers,
            flow.live_for,
            on_text=recorder.on_text(name) if flow.on_text else None,
            on_location=recorder.on_location(name) if flow.on_location else None,
            on_health_text=recorder.on_health_text(name) if flow.on_health_text else None,
            when_expired=flow.when_expired,
        )
        for name, flow in flows.FLOWS.items()
    }
    monkeypatch.setattr(flows, "FLOWS", table)
    clock = FixedClock(NOW)
    app = SimpleNamespace(engine=engine, clock=clock)
    context = SimpleNamespace(bot_data={services.KEY: app})
    return recorder, context


def message(location: bool = False) -> Any:
    found = SimpleNamespace(location=SimpleNamespace(latitude=1, longitude=2) if location else None)
    return SimpleNamespace(effective_message=found)


async def route(
    engine: Engine,
    context: Any,
    text: str | None,
    location: bool = False,
    advised: Any = None,
) -> bool:
    with transaction(engine) as session:
        row = conversations.get(session, 1)
    return await flows.answer(message(location), context, row, text, advised)


async def test_text_and_locations_go_to_the_flow_that_takes_them(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "enrolment", "zone", {}, at=NOW - timedelta(days=400))
    assert await route(engine, context, "Europe/Berlin")
    assert await route(engine, context, None, location=True)
    store(engine, "settings", "zone", {})
    assert await route(engine, context, None, location=True)
    store(engine, "correct", "day", {"number": 2})
    assert not await route(engine, context, None, location=True), "a date is typed"
    assert await route(engine, context, "yesterday")
    store(engine, "erase", "confirm", {EARLIER: None})
    assert not await route(engine, context, "yes"), "erasing is confirmed by its button"
    store(engine, "payment", "card", {})
    assert not await route(engine, context, "1234"), "a flow no longer known"
    assert recorder.calls == [
        ("enrolment", (EnrolmentStep.ZONE, EnrolmentAnswers(), "Europe/Berlin")),
        ("enrolment", (EnrolmentStep.ZONE, EnrolmentAnswers(), "location")),
        ("settings", (SettingsStep.ZONE, SettingsAnswers(), "location")),
        ("correct", (CorrectionStep.DAY, CorrectionAnswers(2), "yesterday")),
    ]


async def test_an_expired_or_unreadable_prompt_is_not_answered_and_stays(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "settings", "time", {}, at=NOW - timedelta(minutes=31))
    assert not await route(engine, context, "08:00")
    store(engine, "correct", "day", {"number": 2}, at=NOW - timedelta(minutes=31))
    assert not await route(engine, context, "yesterday")
    store(engine, "correct", "day", {"number": "2"})
    assert not await route(engine, context, "yesterday")
    assert stored(engine) == ("correct", "day", {"number": "2"})
    store(engine, "enrolment", "first", {})
    assert not await route(engine, context, "today"), "a sign-up that does not read"
    assert recorder.calls == []


async def test_an_expired_support_answer_gives_back_what_it_interrupted(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    earlier = {"flow": "settings", "step": "time", "answers": {}}
    half_an_hour_ago = NOW - timedelta(minutes=31)
    store(engine, "support", "answer", {"request": 4, EARLIER: earlier}, at=half_an_hour_ago)
    assert await route(engine, context, "08:00"), "the settings prompt is back, and live"
    assert recorder.calls == [("settings", (SettingsStep.TIME, SettingsAnswers(), "08:00"))]
    assert stored(engine) == ("settings", "time", {})


async def test_a_live_support_answer_takes_text_only(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "support", "answer", {"request": 4, EARLIER: None})
    assert not await route(engine, context, None, location=True)
    assert await route(engine, context, "Thanks for writing")
    assert recorder.calls == [
        ("support", (SupportStep.ANSWER, SupportAnswers(4), "Thanks for writing"))
    ]


async def test_an_unreadable_support_answer_counts_as_expired(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "support", "answer", {"request": "four", EARLIER: None})
    assert not await route(engine, context, "Thanks for writing")
    assert stored(engine) is None and recorder.calls == []


async def test_a_note_after_log_gets_the_advice_already_sent(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "diary", "note", {EARLIER: None})
    assert not await route(engine, context, None, location=True)
    sent = SimpleNamespace(text="advice")
    assert await route(engine, context, "mild headache since yesterday", advised=sent)
    assert recorder.calls == [
        ("diary", (DiaryStep.NOTE, DiaryAnswers(), "mild headache since yesterday", sent))
    ]


async def test_a_support_prompt_takes_the_next_message(
    engine: Engine, routed: tuple[Recorder, Any]
) -> None:
    recorder, context = routed
    store(engine, "ask_support", "write", {"follow_up": 3, EARLIER: None})
    assert await route(engine, context, "Thanks, it works now!")
    assert recorder.calls == [
        (
            "ask_support",
            (AskSupportStep.WRITE, AskSupportAnswers(3), "Thanks, it works now!"),
        )
    ]


@pytest.mark.parametrize(("flow", "step"), [("diary", "note"), ("ask_support", "write")])
async def test_a_prompt_left_a_quarter_of_an_hour_gives_back_what_it_interrupted(
    engine: Engine, routed: tuple[Recorder, Any], flow: str, step: str
) -> None:
    recorder, context = routed
    earlier = {"flow": "settings", "step": "time", "answers": {}}
    store(engine, flow, step, {EARLIER: earlier}, at=NOW - timedelta(minutes=15, seconds=1))
    assert await route(engine, context, "08:00"), "the settings prompt is back, and live"
    assert recorder.calls == [("settings", (SettingsStep.TIME, SettingsAnswers(), "08:00"))]
    store(engine, flow, step, {EARLIER: None}, at=NOW - timedelta(minutes=16))
    assert not await route(engine, context, "hello")
    assert stored(engine) is None
