"""Input that used to stall the process or answer 5xx (issue 10): bracket parsing, page, context user."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio

from tests.contract.helpers import assert_problem


@pytest_asyncio.fixture
async def lenient(app):
    """A client that sees a 500 response instead of the server's exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


# X-Context-User-ID -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1" * 25, "-1", "9223372036854775808", "99999999999999999999", "1e3", "²",
                                   "٣", "1_0", "+1", "x" * 5000, "0x10"])
async def test_a_context_user_id_that_is_no_user_id_is_a_401(lenient, tenant, value: str) -> None:
    try:
        raw = value.encode("latin-1")  # how the server decodes header bytes: "²" arrives as "²"
    except UnicodeEncodeError:
        raw = value.encode()
    response = await lenient.get("/api/v4/account", headers={**tenant.headers, "X-Context-User-ID": raw})
    assert_problem(response, 401)


async def test_a_context_user_id_of_the_largest_bigint_names_no_user(lenient, tenant) -> None:
    response = await lenient.get("/api/v4/account", headers={**tenant.headers,
                                                              "X-Context-User-ID": "9223372036854775807"})
    assert_problem(response, 401)
    assert "no active user" in response.text
