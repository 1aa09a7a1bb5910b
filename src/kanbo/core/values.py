"""Lenient reading of client values: clients send ``5``, ``5.0``, ``"5"`` for the same integer."""

from __future__ import annotations

import math
from typing import Any

MAX_INT = 2**63 - 1  # the largest value a BIGINT column holds


def as_int(value: Any) -> int | None:
    """An int from an int, an integral finite float or a numeric string, within BIGINT range; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                real = float(text)
            except ValueError:
                return None
            if not math.isfinite(real) or not real.is_integer():
                return None
            number = int(real)
    else:
        return None
    return number if abs(number) <= MAX_INT else None
