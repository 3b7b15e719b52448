"""What the fraud detectors need, captured with the claim: merchants' stores and tills; a
claim's store, till and reported location, payee account (sealed, keyed hash), recycled
weight, per-item cap, delivery address (sealed, keyed hash) and the keyed hashes and
Bloom-filter encodings of name, phone and address that record linkage compares; an index
on ``updated_at`` for the daily scan.

Revision ID: 0250
Revises: 0203
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0250"
down_revision: str | None = "0203"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

COLUMNS = (
    ("store_id", sa.BigInteger()),
    ("terminal_id", sa.String(length=32)),
    ("redeem_lat", sa.Float()),
    ("redeem_lon", sa.Float()),
    ("payee_account_enc", sa.Text()),
    ("payee_account_key", sa.String(length=64)),
    ("recycled_weight_g", sa.BigInteger()),
    ("cap_fen", sa.BigInteger()),
    ("address_enc", sa.Text()),
    ("address_key", sa.String(length=64)),
    ("phone_block_key", sa.String(length=64)),
    ("name_clk", sa.LargeBinary()),
    ("phone_clk", sa.LargeBinary()),
    ("address_clk", sa.LargeBinary()),
)


def upgrade() -> None:
    op.create_table(
        "merchant_stores",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_merchant_stores_jurisdiction_code_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_merchant_stores_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_stores")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_merchant_stores_org_id_name")),
    )
    op.create_index(op.f("ix_merchant_stores_org_id"), "merchant_stores", ["org_id"])
    op.create_index(
        op.f("ix_merchant_stores_jurisdiction_code"), "merchant_stores", ["jurisdiction_code"]
    )
    op.create_table(
        "merchant_tills",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_merchant_tills_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["merchant_stores.id"], name=op.f("fk_merchant_tills_store_id_merchant_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_tills")),
        sa.UniqueConstraint("org_id", "terminal_id", name=op.f("uq_merchant_tills_org_id_terminal_id")),
    )
    op.create_index(op.f("ix_merchant_tills_org_id"), "merchant_tills", ["org_id"])
    op.create_index(op.f("ix_merchant_tills_store_id"), "merchant_tills", ["store_id"])
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_updated_at"), ["updated_at"])


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_updated_at"))
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("merchant_tills")
    op.drop_table("merchant_stores")
