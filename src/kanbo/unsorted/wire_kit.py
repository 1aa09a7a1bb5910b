"""Query helpers of the typed wire shared by the incoming leads and the webhooks (the lower of the
two holds them); they would belong in :mod:`kanbo.http.wire`."""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator


def values(*, split_commas: bool) -> BeforeValidator:
    """A filter of one or more values: ``f=1``, ``f[]=1&f[]=2``, ``f[0]=1``, ``f=1,2`` (with
    ``split_commas``); ``f=`` is none. Other shapes are left to fail validation."""

    def before(value: Any) -> Any:
        if value is None or value == "":
            return []
        if isinstance(value, dict) and all(isinstance(k, str) and k.isdigit() for k in value):
            value = list(value.values())
        if not isinstance(value, list):
            value = [value]
        out: list[Any] = []
        for item in value:
            if isinstance(item, str):
                parts = item.split(",") if split_commas else [item]
                out.extend(part.strip() for part in parts if part.strip())
            else:
                out.append(item)
        return out

    return BeforeValidator(before)


def _object(value: Any) -> Any:
    return {} if value in (None, "") else value


#: ``filter=`` (or no filter) is an empty filter object.
AnObject = BeforeValidator(_object)
