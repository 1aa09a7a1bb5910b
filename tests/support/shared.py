"""Files of ``../shared/`` (the spec and guides), reached relative to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def shared_file(relative: str) -> Path:
    """``../shared/<relative>``; skipped on a developer's machine without it, a failure under CI."""
    path = SHARED / relative
    if not path.is_file():
        message = f"{path} is missing: the spec lives in ../shared/ beside the repository"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
