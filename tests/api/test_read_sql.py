"""The SQL read paths against a brute-force count over a small synthetic store (bench/queries.py's generator)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truceline.api import create_app
from truceline.store.engine import open_engine

BENCH = Path(__file__).resolve().parents[2] / "bench" / "queries.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_queries", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    bench = _bench()
    data = bench.generate(1500, seed=11)
    url = f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'store.db'}"
    engine = open_engine(url)
    bench.load(engine, data, bench.verification(data, seed=11))
    engine.dispose()
    app = create_app(url)
    with TestClient(app) as client:
        yield client, data
    app.state.engine.dispose()


def _in_dates(value, since, until):
    if since is None and until is None:
        return True
    if not value or not value[:4].isdigit():
        return False
    return (since is None or value[: len(since)] >= since) and (until is None or value[: len(until)] <= until)


def _matches(e, plover=None, actor=None, since=None, until=None, bbox=None):
    if plover and e["plover"] != plover:
        return False
    if not _in_dates(e["date"], since, until):
        return False
    if bbox:
        x0, y0, x1, y1 = bbox
        if e["place_lat"] is None or not (x0 <= e["place_lon"] <= x1 and y0 <= e["place_lat"] <= y1):
            return False
    if actor and not any((r["code"] or "").upper().startswith(actor) for r in e["source"] + e["target"]):
        return False
    return True


def _all_pages(client, params, limit=137):
    items, offset, total = [], 0, None
    while True:
        body = client.get("/api/v1/events", params={**params, "limit": limit, "offset": offset}).json()
        total = body["total"] if total is None else total
        assert body["total"] == total
        items += body["items"]
        if not body["next"]:
            return items, total
        offset += limit


def _common_codes(data):
    codes = Counter(r["code"] for e in data["events"] for r in e["source"] + e["target"])
    ranked = [c for c, _ in codes.most_common()]
    return ranked[0][:3], ranked[len(ranked) // 2]


@pytest.mark.parametrize("case", ["plover", "actor3", "actor_full", "dates", "month", "bbox", "combined", "none"])
def test_filters_and_totals_equal_a_brute_force_count(synthetic, case):
    client, data = synthetic
    prefix, full = _common_codes(data)
    bbox = (45.0, 39.0, 47.5, 41.0)
    params, expect = {
        "plover": ({"plover": "assault"}, {"plover": "ASSAULT"}),
        "actor3": ({"actor": prefix.lower()}, {"actor": prefix}),
        "actor_full": ({"actor": full}, {"actor": full}),
        "dates": ({"since": "2020-03-15", "until": "2020-09"}, {"since": "2020-03-15", "until": "2020-09"}),
        "month": ({"until": "2019-02"}, {"until": "2019-02"}),
        "bbox": ({"bbox": ",".join(map(str, bbox))}, {"bbox": bbox}),
        "combined": ({"actor": prefix, "plover": "CONSULT", "since": "2020", "bbox": "40,38,50,44"},
                     {"actor": prefix, "plover": "CONSULT", "since": "2020", "bbox": (40, 38, 50, 44)}),
        "none": ({}, {}),
    }[case]
    wanted = sorted((e for e in data["events"] if _matches(e, **expect)), key=lambda e: (e["date"] is None, e["date"] or "", e["id"]))
    items, total = _all_pages(client, params)
    assert total == len(wanted) and len(items) == total
    assert {e["id"] for e in items} == {e["id"] for e in wanted}
    assert len({e["id"] for e in items}) == total  # pages neither overlap nor skip
    dated = [e["date"] for e in items if e["date"] is not None]
    assert dated == sorted(dated)
    if case == "bbox":
        assert all(bbox[0] <= e["lon"] <= bbox[2] and bbox[1] <= e["lat"] <= bbox[3] for e in items)


def test_spans_of_a_page_are_slices_of_their_documents(synthetic):
    client, data = synthetic
    texts = {d["id"]: d["clean_text"] for d in data["documents"]}
    for e in client.get("/api/v1/events", params={"limit": 60, "offset": 300}).json()["items"]:
        sp = e["evidence"][0]["span"]
        assert texts[sp["doc_id"]][sp["start"]:sp["end"]] == sp["text"]


def _week(day: str) -> str:
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_timeline_buckets_count_each_event_once(synthetic, interval):
    client, data = synthetic
    prefix, _ = _common_codes(data)
    key = {"day": lambda d: d, "week": _week, "month": lambda d: d[:7] + "-01"}[interval]
    for params, pick in (
        ({}, lambda e: True),
        ({"plover": ["ASSAULT", "ACCUSE"]}, lambda e: e["plover"] in ("ASSAULT", "ACCUSE")),
        ({"actor": prefix}, lambda e: _matches(e, actor=prefix)),
        ({"actor": prefix, "since": "2020-02", "until": "2020-06"},
         lambda e: _matches(e, actor=prefix) and "2020-02" <= e["day"][:7] <= "2020-06"),
    ):
        body = client.get("/api/v1/timeline/buckets", params={"interval": interval, **params})
        assert body.status_code == 200, body.text
        body = body.json()
        want: Counter = Counter((key(e["day"]), e["plover"]) for e in data["events"] if e["day"] and pick(e))
        got = Counter({(b["start"], k): n for b in body["buckets"] for k, n in b["counts"].items()})
        assert got == want
        assert body["total"] == sum(want.values()) == sum(b["total"] for b in body["buckets"])
        assert [b["start"] for b in body["buckets"]] == sorted(b["start"] for b in body["buckets"])
        assert all(b["start"] <= b["end"] for b in body["buckets"])


def test_buckets_on_the_sample_match_the_events_list(client):
    events = client.get("/api/v1/events", params={"limit": 500}).json()["items"]
    body = client.get("/api/v1/timeline/buckets", params={"interval": "month"}).json()
    days = [e for e in events if e["date"] and len(e["date"]) == 10]
    assert body["total"] == len(days) and body["interval"] == "month"
    assert client.get("/api/v1/timeline/buckets", params={"interval": "year"}).status_code == 422


def test_incident_and_agreement_pages_total_and_filter(synthetic):
    client, _ = synthetic
    every = client.get("/api/v1/incidents", params={"limit": 7}).json()
    assaults = client.get("/api/v1/incidents", params={"plover": "ASSAULT", "limit": 500}).json()
    assert every["total"] == 30 and len(every["items"]) == 7 and every["next"]
    assert all(i["plover"] == "ASSAULT" for i in assaults["items"]) and assaults["total"] == len(assaults["items"])
    agreements = client.get("/api/v1/agreements").json()
    assert agreements["total"] == len(agreements["items"]) >= 1


def test_actor_pages_walking_events_in_date_order_match_too(synthetic, monkeypatch):
    """Above PROBE_ABOVE matches a page probes event_actors per event instead of reading the ids first."""
    from truceline.store import pages

    client, data = synthetic
    monkeypatch.setattr(pages, "PROBE_ABOVE", 10)
    prefix, full = _common_codes(data)
    for actor, extra in ((prefix, {}), (full, {}), (prefix, {"plover": "ASSAULT", "since": "2019-06"})):
        expect = {"actor": actor.upper(), **extra}
        wanted = {e["id"] for e in data["events"] if _matches(e, **expect)}
        items, total = _all_pages(client, {"actor": actor, **extra}, limit=89)
        assert total == len(wanted) and {e["id"] for e in items} == wanted and len(items) == total
        assert actor != prefix or total > 10  # the probing path ran
