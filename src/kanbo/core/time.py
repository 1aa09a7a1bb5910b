"""Time in Kommo's convention: integer unix seconds, UTC."""

from __future__ import annotations

import time


def now() -> int:
    return int(time.time())
