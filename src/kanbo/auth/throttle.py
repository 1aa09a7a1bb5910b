"""Failed sign-in throttling (issue 10): per account and email, and per client address.

After ``after`` failures in a row for a key, the key is blocked for ``base`` seconds, doubling with each
further failure up to ``maximum`` (defaults: 5 failures, 1 s, 15 minutes). A blocked key is refused at
once (429 with ``Retry-After``) without checking the password. A successful sign-in clears the email's
counter (not the address's); a key whose last failure is older than ``maximum`` starts again from zero.

State is kept in the process (each ``kanbo serve`` process counts on its own).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kanbo.config import get_settings

Clock = Callable[[], float]

MAX_KEYS = 100_000


@dataclass
class _Record:
    failures: int
    last_failure: float
    blocked_until: float


def email_key(subdomain: str, email: str) -> str:
    return f"email:{subdomain.strip().lower()}:{email.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


class LoginThrottle:
    def __init__(self, clock: Clock = time.monotonic, *, after: int | None = None, base: float | None = None,
                 maximum: float | None = None) -> None:
        settings = get_settings().auth
        self.after = settings.login_throttle_after if after is None else after
        self.base = settings.login_throttle_base_seconds if base is None else base
        self.maximum = settings.login_throttle_max_seconds if maximum is None else maximum
        self._clock = clock
        self._records: dict[str, _Record] = {}

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds until every key may try again, or ``None`` when none of them is blocked."""
        now = self._clock()
        wait = max((self._records[k].blocked_until - now for k in keys if k in self._records), default=0.0)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, keys: Iterable[str]) -> None:
        now = self._clock()
        for key in keys:
            record = self._records.get(key)
            if record is None or now - record.last_failure > self.maximum:
                record = self._records[key] = _Record(0, now, now)
            record.failures += 1
            record.last_failure = now
            if self.after > 0 and record.failures >= self.after:
                delay = min(self.maximum, self.base * 2 ** min(record.failures - self.after, 64))
                record.blocked_until = now + delay
        if len(self._records) > MAX_KEYS:
            self._forget_idle(now)

    def succeeded(self, key: str) -> None:
        self._records.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if now - r.last_failure > self.maximum]:
            del self._records[key]

    def reset(self) -> None:
        self._records.clear()
