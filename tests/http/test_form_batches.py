"""Form-encoded batches: ``0[name]=A&1[name]=B`` is a batch of two, as PHP's ``$_POST`` reads it."""

from __future__ import annotations

from kanbo.http.query import parse_form_body, parse_query_string

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_form_body_keyed_by_indexes_is_a_list() -> None:
    assert parse_form_body("0[name]=A&1[name]=B") == [{"name": "A"}, {"name": "B"}]
    assert parse_form_body("1[name]=B&0[name]=A") == [{"name": "A"}, {"name": "B"}]


def test_a_form_body_of_fields_stays_an_object() -> None:
    assert parse_form_body("name=A&price=5") == {"name": "A", "price": "5"}
    assert parse_form_body("0[name]=A&name=B") == {"0": {"name": "A"}, "name": "B"}
    assert parse_form_body("1[name]=A") == {"1": {"name": "A"}}  # not 0..n-1: keys, as in a query
    assert parse_form_body("²[name]=A") == {"²": {"name": "A"}}


def test_query_strings_keep_their_top_level_keys() -> None:
    assert parse_query_string("0=a&1=b") == {"0": "a", "1": "b"}


async def test_a_form_encoded_batch_creates_one_lead_per_item(client, tenant) -> None:
    response = await client.post("/api/v4/leads", content="0[name]=A&1[name]=B&1[price]=7",
                                 headers={**tenant.headers, **FORM})
    assert response.status_code == 200, response.text
    items = response.json()["_embedded"]["leads"]
    assert [item["request_id"] for item in items] == ["0", "1"]
    leads = [(await client.get(f"/api/v4/leads/{item['id']}", headers=tenant.headers)).json() for item in items]
    assert [(lead["name"], lead["price"]) for lead in leads] == [("A", 0), ("B", 7)]
