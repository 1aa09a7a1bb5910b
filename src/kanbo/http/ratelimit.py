"""Per-credential rate limits: in process by default, shared through Redis when configured.

When Redis is unreachable or answers with an error, requests are limited in process instead (never a
5xx): a warning is logged, and Redis is tried again after a short back-off.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

Clock = Callable[[], float]

logger = logging.getLogger("kanbo.http")

REDIS_BACKOFF_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 1.0


class RateLimiter(Protocol):
    async def hit(self, key: str, rps: float) -> int | None:
        """Count one request; return seconds to wait when over the limit, else ``None``."""

    async def close(self) -> None: ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class MemoryRateLimiter:
    """Token bucket per key: ``rps`` requests per second, bursts of up to ``rps``."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._clock = clock

    async def hit(self, key: str, rps: float) -> int | None:
        if rps <= 0:
            return None
        now = self._clock()
        capacity = max(rps, 1.0)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rps)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if len(self._buckets) > 100_000:
                self._forget_idle(now)
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / rps))

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, b in self._buckets.items() if now - b.updated > 60]:
            del self._buckets[key]

    async def close(self) -> None:
        self._buckets.clear()


class RedisRateLimiter:
    """A one-second window per key, shared by every process that points at the same Redis.

    While Redis fails (connection refused, timeout, an error answer), :class:`MemoryRateLimiter` counts
    instead, for ``backoff_seconds`` after each failure; the warning is logged once per back-off period.
    """

    def __init__(
        self,
        url: str,
        clock: Clock = time.time,
        *,
        client: Any = None,
        backoff_seconds: float = REDIS_BACKOFF_SECONDS,
        monotonic: Clock = time.monotonic,
    ) -> None:
        self._redis = client if client is not None else Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)
        self._clock = clock
        self._monotonic = monotonic
        self._backoff = backoff_seconds
        self._fallback = MemoryRateLimiter(clock=monotonic)
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        """Whether requests are counted in process for now (Redis failed less than a back-off ago)."""
        return self._monotonic() < self._down_until

    async def hit(self, key: str, rps: float) -> int | None:
        if rps <= 0:
            return None
        if self.degraded:
            return await self._fallback.hit(key, rps)
        try:
            count = await self._count(key)
        except (TimeoutError, RedisError, OSError) as error:
            self._redis_failed(error)
            return await self._fallback.hit(key, rps)
        if count > max(1, math.floor(rps)):
            return 1
        return None

    async def _count(self, key: str) -> int:
        window = int(self._clock())
        redis_key = f"kanbo:rl:{key}:{window}"
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(redis_key)
        pipe.expire(redis_key, 2)
        count, _ = await pipe.execute()
        return int(count)

    def _redis_failed(self, error: BaseException) -> None:
        if self.degraded:  # another request failed at the same time: already logged
            return
        self._down_until = self._monotonic() + self._backoff
        logger.warning("rate limiting: Redis failed (%s: %s); counting in process, retrying Redis in %g s",
                       type(error).__name__, error, self._backoff)

    async def close(self) -> None:
        await self._fallback.close()
        with contextlib.suppress(RedisError, OSError):
            await self._redis.aclose()


def create_rate_limiter(redis_url: str) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(redis_url)
    return MemoryRateLimiter()
