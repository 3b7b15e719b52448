"""Catalogue products record the manufacturer that listed them.

Revision ID: 0201
Revises: 0200
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0201"
down_revision: str | None = "0200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("catalogue_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_org_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogue_products", schema=None) as batch_op:
        batch_op.drop_column("owner_org_id")
