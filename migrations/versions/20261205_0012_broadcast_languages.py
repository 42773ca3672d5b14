"""broadcast languages and schedules: a broadcast's text in each further language the bot
speaks (with its own delivery count), and the time a scheduled broadcast starts

Revision ID: 0012_broadcast_languages
Revises: 0011_pen_stock
Create Date: 2026-12-05 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_broadcast_languages"
down_revision: str | Sequence[str] | None = "0011_pen_stock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheduled_for", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "broadcast_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_versions_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_versions")),
        sa.UniqueConstraint(
            "broadcast_id", "language", name=op.f("uq_broadcast_versions_broadcast_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("broadcast_versions")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("scheduled_for")
