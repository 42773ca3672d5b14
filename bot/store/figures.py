"""Aggregate figures for support staff: counts only, never a name, an id or a person's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import SelectBase, func, select, union
from sqlmodel import Session, col

from bot.domain.adherence import Recent, Status
from bot.models import CaregiverLink, Conversation, DoseStatus, Patient
from bot.store import outbox


@dataclass(frozen=True)
class Figures:
    patients: int
    paused: int
    enrolling: int
    caregivers: int
    active: int
    inactive: int
    pending: int


def _count(session: Session, query: SelectBase) -> int:
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def figures(session: Session) -> Figures:
    """The counts, all cheap queries (the dose figures are `recent_doses`). Active users:
    patients and approved caregivers who have not blocked the bot (a person counted once);
    inactive: those who have."""
    approved = col(CaregiverLink.approved_at).is_not(None)
    interrupted = col(Conversation.answers)["earlier"]["flow"].as_string()
    signing_up = (col(Conversation.flow) == "enrolment") | (interrupted == "enrolment")
    reachable_patients = select(col(Patient.user_id)).where(col(Patient.blocked_at).is_(None))
    reachable_caregivers = select(col(CaregiverLink.caregiver_id)).where(
        approved, col(CaregiverLink.blocked_at).is_(None)
    )
    everyone = union(
        select(col(Patient.user_id)), select(col(CaregiverLink.caregiver_id)).where(approved)
    )
    active = _count(session, union(reachable_patients, reachable_caregivers))
    return Figures(
        patients=_count(session, select(col(Patient.user_id))),
        paused=_count(session, select(col(Patient.user_id)).where(col(Patient.paused).is_(True))),
        enrolling=_count(session, select(col(Conversation.user_id)).where(signing_up)),
        caregivers=_count(
            session, select(col(CaregiverLink.caregiver_id)).where(approved).distinct()
        ),
        active=active,
        inactive=_count(session, everyone) - active,
        pending=outbox.count_pending(session),
    )


def recent_doses(session: Session, now: datetime) -> Recent:
    """On time / early / late / missed over every patient's last 30 local days (`RECENT_DAYS`): one
    count over the stored dose statuses (`bot.store.dose_statuses`), reading only the index
    entries of doses whose day is still in the window."""
    window = col(DoseStatus.counts_until) > now
    started = col(DoseStatus.counts_from).is_(None) | (col(DoseStatus.counts_from) <= now)
    counts: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(col(DoseStatus.status), func.count())
            .where(window, started)
            .group_by(col(DoseStatus.status))
        ).all()
    }
    return Recent(
        on_time=counts.get(Status.ON_TIME, 0),
        early=counts.get(Status.EARLY, 0),
        late=counts.get(Status.LATE, 0),
        missed=counts.get(Status.MISSED, 0),
    )
