"""The HTTP clients of the webhook sender.

* **Pinned connections.** The sender resolves a destination's name and checks every address
  (:func:`kanbo.webhooks.safety.resolve_checked`); the connection must then go to an address that was
  checked, not to whatever the name resolves to a moment later (DNS rebinding). :func:`pinned` names the
  checked address for the current task, and the clients made here open their TCP connections to it
  through :class:`PinnedBackend`. TLS still uses the name for SNI and certificate checks, and the
  ``Host`` header is untouched. A client of this module refuses to connect to a name nobody pinned.
* **Lanes.** httpx's connection pool costs more per request the more requests share it (measured in
  ``bench/webhooks.py``: one pool at 32 concurrent requests is 3 times slower than 32 pools of one), so
  the worker keeps a set of small clients and sends one request per lane at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

# host name → checked address, for the requests of the current task
_PINS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("kanbo_webhook_pins", default=None)


@contextlib.contextmanager
def pinned(host: str, address: str) -> Iterator[None]:
    """Within the block, connections of the current task to ``host`` go to ``address``."""
    current = dict(_PINS.get() or {})
    current[host.lower().rstrip(".")] = address
    token = _PINS.set(current)
    try:
        yield
    finally:
        _PINS.reset(token)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections to the address pinned for the host, never to a fresh resolution."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        address = (_PINS.get() or {}).get(host.lower().rstrip("."))
        if address is None:
            raise httpcore.ConnectError(f"{host} was not resolved and checked before connecting")
        return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,  # noqa: ASYNC109
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks are not sent over unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~30 ms: the lanes share one context.
    return httpx.create_ssl_context()


def make_client(*, connections: int = 1) -> httpx.AsyncClient:
    """A client for webhook requests: pinned connections, no redirects, no proxies from the environment.

    Timeouts are set per request by the sender."""
    transport = httpx.AsyncHTTPTransport(
        verify=_tls_context(), retries=0,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                            keepalive_expiry=30.0),
    )
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
        # httpx builds its pool without a way to pass a network backend; fail loudly if that changes.
        raise RuntimeError("this httpx/httpcore version cannot pin webhook connections")
    pool._network_backend = PinnedBackend()
    return httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False)


class Lanes:
    """``size`` independent clients of one connection each; :meth:`lane` lends one to a request and is
    the limit of requests in flight. Given ``shared``, every lane lends that one client (tests)."""

    def __init__(self, size: int, *, shared: httpx.AsyncClient | None = None) -> None:
        self.size = max(1, size)
        self._own = shared is None
        self._all = [make_client() for _ in range(self.size)] if shared is None else [shared] * self.size
        self._idle: list[httpx.AsyncClient] = list(self._all)
        self._free = asyncio.Semaphore(self.size)

    @contextlib.asynccontextmanager
    async def lane(self) -> AsyncIterator[httpx.AsyncClient]:
        async with self._free:
            client = self._idle.pop()
            try:
                yield client
            finally:
                self._idle.append(client)

    async def aclose(self) -> None:
        if self._own:
            for client in self._all:
                await client.aclose()
