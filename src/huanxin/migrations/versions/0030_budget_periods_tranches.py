"""Budget years, release schedules, pauses and alerts of the ledger (issue 17).

A pool now belongs to one budget year (``period_year``; a pool that existed before gets the
year it was opened in) and carries the year's budget, what happens to its remainder at the
year's end, its pause state and the threshold below which sales pause. ``ledger_tranches``
holds the release schedule, ``ledger_alerts`` the warnings for the office and finance.

Revision ID: 0030
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _pool_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("period_year", sa.Integer(), nullable=True),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("year_end", sa.String(16), nullable=False, server_default="return"),
        sa.Column("pause_below_fen", sa.BigInteger(), nullable=False, server_default="1"),
        sa.Column("paused_by", sa.String(16), nullable=False, server_default=""),
        sa.Column("pause_reason", sa.String(256), nullable=False, server_default=""),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("ledger_pools", schema=None) as batch_op:
        for column in _pool_columns():
            batch_op.add_column(column)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE ledger_pools SET period_year = "
            "EXTRACT(YEAR FROM created_at AT TIME ZONE 'Asia/Shanghai')"
        )
    else:
        op.execute(
            "UPDATE ledger_pools SET period_year = "
            "CAST(strftime('%Y', datetime(created_at, '+8 hours')) AS INTEGER)"
        )
    with op.batch_alter_table("ledger_pools", schema=None) as batch_op:
        batch_op.alter_column("period_year", existing_type=sa.Integer(), nullable=False)
        for name in ("budget_fen", "year_end", "pause_below_fen", "paused_by", "pause_reason"):
            batch_op.alter_column(name, server_default=None)
        batch_op.drop_constraint(
            "uq_ledger_pools_programme_id_layer_jurisdiction_code", type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_ledger_pools_programme_year",
            ["programme_id", "layer", "jurisdiction_code", "period_year"],
        )
        batch_op.create_check_constraint(
            op.f("ck_ledger_pools_budget_not_negative"), "budget_fen >= 0"
        )
    op.create_table(
        "ledger_tranches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_ledger_tranches_amount_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_ledger_tranches_window_ordered")),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["ledger_pools.id"], name=op.f("fk_ledger_tranches_pool_id_ledger_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_tranches")),
        sa.UniqueConstraint("pool_id", "seq", name=op.f("uq_ledger_tranches_pool_id_seq")),
    )
    op.create_index(op.f("ix_ledger_tranches_pool_id"), "ledger_tranches", ["pool_id"])
    op.create_table(
        "ledger_alerts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("message", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["ledger_pools.id"], name=op.f("fk_ledger_alerts_pool_id_ledger_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_alerts")),
        sa.UniqueConstraint(
            "pool_id", "kind", "day", name=op.f("uq_ledger_alerts_pool_id_kind_day")
        ),
    )
    op.create_index(op.f("ix_ledger_alerts_pool_id"), "ledger_alerts", ["pool_id"])


def downgrade() -> None:
    op.drop_table("ledger_alerts")
    op.drop_table("ledger_tranches")
    with op.batch_alter_table("ledger_pools", schema=None) as batch_op:
        batch_op.drop_constraint("ck_ledger_pools_budget_not_negative", type_="check")
        batch_op.drop_constraint(
            "uq_ledger_pools_programme_year", type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_ledger_pools_programme_id_layer_jurisdiction_code",
            ["programme_id", "layer", "jurisdiction_code"],
        )
        for column in _pool_columns():
            batch_op.drop_column(column.name)
