"""The read API on the sample corpus: lists, filters, pagination, ids, JSON errors."""

from __future__ import annotations

import pytest


def test_meta_counts_and_what_needs_attention(client):
    meta = client.get("/api/v1/meta").json()
    assert meta["documents"] == 5 and meta["events"] > 0 and meta["agreements"] > 0
    assert meta["date_range"][0] <= meta["date_range"][1] == meta["as_of"]
    assert set(meta["attention"]) >= {"overdue_commitments", "breached_agreements", "contradictions"}
    assert meta["attention"]["contradictions"]


LISTS = ["documents", "actors", "quotes", "events", "incidents", "claims", "contradictions", "agreements",
         "commitments", "timeline", "places"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_is_paginated_the_same_way(client, name):
    first = client.get(f"/api/v1/{name}", params={"limit": 2}).json()
    assert set(first) == {"items", "total", "limit", "offset", "next"}
    assert len(first["items"]) == min(2, first["total"])
    if first["total"] > 2:
        second = client.get(first["next"]).json()
        assert second["offset"] == 2
        assert second["items"] != first["items"]


def test_event_filters_narrow_the_list(client):
    every = client.get("/api/v1/events", params={"limit": 500}).json()
    assaults = client.get("/api/v1/events", params={"plover": "ASSAULT", "limit": 500}).json()
    assert 0 < assaults["total"] < every["total"]
    assert {e["plover"] for e in assaults["items"]} == {"ASSAULT"}
    aze = client.get("/api/v1/events", params={"actor": "AZE", "limit": 500}).json()["items"]
    assert aze and all(any((r["code"] or "").startswith("AZE") for r in e["source"] + e["target"]) for e in aze)
    october = client.get("/api/v1/events", params={"since": "2020-10", "until": "2020-10", "limit": 500}).json()["items"]
    assert october and all(e["date"].startswith("2020-10") for e in october)
    alleged = client.get("/api/v1/events", params={"modality": "alleged", "limit": 500}).json()["items"]
    assert alleged and {e["modality"] for e in alleged} == {"alleged"}
    boxed = client.get("/api/v1/events", params={"bbox": "44,38,48,41", "limit": 500}).json()["items"]
    assert all(44 <= e["lon"] <= 48 and 38 <= e["lat"] <= 41 for e in boxed)


def test_every_span_the_api_returns_is_a_slice_of_its_document(client):
    docs = {d["id"]: client.get(f"/api/v1/documents/{d['id']}").json()
            for d in client.get("/api/v1/documents").json()["items"]}

    def spans(value):
        if isinstance(value, dict):
            if set(value) == {"doc_id", "start", "end", "text"}:
                yield value
            else:
                for v in value.values():
                    yield from spans(v)
        elif isinstance(value, list):
            for v in value:
                yield from spans(v)

    for name in ("incidents", "agreements", "contradictions", "events"):
        body = client.get(f"/api/v1/{name}", params={"limit": 500}).json()
        for sp in spans(body["items"]):
            assert docs[sp["doc_id"]]["text"][sp["start"]:sp["end"]] == sp["text"]
    for doc in docs.values():
        for h in doc["highlights"]:
            assert 0 <= h["start"] < h["end"] <= len(doc["text"])


def test_records_have_stable_ids_and_detail_endpoints(client):
    agreements = client.get("/api/v1/agreements", params={"kind": "joint_statement"}).json()["items"]
    assert agreements
    one = client.get(f"/api/v1/agreements/{agreements[0]['id']}").json()
    assert one["id"] == agreements[0]["id"] and "claims" in one
    inc = client.get("/api/v1/incidents", params={"limit": 1}).json()["items"][0]
    detail = client.get(f"/api/v1/incidents/{inc['id']}").json()
    assert detail["id"] == inc["id"] and all(c["incident_id"] == inc["id"] for c in detail["claims"])
    assert client.get("/api/v1/agreements", params={"kind": "joint_statement"}).json()["items"][0]["id"] == agreements[0]["id"]


def test_timeline_filter_and_network(client):
    every = client.get("/api/v1/timeline", params={"limit": 500}).json()
    deadlines = client.get("/api/v1/timeline", params={"kind": "deadline", "limit": 500}).json()
    assert 0 < deadlines["total"] < every["total"]
    net = client.get("/api/v1/network").json()
    ids = {n["id"] for n in net["nodes"]}
    assert net["edges"] and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    accuse = client.get("/api/v1/network", params={"plover": "ACCUSE"}).json()
    assert {e["plover"] for e in accuse["edges"]} <= {"ACCUSE"}


@pytest.mark.parametrize("path,status", [
    ("/api/v1/documents/nope", 404), ("/api/v1/agreements/nope", 404), ("/api/v1/incidents/nope", 404),
    ("/api/v1/events?since=last-week", 422), ("/api/v1/events?limit=100000", 422), ("/api/v1/bbox", 404),
    ("/api/v1/events?bbox=1,2,3", 422),
])
def test_errors_are_json_with_a_clear_message(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["status"] == status and err["message"]


def test_openapi_schema_is_published(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/events" in schema["paths"] and "/api/v1/timeline" in schema["paths"]
