"""``GET /api/v4/events/types`` (spec §11.1, §11.4) in Spanish and English."""

from __future__ import annotations

import re

from tests.support.factories import make_tenant
from tests.support.shared import REPO, shared_file

KEYS_IN_SPEC = [
    "lead_added", "lead_deleted", "lead_restored", "lead_status_changed", "lead_linked", "lead_unlinked",
    "contact_added", "contact_deleted", "contact_restored", "contact_linked", "contact_unlinked", "company_added",
    "company_deleted", "company_restored", "company_linked", "company_unlinked", "customer_added",
    "customer_deleted", "customer_status_changed", "customer_linked", "customer_unlinked", "task_added",
    "task_deleted", "task_completed", "task_type_changed", "task_text_changed", "task_deadline_changed",
    "task_result_added", "incoming_call", "outgoing_call", "incoming_chat_message", "outgoing_chat_message",
    "incoming_sms", "outgoing_sms", "entity_tag_added", "entity_tag_deleted", "entity_linked", "entity_unlinked",
    "sale_field_changed", "name_field_changed", "ltv_field_changed", "custom_field_value_changed",
    "entity_responsible_changed", "robot_replied", "intent_identified", "nps_rate_added", "link_followed",
    "transaction_added", "common_note_added", "common_note_deleted", "attachment_note_added",
    "targeting_in_note_added", "targeting_out_note_added", "geo_note_added", "service_note_added",
    "site_visit_note_added", "message_to_cashier_note_added", "key_action_completed", "entity_merged",
]


async def _types(client, tenant, query: str = "") -> dict:
    response = await client.get(f"/api/v4/events/types{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body: dict = response.json()
    return body


def test_the_list_matches_the_spec():
    section = shared_file("spec/kommo-api-v4.md").read_text().split("### 11.4", 1)[1].split("\n## ", 1)[0]
    keys = [k for k in re.findall(r"`([a-z_{}A-Z]+)`", section) if "{" not in k]
    assert keys == KEYS_IN_SPEC


KANBO_KEYS = ["unsorted_added", "unsorted_accepted", "unsorted_declined", "unsorted_linked",
              "lead_loss_reason_changed"]


def test_the_compatibility_notes_count_the_same_keys():
    notes = (REPO / "docs" / "kommo-compat.md").read_text()
    match = re.search(r"events/types\?language_code=es\|en` \((\d+) keys: the (\d+) of Kommo's list and (\d+) "
                      r"Kanbo extensions", notes)
    assert match, "docs/kommo-compat.md no longer states the number of event type keys"
    assert [int(n) for n in match.groups()] == [len(KEYS_IN_SPEC) + len(KANBO_KEYS), len(KEYS_IN_SPEC),
                                                 len(KANBO_KEYS)]
    assert all(f"`{key}`" in notes for key in KANBO_KEYS)


async def test_types_in_english_and_spanish(client, tenant):
    english = await _types(client, tenant, "?language_code=en")
    spanish = await _types(client, tenant, "?language_code=es")
    for body, lang in ((english, "en"), (spanish, "es")):
        items = body["_embedded"]["events_types"]
        assert body["_total_items"] == len(items) == len(KEYS_IN_SPEC) + len(KANBO_KEYS)
        assert [i["key"] for i in items] == KEYS_IN_SPEC + KANBO_KEYS
        assert body["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/events/types?language_code={lang}"
        assert all(isinstance(i["type"], int) and isinstance(i["lang"], str) and i["lang"] for i in items)
        assert len({i["type"] for i in items}) == len(items)
        assert len({i["lang"] for i in items}) == len(items)
    by_key_en = {i["key"]: i for i in english["_embedded"]["events_types"]}
    by_key_es = {i["key"]: i for i in spanish["_embedded"]["events_types"]}
    assert by_key_en["lead_added"] == {"key": "lead_added", "type": 1, "lang": "New lead"}
    assert by_key_es["lead_added"] == {"key": "lead_added", "type": 1, "lang": "Nuevo lead"}
    assert by_key_en["lead_status_changed"]["lang"] == "Lead stage changed"
    assert by_key_es["lead_status_changed"]["lang"] == "Cambio de etapa del lead"
    assert by_key_es["entity_responsible_changed"]["lang"] == "Cambio de usuario responsable"
    assert all(by_key_en[k]["type"] == by_key_es[k]["type"] for k in KEYS_IN_SPEC)
    differing = [k for k in KEYS_IN_SPEC if by_key_en[k]["lang"] != by_key_es[k]["lang"]]
    assert len(differing) >= len(KEYS_IN_SPEC) - 3  # only words like "SMS" may read the same


async def test_default_language_is_the_accounts(client, db):
    spanish_account = await make_tenant(db, language="es")
    body = await _types(client, spanish_account)
    assert body["_embedded"]["events_types"][0]["lang"] == "Nuevo lead"
    assert body["_links"]["self"]["href"].endswith("language_code=es")
    english = await _types(client, spanish_account, "?language_code=EN")
    assert english["_embedded"]["events_types"][0]["lang"] == "New lead"
    # a language Kanbo does not speak: the account's
    assert (await _types(client, spanish_account, "?language_code=ru"))["_embedded"]["events_types"][0]["lang"] \
        == "Nuevo lead"


async def test_types_need_a_token(client):
    assert (await client.get("/api/v4/events/types")).status_code == 401
