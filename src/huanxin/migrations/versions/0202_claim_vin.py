"""Car claims carry the vehicle's VIN: sealed, with a unique keyed hash (one subsidy per car).

Revision ID: 0202
Revises: 0201
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0202"
down_revision: str | None = "0201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vin_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("vin_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_claims_vin_key"), ["vin_key"])


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_claims_vin_key"), type_="unique")
        batch_op.drop_column("vin_key")
        batch_op.drop_column("vin_enc")
