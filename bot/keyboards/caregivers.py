"""The caregiver buttons: `cg:<action>:<number>`, where the number is a link or an invite, or
a patient's Telegram id for the actions a caregiver takes about the person they follow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.numbers import ROW_ID_LARGEST
from bot.keyboards.callback import CallbackData, button
from bot.models import CaregiverLink, Patient


class CaregiverAction(StrEnum):
    REVOKE_INVITE = "invrevoke"
    APPROVE = "approve"
    DECLINE = "decline"
    REVOKE = "revoke"
    REVOKE_YES = "revokeyes"
    ALLOW = "allow"
    LEAVE = "leave"
    ALERT_CONFIRMATIONS = "alertconf"
    ALERT_HEADS_UP = "alerthead"


ON_PATIENTS = frozenset(
    {CaregiverAction.LEAVE, CaregiverAction.ALERT_CONFIRMATIONS, CaregiverAction.ALERT_HEADS_UP}
)
"""Actions whose number is a patient's Telegram id; the others name a link or an invite."""


@dataclass(frozen=True)
class CaregiverTap(CallbackData, prefix="cg"):
    action: CaregiverAction
    ident: int

    def __post_init__(self) -> None:
        if self.action not in ON_PATIENTS and self.ident > ROW_ID_LARGEST:
            raise ValueError(f"no row {self.ident}")


def _tap(label: str, action: CaregiverAction, ident: int | None) -> InlineKeyboardButton:
    return button(label, CaregiverTap(action, ident or 0))


def revoke_invite_keyboard(invite_id: int | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_tap(texts.caregivers.revoke_invite_button(), CaregiverAction.REVOKE_INVITE, invite_id)]]
    )


def cancel_invites_keyboard(invites: Iterable[tuple[str, int | None]]) -> InlineKeyboardMarkup:
    """One button per open invite, labelled by the caller."""
    return InlineKeyboardMarkup(
        [[_tap(label, CaregiverAction.REVOKE_INVITE, invite_id)] for label, invite_id in invites]
    )


def approval_keyboard(link_id: int | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _tap(texts.caregivers.approve_button(), CaregiverAction.APPROVE, link_id),
                _tap(texts.caregivers.decline_button(), CaregiverAction.DECLINE, link_id),
            ]
        ]
    )


def caregivers_keyboard(links: Iterable[CaregiverLink]) -> InlineKeyboardMarkup:
    """Remove each caregiver; allow or forbid confirming for the approved ones."""
    rows = []
    for link in links:
        row = [
            _tap(
                texts.caregivers.revoke_button(link.caregiver_name), CaregiverAction.REVOKE, link.id
            )
        ]
        if link.approved_at is not None:
            label = texts.caregivers.allow_confirm_button(link.caregiver_name, link.may_confirm)
            row.append(_tap(label, CaregiverAction.ALLOW, link.id))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def confirm_revoke_keyboard(link_id: int | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_tap(texts.caregivers.yes_remove_button(), CaregiverAction.REVOKE_YES, link_id)]]
    )


def leave_keyboard(followed: Iterable[Patient]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _tap(
                    texts.caregivers.leave_button(
                        patient.first_name or texts.caregivers.the_patient()
                    ),
                    CaregiverAction.LEAVE,
                    patient.user_id,
                )
            ]
            for patient in followed
        ]
    )


def alert_keyboard(link: CaregiverLink) -> InlineKeyboardMarkup:
    """A caregiver's choice of alerts about one patient."""
    return InlineKeyboardMarkup(
        [
            [
                _tap(
                    texts.caregivers.toggle_confirmations_button(link.alert_confirmations),
                    CaregiverAction.ALERT_CONFIRMATIONS,
                    link.patient_id,
                )
            ],
            [
                _tap(
                    texts.caregivers.toggle_heads_up_button(link.alert_heads_up),
                    CaregiverAction.ALERT_HEADS_UP,
                    link.patient_id,
                )
            ],
        ]
    )
