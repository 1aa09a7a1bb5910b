"""Who is making a request: account, user and the rights that apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Principal:
    account_id: int
    user_id: int
    is_admin: bool
    group_id: int | None
    # Effective rights (the role's when the user has one), in the wire shape of spec §4.3.
    rights: dict[str, Any] = field(default_factory=dict)
    via: Literal["token", "session", "system"] = "token"
    # Identifies the credential for rate limiting: the grant of a token, the browser session.
    credential: str = ""
    client_id: str | None = None
    api_domain: str = ""
    lang: str = "en"


def administers(principal: Principal) -> bool:
    """The one admin check: whether the principal administers its account. It lives here, the lowest layer,
    so authentication (``X-Context-User-ID``) and the rights policy (``accounts/rights.py``, which every
    service calls) decide it the same way."""
    return principal.is_admin
