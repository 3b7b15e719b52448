"""Trade-in: timed quota release schedules, their daily rounds, the monthly-cap grants and
lottery entries

Revision ID: 0220
Revises: 0250
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0220"
down_revision: str | None = "0250"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quota_releases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=6), nullable=False),
        sa.Column("pool_id", sa.BigInteger(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("release_minute", sa.Integer(), nullable=False),
        sa.Column("per_release", sa.Integer(), nullable=False),
        sa.Column("valid_minutes", sa.Integer(), nullable=True),
        sa.Column("day_cap", sa.Integer(), nullable=False),
        sa.Column("month_cap", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("entry_minutes", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_quota_releases_jurisdiction_code_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_releases")),
    )
    with op.batch_alter_table("quota_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quota_releases_jurisdiction_code"), ["jurisdiction_code"], unique=False
        )

    op.create_table(
        "quota_release_rounds",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "release_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("carried_in", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("seed_hash", sa.String(length=64), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("entries_close_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["quota_releases.id"],
            name=op.f("fk_quota_release_rounds_release_id_quota_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_release_rounds")),
        sa.UniqueConstraint(
            "release_id", "day", name=op.f("uq_quota_release_rounds_release_id_day")
        ),
    )
    with op.batch_alter_table("quota_release_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quota_release_rounds_release_id"), ["release_id"], unique=False
        )

    op.create_table(
        "quota_lottery_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("round_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column(
            "consumer_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("jurisdiction_code", sa.String(length=6), nullable=False),
        sa.Column("ticket", sa.String(length=16), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("quota_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_user_id"],
            ["users.id"],
            name=op.f("fk_quota_lottery_entries_consumer_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_quota_lottery_entries_jurisdiction_code_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["quota_release_rounds.id"],
            name=op.f("fk_quota_lottery_entries_round_id_quota_release_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_lottery_entries")),
        sa.UniqueConstraint(
            "round_id", "person_key", name=op.f("uq_quota_lottery_entries_round_id_person_key")
        ),
        sa.UniqueConstraint(
            "round_id", "ticket", name=op.f("uq_quota_lottery_entries_round_id_ticket")
        ),
    )
    with op.batch_alter_table("quota_lottery_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quota_lottery_entries_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "quota_release_grants",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("round_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("quota_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quota_id"], ["quotas.id"], name=op.f("fk_quota_release_grants_quota_id_quotas")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["quota_release_rounds.id"],
            name=op.f("fk_quota_release_grants_round_id_quota_release_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_release_grants")),
        sa.UniqueConstraint(
            "person_key",
            "programme_id",
            "category",
            "month",
            "slot",
            name="uq_quota_release_grants_person_month_slot",
        ),
        sa.UniqueConstraint("quota_id", name=op.f("uq_quota_release_grants_quota_id")),
    )
    with op.batch_alter_table("quota_release_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quota_release_grants_round_id"), ["round_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quota_release_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quota_release_grants_round_id"))

    op.drop_table("quota_release_grants")
    with op.batch_alter_table("quota_lottery_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quota_lottery_entries_round_id"))

    op.drop_table("quota_lottery_entries")
    with op.batch_alter_table("quota_release_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quota_release_rounds_release_id"))

    op.drop_table("quota_release_rounds")
    with op.batch_alter_table("quota_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quota_releases_jurisdiction_code"))

    op.drop_table("quota_releases")
