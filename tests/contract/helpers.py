"""Assertions shared by the contract tests."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM_KEYS = {"title", "type", "status", "detail"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """An error in Kommo's problem+json shape, with exactly that content type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"] == f"https://httpstatus.es/{status}"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def assert_no_content(response: httpx.Response) -> None:
    assert response.status_code == 204, response.text
    assert response.content == b""


def relative(href: str, base: str) -> str:
    """Path and query of an absolute link, after checking it starts exactly with ``base``."""
    assert href.startswith(base + "/"), href
    return href[len(base):]
