"""equipment digital reports

Revision ID: 0401
Revises: 0400
Create Date: 2026-11-23 11:24:02.197791
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0401"
down_revision: str | None = "0400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "equipment_digital_reports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "enterprise_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cnc_rate_bp", sa.Integer(), nullable=True),
        sa.Column("design_tool_bp", sa.Integer(), nullable=True),
        sa.Column(
            "reported_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["equipment_enterprises.id"],
            name=op.f("fk_equipment_digital_reports_enterprise_id_equipment_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["users.id"],
            name=op.f("fk_equipment_digital_reports_reported_by_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment_digital_reports")),
        sa.UniqueConstraint(
            "enterprise_id", "year", name=op.f("uq_equipment_digital_reports_enterprise_id_year")
        ),
    )
    with op.batch_alter_table("equipment_digital_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equipment_digital_reports_enterprise_id"),
            ["enterprise_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_equipment_digital_reports_year"), ["year"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("equipment_digital_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equipment_digital_reports_year"))
        batch_op.drop_index(batch_op.f("ix_equipment_digital_reports_enterprise_id"))

    op.drop_table("equipment_digital_reports")
