"""Custom task type ids come from a per-account counter (``task_types:<account id>``), not MAX(id) + 1
(issue 10): start each account's counter after its existing types.

Revision ID: a7d3c2e19b60
Revises: 5c1f0e7a9b34
Create Date: 2026-12-04 19:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = 'a7d3c2e19b60'
down_revision: str | None = '5c1f0e7a9b34'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("INSERT INTO counters (name, value) "
               "SELECT 'task_types:' || CAST(account_id AS VARCHAR(20)), MAX(id) FROM task_types GROUP BY account_id")


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE name LIKE 'task_types:%'")
