"""Where webhooks may be sent (issue 5, "Safety"): no SSRF into the server's own network.

* http(s) URLs with a host only;
* link-local addresses (169.254.0.0/16, fe80::/10), cloud metadata endpoints and multicast are always
  refused;
* loopback, private, unique-local, shared (CGNAT), reserved and unspecified addresses are refused unless
  ``KANBO_WEBHOOKS_ALLOW_PRIVATE=true``;
* an IPv6 address that carries an IPv4 address (mapped, compatible, 6to4, Teredo, NAT64) is judged by the
  IPv4 address (:func:`embedded_ipv4`).

:func:`check_destination` checks the URL and literal addresses without any network access;
:func:`resolve_checked` also resolves the name and checks every address it resolves to (the sender calls it
again before each attempt, so a name that later points inside the network is refused at send time).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from urllib.parse import SplitResult, urlsplit

from kanbo.core.errors import BadRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset({
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean...
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
})
METADATA_HOSTS = frozenset({
    "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
})
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052) and its local-use
# prefix (RFC 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# What inet_aton accepts besides dotted quads: 2130706433, 0x7f.1, 127.1 ...
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$")


def _split(url: str) -> tuple[SplitResult, str]:
    if not isinstance(url, str) or not url.strip():
        raise BadRequest("Webhook destination must be a URL")
    if len(url) > MAX_URL_LENGTH:
        raise BadRequest(f"Webhook destination is too long ({MAX_URL_LENGTH} characters at most)")
    if _SPACE_OR_CONTROL.search(url):
        raise BadRequest("Webhook destination may not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise BadRequest(f"Webhook destination {url!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadRequest(f"Webhook destination must be an http or https URL, not {parts.scheme or 'none'!r}")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise BadRequest("Webhook destination must name a host")
    if "%" in host:
        raise BadRequest("Webhook destination may not use an IPv6 zone index")
    return parts, host


def _literal(host: str) -> IPAddress | None:
    """The address a host stands for when it is an address literal (in any form inet_aton accepts)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            raise BadRequest(f"Webhook destination host {host!r} is not a valid address") from None
    return None


def embedded_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries, which is where a packet sent to it ends up.

    IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``; ``::`` and ``::1`` are themselves),
    6to4 (``2002::/16``), Teredo (``2001::/32``: its server and its client) and NAT64 (``64:ff9b::/96``,
    ``64:ff9b:1::/48``: the last 32 bits). Empty for an IPv4 address or any other IPv6 address.
    """
    if not isinstance(ip, ipaddress.IPv6Address):
        return ()
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if 1 < int(ip) <= 0xFFFFFFFF:
        return (ipaddress.IPv4Address(int(ip)),)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo
    if any(ip in network for network in _NAT64):
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    return ()


def check_address(address: str | IPAddress, *, allow_private: bool, host: str | None = None) -> None:
    """Refuse an address webhooks may not reach (``host`` names it in the message when it was resolved).

    An IPv6 address that carries IPv4 addresses (:func:`embedded_ipv4`) is judged by each of them.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    embedded = embedded_ipv4(ip)
    if embedded:
        for inner in embedded:
            _check_one(inner, allow_private=allow_private, host=host or str(ip))
        return
    _check_one(ip, allow_private=allow_private, host=host)


def _check_one(ip: IPAddress, *, allow_private: bool, host: str | None) -> None:
    where = f"{host} ({ip})" if host and host != str(ip) else str(ip)
    if ip in METADATA_ADDRESSES:
        raise BadRequest(f"Webhook destination {where} is a cloud metadata address and is not allowed")
    if ip.is_link_local:
        raise BadRequest(f"Webhook destination {where} is a link-local address and is not allowed")
    if ip.is_multicast:
        raise BadRequest(f"Webhook destination {where} is a multicast address and is not allowed")
    if allow_private:
        return
    if ip.is_loopback:
        kind = "a loopback"
    elif ip.is_unspecified:
        kind = "an unspecified"
    elif ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED) or not ip.is_global:
        kind = "a private"
    else:
        return
    raise BadRequest(f"Webhook destination {where} is {kind} address; private destinations are refused "
                     "unless the server sets KANBO_WEBHOOKS_ALLOW_PRIVATE=true")


def check_destination(url: str, *, allow_private: bool) -> None:
    """Check a destination URL without network access: scheme, host, literal addresses, known names."""
    _, host = _split(url)
    if host in METADATA_HOSTS:
        raise BadRequest(f"Webhook destination {host} is a cloud metadata host and is not allowed")
    literal = _literal(host)
    if literal is not None:
        check_address(literal, allow_private=allow_private)
    elif (host == "localhost" or host.endswith(".localhost")) and not allow_private:
        raise BadRequest(f"Webhook destination {host} is a loopback host; private destinations are refused "
                         "unless the server sets KANBO_WEBHOOKS_ALLOW_PRIVATE=true")


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


async def resolve_checked(url: str, *, allow_private: bool) -> list[str]:
    """The addresses ``url``'s host resolves to, every one of them checked; refuses a name that does not
    resolve. Connect to one of these addresses (not the name again) so that the check holds."""
    parts, host = _split(url)
    check_destination(url, allow_private=allow_private)
    literal = _literal(host)
    if literal is not None:
        return [str(literal)]
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = await _resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise BadRequest(f"Webhook destination host {host} could not be resolved: {exc}") from None
    if not addresses:
        raise BadRequest(f"Webhook destination host {host} could not be resolved")
    for address in addresses:
        check_address(address.split("%", 1)[0], allow_private=allow_private, host=host)
    return addresses


async def check_destination_on_save(url: str, *, allow_private: bool, resolve_seconds: float = 2.0) -> None:
    """The check when a subscription is saved: the URL, and the addresses its name resolves to now.

    A name that does not resolve (yet) is accepted; it is resolved and checked again before every attempt.
    """
    check_destination(url, allow_private=allow_private)
    parts, host = _split(url)
    if _literal(host) is not None:
        return
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = await asyncio.wait_for(_resolve(host, port), resolve_seconds)
    except (OSError, UnicodeError, TimeoutError):
        return
    for address in addresses:
        check_address(address.split("%", 1)[0], allow_private=allow_private, host=host)
