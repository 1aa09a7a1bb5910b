"""events.position: each account's events numbered in commit order (issue 11 §7, the live stream's cursor),
backfilled in ``seq`` order, with the per-account counter that numbers new ones.

Revision ID: c41e8b7d2f05
Revises: a7d3c2e19b60
Create Date: 2026-12-08 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c41e8b7d2f05'
down_revision: str | None = 'a7d3c2e19b60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
    # UPDATE … FROM: PostgreSQL, and SQLite since 3.33.
    op.execute("UPDATE events SET position = numbered.n FROM "
               "(SELECT seq, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY seq) AS n FROM events) AS numbered "
               "WHERE numbered.seq = events.seq")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_account_position', ['account_id', 'position'], unique=True)
    op.execute("INSERT INTO counters (name, value) "
               "SELECT 'events:' || CAST(account_id AS VARCHAR(20)), MAX(position) FROM events GROUP BY account_id")


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE name LIKE 'events:%'")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_account_position')
        batch_op.drop_column('position')
