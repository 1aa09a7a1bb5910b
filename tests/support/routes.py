"""Every route of the app, walked from ``app.routes``, and the check every answer to bad input must pass."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import currently_in_test_context, event

# Where the API answers problem+json (the web pages answer HTML).
PROBLEM_PREFIXES = ("/api/v4", "/oauth2", "/api/session")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # FastAPI's path format: /api/v4/leads/{entity_id}

    @property
    def params(self) -> list[str]:
        return re.findall(r"\{([A-Za-z_]+)(?::[a-z]+)?\}", self.path)


def app_routes(app: Any) -> list[Route]:
    """Every route with methods, walking included routers (FastAPI nests them in ``app.routes``)."""
    found: list[Route] = []

    def walk(routes: Any) -> None:
        for route in routes:
            nested = getattr(route, "effective_candidates", None)
            if nested is not None:
                walk(nested())
                continue
            path = getattr(route, "path_format", None) or getattr(route, "path", None)
            for method in sorted(getattr(route, "methods", None) or ()):
                if method != "HEAD" and path:
                    found.append(Route(method, path))

    walk(app.routes)
    return sorted(set(found), key=lambda r: (r.path, r.method))


# The check ---------------------------------------------------------------------------------------

def check(response: httpx.Response, route: Route) -> None:
    where = f"{response.request.method} {response.request.url}"
    if currently_in_test_context():
        event(f"status {response.status_code}")  # the spread, shown by pytest --hypothesis-show-statistics
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    if response.status_code >= 400 and route.path.startswith(PROBLEM_PREFIXES):
        assert response.headers.get("content-type") == "application/problem+json", (where, response.headers)
        body = response.json()
        assert {"title", "type", "status", "detail"} <= body.keys(), (where, body)
        assert body["status"] == response.status_code, (where, body)
