"""dose statuses: the doses that can count in the staff's figures, kept as data so /stats is
one count; existing patients' rows are computed with the domain's own function, in chunks

Revision ID: 0014_dose_statuses
Revises: 0013_outbox_claims
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.domain.dose_statuses import counted_doses
from bot.domain.schedule import Course

revision: str = "0014_dose_statuses"
down_revision: str | Sequence[str] | None = "0013_outbox_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000

patients = sa.table(
    "patients",
    sa.column("user_id", sa.BigInteger()),
    sa.column("time_zone", sa.String()),
    sa.column("reminder_time", sa.Time()),
    sa.column("first_injection", sa.Date()),
    sa.column("enrolled_after", sa.Integer()),
    sa.column("enrolled_at", sqlmodel.sql.sqltypes.UTCDateTime()),
)
dose_records = sa.table(
    "dose_records",
    sa.column("patient_id", sa.BigInteger()),
    sa.column("number", sa.Integer()),
    sa.column("taken_on", sa.Date()),
)


def upgrade() -> None:
    statuses = op.create_table(
        "dose_statuses",
        sa.Column("patient_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("counts_from", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("counts_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_dose_statuses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", "number", name=op.f("pk_dose_statuses")),
    )
    assert statuses is not None
    backfill(op.get_bind(), statuses)
    op.create_index(
        "ix_dose_statuses_window",
        "dose_statuses",
        ["counts_until", "status", "counts_from"],
        unique=False,
    )


def backfill(connection: sa.Connection, statuses: sa.Table) -> None:
    """Every patient's rows as `replan` would write them, a chunk of patients at a time. A
    patient whose records form no course gets none (their plan cannot be shown either)."""
    last_id = None
    while True:
        query = sa.select(patients).order_by(patients.c.user_id).limit(CHUNK)
        if last_id is not None:
            query = query.where(patients.c.user_id > last_id)
        chunk = connection.execute(query).all()
        if not chunk:
            return
        taken: dict[int, dict[int, date]] = {row.user_id: {} for row in chunk}
        records = sa.select(dose_records).where(dose_records.c.patient_id.in_(list(taken)))
        for record in connection.execute(records):
            taken[record.patient_id][record.number] = record.taken_on
        rows = []
        for patient in chunk:
            try:
                course = Course(
                    patient.first_injection, taken[patient.user_id], patient.enrolled_after
                )
            except ValueError:
                continue
            for dose in counted_doses(
                course,
                zone=patient.time_zone,
                reminder_time=patient.reminder_time,
                enrolled_at=patient.enrolled_at,
            ):
                rows.append(
                    {
                        "patient_id": patient.user_id,
                        "number": dose.number,
                        "status": dose.status.value,
                        "counts_from": dose.counts_from,
                        "counts_until": dose.counts_until,
                    }
                )
        if rows:
            connection.execute(sa.insert(statuses), rows)
        last_id = chunk[-1].user_id


def downgrade() -> None:
    op.drop_index("ix_dose_statuses_window", table_name="dose_statuses")
    op.drop_table("dose_statuses")
