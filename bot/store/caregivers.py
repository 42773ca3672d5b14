"""Invites and caregiver links. Every read that shows a patient's data goes through
`approved_link`, so only a caregiver the patient approved ever gets it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from bot.db import rowcount
from bot.domain import caregivers as rules
from bot.domain.caregivers import (
    DOSE_NEWS,
    INVITE_VALID_FOR,
    Alert,
    InviteProblem,
    Preferences,
    Told,
)
from bot.domain.outcomes import Outcome
from bot.domain.schedule import PlannedDose
from bot.models import CaregiverLink, Invite, OutboxMessage, Patient
from bot.store import outbox

ALERT_PRIORITY = {Alert.MISSED: 1}
NOTE_PRIORITY = 2


def create_invite(session: Session, patient: Patient, now: datetime) -> tuple[str, Invite]:
    """A new single-use invite; returns the token (only ever shown in the link) and its row."""
    token = rules.new_token()
    invite = Invite(
        patient_id=patient.user_id,
        token_hash=rules.token_hash(token),
        created_at=now,
        expires_at=now + INVITE_VALID_FOR,
    )
    session.add(invite)
    session.flush()
    return token, invite


def open_invites(session: Session, patient: Patient, now: datetime) -> Sequence[Invite]:
    """The patient's invites still waiting to be opened (not used, cancelled or expired),
    oldest first. Locks the patient's row (PostgreSQL), so two /invite at once cannot both
    pass the limit."""
    session.exec(
        select(Patient).where(Patient.user_id == patient.user_id).with_for_update()
    ).first()
    return session.exec(
        select(Invite)
        .where(
            Invite.patient_id == patient.user_id,
            col(Invite.used_at).is_(None),
            col(Invite.revoked_at).is_(None),
            Invite.expires_at > now,
        )
        .order_by(col(Invite.created_at), col(Invite.id))
    ).all()


def revoke_invite(session: Session, patient_id: int, invite_id: int, now: datetime) -> bool:
    invite = session.get(Invite, invite_id)
    if invite is None or invite.patient_id != patient_id or invite.used_at or invite.revoked_at:
        return False
    invite.revoked_at = now
    session.add(invite)
    return True


def redeem(
    session: Session, token: str, opener_id: int, opener_name: str, now: datetime
) -> tuple[CaregiverLink | None, InviteProblem | None]:
    """Use an invite: a pending link waiting for the patient's approval. Marked used by a
    conditional update, so of two people opening it at once only one gets a link (on
    PostgreSQL the second waits for the first and then finds it used)."""
    invite = session.exec(
        select(Invite).where(Invite.token_hash == rules.token_hash(token))
    ).first()
    state = (
        rules.InviteState(invite.patient_id, invite.expires_at, invite.used_at, invite.revoked_at)
        if invite is not None
        else None
    )
    problem = rules.check_invite(state, opener_id, now)
    if problem is not None or invite is None:
        return None, problem
    claimed = rowcount(
        session.execute(
            update(Invite)
            .where(
                col(Invite.id) == invite.id,
                col(Invite.used_at).is_(None),
                col(Invite.revoked_at).is_(None),
            )
            .values(used_at=now, used_by=opener_id)
        )
    )
    if not claimed:
        session.refresh(invite)
        return None, InviteProblem.REVOKED if invite.revoked_at else InviteProblem.USED
    link = link_between(session, invite.patient_id, opener_id)
    if link is None:
        link = CaregiverLink(
            patient_id=invite.patient_id,
            caregiver_id=opener_id,
            caregiver_name=opener_name[:64],
            created_at=now,
        )
        session.add(link)
        session.flush()
    return link, None


def link_between(session: Session, patient_id: int, caregiver_id: int) -> CaregiverLink | None:
    return session.exec(
        select(CaregiverLink).where(
            CaregiverLink.patient_id == patient_id, CaregiverLink.caregiver_id == caregiver_id
        )
    ).first()


def own_link(session: Session, link_id: int, patient_id: int) -> CaregiverLink | None:
    """The link, only if it belongs to this patient (a forged id from anyone else: None)."""
    link = session.get(CaregiverLink, link_id)
    return link if link is not None and link.patient_id == patient_id else None


def approved_link(session: Session, patient_id: int, caregiver_id: int) -> CaregiverLink | None:
    link = link_between(session, patient_id, caregiver_id)
    return link if link is not None and link.approved_at is not None else None


def links_of_patient(session: Session, patient_id: int) -> Sequence[CaregiverLink]:
    return session.exec(
        select(CaregiverLink)
        .where(CaregiverLink.patient_id == patient_id)
        .order_by(col(CaregiverLink.created_at))
    ).all()


def followed(session: Session, caregiver_id: int) -> Sequence[tuple[CaregiverLink, Patient]]:
    """The patients this person follows with approval."""
    return session.exec(
        select(CaregiverLink, Patient)
        .join(Patient, col(Patient.user_id) == CaregiverLink.patient_id)
        .where(
            CaregiverLink.caregiver_id == caregiver_id,
            col(CaregiverLink.approved_at).is_not(None),
        )
        .order_by(col(CaregiverLink.created_at))
    ).all()


def approve(session: Session, link: CaregiverLink, now: datetime) -> None:
    """The patient accepted the caregiver; flushed, so a re-plan right after includes them."""
    link.approved_at = now
    session.add(link)
    session.flush()


def set_choices(session: Session, link: CaregiverLink, **choices: bool) -> None:
    """What the link allows or asks for: confirming doses, which alerts; flushed at once."""
    for name, value in choices.items():
        if name not in {"may_confirm", "alert_confirmations", "alert_heads_up"}:
            raise ValueError(f"not a caregiver choice: {name}")
        setattr(link, name, value)
    session.add(link)
    session.flush()


def remove(session: Session, link: CaregiverLink, now: datetime) -> None:
    """End a link (revoked, declined, left): its pending alerts go at once."""
    cancel_alerts(session, link.patient_id, link.caregiver_id, now)
    session.delete(link)


def cancel_alerts(session: Session, patient_id: int, caregiver_id: int, now: datetime) -> None:
    outbox.cancel_pending_to(session, now, patient_id=patient_id, chat_id=caregiver_id)


def alert(
    session: Session,
    patient: Patient,
    kind: Alert,
    due_at: datetime,
    now: datetime,
    *,
    dose_number: int | None = None,
    dose_planned: date | None = None,
    exclude: int | None = None,
) -> int:
    """One alert row per approved caregiver who wants this kind; returns how many."""
    written = 0
    for link in approved_links(session, patient.user_id):
        if link.caregiver_id == exclude:
            continue
        preferences = Preferences(link.alert_confirmations, link.alert_heads_up)
        if not rules.wants(kind, preferences):
            continue
        outbox.add(
            session,
            chat_id=link.caregiver_id,
            patient_id=patient.user_id,
            dose_number=dose_number,
            dose_planned=dose_planned,
            kind=kind,
            priority=ALERT_PRIORITY.get(kind, NOTE_PRIORITY),
            due_at=due_at,
            now=now,
        )
        written += 1
    return written


def tell_recorded(
    session: Session, patient: Patient, dose: PlannedDose, now: datetime, *, by: int
) -> None:
    """A recorded dose is news for the caregivers who want it (not for whoever recorded it);
    when a caregiver recorded it, the patient is told who did. A notice about this dose still
    waiting (an undo and a new record within one sweep) is replaced, so it comes once."""
    _replace_waiting_news(session, patient, dose.number, now)
    alert(
        session,
        patient,
        Alert.CONFIRMED,
        now,
        now,
        dose_number=dose.number,
        dose_planned=dose.planned,
        exclude=by,
    )
    if by != patient.user_id:
        outbox.add_to_patient(
            session,
            patient,
            Alert.CONFIRMED,
            NOTE_PRIORITY,
            now,
            now,
            number=dose.number,
            planned=dose.planned,
        )


def tell_changed(
    session: Session, patient: Patient, number: int, before: date, now: datetime, *, undone: bool
) -> None:
    """Dose `number`, recorded on `before`, was corrected (or, `undone`, taken back): each
    caregiver who wants dose news hears of it once (`rules.news_of_change`). A notice still
    waiting is replaced; the date a correction says it replaces is the one the caregiver was
    last sent."""
    waiting = _replace_waiting_news(session, patient, number, now)
    sent = _sent_news(session, patient, number, now)
    for link in approved_links(session, patient.user_id):
        preferences = Preferences(link.alert_confirmations, link.alert_heads_up)
        if not rules.wants(Alert.CONFIRMED, preferences):
            continue
        mine = [row for row in waiting if row.chat_id == link.caregiver_id]
        if link.caregiver_id in sent:
            told = Told.SENT
        elif mine:
            told = Told.WAITING
        else:
            told = Told.NOTHING
        kind = rules.news_of_change(told, undone)
        if kind is None:
            continue
        corrects = next((row.dose_planned for row in mine if row.kind == Alert.CORRECTED), before)
        outbox.add(
            session,
            chat_id=link.caregiver_id,
            patient_id=patient.user_id,
            dose_number=number,
            dose_planned=corrects if kind is Alert.CORRECTED else None,
            kind=kind,
            priority=NOTE_PRIORITY,
            due_at=now,
            now=now,
        )


def _news_rows(session: Session, patient: Patient, number: int) -> Sequence[OutboxMessage]:
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.patient_id == patient.user_id,
            OutboxMessage.dose_number == number,
            col(OutboxMessage.kind).in_([kind.value for kind in DOSE_NEWS]),
            OutboxMessage.chat_id != patient.chat_id,
        )
    ).all()


def _replace_waiting_news(
    session: Session, patient: Patient, number: int, now: datetime
) -> list[OutboxMessage]:
    """Cancel the caregivers' notices about this dose still to go (and not in flight): a new
    notice replaces them. Returns them as they were."""
    waiting = [row for row in _news_rows(session, patient, number) if row.finished_at is None]
    flying = outbox.in_flight(session, [row.id for row in waiting if row.id is not None], now)
    found = [row for row in waiting if row.id not in flying]
    if found:
        outbox.cancel_rows(session, now, [row.id for row in found if row.id is not None])
    return found


def _sent_news(session: Session, patient: Patient, number: int, now: datetime) -> set[int]:
    """The caregivers whose last notice about this dose (sent, or maybe being sent) told them
    it is recorded: a notice that it was taken back leaves nothing to correct or undo."""
    latest: dict[int, OutboxMessage] = {}
    rows = _news_rows(session, patient, number)
    flying = outbox.in_flight(
        session, [row.id for row in rows if row.finished_at is None and row.id is not None], now
    )
    for row in sorted(rows, key=lambda row: row.id or 0):
        if row.outcome == Outcome.SENT or row.id in flying:
            latest[row.chat_id] = row
    return {chat for chat, row in latest.items() if row.kind != Alert.UNDONE}


def links_of(session: Session, patient_ids: Iterable[int]) -> dict[tuple[int, int], CaregiverLink]:
    """Approved links of several patients, by (patient, caregiver): the sweep checks each alert
    against them at send time, so a revoked caregiver gets nothing more."""
    ids = list(patient_ids)
    if not ids:
        return {}
    found = session.exec(
        select(CaregiverLink).where(
            col(CaregiverLink.patient_id).in_(ids), col(CaregiverLink.approved_at).is_not(None)
        )
    ).all()
    return {(link.patient_id, link.caregiver_id): link for link in found}


def approved_links(session: Session, patient_id: int) -> Sequence[CaregiverLink]:
    return session.exec(
        select(CaregiverLink).where(
            CaregiverLink.patient_id == patient_id, col(CaregiverLink.approved_at).is_not(None)
        )
    ).all()


def has_links(session: Session, user_id: int) -> bool:
    return (
        session.exec(
            select(CaregiverLink.id).where(
                (CaregiverLink.caregiver_id == user_id) | (CaregiverLink.patient_id == user_id)
            )
        ).first()
        is not None
    )


def mark_blocked(session: Session, caregiver_id: int, now: datetime) -> int:
    """The caregiver blocked the bot: inactive on every link until they come back."""
    result = session.execute(
        update(CaregiverLink)
        .where(
            col(CaregiverLink.caregiver_id) == caregiver_id, col(CaregiverLink.blocked_at).is_(None)
        )
        .values(blocked_at=now)
    )
    return rowcount(result)


def mark_back(session: Session, caregiver_id: int) -> int:
    result = session.execute(
        update(CaregiverLink)
        .where(
            col(CaregiverLink.caregiver_id) == caregiver_id,
            col(CaregiverLink.blocked_at).is_not(None),
        )
        .values(blocked_at=None)
    )
    return rowcount(result)


def erase(session: Session, user_id: int) -> None:
    """Both sides: links where the user is the patient or the caregiver, their invites, and
    their id on the invites they opened (the patient's used invite stays, used by nobody)."""
    session.exec(delete(CaregiverLink).where(col(CaregiverLink.caregiver_id) == user_id))
    session.exec(delete(CaregiverLink).where(col(CaregiverLink.patient_id) == user_id))
    session.exec(delete(Invite).where(col(Invite.patient_id) == user_id))
    session.execute(update(Invite).where(col(Invite.used_by) == user_id).values(used_by=None))
