"""field_values.phone_rev: reversed phone digits for the one phone rule (issue 9), backfilled

Revision ID: 5c1f0e7a9b34
Revises: 92d2a5896ed1
Create Date: 2026-12-04 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5c1f0e7a9b34'
down_revision: str | None = '92d2a5896ed1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
KEY_MAX = 32

_values = sa.table("field_values", sa.column("id", sa.BigInteger()), sa.column("kind", sa.String()),
                   sa.column("text", sa.String()), sa.column("phone_rev", sa.String()))


def _key(text: str | None) -> str | None:
    # Frozen copy of kanbo.custom_fields.phones.phone_key as of this revision (migrations never import the app):
    # phone rows hold E.164 or bare digits in ``text``; the key is those digits, any script, reversed.
    digits = "".join(str(int(c)) for c in text or "" if c.isdecimal())
    return digits[::-1] if 0 < len(digits) <= KEY_MAX else None


def upgrade() -> None:
    with op.batch_alter_table('field_values', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_rev', sa.String(length=32), nullable=True))

    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(_values.c.id, _values.c.text)
            .where(_values.c.kind == "phone", _values.c.id > last).order_by(_values.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        keyed = [{"row_id": row_id, "key": key} for row_id, text in rows if (key := _key(text)) is not None]
        if keyed:
            connection.execute(
                _values.update().where(_values.c.id == sa.bindparam("row_id")).values(phone_rev=sa.bindparam("key")),
                keyed)
        last = rows[-1][0]

    with op.batch_alter_table('field_values', schema=None) as batch_op:
        batch_op.create_index('ix_field_values_phone', ['account_id', 'phone_rev'], unique=False,
                              postgresql_ops={'phone_rev': 'text_pattern_ops'})


def downgrade() -> None:
    with op.batch_alter_table('field_values', schema=None) as batch_op:
        batch_op.drop_index('ix_field_values_phone', postgresql_ops={'phone_rev': 'text_pattern_ops'})
        batch_op.drop_column('phone_rev')
