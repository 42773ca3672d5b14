"""Caregiver links: the patient approves or declines a request, allows confirming, removes a
caregiver; a caregiver leaves or changes which alerts they get. Every function acts only on a
link the acting user is the right side of (a forged id changes nothing) and re-plans when the
change alters what the plan sends them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine

from bot.db import transaction
from bot.models import CaregiverLink, Patient
from bot.store import appointments, caregivers, patients, reminders


@dataclass(frozen=True)
class LinkChange:
    """The link as it stood after the change (or as it was when removed) and its patient."""

    link: CaregiverLink
    patient: Patient | None


class AlertChoice(StrEnum):
    """The alerts a caregiver can switch on and off."""

    CONFIRMATIONS = "alert_confirmations"
    HEADS_UP = "alert_heads_up"


def approve_caregiver(
    engine: Engine, now: datetime, patient_id: int, link_id: int
) -> LinkChange | None:
    """The patient accepts a pending request; the current dose's alerts include the caregiver
    from now. None if the request is not (any more) pending or not theirs."""
    return _decide(engine, now, patient_id, link_id, approve=True)


def decline_caregiver(
    engine: Engine, now: datetime, patient_id: int, link_id: int
) -> LinkChange | None:
    """The patient refuses a pending request: the link goes."""
    return _decide(engine, now, patient_id, link_id, approve=False)


def _decide(
    engine: Engine, now: datetime, patient_id: int, link_id: int, *, approve: bool
) -> LinkChange | None:
    with transaction(engine) as session:
        link = caregivers.own_link(session, link_id, patient_id)
        if link is None or link.approved_at is not None:
            return None
        patient = patients.get(session, patient_id)
        if approve and patient is not None:
            caregivers.approve(session, link, now)
            reminders.replan(session, patient, now)
            appointments.replan_all(session, patient, now)  # those shared with caregivers
        else:
            caregivers.remove(session, link, now)
    return LinkChange(link, patient)


def revoke_caregiver(
    engine: Engine, now: datetime, patient_id: int, link_id: int
) -> LinkChange | None:
    """The patient removes a caregiver (pending or approved); their pending alerts go too."""
    with transaction(engine) as session:
        link = caregivers.own_link(session, link_id, patient_id)
        if link is not None:
            caregivers.remove(session, link, now)
        patient = patients.get(session, patient_id)
    return LinkChange(link, patient) if link is not None else None


def toggle_confirming(engine: Engine, patient_id: int, link_id: int) -> CaregiverLink | None:
    """Allow an approved caregiver to confirm doses, or stop allowing it."""
    with transaction(engine) as session:
        link = caregivers.own_link(session, link_id, patient_id)
        if link is None or link.approved_at is None:
            return None
        caregivers.set_choices(session, link, may_confirm=not link.may_confirm)
    return link


def leave(engine: Engine, now: datetime, caregiver_id: int, patient_id: int) -> LinkChange | None:
    """A caregiver stops following a patient."""
    with transaction(engine) as session:
        link = caregivers.approved_link(session, patient_id, caregiver_id)
        patient = patients.get(session, patient_id)
        if link is not None:
            caregivers.remove(session, link, now)
    return LinkChange(link, patient) if link is not None else None


def toggle_alert(
    engine: Engine, now: datetime, caregiver_id: int, patient_id: int, which: AlertChoice
) -> LinkChange | None:
    """Switch one kind of alert; heads-ups are written by the plan, so it is re-planned."""
    with transaction(engine) as session:
        link = caregivers.approved_link(session, patient_id, caregiver_id)
        patient = patients.get(session, patient_id)
        if link is None:
            return None
        caregivers.set_choices(session, link, **{which.value: not getattr(link, which.value)})
        if which is AlertChoice.HEADS_UP and patient is not None:
            reminders.replan(session, patient, now)  # writes or drops it
    return LinkChange(link, patient)
