"""Database tables. A patient row exists only once enrolment is complete; the plan itself is
derived from these facts by `bot.domain.schedule`, never stored twice (`DoseStatus` keeps only
what the staff's figures count, rewritten from these facts with every change)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlmodel import Field, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for queries that skip the ORM (SQLModel's classes do not declare
    `__table__` to type checkers)."""
    found = inspect(model).local_table
    if not isinstance(found, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return found


SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


NOTE_LENGTH = 500
"""A diary note's column size: longer notes are cut to it, never refused by the database."""


def patient_column(*, index: bool = False, primary_key: bool = False) -> Any:
    """The patient a row belongs to: deleted with them (ON DELETE CASCADE), so erasure cannot
    leave it behind. `primary_key`: a table of one row per patient (or the key's first part)."""
    key: dict[str, Any] = (
        {"primary_key": True, "autoincrement": False}
        if primary_key
        else {"nullable": False, "index": index}
    )
    return Field(
        sa_column=Column(BigInteger, ForeignKey("patients.user_id", ondelete="CASCADE"), **key)
    )


class Patient(SQLModel, table=True):
    __tablename__ = "patients"

    user_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    chat_id: int = Field(sa_type=BigInteger)
    first_name: str | None = Field(default=None, max_length=64, description="shown to caregivers")
    time_zone: str = Field(max_length=64)
    reminder_time: time
    first_injection: date
    enrolled_after: int = Field(default=0, description="doses before enrolment")
    paused: bool = False
    discreet: bool = Field(default=False, description="keep the medicine's name out of reminders")
    blocked_at: datetime | None = Field(default=None, description="set while the bot is blocked")
    checks_done: str = Field(
        default="", max_length=100, description="pre-start checks ticked off, comma-separated"
    )
    enrolled_at: datetime
    updated_at: datetime


class DoseRecord(SQLModel, table=True):
    """One injection the patient reported, on the local date it happened."""

    __tablename__ = "dose_records"
    __table_args__ = (UniqueConstraint("patient_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column()
    number: int
    taken_on: date
    recorded_at: datetime
    recorded_by: int | None = Field(default=None, sa_type=BigInteger, index=True)
    source: str = Field(default="enrolment", max_length=16)
    injector: str | None = Field(default=None, max_length=16)
    site: str | None = Field(default=None, max_length=16)


class DiaryEntry(SQLModel, table=True):
    """A side effect or note the patient wrote down (/log): theirs only, never shown to
    caregivers or staff."""

    __tablename__ = "diary_entries"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column(index=True)
    noted_on: date = Field(description="the patient's local date")
    text: str = Field(max_length=NOTE_LENGTH)
    created_at: datetime
    checkin_dose: int | None = Field(
        default=None, description="the dose whose check-in this note answers"
    )


class PenPeriod(SQLModel, table=True):
    """A pen out of the fridge (/pen), for the dose due when it came out: its single
    room-temperature period counts from `removed_at`. Closed when it got too warm, or when a
    later /pen finds that dose recorded."""

    __tablename__ = "pen_periods"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column(index=True)
    dose_number: int
    removed_at: datetime
    closed_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=16)


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
    warned_at: datetime | None = Field(
        default=None, description="told that this unfinished sign-up will be deleted"
    )


PENDING = text("finished_at IS NULL")


class OutboxMessage(SQLModel, table=True):
    """Everything that must be sent later (reminders, alerts, notes): the single source of truth
    for what is still to go out. A sweep claims due rows (a lease in `OutboxClaim`), sends, and
    records the outcome; only pending rows are indexed for that query, so sent rows cost it
    nothing, and the index holds what the claim filters on."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_pending_due",
            "priority",
            "due_at",
            "not_before",
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
        Index("ix_outbox_patient_id", "patient_id"),
        Index(
            "ix_outbox_sent_message",
            "chat_id",
            "message_id",
            sqlite_where=text("message_id IS NOT NULL"),
            postgresql_where=text("message_id IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},  # ids never reused: a stale claim never fits a new row
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    chat_id: int = Field(sa_type=BigInteger)
    patient_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("patients.user_id", ondelete="CASCADE")),
    )
    dose_number: int | None = Field(
        default=None,
        description="the dose a row is about; for an appointment's kinds, the appointment's id "
        "(every reader of either filters by kind)",
    )
    dose_planned: date | None = Field(
        default=None, description="that dose's planned day, or the appointment's day"
    )
    kind: str = Field(max_length=16)
    priority: int
    due_at: datetime
    not_before: datetime | None = Field(
        default=None,
        description="a retry waits until then: a back-off after a fault, or a 429's retry-after",
    )
    attempts: int = 0
    finished_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=16)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    error: str | None = Field(default=None, max_length=200)
    created_at: datetime


class OutboxClaim(SQLModel, table=True):
    """A sweep's lease on an outbox row while it sends it. Kept apart from the wide outbox rows
    so a claim of hundreds writes a few pages of this narrow table instead of one page per row
    (measured: about a tenth of the time). A row whose lease ran out (its process died) is
    claimable again; the sweep deletes its claims when its batch ends. The table stays small,
    so the token has no index (it would cost every claim more than it saves that delete). No
    foreign key: checking it would read one page of the outbox per claimed row (more than
    doubling a claim), and a claim left by an erased row is inert (outbox ids are never
    reused) until its lease ends. UNLOGGED on PostgreSQL (see its migration)."""

    __tablename__ = "outbox_claims"

    outbox_id: int = Field(
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    claim_token: str = Field(max_length=32)
    lease_until: datetime


class Invite(SQLModel, table=True):
    """A one-time caregiver invite. Only a hash of its token is kept: the link itself exists
    only in the patient's chat."""

    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = Field(default=None, sa_type=BigInteger, index=True)
    revoked_at: datetime | None = None


class CaregiverLink(SQLModel, table=True):
    """A caregiver following a patient: pending until the patient approves it."""

    __tablename__ = "caregiver_links"
    __table_args__ = (UniqueConstraint("patient_id", "caregiver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column()
    caregiver_id: int = Field(sa_type=BigInteger, index=True)
    caregiver_name: str = Field(max_length=64)
    approved_at: datetime | None = None
    may_confirm: bool = False
    alert_confirmations: bool = True
    alert_heads_up: bool = False
    blocked_at: datetime | None = Field(default=None, description="the caregiver blocked the bot")
    created_at: datetime


class Broadcast(SQLModel, table=True):
    """A notice from support staff to many users, and its audit record: the text, who sent it,
    to whom, and the counts, which stay when recipients later erase their data. Only the process
    holding the lease sends it, so the rate cap holds however many processes run."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = Field(sa_type=BigInteger)
    sender_name: str = Field(max_length=64)
    text: str = Field(sa_type=Text)
    audience: str = Field(default="everyone", max_length=16)
    status: str = Field(default="draft", max_length=16, index=True)
    preview_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    preview_message_id: int | None = Field(default=None, sa_type=BigInteger)
    total: int = 0
    delivered: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reported_at: datetime | None = None
    lease_until: datetime | None = None
    lease_token: str | None = Field(default=None, max_length=32)
    scheduled_for: datetime | None = Field(
        default=None, description="a scheduled broadcast starts at this time (UTC)"
    )


class BroadcastDelivery(SQLModel, table=True):
    """One recipient of a broadcast; pending until sent, refused or given up. Deleted when the
    user erases their data."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id"),
        Index(
            "ix_broadcast_deliveries_pending",
            "broadcast_id",
            "id",
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
        Index("ix_broadcast_deliveries_user_id", "user_id"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    broadcast_id: int = Field(
        sa_column=Column(Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(sa_type=BigInteger)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    not_before: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = Field(default=None, max_length=200)


class SupportRequest(SQLModel, table=True):
    """A message a user sent to support staff with /support. Only who asked and when are kept
    (to route the answer back); the text itself went to the staff's chats and is not stored."""

    __tablename__ = "support_requests"
    __table_args__ = {"sqlite_autoincrement": True}  # a number is never given out twice

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    created_at: datetime
    answered_at: datetime | None = None


class LanguageChoice(SQLModel, table=True):
    """The language the bot writes to someone in, for messages composed later (reminders,
    alerts). Kept only for people the bot stores anyway (patients, caregivers) or who chose a
    language in /settings; anyone else simply gets the language of their Telegram app."""

    __tablename__ = "languages"

    user_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    code: str = Field(max_length=8)
    chosen: bool = Field(default=False, description="picked in /settings, not Telegram's")
    updated_at: datetime


class Lease(SQLModel, table=True):
    """A role only one process may hold at a time (receiving updates): the holder renews it
    before it expires; if the holder dies, another process takes it over once it has expired."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=64)
    expires_at: datetime


class PenStock(SQLModel, table=True):
    """Pens at home (/pens): the count as it stands (each recorded dose took one, a delivery
    added some), and the reorder reminder's lead time in days (None: off, the default)."""

    __tablename__ = "pen_stocks"

    patient_id: int = patient_column(primary_key=True)
    count: int
    counted_at: datetime = Field(description="when the patient last set the count")
    reorder_days: int | None = None
    updated_at: datetime


class PenUse(SQLModel, table=True):
    """The pen a recorded dose took from the stock: one per dose at most (the dose's own
    uniqueness), given back when the dose is undone. Setting the count settles them all."""

    __tablename__ = "pen_uses"
    __table_args__ = (UniqueConstraint("patient_id", "dose_number"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column()
    dose_number: int


class BroadcastVersion(SQLModel, table=True):
    """A broadcast's text in another language than the default one (which stays in
    `Broadcast.text`), and how many recipients got it. Staff-written, no personal data."""

    __tablename__ = "broadcast_versions"
    __table_args__ = (UniqueConstraint("broadcast_id", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(
        sa_column=Column(Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=False)
    )
    language: str = Field(max_length=8)
    text: str = Field(sa_type=Text)
    delivered: int = 0


class Appointment(SQLModel, table=True):
    """A visit or test the patient added (/appointments), on a local day and time; a repeating
    blood test (`every_months`, the doctor's interval) moves on to its next day once it has
    passed. Its reminders are outbox rows; caregivers hear of it only if `share` is on."""

    __tablename__ = "appointments"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = patient_column(index=True)
    kind: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=60)
    day: date = Field(description="the patient's local date")
    at: time = Field(description="the patient's local time")
    every_months: int | None = Field(default=None, description="only as the patient typed it")
    repeats_from: date | None = Field(default=None, description="the day a repeat counts from")
    share: bool = Field(default=False, description="approved caregivers are reminded too")
    created_at: datetime
    updated_at: datetime


class DoseStatus(SQLModel, table=True):
    """A dose that can count in the staff's figures (`bot.domain.dose_statuses`): each recorded
    dose after enrolment and the current untaken one, rewritten with the reminders whenever the
    plan or the settings change, so /stats counts rows instead of working out every plan. The
    index holds what the count reads, so it reads only the rows still in the window."""

    __tablename__ = "dose_statuses"
    __table_args__ = (Index("ix_dose_statuses_window", "counts_until", "status", "counts_from"),)

    patient_id: int = patient_column(primary_key=True)
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(max_length=16, description="on_time, early, late or missed")
    counts_from: datetime | None = Field(
        default=None, description="missed from this instant (None: a taken dose, always)"
    )
    counts_until: datetime = Field(description="the start of the dose's day + 31 local days")
