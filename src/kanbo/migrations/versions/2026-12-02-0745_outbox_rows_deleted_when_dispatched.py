"""Outbox rows are deleted when dispatched: drop event_outbox.done_at (issue 5)

Revision ID: 92d2a5896ed1
Revises: 33fed25f7524
Create Date: 2026-12-02 07:45:39.059368
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '92d2a5896ed1'
down_revision: str | None = '33fed25f7524'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM event_outbox WHERE done_at IS NOT NULL")
    with op.batch_alter_table('event_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_outbox_pending'))
        batch_op.drop_column('done_at')



def downgrade() -> None:
    with op.batch_alter_table('event_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_outbox_pending'), ['done_at', 'id'], unique=False)

