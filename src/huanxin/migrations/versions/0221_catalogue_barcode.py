"""Catalogue products carry their GTIN-13 barcode (69码), checked against the model at the till.

Revision ID: 0221
Revises: 0220
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0221"
down_revision: str | None = "0220"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("catalogue_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("barcode", sa.String(length=13), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_catalogue_products_barcode"), ["barcode"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("catalogue_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_products_barcode"))
        batch_op.drop_column("barcode")
