"""The buttons under dose reminders and what their callback data says. The data names the
patient, the dose and its planned date, so a tap can be checked against who taps and against
the plan as it stands now; it grants nothing by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot import texts
from bot.domain.numbers import ROW_ID_LARGEST, parse_number
from bot.domain.sites import Injector, Site, allowed_sites

PREFIX = "dose"
ACTIONS = frozenset({"ok", "1h", "3h", "tomorrow", "problem", "pause", "fix", "undo"})


@dataclass(frozen=True)
class DoseTap:
    patient_id: int
    number: int
    planned: date
    action: str


def data(patient_id: int, number: int, planned: date, action: str) -> str:
    return f"{PREFIX}:{patient_id}:{number}:{planned:%Y%m%d}:{action}"


def parse(raw: str) -> DoseTap | None:
    parts = raw.split(":")
    if len(parts) != 5 or parts[0] != PREFIX or parts[4] not in ACTIONS:
        return None
    patient_id, number = parse_number(parts[1]), parse_number(parts[2], ROW_ID_LARGEST)
    day = _day(parts[3])
    if patient_id is None or number is None or day is None:
        return None
    return DoseTap(patient_id, number, day, parts[4])


def _day(raw: str) -> date | None:
    """`YYYYMMDD` in digits 0-9, a real date; None otherwise."""
    if len(raw) != 8 or parse_number(raw) is None:
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        return None


def tap_in(message: Message | None) -> DoseTap | None:
    """The dose a bot message's buttons are about: a reply to a reminder says which dose it
    answers even before the reminder's message id is recorded."""
    if message is None or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            tap = parse(button.callback_data) if isinstance(button.callback_data, str) else None
            if tap is not None:
                return tap
    return None


def reminder_keyboard(patient_id: int, number: int, planned: date) -> InlineKeyboardMarkup:
    def button(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=data(patient_id, number, planned, action))

    return InlineKeyboardMarkup(
        [
            [button(texts.reminders.confirm_button(), "ok")],
            [button(label, action) for action, label in texts.reminders.snooze_buttons()],
            [button(texts.reminders.problem_button(), "problem")],
        ]
    )


def recorded_keyboard(patient_id: int, number: int, planned: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.reminders.correct_button(),
                    callback_data=data(patient_id, number, planned, "fix"),
                ),
                InlineKeyboardButton(
                    texts.reminders.undo_button(),
                    callback_data=data(patient_id, number, planned, "undo"),
                ),
            ]
        ]
    )


def problem_keyboard(patient_id: int, number: int, planned: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.reminders.pause_button(),
                    callback_data=data(patient_id, number, planned, "pause"),
                )
            ],
            [
                InlineKeyboardButton(
                    dict(texts.reminders.snooze_buttons())["3h"],
                    callback_data=data(patient_id, number, planned, "3h"),
                )
            ],
        ]
    )


def who_keyboard(patient_id: int, number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"who:{patient_id}:{number}:{who}")]
            for who, label in texts.reminders.who_buttons()
        ]
    )


def site_keyboard(
    patient_id: int, number: int, injector: str, sites: tuple[str, ...]
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            texts.reminders.site_names()[site].capitalize(),
            callback_data=f"site:{patient_id}:{number}:{injector}:{site}",
        )
        for site in sites
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def correction_keyboard(patient_id: int, number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=f"fixday:{patient_id}:{number}:{ago}")
                for ago, label in texts.reminders.correction_days()
            ]
        ]
    )


@dataclass(frozen=True)
class SiteTap:
    """A tap on "who injected" (site is None) or "where" (site given)."""

    patient_id: int
    number: int
    injector: Injector
    site: Site | None


def parse_site_tap(raw: str) -> SiteTap | None:
    """`who:<patient>:<n>:<injector>` or `site:<patient>:<n>:<injector>:<site>`; anything else,
    or an arm for someone injecting themselves, is forged."""
    parts = raw.split(":")
    if (parts[0], len(parts)) not in (("who", 4), ("site", 5)):
        return None
    patient_id, number = parse_number(parts[1]), parse_number(parts[2], ROW_ID_LARGEST)
    if patient_id is None or number is None:
        return None
    try:
        injector = Injector(parts[3])
        site = Site(parts[4]) if parts[0] == "site" else None
    except ValueError:
        return None
    if site is not None and site not in allowed_sites(injector):
        return None
    return SiteTap(patient_id, number, injector, site)


def parse_correction_tap(raw: str) -> tuple[int, int, int] | None:
    """`fixday:<patient>:<n>:<days ago>` → (patient, n, days ago), days ago within the buttons."""
    parts = raw.split(":")
    valid_days = {ago for ago, _ in texts.reminders.correction_days()}
    if len(parts) != 4 or parts[0] != "fixday" or parts[3] not in valid_days:
        return None
    patient_id, number = parse_number(parts[1]), parse_number(parts[2], ROW_ID_LARGEST)
    if patient_id is None or number is None:
        return None
    return patient_id, number, int(parts[3])
