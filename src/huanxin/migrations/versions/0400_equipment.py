"""equipment

Revision ID: 0400
Revises: 0001
Create Date: 2026-11-23 08:33:07.578273
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0400'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = ('equipment',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('equipment_enterprises',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=False),
    sa.Column('above_size', sa.Boolean(), nullable=False),
    sa.Column('sector', sa.String(length=24), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_equipment_enterprises_jurisdiction_code_jurisdictions')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_equipment_enterprises_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_enterprises')),
    sa.UniqueConstraint('org_id', name=op.f('uq_equipment_enterprises_org_id')),
    sa.UniqueConstraint('uscc', name=op.f('uq_equipment_enterprises_uscc'))
    )
    with op.batch_alter_table('equipment_enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_enterprises_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_enterprises_sector'), ['sector'], unique=False)
    op.create_table('equipment_imports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_equipment_imports_created_by_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['equipment_enterprises.id'], name=op.f('fk_equipment_imports_enterprise_id_equipment_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_imports'))
    )
    with op.batch_alter_table('equipment_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_imports_enterprise_id'), ['enterprise_id'], unique=False)
    op.create_table('equipment_investment_baselines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('sector', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('recorded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_equipment_investment_baselines_jurisdiction_code_jurisdictions')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_equipment_investment_baselines_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_investment_baselines')),
    sa.UniqueConstraint('jurisdiction_code', 'sector', 'year', name=op.f('uq_equipment_investment_baselines_jurisdiction_code_sector_year'))
    )
    op.create_table('equipment_projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sector', sa.String(length=24), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('equipment_investment_fen', sa.BigInteger(), nullable=False),
    sa.Column('total_investment_fen', sa.BigInteger(), nullable=False),
    sa.Column('bonds_fen', sa.BigInteger(), nullable=False),
    sa.Column('central_fen', sa.BigInteger(), nullable=False),
    sa.Column('local_fen', sa.BigInteger(), nullable=False),
    sa.Column('loan_fen', sa.BigInteger(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_equipment_projects_created_by_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['equipment_enterprises.id'], name=op.f('fk_equipment_projects_enterprise_id_equipment_enterprises')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdictions.code'], name=op.f('fk_equipment_projects_jurisdiction_code_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_projects'))
    )
    with op.batch_alter_table('equipment_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_projects_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_projects_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_projects_sector'), ['sector'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_projects_stage'), ['stage'], unique=False)
    op.create_table('equipment_interest_subsidies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('loan_fen', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('subsidy_bp', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('repayment', sa.String(length=24), nullable=False),
    sa.Column('cap_fen', sa.BigInteger(), nullable=True),
    sa.Column('subsidy_fen', sa.BigInteger(), nullable=False),
    sa.Column('schedule', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('decided_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_equipment_interest_subsidies_created_by_users')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_equipment_interest_subsidies_decided_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['equipment_projects.id'], name=op.f('fk_equipment_interest_subsidies_project_id_equipment_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_interest_subsidies'))
    )
    with op.batch_alter_table('equipment_interest_subsidies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_interest_subsidies_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_interest_subsidies_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_interest_subsidies_status'), ['status'], unique=False)
    op.create_table('equipment_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('import_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('jurisdiction_code', sa.String(length=6), nullable=False),
    sa.Column('sector', sa.String(length=24), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('commissioning_year', sa.Integer(), nullable=False),
    sa.Column('rated_power_kw', sa.Float(), nullable=True),
    sa.Column('capacity', sa.Float(), nullable=True),
    sa.Column('capacity_unit', sa.String(length=8), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('assessed', sa.Boolean(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('elimination', sa.Boolean(), nullable=False),
    sa.Column('renewal', sa.Boolean(), nullable=False),
    sa.Column('safety', sa.Boolean(), nullable=False),
    sa.Column('saving_kwh', sa.Float(), nullable=True),
    sa.Column('saving_tce', sa.Float(), nullable=True),
    sa.Column('saving_tco2', sa.Float(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('classified_year', sa.Integer(), nullable=True),
    sa.Column('scrapped_project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['equipment_enterprises.id'], name=op.f('fk_equipment_items_enterprise_id_equipment_enterprises')),
    sa.ForeignKeyConstraint(['import_id'], ['equipment_imports.id'], name=op.f('fk_equipment_items_import_id_equipment_imports')),
    sa.ForeignKeyConstraint(['scrapped_project_id'], ['equipment_projects.id'], name=op.f('fk_equipment_items_scrapped_project_id_equipment_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_items')),
    sa.UniqueConstraint('enterprise_id', 'code', name=op.f('uq_equipment_items_enterprise_id_code'))
    )
    with op.batch_alter_table('equipment_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_items_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_equipment_items_scope', ['jurisdiction_code', 'sector'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_items_scrapped_project_id'), ['scrapped_project_id'], unique=False)
    op.create_table('equipment_project_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('doc_type', sa.String(length=24), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['equipment_projects.id'], name=op.f('fk_equipment_project_documents_project_id_equipment_projects')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_equipment_project_documents_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_project_documents'))
    )
    with op.batch_alter_table('equipment_project_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_project_documents_project_id'), ['project_id'], unique=False)
    op.create_table('equipment_project_steps',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_stage', sa.String(length=16), nullable=True),
    sa.Column('to_stage', sa.String(length=16), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_equipment_project_steps_by_user_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['equipment_projects.id'], name=op.f('fk_equipment_project_steps_project_id_equipment_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_project_steps'))
    )
    with op.batch_alter_table('equipment_project_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_project_steps_project_id'), ['project_id'], unique=False)
    op.create_table('equipment_flags',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('rule_zh', sa.String(length=255), nullable=False),
    sa.Column('threshold', sa.Text(), nullable=False),
    sa.Column('actual', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['equipment_items.id'], name=op.f('fk_equipment_flags_item_id_equipment_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_flags'))
    )
    with op.batch_alter_table('equipment_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_flags_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('equipment_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_flags_item_id'))
    op.drop_table('equipment_flags')
    with op.batch_alter_table('equipment_project_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_project_steps_project_id'))
    op.drop_table('equipment_project_steps')
    with op.batch_alter_table('equipment_project_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_project_documents_project_id'))
    op.drop_table('equipment_project_documents')
    with op.batch_alter_table('equipment_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_items_scrapped_project_id'))
        batch_op.drop_index('ix_equipment_items_scope')
        batch_op.drop_index(batch_op.f('ix_equipment_items_import_id'))
    op.drop_table('equipment_items')
    with op.batch_alter_table('equipment_interest_subsidies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_interest_subsidies_status'))
        batch_op.drop_index(batch_op.f('ix_equipment_interest_subsidies_project_id'))
        batch_op.drop_index(batch_op.f('ix_equipment_interest_subsidies_jurisdiction_code'))
    op.drop_table('equipment_interest_subsidies')
    with op.batch_alter_table('equipment_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_projects_stage'))
        batch_op.drop_index(batch_op.f('ix_equipment_projects_sector'))
        batch_op.drop_index(batch_op.f('ix_equipment_projects_jurisdiction_code'))
        batch_op.drop_index(batch_op.f('ix_equipment_projects_enterprise_id'))
    op.drop_table('equipment_projects')
    op.drop_table('equipment_investment_baselines')
    with op.batch_alter_table('equipment_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_imports_enterprise_id'))
    op.drop_table('equipment_imports')
    with op.batch_alter_table('equipment_enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_enterprises_sector'))
        batch_op.drop_index(batch_op.f('ix_equipment_enterprises_jurisdiction_code'))
    op.drop_table('equipment_enterprises')
