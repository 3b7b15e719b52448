"""ops: scheduled job locks and runs

Revision ID: 0800
Revises: 0001
Create Date: 2026-12-07 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0800'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('ops',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ops_jobs',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('run_token', sa.String(length=32), nullable=True),
    sa.Column('running_since', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_ops_jobs'))
    )
    op.create_table('ops_job_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ops_job_runs'))
    )
    op.create_index('ix_ops_job_runs_job_started', 'ops_job_runs', ['job', 'started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ops_job_runs_job_started', table_name='ops_job_runs')
    op.drop_table('ops_job_runs')
    op.drop_table('ops_jobs')
