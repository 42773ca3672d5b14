"""The buttons of /appointments: under the list "Add", and per appointment ✏️ Change, 🗑 Cancel
and 👥 (caregivers told or not), `appt:<action>:<id>`; the change's choice (day, time, kind)
and the cancel's confirmation use the same class. While adding, the kind (`apptk:<kind>`) and
the flow's own buttons (`apptf:<action>`: save, don't save, only once, skip the note); the day
comes from the shared date picker (`cal:`), the time from a reply keyboard as at sign-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.appointments import AppointmentKind
from bot.keyboards.callback import CallbackData, RowId, button
from bot.models import Appointment


class AppointmentAction(StrEnum):
    ADD = "add"
    CHANGE = "change"
    CANCEL = "cancel"
    CANCEL_YES = "gone"
    KEEP = "keep"
    SHARE = "share"
    DAY = "day"
    TIME = "time"
    KIND = "kind"


@dataclass(frozen=True)
class AppointmentTap(CallbackData, prefix="appt"):
    action: AppointmentAction
    appointment_id: RowId
    """0 for ➕ Add."""


@dataclass(frozen=True)
class KindTap(CallbackData, prefix="apptk"):
    kind: AppointmentKind


class FlowAction(StrEnum):
    SAVE = "save"
    DISCARD = "discard"
    ONCE = "once"
    SKIP_NOTE = "skip"


@dataclass(frozen=True)
class FlowTap(CallbackData, prefix="apptf"):
    action: FlowAction


def list_keyboard(
    appointments: Sequence[Appointment], shared_possible: bool
) -> InlineKeyboardMarkup:
    """Per appointment (numbered as listed) change, cancel and, with caregivers, 👥."""
    rows: list[list[InlineKeyboardButton]] = []
    for number, found in enumerate(appointments, start=1):
        ident = found.id or 0
        row = [
            button(
                texts.appointments.change_button(number),
                AppointmentTap(AppointmentAction.CHANGE, ident),
            ),
            button(
                texts.appointments.cancel_button(number),
                AppointmentTap(AppointmentAction.CANCEL, ident),
            ),
        ]
        rows.append(row)
        if shared_possible:
            rows.append(
                [
                    button(
                        texts.appointments.share_button(number, found.share),
                        AppointmentTap(AppointmentAction.SHARE, ident),
                    )
                ]
            )
    rows.append([button(texts.appointments.add_button(), AppointmentTap(AppointmentAction.ADD, 0))])
    return InlineKeyboardMarkup(rows)


def kind_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.appointments.kind_label(kind), KindTap(kind))] for kind in AppointmentKind]
    )


def change_keyboard(appointment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.appointments.change_day_button(),
                    AppointmentTap(AppointmentAction.DAY, appointment_id),
                ),
                button(
                    texts.appointments.change_time_button(),
                    AppointmentTap(AppointmentAction.TIME, appointment_id),
                ),
                button(
                    texts.appointments.change_kind_button(),
                    AppointmentTap(AppointmentAction.KIND, appointment_id),
                ),
            ]
        ]
    )


def cancel_keyboard(appointment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.appointments.cancel_yes_button(),
                    AppointmentTap(AppointmentAction.CANCEL_YES, appointment_id),
                ),
                button(
                    texts.appointments.cancel_no_button(),
                    AppointmentTap(AppointmentAction.KEEP, appointment_id),
                ),
            ]
        ]
    )


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.appointments.save_button(), FlowTap(FlowAction.SAVE)),
                button(texts.appointments.discard_button(), FlowTap(FlowAction.DISCARD)),
            ]
        ]
    )


def once_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.appointments.once_button(), FlowTap(FlowAction.ONCE))]]
    )


def skip_note_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.appointments.skip_note_button(), FlowTap(FlowAction.SKIP_NOTE))]]
    )
