"""caregivers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:05:32.246451
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caregiver_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("caregiver_id", sa.BigInteger(), nullable=False),
        sa.Column("caregiver_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("may_confirm", sa.Boolean(), nullable=False),
        sa.Column("alert_confirmations", sa.Boolean(), nullable=False),
        sa.Column("alert_heads_up", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_caregiver_links_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caregiver_links")),
        sa.UniqueConstraint(
            "patient_id", "caregiver_id", name=op.f("uq_caregiver_links_patient_id")
        ),
    )
    with op.batch_alter_table("caregiver_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caregiver_links_caregiver_id"), ["caregiver_id"], unique=False
        )

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.user_id"],
            name=op.f("fk_invites_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invites_token_hash")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("first_name")

    op.drop_table("invites")
    with op.batch_alter_table("caregiver_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caregiver_links_caregiver_id"))

    op.drop_table("caregiver_links")
