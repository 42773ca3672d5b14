"""Pens at home: the stock row, the pen each recorded dose took, and the reorder reminders in
the outbox (re-planned in the same transaction as every change that can move them)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from bot.domain.outcomes import Outcome
from bot.domain.pen_stock import (
    MAX_PENS,
    REORDER_PRIORITY,
    Coverage,
    ReorderKind,
    Sent,
    coverage,
    reorder_at,
    reorder_steps,
)
from bot.domain.timing import local_date
from bot.models import OutboxMessage, Patient, PenStock, PenUse
from bot.store import outbox, patients

REORDER_KINDS = tuple(kind.value for kind in ReorderKind)


def get(session: Session, patient_id: int) -> PenStock | None:
    return session.get(PenStock, patient_id)


def set_count(session: Session, patient_id: int, count: int, now: datetime) -> PenStock:
    """The count the patient gave: it already reflects every dose so far, so the pens earlier
    doses took are settled (undoing one of them gives nothing back)."""
    stock = get(session, patient_id)
    if stock is None:
        stock = PenStock(patient_id=patient_id, count=count, counted_at=now, updated_at=now)
    stock.count, stock.counted_at, stock.updated_at = count, now, now
    session.add(stock)
    session.exec(delete(PenUse).where(col(PenUse.patient_id) == patient_id))
    session.flush()
    return stock


def add(session: Session, stock: PenStock, pens: int, now: datetime) -> None:
    stock.count += pens
    stock.updated_at = now
    session.add(stock)
    session.flush()


def set_reorder(session: Session, stock: PenStock, days: int | None, now: datetime) -> None:
    stock.reorder_days, stock.updated_at = days, now
    session.add(stock)
    session.flush()


def use(session: Session, patient_id: int, dose_number: int, now: datetime) -> bool:
    """Dose `dose_number` was recorded: it takes a pen, if there is one (the count never goes
    below 0). The use row is unique per dose, so the same dose never takes two."""
    stock = get(session, patient_id)
    if stock is None or stock.count <= 0:
        return False
    stock.count -= 1
    stock.updated_at = now
    session.add(stock)
    session.add(PenUse(patient_id=patient_id, dose_number=dose_number))
    session.flush()  # the unique (patient, dose) constraint speaks now
    return True


def give_back(session: Session, patient_id: int, dose_number: int, now: datetime) -> bool:
    """Dose `dose_number` was undone: the pen it took (if it took one) is back."""
    found = session.exec(
        select(PenUse).where(PenUse.patient_id == patient_id, PenUse.dose_number == dose_number)
    ).first()
    stock = get(session, patient_id)
    if found is None or stock is None:
        return False
    session.delete(found)
    stock.count = min(stock.count + 1, MAX_PENS)  # a delivery since may have filled it up
    stock.updated_at = now
    session.add(stock)
    session.flush()
    return True


def sent_reminders(session: Session, patient_id: int, short: int) -> Sent:
    """The reorder reminders delivered to the patient: for shortage dose `short`, and the
    latest of all."""
    rows = session.exec(
        select(OutboxMessage.kind, OutboxMessage.dose_number, OutboxMessage.finished_at).where(
            OutboxMessage.patient_id == patient_id,
            col(OutboxMessage.kind).in_(REORDER_KINDS),
            OutboxMessage.outcome == Outcome.SENT,
        )
    ).all()
    first = [at for kind, number, at in rows if kind == ReorderKind.FIRST and number == short]
    again = any(kind == ReorderKind.AGAIN and number == short for kind, number, _ in rows)
    return Sent(
        first_at=max((at for at in first if at is not None), default=None),
        again=again,
        latest_at=max((at for _, _, at in rows if at is not None), default=None),
    )


def coverage_of(session: Session, patient: Patient, stock: PenStock, now: datetime) -> Coverage:
    course = patients.course_of(session, patient)
    return coverage(course, local_date(now, patient.time_zone), stock.count)


def replan_reorder(session: Session, patient: Patient, now: datetime) -> None:
    """Cancel the pending reorder reminders and write what the stock and plan now call for:
    nothing while the reminder is off; else the reminder for the current shortage (and its
    repeat), unless those already went out."""
    stock = get(session, patient.user_id)
    if stock is None:
        return  # never counted: no reminder was ever written (and every dose asks this)
    outbox.cancel_pending(session, now, patient_id=patient.user_id, kinds=REORDER_KINDS)
    if stock.reorder_days is None:
        return
    cover = coverage_of(session, patient, stock, now)
    due = reorder_at(cover, stock.reorder_days, patient.reminder_time, patient.time_zone)
    sent = sent_reminders(session, patient.user_id, cover.short.number)
    for kind, due_at in reorder_steps(due, now, sent):
        outbox.add(
            session,
            chat_id=patient.chat_id,
            patient_id=patient.user_id,
            dose_number=cover.short.number,
            dose_planned=cover.short.planned,
            kind=kind.value,
            priority=REORDER_PRIORITY,
            due_at=due_at,
            now=now,
        )
    session.flush()
