"""pen stock: pens at home (/pens), the pen each recorded dose took, the reorder reminder

Revision ID: 0011_pen_stock
Revises: 0010_appointments
Create Date: 2026-12-05 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_pen_stock"
down_revision: str | Sequence[str] | None = "0010_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pen_stocks",
        sa.Column("patient_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("counted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reorder_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_pen_stocks_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_pen_stocks")),
    )
    op.create_table(
        "pen_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("dose_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_pen_uses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pen_uses")),
        sa.UniqueConstraint("patient_id", "dose_number", name=op.f("uq_pen_uses_patient_id")),
    )


def downgrade() -> None:
    op.drop_table("pen_uses")
    op.drop_table("pen_stocks")
