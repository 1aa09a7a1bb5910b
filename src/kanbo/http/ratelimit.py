"""Per-credential rate limits: in process by default, shared through Redis when configured."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]


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
    """A one-second window per key, shared by every process that points at the same Redis."""

    def __init__(self, url: str, clock: Clock = time.time) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._clock = clock

    async def hit(self, key: str, rps: float) -> int | None:
        if rps <= 0:
            return None
        window = int(self._clock())
        redis_key = f"kanbo:rl:{key}:{window}"
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(redis_key)
        pipe.expire(redis_key, 2)
        count, _ = await pipe.execute()
        if int(count) > max(1, math.floor(rps)):
            return 1
        return None

    async def close(self) -> None:
        await self._redis.aclose()


def create_rate_limiter(redis_url: str) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(redis_url)
    return MemoryRateLimiter()
