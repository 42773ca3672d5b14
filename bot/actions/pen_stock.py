"""/pens, pens at home: look at the count and what it covers, set it, note a delivery, switch
the reorder reminder. Each change re-plans the reorder reminder in its transaction. (A dose's
own pen is taken and given back by `bot.actions.doses`, with the dose record.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Engine
from sqlmodel import Session

from bot.db import transaction
from bot.domain.conversations import FlowName, PensAnswers, PensStep
from bot.domain.pen_stock import (
    DEFAULT_LEAD_DAYS,
    MAX_PENS,
    Coverage,
    doses_within,
    needs_reorder,
)
from bot.domain.timing import local_date
from bot.models import Patient, PenStock
from bot.store import conversations, patients
from bot.store import pen_stock as stocks


class StockRefusal(StrEnum):
    """Why nothing changed."""

    NOT_ENROLLED = "not_enrolled"
    STALE = "stale"  # a delivery button shown for a count that has changed since
    TOO_MANY = "too_many"  # the count would go over MAX_PENS
    NO_COUNT = "no_count"  # the reminder needs a count first


@dataclass(frozen=True)
class StockView:
    """Where the patient's pens stand: the stock (None: never counted), what it covers, and how
    many doses fall within the lead time."""

    patient: Patient
    stock: PenStock | None
    cover: Coverage | None
    today: date
    needed: int

    @property
    def lead_days(self) -> int:
        if self.stock is None or self.stock.reorder_days is None:
            return DEFAULT_LEAD_DAYS
        return self.stock.reorder_days

    @property
    def short(self) -> bool:
        """The pens do not cover the doses within the lead time."""
        return self.cover is not None and needs_reorder(self.cover, self.today, self.lead_days)


def look(engine: Engine, now: datetime, patient_id: int) -> StockView | None:
    """None for someone not enrolled."""
    with transaction(engine) as session:
        return _view(session, patient_id, now)


def ask(engine: Engine, now: datetime, patient_id: int, step: PensStep) -> bool:
    """Wait for a typed count or delivery (over whatever else was going on); False for someone
    not enrolled."""
    with transaction(engine) as session:
        if patients.get(session, patient_id) is None:
            return False
        conversations.interrupt(session, patient_id, FlowName.PENS, step, PensAnswers(), now)
    return True


def set_count(engine: Engine, now: datetime, patient_id: int, count: int) -> StockView | None:
    """The pens at home are `count` (0 to MAX_PENS, parsed by the caller)."""
    if not 0 <= count <= MAX_PENS:
        raise ValueError(f"a count of pens is 0 to {MAX_PENS}, got {count}")
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        conversations.resume(session, patient_id, FlowName.PENS, now)
        if patient is None:
            return None
        stocks.set_count(session, patient_id, count, now)
        stocks.replan_reorder(session, patient, now)
        return _view(session, patient_id, now)


def add_delivery(
    engine: Engine, now: datetime, patient_id: int, pens: int, seen: int | None = None
) -> StockView | StockRefusal:
    """`pens` more at home. `seen`: the count the tapped button was shown with; if it has
    changed since (the same button tapped twice), nothing is added."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            conversations.resume(session, patient_id, FlowName.PENS, now)
            return StockRefusal.NOT_ENROLLED
        stock = stocks.get(session, patient_id)
        count = stock.count if stock is not None else 0
        if seen is not None and seen != count:
            return StockRefusal.STALE
        if not 1 <= pens <= MAX_PENS - count:
            return StockRefusal.TOO_MANY
        conversations.resume(session, patient_id, FlowName.PENS, now)
        if stock is None:
            stock = stocks.set_count(session, patient_id, 0, now)
        stocks.add(session, stock, pens, now)
        stocks.replan_reorder(session, patient, now)
        view = _view(session, patient_id, now)
    assert view is not None
    return view


def set_reorder(
    engine: Engine, now: datetime, patient_id: int, days: int | None
) -> StockView | StockRefusal:
    """The reorder reminder on with a lead time of `days`, or off (None)."""
    with transaction(engine) as session:
        patient = patients.get(session, patient_id)
        if patient is None:
            return StockRefusal.NOT_ENROLLED
        stock = stocks.get(session, patient_id)
        if stock is None:
            return StockRefusal.NO_COUNT
        stocks.set_reorder(session, stock, days, now)
        stocks.replan_reorder(session, patient, now)
        view = _view(session, patient_id, now)
    assert view is not None
    return view


def _view(session: Session, patient_id: int, now: datetime) -> StockView | None:
    patient = patients.get(session, patient_id)
    if patient is None:
        return None
    stock = stocks.get(session, patient_id)
    today = local_date(now, patient.time_zone)
    course = patients.course_of(session, patient)
    cover = stocks.coverage_of(session, patient, stock, now) if stock is not None else None
    lead = stock.reorder_days if stock and stock.reorder_days else DEFAULT_LEAD_DAYS
    return StockView(patient, stock, cover, today, doses_within(course, today, lead))
