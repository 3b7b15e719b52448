"""federation: national keys of claims and cross-province matches (deployment side)

Revision ID: 0900
Revises: 0001
Create Date: 2026-12-07 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0900'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('federation',)
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('federation_claims',
    sa.Column('claim_id', ID, autoincrement=False, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('keys', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('release_kinds', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_federation_claims'))
    )
    with op.batch_alter_table('federation_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_federation_claims_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_federation_claims_state'), ['state'], unique=False)

    op.create_table('federation_matches',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('registry_match_id', sa.BigInteger(), nullable=False),
    sa.Column('claim_id', sa.BigInteger(), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('other_code', sa.String(length=6), nullable=False),
    sa.Column('other_name', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('our_disposition', sa.String(length=16), nullable=True),
    sa.Column('their_disposition', sa.String(length=16), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_federation_matches')),
    sa.UniqueConstraint('registry_match_id', name=op.f('uq_federation_matches_registry_match_id'))
    )
    with op.batch_alter_table('federation_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_federation_matches_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_federation_matches_jurisdiction_code'), ['jurisdiction_code'], unique=False)


def downgrade() -> None:
    op.drop_table('federation_matches')
    op.drop_table('federation_claims')
