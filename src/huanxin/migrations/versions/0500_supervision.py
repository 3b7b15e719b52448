"""supervision

Revision ID: 0500
Revises: 0001
Create Date: 2026-11-23 08:33:25.124285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0500'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('supervision',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sv_departments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_sv_departments_jurisdiction_code_jurisdictions')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_sv_departments_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_departments')),
    sa.UniqueConstraint('jurisdiction_code', 'name', name=op.f('uq_sv_departments_jurisdiction_code_name')),
    sa.UniqueConstraint('org_id', name=op.f('uq_sv_departments_org_id'))
    )
    with op.batch_alter_table('sv_departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_departments_jurisdiction_code'), ['jurisdiction_code'], unique=False)

    op.create_table('sv_briefings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('issue_no', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_sv_briefings_created_by_users')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_sv_briefings_jurisdiction_code_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_briefings')),
    sa.UniqueConstraint('jurisdiction_code', 'issue_no', name=op.f('uq_sv_briefings_jurisdiction_code_issue_no'))
    )
    with op.batch_alter_table('sv_briefings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_briefings_jurisdiction_code'), ['jurisdiction_code'], unique=False)

    op.create_table('sv_plans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('issuer', sa.String(length=128), nullable=True),
    sa.Column('doc_number', sa.String(length=64), nullable=True),
    sa.Column('doc_date', sa.String(length=10), nullable=True),
    sa.Column('source_file', sa.String(length=256), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('parsed', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_sv_plans_created_by_users')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_sv_plans_jurisdiction_code_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_plans'))
    )
    with op.batch_alter_table('sv_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_plans_jurisdiction_code'), ['jurisdiction_code'], unique=False)

    op.create_table('sv_indicators',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=False),
    sa.Column('target_year', sa.Integer(), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('computed_key', sa.String(length=64), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['sv_departments.id'], name=op.f('fk_sv_indicators_department_id_sv_departments')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_sv_indicators_jurisdiction_code_jurisdictions')),
    sa.ForeignKeyConstraint(['plan_id'], ['sv_plans.id'], name=op.f('fk_sv_indicators_plan_id_sv_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_indicators'))
    )
    with op.batch_alter_table('sv_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_indicators_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_indicators_plan_id'), ['plan_id'], unique=False)

    op.create_table('sv_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('shared_responsibility', sa.Boolean(), nullable=False),
    sa.Column('yearly_goals', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('responsible_person_enc', sa.Text(), nullable=True),
    sa.Column('schedule', sa.String(length=16), nullable=False),
    sa.Column('closing', sa.String(length=16), nullable=False),
    sa.Column('close_evidence', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_sv_tasks_jurisdiction_code_jurisdictions')),
    sa.ForeignKeyConstraint(['plan_id'], ['sv_plans.id'], name=op.f('fk_sv_tasks_plan_id_sv_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_tasks'))
    )
    with op.batch_alter_table('sv_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_tasks_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_tasks_plan_id'), ['plan_id'], unique=False)

    op.create_table('sv_unit_matches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_name', sa.String(length=128), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['sv_departments.id'], name=op.f('fk_sv_unit_matches_department_id_sv_departments')),
    sa.ForeignKeyConstraint(['plan_id'], ['sv_plans.id'], name=op.f('fk_sv_unit_matches_plan_id_sv_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_unit_matches')),
    sa.UniqueConstraint('plan_id', 'unit_name', name=op.f('uq_sv_unit_matches_plan_id_unit_name'))
    )
    with op.batch_alter_table('sv_unit_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_unit_matches_plan_id'), ['plan_id'], unique=False)

    op.create_table('sv_indicator_values',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=256), nullable=False),
    sa.Column('entered_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_sv_indicator_values_entered_by_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['sv_indicators.id'], name=op.f('fk_sv_indicator_values_indicator_id_sv_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_sv_indicator_values_indicator_id_year'))
    )
    with op.batch_alter_table('sv_indicator_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_indicator_values_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('sv_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('reported_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['sv_departments.id'], name=op.f('fk_sv_reports_department_id_sv_departments')),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], name=op.f('fk_sv_reports_reported_by_users')),
    sa.ForeignKeyConstraint(['task_id'], ['sv_tasks.id'], name=op.f('fk_sv_reports_task_id_sv_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_reports'))
    )
    with op.batch_alter_table('sv_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_reports_task_id'), ['task_id'], unique=False)

    op.create_table('sv_task_units',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['sv_departments.id'], name=op.f('fk_sv_task_units_department_id_sv_departments')),
    sa.ForeignKeyConstraint(['task_id'], ['sv_tasks.id'], name=op.f('fk_sv_task_units_task_id_sv_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_task_units')),
    sa.UniqueConstraint('task_id', 'department_id', 'role', name=op.f('uq_sv_task_units_task_id_department_id_role'))
    )
    with op.batch_alter_table('sv_task_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_task_units_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_task_units_task_id'), ['task_id'], unique=False)

    op.create_table('sv_attachments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('filename', sa.String(length=256), nullable=False),
    sa.Column('content_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['sv_reports.id'], name=op.f('fk_sv_attachments_report_id_sv_reports')),
    sa.ForeignKeyConstraint(['task_id'], ['sv_tasks.id'], name=op.f('fk_sv_attachments_task_id_sv_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sv_attachments'))
    )
    with op.batch_alter_table('sv_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_attachments_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_table('sv_attachments')
    op.drop_table('sv_task_units')
    op.drop_table('sv_reports')
    op.drop_table('sv_indicator_values')
    op.drop_table('sv_unit_matches')
    op.drop_table('sv_tasks')
    op.drop_table('sv_indicators')
    op.drop_table('sv_plans')
    op.drop_table('sv_briefings')
    op.drop_table('sv_departments')
