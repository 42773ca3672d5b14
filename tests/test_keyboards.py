"""The callback-data protocol: every kind of button reads back what it writes, refuses anything
else without raising, keeps Telegram's 64-byte limit, and writes exactly what the buttons
already sitting in people's chats send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Chat, InlineKeyboardMarkup, Message

from bot.domain.appointments import AppointmentKind
from bot.domain.broadcast import Audience
from bot.domain.checklist import Check, checklist
from bot.domain.numbers import LARGEST, ROW_ID_LARGEST
from bot.domain.report import Naming, Period
from bot.domain.sites import Injector, Site
from bot.domain.timing import find_zone
from bot.keyboards import datepicker
from bot.keyboards.appointments import (
    AppointmentAction,
    AppointmentTap,
    FlowAction,
    FlowTap,
    KindTap,
)
from bot.keyboards.broadcast import BroadcastAction, BroadcastTap, BroadcastVersionTap
from bot.keyboards.callback import CallbackData, RowId, button, taps_in
from bot.keyboards.caregivers import CaregiverAction, CaregiverTap
from bot.keyboards.checkin import CheckinAnswer, CheckinTap, answers_keyboard, dose_asked_about
from bot.keyboards.checklist import ChecklistTap, checklist_keyboard
from bot.keyboards.datepicker import Blank, PickDay, ShowMonth
from bot.keyboards.diary import DiaryChoice, DiaryTap, choices_keyboard
from bot.keyboards.doses import (
    CorrectionTap,
    DoseAction,
    DoseTap,
    SiteTap,
    WhoTap,
    correction_keyboard,
    problem_keyboard,
    recorded_keyboard,
    reminder_keyboard,
    site_keyboard,
    tap_in,
    who_keyboard,
)
from bot.keyboards.enrolment import (
    EnrolAction,
    EnrolTap,
    WhichDoseTap,
    consent_keyboard,
    which_dose_keyboard,
)
from bot.keyboards.erasure import EraseDecision, EraseTap, confirm_keyboard
from bot.keyboards.info import InfoTap
from bot.keyboards.pen import PenAction, PenAnswer, PenQuestionTap, PenTap
from bot.keyboards.pen_stock import PensAction, PensTap
from bot.keyboards.report import ReportNameTap, ReportTap, periods_keyboard
from bot.keyboards.settings import (
    LanguageTap,
    SettingsAction,
    SettingsTap,
    language_keyboard,
    overview_keyboard,
)
from bot.keyboards.support import SupportAction, SupportTap, request_answered_by
from bot.keyboards.zones import ZoneFlow, ZoneTap
from bot.keyboards.zones import choices_keyboard as zone_choices
from bot.texts import language
from bot.texts.language import LANGUAGES

WIRE: list[tuple[CallbackData, str]] = [
    (DoseTap(4001, 3, date(2026, 1, 19), DoseAction.OK), "dose:4001:3:20260119:ok"),
    (DoseTap(4001, 3, date(2026, 1, 19), DoseAction.ONE_HOUR), "dose:4001:3:20260119:1h"),
    (
        DoseTap(LARGEST, 1, date(2026, 12, 31), DoseAction.TOMORROW),
        f"dose:{LARGEST}:1:20261231:tomorrow",
    ),
    (WhoTap(4001, 3, Injector.CAREGIVER), "who:4001:3:caregiver"),
    (SiteTap(4001, 3, Injector.CAREGIVER, Site.ARM_LEFT), "site:4001:3:caregiver:arm_left"),
    (CorrectionTap(4001, 3, 2), "fixday:4001:3:2"),
    (BroadcastTap(BroadcastAction.SEND, 12), "bc:send:12"),
    (BroadcastTap(BroadcastAction.TO, 12, Audience.CAREGIVERS), "bc:to:12:caregivers"),
    (BroadcastTap(BroadcastAction.LATER, 12), "bc:later:12"),
    (BroadcastVersionTap(12, "de"), "bv:12:de"),
    (PickDay(date(2026, 1, 5)), "cal:2026-01-05"),
    (ShowMonth(date(2026, 2, 1)), "cal:2026-02"),
    (Blank(), "cal:-"),
    (CheckinTap(7, CheckinAnswer.BREATH), "ci:7:breath"),
    (ChecklistTap(Check.INACTIVATED_VACCINES, 1), "chk:inactivated_vaccines:1"),
    (ChecklistTap(Check.HEPATITIS_B, 0), "chk:hepatitis_b:0"),
    (SupportTap(SupportAction.ANSWER, 41), "sup:answer:41"),
    (SupportTap(SupportAction.DROP, 41), "sup:drop:41"),
    (SupportTap(SupportAction.REPLY, 41), "sup:reply:41"),
    (EraseTap(EraseDecision.YES), "erase:yes"),
    (DiaryTap(DiaryChoice.FEVER), "log:fever"),
    (PenTap(PenAction.WARM, 9), "pen:warm:9"),
    (PenTap(PenAction.UNDO, 9), "pen:undo:9"),
    (PenQuestionTap(PenAnswer.YES, 4), "penq:yes:4"),
    (PenQuestionTap(PenAnswer.NO, 4), "penq:no:4"),
    (PensTap(PensAction.COUNT), "pens:count:0:0"),
    (PensTap(PensAction.ADD, 3, 5), "pens:add:3:5"),
    (PensTap(PensAction.LEAD, 14), "pens:lead:14:0"),
    (PensTap(PensAction.LEAD, 0), "pens:lead:0:0"),
    (AppointmentTap(AppointmentAction.ADD, 0), "appt:add:0"),
    (AppointmentTap(AppointmentAction.CANCEL_YES, 12), "appt:gone:12"),
    (AppointmentTap(AppointmentAction.SHARE, 12), "appt:share:12"),
    (KindTap(AppointmentKind.BLOOD_HEPATITIS_B), "apptk:blood_hbv"),
    (FlowTap(FlowAction.SAVE), "apptf:save"),
    (FlowTap(FlowAction.ONCE), "apptf:once"),
    (InfoTap("help_now"), "info:help_now"),
    (ReportTap(Period.MONTHS_6, Naming.WITHOUT), "report:6:no"),
    (ReportTap(Period.ALL, Naming.WITH), "report:all:yes"),
    (ReportNameTap(Naming.WITH), "rname:yes"),
    (EnrolTap(EnrolAction.SIGNUP), "enrol:signup"),
    (EnrolTap(EnrolAction.PLAN_FROM_FIRST), "enrol:planfirst"),
    (WhichDoseTap("3"), "enrol:dose:3"),
    (SettingsTap(SettingsAction.DISCREET), "set:discreet"),
    (LanguageTap("de"), "lang:de"),
    (CaregiverTap(CaregiverAction.REVOKE_INVITE, 5), "cg:invrevoke:5"),
    (CaregiverTap(CaregiverAction.ALERT_HEADS_UP, LARGEST), f"cg:alerthead:{LARGEST}"),
    (ZoneTap(ZoneFlow.SIGN_UP, "Europe/Berlin"), "zone:s:Europe/Berlin"),
    (
        ZoneTap(ZoneFlow.SETTINGS, "America/Argentina/ComodRivadavia"),
        "zone:c:America/Argentina/ComodRivadavia",
    ),
]


@pytest.mark.parametrize(("tap", "wire"), WIRE, ids=[wire for _, wire in WIRE])
def test_the_wire_format_is_todays_and_reads_back(tap: CallbackData, wire: str) -> None:
    assert tap.pack() == wire
    assert type(tap).parse(wire) == tap
    assert re.match(type(tap).pattern(), wire)


def test_every_kind_of_button_is_covered() -> None:
    kinds = set()
    pending = list(CallbackData.__subclasses__())
    while pending:
        kind = pending.pop()
        kinds.add(kind)
        pending.extend(kind.__subclasses__())
    # The bot's own kinds: a test's example kind (below) lives on if it ran first in the worker.
    own = {kind for kind in kinds if kind.__module__.startswith("bot.")}
    assert own <= {type(tap) for tap, _ in WIRE}


def test_the_patterns_registered_are_todays() -> None:
    """Staff error reports name the pattern (`button ^dose:`), so they stay as they were."""
    patterns = {
        EnrolTap: "^enrol:",
        PickDay: "^cal:",
        SettingsTap: "^set:",
        LanguageTap: "^lang:",
        EraseTap: "^erase:",
        DoseTap: "^dose:",
        CaregiverTap: "^cg:",
        BroadcastTap: "^bc:",
        BroadcastVersionTap: "^bv:",
        SupportTap: "^sup:",
        InfoTap: "^info:",
        DiaryTap: "^log:",
        PenTap: "^pen:",
        PenQuestionTap: "^penq:",
        PensTap: "^pens:",
        AppointmentTap: "^appt:",
        KindTap: "^apptk:",
        FlowTap: "^apptf:",
        CheckinTap: "^ci:",
        ChecklistTap: "^chk:",
        WhoTap: "^who:",
        SiteTap: "^site:",
        CorrectionTap: "^fixday:",
        ReportTap: "^report:",
        ReportNameTap: "^rname:",
    }
    for kind, pattern in patterns.items():
        assert kind.pattern() == pattern, kind
    assert re.match(EnrolTap.pattern(), WhichDoseTap("3").pack()), "one handler for both"
    sign_up, in_settings = (
        ZoneTap.pattern_for(flow) for flow in (ZoneFlow.SIGN_UP, ZoneFlow.SETTINGS)
    )
    assert re.match(sign_up, "zone:s:Europe/Berlin") and not re.match(sign_up, "zone:c:UTC")
    assert re.match(in_settings, "zone:c:UTC") and not re.match(in_settings, "zone:s:UTC")
    assert re.match(PickDay.pattern(), ShowMonth(date(2026, 2, 1)).pack())
    assert re.fullmatch(Blank.pattern(), "cal:-")
    assert not re.match(Blank.pattern(), "cal:-:1")


@pytest.mark.parametrize(
    "forged",
    [
        "",
        ":",
        "dose",
        "dose:",
        "dose:4001:3:20260119",  # a field short
        "dose:4001:3:20260119:ok:ok",  # a field too many
        "dose:4001:3:20260119:OK",  # enum values are exact
        "dose:4001:3:20260119:eat",
        "dose:-1:3:20260119:ok",
        f"dose:{LARGEST + 1}:3:20260119:ok",
        f"dose:4001:{ROW_ID_LARGEST + 1}:20260119:ok",
        "dose:4001:3:20260230:ok",  # no such day
        "dose:4001:٣:20260119:ok",
        "dose:4001:３:20260119:ok",
        "dose:4001:3:２0260119:ok",
        "dose:4001: 3:20260119:ok",
        "dose:4001:3:2026-01-19:ok",
        "Dose:4001:3:20260119:ok",
        " dose:4001:3:20260119:ok",
        "dosex:4001:3:20260119:ok",
        "who:4001:3:self:thigh_left",
        "who:4001:3:someone",
        "site:4001:3:self:arm_left",  # only someone else reaches the arm
        "site:4001:3:self",
        "fixday:4001:3:4",  # no button for four days ago
        "chk:hepatitis_b:2",  # done is 0 or 1
        "chk:pregnancy:1",
        "report:5:no",  # no such period
        "report:6",
        "report:6:maybe",
        "report:6:no:4001",  # no one else's report
        "rname:",
        "fixday:4001:3:",
        "bc:to:1",
        "bc:send:1:everyone",
        "bc:to:1:admins",
        "bc:send:99999999999999999999",
        "cal:2026-13",
        "cal:2026-1-5",
        "cal:2026-W01-1",
        "cal:-:-",
        "ci:7",
        "ci:7:fine:1",
        "ci:x:fine",
        "sup:answer:",
        "sup:follow:1",
        "erase:maybe",
        "erase:",
        "log:<script>",
        "pen:cold:1",
        "penq:maybe:1",
        "penq:yes:x",
        "penq:yes",
        "appt:delete:1",
        "appt:gone",
        f"appt:gone:{ROW_ID_LARGEST + 1}",
        "apptk:dentist",
        "apptf:maybe",
        f"pen:warm:{ROW_ID_LARGEST + 1}",
        "pens:add:0:5",  # a delivery of nothing
        "pens:add:61:0",  # more than a count can hold
        "pens:add:-3:0",
        "pens:add:10000:0",
        "pens:lead:13:0",  # not a lead time offered
        "pens:count",
        "pens:steal:1:1",
        "info:secrets",
        "info:",
        "enrol:dose",
        "enrol:dose:",
        "enrol:dose:1:2",
        "enrol:agree:now",
        "set:time:1",
        "lang:xx",
        "lang:",
        "cg:approve:99999999999",  # a link id past INTEGER
        "cg:nothing:1",
        "cg:approve",
        "zzz",
        "x" * 200,
        "dose:" + "9" * 300,
        "\ud800",
        "dose:\x00:3:20260119:ok",
    ],
)
def test_anything_else_is_refused_by_every_kind(forged: str) -> None:
    for tap, _ in WIRE:
        assert type(tap).parse(forged) is None, (type(tap).__name__, forged)


def test_other_kinds_data_is_not_theirs() -> None:
    for _, wire in WIRE:
        readers = [type(tap).__name__ for tap, _ in WIRE if type(tap).parse(wire) is not None]
        assert len(set(readers)) == 1, (wire, readers)


def test_a_patient_id_may_be_a_bigint_but_a_link_id_not() -> None:
    assert CaregiverTap.parse(f"cg:leave:{LARGEST}") == CaregiverTap(CaregiverAction.LEAVE, LARGEST)
    assert CaregiverTap.parse(f"cg:revoke:{ROW_ID_LARGEST}") is not None
    assert CaregiverTap.parse(f"cg:revoke:{ROW_ID_LARGEST + 1}") is None
    with pytest.raises(ValueError):
        CaregiverTap(CaregiverAction.REVOKE, ROW_ID_LARGEST + 1)


@given(st.text(max_size=80))
def test_parse_never_raises(data: str) -> None:
    for tap, _ in WIRE:
        parsed = type(tap).parse(data)
        assert parsed is None or isinstance(parsed, type(tap))


@given(st.text(alphabet="0123456789:abcdefghijklmnopqrstuvwxyz_-", max_size=40))
def test_whatever_parses_packs_back_the_same(data: str) -> None:
    """Only numbers with leading zeros have two spellings; nothing else reads two ways."""
    for tap, _ in WIRE:
        parsed = type(tap).parse(data)
        if parsed is not None and not re.search(r"(^|:)0[0-9]", data):
            assert parsed.pack() == data


@pytest.mark.parametrize(
    "forged",
    [
        "zone:s:Mars/Olympus",
        "zone:s:europe/berlin",
        "zone:x:Europe/Berlin",
        "zone:s:",
        "zone:s",
        "zone:s:Europe/Berlin:1",
        "zone:s:posix/Europe/Berlin",
        "zone:c:" + "A" * 60,
    ],
)
def test_a_zone_button_carries_a_real_zone_only(forged: str) -> None:
    assert ZoneTap.parse(forged) is None


def test_every_zone_fits_in_a_button() -> None:
    for zone in available_timezones():
        if find_zone(zone) == zone:
            assert ZoneTap.parse(ZoneTap(ZoneFlow.SETTINGS, zone).pack()) is not None


def test_the_64_byte_limit() -> None:
    assert len(DoseTap(LARGEST, ROW_ID_LARGEST, date(2026, 1, 1), DoseAction.TOMORROW).pack()) <= 64
    with pytest.raises(ValueError, match="64 bytes"):
        WhichDoseTap("9" * 60).pack()
    with pytest.raises(ValueError, match="64 bytes"):
        WhichDoseTap("ü" * 30).pack()  # bytes, not characters
    assert WhichDoseTap.parse("enrol:dose:" + "9" * 53) is not None  # 64 bytes: still one
    assert WhichDoseTap.parse("enrol:dose:" + "9" * 54) is None


def test_what_would_not_read_back_is_not_packed() -> None:
    with pytest.raises(ValueError, match="read back"):
        WhichDoseTap("1:2").pack()
    with pytest.raises(ValueError, match="read back"):
        WhichDoseTap("").pack()
    with pytest.raises(ValueError, match="read back"):
        DoseTap(-1, 1, date(2026, 1, 1), DoseAction.OK).pack()
    with pytest.raises(ValueError, match="read back"):
        ShowMonth(date(2026, 2, 3)).pack()  # a month is its first day
    with pytest.raises(ValueError):
        SiteTap(1, 1, Injector.SELF, Site.ARM_LEFT)
    with pytest.raises(ValueError):
        BroadcastTap(BroadcastAction.SEND, 1, Audience.EVERYONE)
    with pytest.raises(ValueError):
        BroadcastVersionTap(1, "en")  # the default language's text is the broadcast's own
    assert BroadcastVersionTap.parse("bv:1:fr") is None, "a language the bot does not speak"


def test_leading_zeros_read_as_the_number_as_before() -> None:
    assert DoseTap.parse("dose:04001:003:20260119:ok") == DoseTap(
        4001, 3, date(2026, 1, 19), DoseAction.OK
    )


def test_a_new_kind_of_button() -> None:
    @dataclass(frozen=True)
    class Example(CallbackData, prefix="ex"):
        number: RowId
        note: str | None = None

    assert Example(1).pack() == "ex:1"
    assert Example(1, "hi").pack() == "ex:1:hi"
    assert Example.parse("ex:1") == Example(1)
    assert Example.parse("ex:1:hi") == Example(1, "hi")
    assert Example.parse("ex:1:hi:there") is None
    assert Example.parse("ex:") is None
    assert Example.pattern() == "^ex:"
    assert button("Go", Example(2)).callback_data == "ex:2"

    @dataclass(frozen=True)
    class Misordered(CallbackData, prefix="bad"):
        first: int | None
        second: int

    with pytest.raises(TypeError, match="optional fields come last"):
        Misordered(1, 2).pack()


def _message(markup: InlineKeyboardMarkup | None) -> Message:
    return Message(1, datetime(2026, 1, 1, tzinfo=UTC), Chat(1, Chat.PRIVATE), reply_markup=markup)


def test_a_reply_reads_what_it_answers_from_the_buttons() -> None:
    reminder = _message(reminder_keyboard(4001, 3, date(2026, 1, 19)))
    assert tap_in(reminder) == DoseTap(4001, 3, date(2026, 1, 19), DoseAction.OK)
    assert [tap.action for tap in taps_in(reminder, DoseTap)][:2] == [
        DoseAction.OK,
        DoseAction.ONE_HOUR,
    ]
    assert dose_asked_about(_message(answers_keyboard(12))) == 12
    request = _message(InlineKeyboardMarkup([[button("↩️", SupportTap(SupportAction.ANSWER, 8))]]))
    assert request_answered_by(request) == 8
    prompt = _message(InlineKeyboardMarkup([[button("✖️", SupportTap(SupportAction.DROP, 8))]]))
    assert request_answered_by(prompt) is None
    assert tap_in(_message(None)) is None
    assert tap_in(None) is None
    assert dose_asked_about(reminder) is None


def test_the_calendar_reads_days_and_months_only() -> None:
    assert datepicker.parse("cal:2026-01-05") == PickDay(date(2026, 1, 5))
    assert datepicker.parse("cal:2026-02") == ShowMonth(date(2026, 2, 1))
    assert datepicker.parse("cal:-") is None
    assert datepicker.parse(None) is None


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_keyboard_packs_in_every_language(code: str) -> None:
    """Labels are translated, the data never: in German the snooze for tomorrow still sends
    `tomorrow` (its key is also a word with a translation, "morgen")."""
    planned = date(2026, 3, 2)
    with language.speaking(code):
        keyboards = [
            reminder_keyboard(1, 2, planned),
            problem_keyboard(1, 2, planned),
            recorded_keyboard(1, 2, planned),
            who_keyboard(1, 2),
            site_keyboard(1, 2, Injector.CAREGIVER),
            correction_keyboard(1, 2),
            answers_keyboard(3),
            checklist_keyboard(checklist(date(2026, 6, 15), date(2026, 4, 1))),
            choices_keyboard(),
            consent_keyboard(),
            which_dose_keyboard([2, 3]),
            zone_choices(
                ZoneFlow.SIGN_UP, ("Europe/Berlin", "Asia/Tokyo"), datetime(2026, 3, 2, tzinfo=UTC)
            ),
            overview_keyboard(paused=True, discreet=False),
            language_keyboard(),
            confirm_keyboard(),
            periods_keyboard(Naming.WITHOUT),
            periods_keyboard(Naming.WITH),
            datepicker.keyboard(planned, date(2020, 8, 20), date(2027, 3, 4)),
        ]
    data = [
        button.callback_data
        for markup in keyboards
        for row in markup.inline_keyboard
        for button in row
    ]
    assert "dose:1:2:20260302:tomorrow" in data
    assert {"report:3:no", "report:all:yes", "rname:yes", "rname:no"} <= set(data)
    assert all(isinstance(item, str) and len(item.encode()) <= 64 for item in data)
