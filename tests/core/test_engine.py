"""Engine settings shared by both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kanbo.core.db import create_engine


async def test_database_errors_do_not_carry_bound_parameters(test_database):
    engine = create_engine(test_database.url)
    secret = "s3cret-password-do-not-log"
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": secret})
    finally:
        await engine.dispose()
    assert secret not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)
