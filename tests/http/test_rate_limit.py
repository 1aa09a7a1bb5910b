"""Per-credential rate limits (spec §24 "Rate limit", §1.4 429)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from redis import exceptions as redis_errors

from kanbo.http.ratelimit import MemoryRateLimiter, RedisRateLimiter, create_rate_limiter
from tests.contract.helpers import assert_problem

REDIS_URL = os.environ.get("KANBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class FakeClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# The limiter in the app ------------------------------------------------------------------------

@pytest.fixture
def limits(app, monkeypatch) -> Iterator[FakeClock]:
    """Token limit 2 rps, session limit 3 rps, on a fresh limiter whose clock stands still."""
    from kanbo.config import reset_settings

    clock = FakeClock()
    original = app.state.rate_limiter
    app.state.rate_limiter = MemoryRateLimiter(clock=clock)
    monkeypatch.setenv("KANBO_RATE_LIMIT_RPS", "2")
    monkeypatch.setenv("KANBO_SESSION_RATE_LIMIT_RPS", "3")
    reset_settings()
    try:
        yield clock
    finally:
        app.state.rate_limiter = original
        monkeypatch.undo()
        reset_settings()


async def _statuses(client, headers: dict[str, str], n: int, cookies: dict[str, str] | None = None) -> list[int]:
    client.cookies.clear()
    if cookies:
        client.cookies.update(cookies)
    return [(await client.get("/api/v4/account", headers=headers)).status_code for _ in range(n)]


async def test_token_over_the_limit_gets_429_problem_with_retry_after(client, tenant, limits):
    assert await _statuses(client, tenant.headers, 2) == [200, 200]
    response = await client.get("/api/v4/account", headers=tenant.headers)
    body = assert_problem(response, 429)
    assert int(response.headers["retry-after"]) >= 1
    assert body["retry_after"] == int(response.headers["retry-after"])
    assert body["title"] == "Too Many Requests"
    limits.advance(1.0)
    assert await _statuses(client, tenant.headers, 2) == [200, 200]


async def test_limit_is_per_token(client, tenant, limits):
    from kanbo.auth.service import create_long_lived_token
    from kanbo.core.db import bind_account

    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        second, _ = await create_long_lived_token(session, user=tenant.admin.user, integration=None, days=1,
                                                  api_domain="127.0.0.1:8000")
    colleague = await tenant.add_user(name="Colleague")
    assert await _statuses(client, tenant.headers, 3) == [200, 200, 429]
    assert await _statuses(client, {"Authorization": f"Bearer {second}"}, 3) == [200, 200, 429]
    assert await _statuses(client, colleague.headers, 3) == [200, 200, 429]


async def test_zero_disables_the_limit(client, tenant, limits, monkeypatch):
    from kanbo.config import reset_settings

    monkeypatch.setenv("KANBO_RATE_LIMIT_RPS", "0")
    reset_settings()
    assert set(await _statuses(client, tenant.headers, 12)) == {200}


async def test_browser_sessions_use_the_session_limit(client, tenant, limits):
    from kanbo.auth.sessions import create_session
    from kanbo.core.db import bind_account

    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        browser = await create_session(session, tenant.admin.user)
    try:
        assert await _statuses(client, {}, 4, cookies={"kanbo_session": browser.token}) == [200, 200, 200, 429]
    finally:
        client.cookies.clear()


async def test_requests_without_credentials_are_not_counted(client, limits):
    assert await _statuses(client, {}, 4) == [401] * 4


# MemoryRateLimiter -----------------------------------------------------------------------------

async def test_memory_limiter_bursts_then_refuses_then_refills():
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock=clock)
    assert [await limiter.hit("k", 3) for _ in range(3)] == [None, None, None]
    assert await limiter.hit("k", 3) == 1
    clock.advance(0.34)  # one token back (3 per second)
    assert await limiter.hit("k", 3) is None
    assert await limiter.hit("k", 3) == 1
    clock.advance(10)  # never more than a burst of rps
    assert [await limiter.hit("k", 3) for _ in range(4)] == [None, None, None, 1]


async def test_memory_limiter_keys_are_independent():
    limiter = MemoryRateLimiter(clock=FakeClock())
    assert await limiter.hit("a", 1) is None
    assert await limiter.hit("a", 1) == 1
    assert await limiter.hit("b", 1) is None


async def test_memory_limiter_retry_after_for_slow_rates():
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock=clock)
    assert await limiter.hit("k", 0.25) is None
    assert await limiter.hit("k", 0.25) == 4
    clock.advance(2)
    assert await limiter.hit("k", 0.25) == 2
    clock.advance(2)
    assert await limiter.hit("k", 0.25) is None


async def test_memory_limiter_zero_or_negative_disables():
    limiter = MemoryRateLimiter(clock=FakeClock())
    assert all([await limiter.hit("k", 0) is None for _ in range(50)])
    assert await limiter.hit("k", -1) is None


async def test_memory_limiter_close_forgets():
    limiter = MemoryRateLimiter(clock=FakeClock())
    await limiter.hit("k", 1)
    assert await limiter.hit("k", 1) == 1
    await limiter.close()
    assert await limiter.hit("k", 1) is None


def test_factory_picks_the_backend():
    assert isinstance(create_rate_limiter(""), MemoryRateLimiter)
    assert isinstance(create_rate_limiter(REDIS_URL), RedisRateLimiter)


# RedisRateLimiter ------------------------------------------------------------------------------

@pytest_asyncio.fixture(loop_scope="session")
async def redis_pair() -> AsyncIterator[tuple[RedisRateLimiter, RedisRateLimiter, FakeClock]]:
    """Two limiters (two processes, say) sharing the local Redis and one clock."""
    from redis.asyncio import Redis

    probe = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await probe.ping()
    except Exception as error:  # any connection problem
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        await probe.aclose()
    clock = FakeClock(start=float(2_000_000_000 + uuid.uuid4().int % 1_000_000))
    first, second = RedisRateLimiter(REDIS_URL, clock=clock), RedisRateLimiter(REDIS_URL, clock=clock)
    try:
        yield first, second, clock
    finally:
        await first.close()
        await second.close()


async def test_redis_limit_is_shared_between_instances(redis_pair):
    first, second, clock = redis_pair
    key = f"test:{uuid.uuid4().hex}"
    assert await first.hit(key, 3) is None
    assert await second.hit(key, 3) is None
    assert await first.hit(key, 3) is None
    assert await second.hit(key, 3) == 1
    assert await first.hit(key, 3) == 1
    assert await first.hit(f"{key}:other", 3) is None
    clock.advance(1)
    assert await second.hit(key, 3) is None


async def test_redis_limit_zero_disables_and_fractions_allow_one(redis_pair):
    first, second, _ = redis_pair
    key = f"test:{uuid.uuid4().hex}"
    assert all([await first.hit(key, 0) is None for _ in range(5)])
    assert await first.hit(key, 0.5) is None
    assert await second.hit(key, 0.5) == 1


# Redis failing ---------------------------------------------------------------------------------

class _FailingPipeline:
    def __init__(self, owner: FlakyRedis) -> None:
        self._owner = owner

    def incr(self, key: str) -> None:
        self._owner.keys.append(key)

    def expire(self, key: str, seconds: int) -> None:
        pass

    async def execute(self) -> list[int]:
        self._owner.calls += 1
        if self._owner.error is not None:
            raise self._owner.error
        self._owner.counts[self._owner.keys[-1]] = self._owner.counts.get(self._owner.keys[-1], 0) + 1
        return [self._owner.counts[self._owner.keys[-1]], 1]


class FlakyRedis:
    """Enough of redis.asyncio.Redis for the limiter; raises ``error`` while it is set."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.calls = 0
        self.keys: list[str] = []
        self.counts: dict[str, int] = {}

    def pipeline(self, transaction: bool = True) -> _FailingPipeline:
        return _FailingPipeline(self)

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize("error", [redis_errors.ConnectionError("Connection refused"),
                                   redis_errors.TimeoutError("Timeout reading"), redis_errors.ResponseError("OOM"),
                                   ConnectionRefusedError(111, "refused")])
async def test_redis_failing_falls_back_to_the_memory_limiter(error, caplog):
    fake, mono = FlakyRedis(error), FakeClock()
    limiter = RedisRateLimiter("redis://unused", clock=FakeClock(), client=fake, monotonic=mono)
    with caplog.at_level(logging.WARNING, logger="kanbo.http"):
        results = [await limiter.hit("k", 2) for _ in range(5)]
    assert results[:2] == [None, None]  # the in-process bucket: a burst of 2, then waits
    assert all(r is not None and r >= 1 for r in results[2:])
    assert fake.calls == 1  # not retried during the back-off
    warnings = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(warnings) == 1
    # after the back-off Redis is tried again: still down, one more warning; then it is back
    mono.advance(5.1)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kanbo.http"):
        await limiter.hit("other", 2)
    assert fake.calls == 2
    assert len([r for r in caplog.records if "Redis" in r.getMessage()]) == 1
    fake.error = None
    mono.advance(5.1)
    assert await limiter.hit("again", 2) is None
    assert fake.calls == 3
    assert not limiter.degraded
    await limiter.close()


async def test_redis_on_a_closed_port_falls_back():
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert await limiter.hit("k", 2) is None
        assert await limiter.hit("k", 2) is None
        assert await limiter.hit("k", 2) == 1
        assert limiter.degraded
    finally:
        await limiter.close()


async def test_the_api_answers_while_redis_is_down(client, tenant, app, monkeypatch):
    from kanbo.config import reset_settings

    original = app.state.rate_limiter
    app.state.rate_limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    monkeypatch.setenv("KANBO_RATE_LIMIT_RPS", "2")
    reset_settings()
    try:
        assert await _statuses(client, tenant.headers, 3) == [200, 200, 429]
    finally:
        await app.state.rate_limiter.close()
        app.state.rate_limiter = original
        monkeypatch.undo()
        reset_settings()
