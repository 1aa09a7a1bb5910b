"""Webhook destinations: no SSRF into the server's own network (issue 5, "Safety")."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from kanbo.config import get_settings, reset_settings
from kanbo.core.errors import BadRequest
from kanbo.webhooks import safety
from kanbo.webhooks.codes import ACCEPTED_ONLY_CODES, EVENT_CODES, SENT_CODES
from kanbo.webhooks.safety import check_destination, check_destination_on_save, resolve_checked

ALWAYS_REFUSED = [
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.10.1/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.google.internal./",
    "http://[::ffff:169.254.169.254]/",
    "http://224.0.0.1/",
]
PRIVATE = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/hook",
    "http://10.0.0.1/",
    "http://192.168.1.10/",
    "http://172.16.0.5/",
    "http://100.64.0.1/",
    "http://[::1]/",
    "http://[fd12:3456::1]/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",  # 127.0.0.1 in decimal
    "http://0x7f.1/",
    "http://localhost/",
    "http://api.localhost:9000/",
]
MALFORMED = ["ftp://x", "ftp://example.com/file", "file:///etc/passwd", "gopher://x/", "example.com/hook",
             "http://", "https:///path", "", "   ", "http://exa mple.com/", "http://host:99999/",
             "javascript:alert(1)", "http://[fe80::1%25eth0]/"]
PUBLIC = ["https://example.com/hook", "http://93.184.215.14/", "https://[2606:4700::1111]/x", "http://8.8.8.8:8080/"]


# IPv6 forms that carry an IPv4 address are judged by that address (issue 10).
EMBEDDED_ALWAYS_REFUSED = [
    "http://[::169.254.169.254]/",  # IPv4-compatible
    "http://[2002:a9fe:a9fe::1]/",  # 6to4 of 169.254.169.254
    "http://[2001:0:4136:e378::5601:5601]/",  # Teredo, client 169.254.169.254
    "http://[2001:0:a9fe:a9fe::f7f7:f7f7]/",  # Teredo, server 169.254.169.254
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64
    "http://[64:ff9b:1::a9fe:a9fe]/",  # local-use NAT64
    "http://[2002:a9fe:0101::]/",  # 6to4 of a link-local address
    "http://[::e000:1]/",  # IPv4-compatible multicast 224.0.0.1
]
EMBEDDED_PRIVATE = [
    "http://[::127.0.0.1]/",
    "http://[::7f00:1]/",
    "http://[::10.0.0.1]/",
    "http://[::2]/",  # 0.0.0.2
    "http://[2002:7f00:1::1]/",
    "http://[2002:c0a8:010a::]/",  # 192.168.1.10
    "http://[2002:6440:1::1]/",  # 100.64.0.1 (shared)
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    "http://[2001:0:0a00:0001::f7f7:f7f7]/",  # Teredo, server 10.0.0.1
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b:1::10.1.2.3]/",
    "http://[64:ff9b:1:abcd::c0a8:1]/",
]
EMBEDDED_PUBLIC = [
    "http://[::8.8.8.8]/",
    "http://[2002:0808:0808::1]/",  # 6to4 of 8.8.8.8
    "http://[2001:0:4136:e378::f7f7:f7f7]/",  # Teredo, server 65.54.227.120, client 8.8.8.8
    "http://[64:ff9b::8.8.8.8]/",
    "http://[64:ff9b:1::5db8:d70e]/",
    "http://[::ffff:8.8.8.8]/",
]


@pytest.fixture
def defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The webhook settings as a fresh installation has them."""
    for name in ("ALLOW_PRIVATE", "MAX", "TIMEOUT", "RETRY_SCHEDULE"):
        monkeypatch.delenv(f"KANBO_WEBHOOKS_{name}", raising=False)
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


@pytest.mark.parametrize("url", ALWAYS_REFUSED + EMBEDDED_ALWAYS_REFUSED + PRIVATE + EMBEDDED_PRIVATE + MALFORMED)
def test_refused_by_default(url: str) -> None:
    with pytest.raises(BadRequest):
        check_destination(url, allow_private=False)


@pytest.mark.parametrize("url", ALWAYS_REFUSED + EMBEDDED_ALWAYS_REFUSED + MALFORMED)
def test_link_local_metadata_and_malformed_stay_refused_when_private_is_allowed(url: str) -> None:
    with pytest.raises(BadRequest):
        check_destination(url, allow_private=True)


@pytest.mark.parametrize("url", PRIVATE + EMBEDDED_PRIVATE)
def test_private_allowed_by_the_setting(url: str) -> None:
    check_destination(url, allow_private=True)


@pytest.mark.parametrize("url", PUBLIC + EMBEDDED_PUBLIC)
def test_public_destinations_pass(url: str) -> None:
    check_destination(url, allow_private=False)


def test_messages_say_why() -> None:
    with pytest.raises(BadRequest, match="metadata"):
        check_destination("http://169.254.169.254/", allow_private=True)
    with pytest.raises(BadRequest, match="link-local"):
        check_destination("http://169.254.1.1/", allow_private=True)
    with pytest.raises(BadRequest, match="KANBO_WEBHOOKS_ALLOW_PRIVATE"):
        check_destination("http://10.0.0.1/", allow_private=False)
    with pytest.raises(BadRequest, match="http or https"):
        check_destination("ftp://x", allow_private=True)


async def test_resolve_checked_localhost() -> None:
    with pytest.raises(BadRequest, match="localhost"):
        await resolve_checked("http://localhost:8080/hook", allow_private=False)
    addresses = await resolve_checked("http://localhost:8080/hook", allow_private=True)
    assert addresses
    assert all(a in ("127.0.0.1", "::1") for a in addresses)


async def test_resolve_checked_literal_needs_no_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("no lookup for a literal address")

    monkeypatch.setattr(safety, "_resolve", no_dns)
    assert await resolve_checked("http://10.1.2.3:81/", allow_private=True) == ["10.1.2.3"]
    assert await resolve_checked("https://[2606:4700::1111]/", allow_private=False) == ["2606:4700::1111"]
    with pytest.raises(BadRequest):
        await resolve_checked("http://10.1.2.3/", allow_private=False)


async def test_resolved_addresses_are_each_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"rebind.test": ["93.184.215.14", "127.0.0.1"], "meta.test": ["169.254.169.254"],
               "public.test": ["93.184.215.14", "2606:4700::1111"]}

    async def fake(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("Name or service not known")
        return answers[host]

    monkeypatch.setattr(safety, "_resolve", fake)
    with pytest.raises(BadRequest, match=r"rebind\.test \(127\.0\.0\.1\)"):
        await resolve_checked("https://rebind.test/", allow_private=False)
    assert await resolve_checked("https://rebind.test/", allow_private=True) == ["93.184.215.14", "127.0.0.1"]
    with pytest.raises(BadRequest, match="metadata"):
        await resolve_checked("https://meta.test/", allow_private=True)
    assert await resolve_checked("https://public.test/", allow_private=False) == ["93.184.215.14",
                                                                                 "2606:4700::1111"]
    with pytest.raises(BadRequest, match="could not be resolved"):
        await resolve_checked("https://missing.test/", allow_private=True)
    # Saving: a name that does not resolve yet is accepted (checked again at send time); bad answers refused.
    await check_destination_on_save("https://missing.test/", allow_private=False)
    with pytest.raises(BadRequest):
        await check_destination_on_save("https://rebind.test/", allow_private=False)


def test_settings_group(defaults: None) -> None:
    settings = get_settings().webhooks
    assert settings.allow_private is False
    assert settings.max_per_account == 100
    assert settings.timeout_seconds == 2.0
    assert settings.retry_schedule == (60, 300, 900, 3600, 10800, 21600, 43200, 86400)
    assert settings.max_age_seconds == 259200


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KANBO_WEBHOOKS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("KANBO_WEBHOOKS_MAX", "7")
    monkeypatch.setenv("KANBO_WEBHOOKS_TIMEOUT", "0.5")
    monkeypatch.setenv("KANBO_WEBHOOKS_RETRY_SCHEDULE", "1, 2,3")
    reset_settings()
    try:
        settings = get_settings().webhooks
        assert (settings.allow_private, settings.max_per_account, settings.timeout_seconds) == (True, 7, 0.5)
        assert settings.retry_schedule == (1, 2, 3)
    finally:
        monkeypatch.undo()
        reset_settings()


def test_event_codes() -> None:
    for entity in ("lead", "contact", "company"):
        for action in ("add", "update", "delete", "restore", "responsible", "note"):
            assert f"{action}_{entity}" in SENT_CODES
    assert "status_lead" in SENT_CODES
    assert {"add_task", "update_task", "delete_task", "responsible_task"} <= set(SENT_CODES)
    assert {"add_unsorted", "delete_unsorted"} <= set(SENT_CODES)
    assert {"add_customer", "add_talk", "update_talk", "add_message", "update_unsorted"} <= set(ACCEPTED_ONLY_CODES)
    assert set(SENT_CODES) | set(ACCEPTED_ONLY_CODES) == EVENT_CODES
    assert not set(SENT_CODES) & set(ACCEPTED_ONLY_CODES)


def test_every_sent_code_is_triggered_by_some_event_and_no_other_code_is() -> None:
    """A code listed as sent must come out of codes_for for some event type of the log; nothing else may."""
    from kanbo.events.types import ENTITY_PLURALS, EVENT_TYPES
    from kanbo.models.events import Event
    from kanbo.webhooks.payload import codes_for

    produced = {
        code
        for event_type in EVENT_TYPES
        for entity_type in (*ENTITY_PLURALS, "unsorted")
        for code in codes_for(Event(type=event_type.key, entity_type=entity_type))
    }
    assert produced == set(SENT_CODES)




def test_embedded_ipv4_extraction() -> None:
    v4, v6 = ipaddress.IPv4Address, ipaddress.IPv6Address
    assert safety.embedded_ipv4(v6("::ffff:10.0.0.1")) == (v4("10.0.0.1"),)
    assert safety.embedded_ipv4(v6("::127.0.0.1")) == (v4("127.0.0.1"),)
    assert safety.embedded_ipv4(v6("2002:7f00:1::1")) == (v4("127.0.0.1"),)
    assert safety.embedded_ipv4(v6("2001:0:4136:e378:8000:63bf:80ff:fffe")) == (v4("65.54.227.120"),
                                                                                  v4("127.0.0.1"))
    assert safety.embedded_ipv4(v6("64:ff9b::7f00:1")) == (v4("127.0.0.1"),)
    assert safety.embedded_ipv4(v6("64:ff9b:1:2::7f00:1")) == (v4("127.0.0.1"),)
    for plain in ("::", "::1", "2606:4700::1111", "fe80::1", "64:ff9b:2::7f00:1"):
        assert safety.embedded_ipv4(v6(plain)) == ()
    assert safety.embedded_ipv4(v4("127.0.0.1")) == ()


async def test_resolved_embedded_addresses_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake(host: str, port: int) -> list[str]:
        return ["2002:7f00:1::1"]

    monkeypatch.setattr(safety, "_resolve", fake)
    with pytest.raises(BadRequest, match=r"sixtofour\.test \(127\.0\.0\.1\)"):
        await resolve_checked("https://sixtofour.test/", allow_private=False)
