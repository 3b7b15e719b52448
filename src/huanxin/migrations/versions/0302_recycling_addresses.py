"""recycling: address book per jurisdiction (township, village, estate or house-number range);
a booking's sealed contact mobile

Revision ID: 0302
Revises: 0301
Create Date: 2026-12-07 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0302'
down_revision: str | None = '0301'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recycling_addresses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('township', sa.String(length=64), nullable=False),
    sa.Column('village', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=64), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('initials', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_recycling_addresses_jurisdiction_code_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recycling_addresses')),
    sa.UniqueConstraint('jurisdiction_code', 'township', 'village', 'place', name=op.f('uq_recycling_addresses_jurisdiction_code_township_village_place'))
    )
    with op.batch_alter_table('recycling_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recycling_addresses_jurisdiction_code'), ['jurisdiction_code'], unique=False)
    with op.batch_alter_table('recycling_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_enc', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recycling_bookings', schema=None) as batch_op:
        batch_op.drop_column('phone_enc')
    with op.batch_alter_table('recycling_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recycling_addresses_jurisdiction_code'))
    op.drop_table('recycling_addresses')
