"""Database tables. A patient row exists only once enrolment is complete; the plan itself is
derived from these facts by `bot.domain.schedule`, never stored twice."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Patient(SQLModel, table=True):
    __tablename__ = "patients"

    user_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    chat_id: int = Field(sa_type=BigInteger)
    language_code: str | None = Field(default=None, max_length=16)
    time_zone: str = Field(max_length=64)
    reminder_time: time
    first_injection: date
    enrolled_after: int = Field(default=0, description="doses before enrolment")
    paused: bool = False
    enrolled_at: datetime
    updated_at: datetime


class DoseRecord(SQLModel, table=True):
    """One injection the patient reported, on the local date it happened."""

    __tablename__ = "dose_records"
    __table_args__ = (UniqueConstraint("patient_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("patients.user_id", ondelete="CASCADE"), nullable=False
        )
    )
    number: int
    taken_on: date
    recorded_at: datetime


class Conversation(SQLModel, table=True):
    """An unfinished exchange (enrolment, a settings change, an erase request): its step and the
    answers so far, kept here so it survives a restart. Deleted when it completes or is dropped;
    until enrolment completes, this is the only place its answers live."""

    __tablename__ = "conversations"

    user_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    flow: str = Field(max_length=16)
    step: str = Field(max_length=32)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime
