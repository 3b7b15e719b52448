"""audit entries and chain heads carry a MAC under a key outside the database

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-07 08:40:00

Existing entries and heads are sealed with the current MAC key during the upgrade (when
a secret key is configured); tampering before the upgrade is found only by the hash
chain, not by the MAC.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("audit_entries", "audit_heads")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("mac_key", sa.String(length=16), nullable=True))
            batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    _seal_existing()


def _seal_existing() -> None:
    from huanxin.core import audit, auditkeys

    conn = op.get_bind()
    entries = conn.execute(sa.text("SELECT id, chain, seq, hash FROM audit_entries")).all()
    heads = conn.execute(sa.text("SELECT chain, seq, hash FROM audit_heads")).all()
    if not entries and not heads:
        return
    try:
        keys = auditkeys.ring()
    except auditkeys.MissingAuditKey:
        return  # left unsealed: `huanxin audit verify` reports them
    key_id = keys.mac_id
    for row in entries:
        message = audit.canonical_json(["audit-entry", row.id, row.chain, row.seq, row.hash])
        conn.execute(
            sa.text("UPDATE audit_entries SET mac_key = :k, mac = :m WHERE id = :id"),
            {"k": key_id, "m": keys.mac(key_id, message.encode()), "id": row.id},
        )
    for row in heads:
        mac = audit.head_mac(keys, key_id, row.chain, row.seq, row.hash)
        conn.execute(
            sa.text("UPDATE audit_heads SET mac_key = :k, mac = :m WHERE chain = :c"),
            {"k": key_id, "m": mac, "c": row.chain},
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("mac")
            batch_op.drop_column("mac_key")
