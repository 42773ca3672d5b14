"""indexes for erasure and the open-invite count: /deletedata and retention find rows by who
recorded a dose or used an invite, and /invite counts a patient's open invites

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 03:10:39.671926
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dose_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dose_records_recorded_by"), ["recorded_by"], unique=False
        )

    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invites_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invites_used_by"), ["used_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invites_used_by"))
        batch_op.drop_index(batch_op.f("ix_invites_patient_id"))

    with op.batch_alter_table("dose_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_records_recorded_by"))
