"""The conditions endpoints on the sample corpus (SQLite and PostgreSQL): list, one, add, correct."""

from __future__ import annotations


def _red_line(client):
    items = client.get("/api/v1/conditions", params={"kind": "red_line", "territory": "IRN"}).json()["items"]
    return next(c for c in items if c["condition"]["relation"] == "crosses_border_of")


def test_list_filters_by_status_kind_and_territory(client):
    every = client.get("/api/v1/conditions").json()
    assert every["total"] >= 3 and {"items", "total", "limit", "offset", "next"} <= set(every)
    kinds = {c["kind"] for c in every["items"]}
    assert {"obligation", "red_line", "plan_trigger"} <= kinds
    claimed = client.get("/api/v1/conditions", params={"status": "claimed_triggered"}).json()["items"]
    assert claimed and all(c["watch"]["status"] == "claimed_triggered" for c in claimed)
    on_armenia = client.get("/api/v1/conditions", params={"territory": "ARM"}).json()["items"]
    assert on_armenia and all(c["watch"]["status"] in {"not_triggered", "nearly_met"} for c in on_armenia)
    assert client.get("/api/v1/conditions", params={"status": "maybe"}).status_code == 422


def test_one_condition_with_its_watch_incidents_and_evidence(client):
    red = _red_line(client)
    one = client.get(f"/api/v1/conditions/{red['id']}").json()
    assert one["watch"]["status"] == "claimed_triggered" and one["watch"]["claimants"]
    assert set(one["evidence_documents"]) >= set(one["doc_ids"])
    for ev in one["evidence"] + [e for m in one["watch"]["matches"] for e in m["evidence"]]:
        doc = client.get(f"/api/v1/documents/{ev['span']['doc_id']}").json()
        assert doc["text"][ev["span"]["start"]:ev["span"]["end"]] == ev["span"]["text"]
        assert any(h["kind"] == "conditions" and h["record"] == red["id"] for h in doc["highlights"])
    assert all(i["id"] for i in one["incidents"])
    missing = client.get("/api/v1/conditions/cnd-nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"]


def test_meta_counts_conditions_and_flags_the_triggered(client):
    meta = client.get("/api/v1/meta").json()
    assert meta["conditions"] >= 3
    assert _red_line(client)["id"] in meta["attention"]["triggered_conditions"]


def test_adding_needs_a_token_and_is_watched_at_once(client, auth):
    red = _red_line(client)
    span = red["evidence"][0]["span"]
    body = {"kind": "threat", "bound": [{"text": "Iran", "code": "IRN"}],
            "condition": {"plover": ["ASSAULT"], "territory": ["IRN"], "relation": "crosses_border_of"},
            "consequence": {"plover": ["ASSAULT"]}, "evidence": [{"doc_id": span["doc_id"], "start": span["start"],
                                                                  "end": span["end"]}], "note": "a second reading"}
    assert client.post("/api/v1/conditions", json=body).status_code == 401
    made = client.post("/api/v1/conditions", json=body, headers=auth)
    assert made.status_code == 201, made.text
    record = made.json()["record"]
    assert record["source"] == "analyst" and record["watch"]["status"] == "claimed_triggered"
    listed = client.get("/api/v1/conditions", params={"kind": "threat"}).json()["items"]
    assert record["id"] in {c["id"] for c in listed}
    bad = client.post("/api/v1/conditions", json={**body, "evidence": [{"doc_id": "nope", "start": 0, "end": 2}]},
                      headers=auth)
    assert bad.status_code == 404 and "nope" in bad.json()["error"]["message"]


def test_a_correction_through_reviews_is_laid_over_and_kept_in_the_trail(client, auth):
    red = _red_line(client)
    posted = client.post("/api/v1/reviews", json={"kind": "condition", "record_id": red["id"],
                                                   "edits": {"kind": "threat"}, "note": "worded as a threat"},
                         headers=auth)
    assert posted.status_code == 201, posted.text
    again = client.get(f"/api/v1/conditions/{red['id']}").json()
    assert again["kind"] == "threat" and again["review"]["edited"]["kind"]["before"] == "red_line"
    trail = client.get("/api/v1/reviews", params={"kind": "condition", "record_id": red["id"]}).json()["items"]
    assert trail[0]["field"] == "kind" and trail[0]["reviewer"] == "alice"
    frozen = client.post("/api/v1/reviews", json={"kind": "condition", "record_id": red["id"],
                                                  "edits": {"watch": None}}, headers=auth)
    assert frozen.status_code == 422
