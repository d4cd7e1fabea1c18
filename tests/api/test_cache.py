"""Response caching: ETag/304, Cache-Control, and invalidation when the store changes (ingest, review, re-grade)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from truceline.pipeline import ingest
from truceline.store.engine import open_engine
from truceline.store.pages import count_events
from truceline.store.records import rebuild_event_days, rebuild_prefix_days
from truceline.store.schema import event_days, event_prefix_days, events

PATHS = ["/api/v1/meta", "/api/v1/events?limit=5", "/api/v1/incidents", "/api/v1/agreements",
         "/api/v1/timeline/buckets?interval=week", "/api/v1/timeline", "/api/v1/documents"]


@pytest.mark.parametrize("path", PATHS)
def test_etag_and_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_same_query_in_another_order_is_one_cache_entry(client):
    a = client.get("/api/v1/events", params=[("plover", "ASSAULT"), ("limit", "3")])
    b = client.get("/api/v1/events", params=[("limit", "3"), ("plover", "ASSAULT")])
    assert a.headers["etag"] == b.headers["etag"]


def test_ingest_invalidates_cached_lists(client, sample_db, tmp_path: Path):
    before = client.get("/api/v1/meta")
    docs_before = client.get("/api/v1/documents").json()["total"]
    events_before = client.get("/api/v1/events", params={"limit": 1}).json()["total"]
    article = tmp_path / "new" / "report.txt"
    article.parent.mkdir()
    article.write_text("Azerbaijani forces shelled Stepanakert on 12 October 2020, the Armenian defence ministry "
                       "said on Monday. Armenia accused Azerbaijan of violating the humanitarian ceasefire.\n")
    engine = open_engine(sample_db)
    try:
        ingest([article.parent], engine=engine)
        with engine.connect() as conn:  # the event_days aggregate was kept in step by the write
            kept = sorted(tuple(r) for r in conn.execute(select(event_days)))
            assert count_events(conn) == conn.execute(select(func.count()).select_from(events)).scalar_one()
            rebuild_event_days(conn)
            assert sorted(tuple(r) for r in conn.execute(select(event_days))) == kept
            kept_prefix = sorted(tuple(r) for r in conn.execute(select(event_prefix_days)))
            assert any(r[0] == "AZE" for r in kept_prefix)
            rebuild_prefix_days(conn)
            assert sorted(tuple(r) for r in conn.execute(select(event_prefix_days))) == kept_prefix
            conn.rollback()
    finally:
        engine.dispose()
    after = client.get("/api/v1/meta", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert after.json()["documents"] == before.json()["documents"] + 1
    assert client.get("/api/v1/documents").json()["total"] == docs_before + 1
    assert client.get("/api/v1/events", params={"limit": 1}).json()["total"] > events_before


def test_review_invalidates_cached_lists(client, auth):
    items = client.get("/api/v1/events", params={"limit": 500}).json()["items"]
    event = next(e for e in items if e["modality"] != "alleged")
    listed = client.get("/api/v1/events", params={"doc_id": event["doc_id"], "limit": 500})
    r = client.post("/api/v1/reviews", json={"kind": "event", "record_id": event["id"], "verdict": "wrong"}, headers=auth)
    assert r.status_code == 201
    again = client.get("/api/v1/events", params={"doc_id": event["doc_id"], "limit": 500},
                       headers={"If-None-Match": listed.headers["etag"]})
    assert again.status_code == 200
    assert next(e for e in again.json()["items"] if e["id"] == event["id"])["review"]["verdict"] == "wrong"


def test_reliability_change_invalidates_incidents(client, sample_db):
    from truceline.api_python import set_reliability

    before = client.get("/api/v1/incidents", params={"limit": 500})
    outlet = client.get("/api/v1/documents").json()["items"][0]["outlet"]
    assert set_reliability(outlet, "A", db=sample_db) == 1
    after = client.get("/api/v1/incidents", params={"limit": 500}, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
