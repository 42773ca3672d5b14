"""languages: the bot's language per person; patients keep the one Telegram gave at sign-up

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 02:06:42.178439
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "languages",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_languages")),
    )
    op.execute(
        "INSERT INTO languages (user_id, code, chosen, updated_at) "
        "SELECT user_id, CASE WHEN lower(language_code) LIKE 'de%' THEN 'de' ELSE 'en' END, "
        "false, updated_at FROM patients"
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("language_code")


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_code", sa.VARCHAR(length=16), nullable=True))
    op.execute(
        "UPDATE patients SET language_code = "
        "(SELECT code FROM languages WHERE languages.user_id = patients.user_id)"
    )

    op.drop_table("languages")
