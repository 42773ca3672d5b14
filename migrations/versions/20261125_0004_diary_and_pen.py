"""diary and pen

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:12:17.055272
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_diary_entries_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entries")),
    )
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_diary_entries_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "pen_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("dose_number", sa.Integer(), nullable=False),
        sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_pen_periods_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pen_periods")),
    )
    with op.batch_alter_table("pen_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pen_periods_patient_id"), ["patient_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pen_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pen_periods_patient_id"))

    op.drop_table("pen_periods")
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diary_entries_patient_id"))

    op.drop_table("diary_entries")
