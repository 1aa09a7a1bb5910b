"""Content negotiation: the one rule deciding between ``application/hal+json`` and ``application/json``.

Kommo answers HAL. A client whose ``Accept`` header prefers plain ``application/json`` (over
``application/hal+json`` and over wildcards) gets the same body labelled ``application/json``;
everyone else, a missing header included, keeps ``application/hal+json``. Errors are
``application/problem+json`` whatever the header says.
"""

from __future__ import annotations

HAL = "application/hal+json"
JSON = "application/json"
_HAL_FIRST = frozenset({HAL, "*/*", "application/*"})


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 1.0
            return quality if 0.0 <= quality <= 1.0 else 1.0
    return 1.0


def prefers_plain_json(accept: str | None) -> bool:
    """Whether the most preferred of the media ranges that cover a JSON answer is ``application/json``."""
    if not accept:
        return False
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")[:64]):
        media, *params = part.split(";")
        media = media.strip().lower()
        if media == JSON or media in _HAL_FIRST:
            quality = _quality(params)
            if quality > 0:
                ranked.append((-quality, position, media))
    return bool(ranked) and min(ranked)[2] == JSON
