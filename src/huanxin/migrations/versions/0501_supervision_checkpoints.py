"""supervision checkpoints

Revision ID: 0501
Revises: 0500
Create Date: 2026-11-23 11:28:35.006106
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0501"
down_revision: str | None = "0500"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sv_checkpoints",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=6), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("done_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by"], ["users.id"], name=op.f("fk_sv_checkpoints_done_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_sv_checkpoints_jurisdiction_code_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["sv_plans.id"], name=op.f("fk_sv_checkpoints_plan_id_sv_plans")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["sv_tasks.id"], name=op.f("fk_sv_checkpoints_task_id_sv_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sv_checkpoints")),
    )
    with op.batch_alter_table("sv_checkpoints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sv_checkpoints_jurisdiction_code"), ["jurisdiction_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sv_checkpoints_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sv_checkpoints_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sv_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sv_checkpoints_task_id"))
        batch_op.drop_index(batch_op.f("ix_sv_checkpoints_plan_id"))
        batch_op.drop_index(batch_op.f("ix_sv_checkpoints_jurisdiction_code"))

    op.drop_table("sv_checkpoints")
