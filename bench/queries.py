"""Dashboard query benchmark: synthetic events at scale, the API's read paths timed per store.

    .venv/bin/python bench/queries.py [--events 1000000] [--repeat 30] [--sqlite PATH] [--pg URL] [--json OUT]

Generates ``--events`` synthetic events with event-data-like distributions (PLOVER types skewed
like real event data, actor codes Zipf-distributed over a few hundred country+sector codes,
dates over three years with bursts, ~30 % placed within a region, modality mostly asserted) and
the documents, places, incidents and agreements they point to; bulk-loads them (executemany on
SQLite, COPY on PostgreSQL) into SQLite and, with ``--pg URL`` or ``TRUCELINE_TEST_PG``, into
PostgreSQL; then runs each dashboard query ``--repeat`` times through the API's own endpoint
functions (response cache cleared before every call, so each run does the SQL; the parsed
verification records stay warm as they do in a server) and reports p50/p95 per query and store.

Target: timeline and filter queries p95 < 100 ms at 1M events on both stores.
The generator is also what tests/api/test_read_sql.py builds its small store with.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, insert, text  # noqa: E402

from truceline.model import ActorRef, Agreement, Claim, Commitment, Evidence, Incident, make_span  # noqa: E402
from truceline.store.records import day_of, event_actor_rows, rebuild_event_days, rebuild_prefix_days  # noqa: E402
from truceline.store.schema import (  # noqa: E402
    documents,
    event_actors,
    events,
    outlets,
    places,
    runs,
)

PLOVER_WEIGHTS = {"ASSAULT": 22, "CONSULT": 18, "ACCUSE": 12, "COERCE": 7, "THREATEN": 6, "SUPPORT": 5, "PROTEST": 5,
                  "REQUEST": 5, "COOPERATE": 4, "AGREE": 4, "REJECT": 3, "MOBILIZE": 3, "AID": 2, "SANCTION": 2,
                  "CONCEDE": 1, "RETREAT": 1}  # fmt: skip
MODALITY_WEIGHTS = {"asserted": 80, "alleged": 9, "denied": 3, "negated": 2, "intended": 2, "conditional": 2,
                    "requested": 1, "hypothetical": 1}  # fmt: skip
COUNTRIES = ["ARM", "AZE", "RUS", "TUR", "IRN", "USA", "FRA", "GEO", "UKR", "SYR", "IRQ", "ISR", "PSE", "LBN", "EGY",
             "SAU", "ARE", "QAT", "JOR", "DEU", "GBR", "CHN", "IND", "PAK", "AFG", "KAZ", "UZB", "TKM", "KGZ", "TJK",
             "BLR", "POL", "ROU", "BGR", "GRC", "CYP", "ITA", "ESP", "NLD", "BEL", "SWE", "NOR", "FIN", "EST", "LVA",
             "LTU", "MDA", "SRB", "BIH", "HRV", "ALB", "MKD", "KOS", "YEM", "OMN", "KWT", "BHR", "LBY", "TUN", "DZA"]  # fmt: skip
SECTORS = ["GOV", "MIL", "REB", "OPP", "MED", "CVL", "BUS", "JUD", "LEG", "COP"]
IGOS = ["IGOUNO", "IGOEUROSC", "IGONATO", "IGOEU", "IGOCOE", "IGOCSTO"]
REGION = (44.0, 38.5, 50.0, 42.0)  # min_lon, min_lat, max_lon, max_lat: the South Caucasus
WORDS = ("ceasefire shelling village forces ministry statement talks mediator artillery positions civilians troops "
         "border front line agreement violation drone attack report officials sources region city district").split()
START = date(2019, 1, 1)
DAYS = 3 * 365


def _weighted(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


def actor_codes(rng: random.Random, n: int = 300) -> tuple[list[str], list[float]]:
    """``n`` country+sector codes (and IGOs) with Zipf(1.1) weights in a random rank order."""
    codes = IGOS + [c + s for c in COUNTRIES for s in SECTORS]
    rng.shuffle(codes)
    codes = codes[:n]
    return codes, [1 / (rank + 1) ** 1.1 for rank in range(len(codes))]


def _dates(rng: random.Random, n: int) -> list[str | None]:
    bursts = [(rng.randrange(DAYS), rng.uniform(2, 8), rng.uniform(0.5, 3)) for _ in range(24)]
    out: list[str | None] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.03:
            out.append(None)
            continue
        if r < 0.45:  # burst
            centre, spread, _ = rng.choices(bursts, weights=[w for _, _, w in bursts])[0]
            offset = min(DAYS - 1, max(0, int(rng.gauss(centre, spread))))
        else:
            offset = rng.randrange(DAYS)
        d = (START + timedelta(days=offset)).isoformat()
        out.append(d[:7] if r > 0.97 else d)  # a few month-only dates
    return out


def generate(n_events: int, seed: int = 7, events_per_doc: int = 5) -> dict[str, list[dict]]:
    """Rows for runs, outlets, documents, places, events and event_actors (the store's own shapes)."""
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    codes, code_w = actor_codes(rng)
    n_docs = max(1, math.ceil(n_events / events_per_doc))
    outlet_rows = [{"id": f"outlet-{i}", "name": f"Outlet {i}", "domain": f"outlet{i}.example", "reliability": None}
                   for i in range(40)]  # fmt: skip
    sites = [(f"Place {i}", round(rng.uniform(REGION[1], REGION[3]), 4), round(rng.uniform(REGION[0], REGION[2]), 4))
             for i in range(200)]  # fmt: skip
    plovers = _weighted(rng, PLOVER_WEIGHTS, n_events)
    modalities = _weighted(rng, MODALITY_WEIGHTS, n_events)
    dates = _dates(rng, n_events)
    sources = rng.choices(codes, weights=code_w, k=n_events)
    targets = rng.choices(codes, weights=code_w, k=n_events)
    doc_rows, place_rows, event_rows = [], [], []
    e = 0
    for d in range(n_docs):
        doc_id = f"d{d:08d}"
        k = min(events_per_doc, n_events - e)
        sentences = [" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(max(k, 1))]
        clean = " ".join(sentences)
        published = next((x for x in dates[e:e + k] if x and len(x) == 10), None)
        doc_rows.append({
            "id": doc_id, "outlet_id": outlet_rows[d % len(outlet_rows)]["id"], "source": f"synthetic/{doc_id}.txt",
            "source_line": None, "format": "text", "url": None, "title": sentences[0][:60], "author": None,
            "published": published, "published_source": "metadata" if published else "unknown", "language": "en",
            "language_score": 1.0, "is_english": True, "raw": clean, "received_text": clean, "clean_text": clean,
            "content_hash": hashlib.sha256(clean.encode()).hexdigest(), "signature": b"\0", "boilerplate": [],
            "segments": [], "extra": {}, "run_id": 1, "updated_run_id": 1, "created_at": now, "updated_at": now,
        })  # fmt: skip
        place = None
        if rng.random() < 0.3 * 1.0:
            name, lat, lon = rng.choice(sites)
            place = {"id": f"{doc_id}-p1", "doc_id": doc_id, "name": name, "feature": "city", "country": "AZE",
                     "lat": lat, "lon": lon, "geonames_id": None, "source": "synthetic", "spans": [[0, 5]]}  # fmt: skip
            place_rows.append(place)
        pos = 0
        for j in range(k):
            s_len = len(sentences[j])
            placed = place is not None and rng.random() < 0.9
            second = [{"text": "them", "code": rng.choices(codes, weights=code_w)[0], "actor_id": None}] \
                if rng.random() < 0.15 else []  # fmt: skip
            row = {
                "id": f"{doc_id}-e{j + 1}", "doc_id": doc_id, "plover": plovers[e], "mode": None, "context": [],
                "cameo": None, "source": [{"text": sources[e], "code": sources[e], "actor_id": None}, *second],
                "target": [{"text": targets[e], "code": targets[e], "actor_id": None}] if rng.random() < 0.8 else [],
                "date": dates[e], "place_id": place["id"] if placed else None,
                "location": place["name"] if placed else None, "modality": modalities[e], "claimant": None,
                "negated": modalities[e] == "negated", "start": pos, "end": pos + s_len,
                "place_lat": place["lat"] if placed else None, "place_lon": place["lon"] if placed else None,
                "day": day_of(dates[e]),
            }  # fmt: skip
            event_rows.append(row)
            pos += s_len + 1
            e += 1
    return {"runs": [{"id": 1, "command": "ingest", "inputs": ["synthetic"], "started_at": now, "finished_at": now,
                      "status": "done", "added": n_docs, "updated": 0, "unchanged": 0, "skipped": 0, "errors": []}],
            "outlets": outlet_rows, "documents": doc_rows, "places": place_rows, "events": event_rows}  # fmt: skip


def verification(data: dict[str, list[dict]], seed: int = 7, per_incident: int = 50) -> SimpleNamespace:
    """Incidents (one per ``per_incident`` events), their claims, and agreements with commitments."""
    rng = random.Random(seed + 1)
    texts = {d["id"]: d["clean_text"] for d in data["documents"]}
    evs = data["events"]
    incs, claims, agrs = [], [], []
    grades = [f"{r}{c}" for r in "ABCF" for c in "2345"]
    for i in range(0, len(evs), per_incident):
        group = evs[i:i + 3]
        ev = group[0]
        spans = [Evidence(span=make_span(g["doc_id"], texts[g["doc_id"]], g["start"], g["end"])) for g in group]
        inc_id = f"inc-{i // per_incident:07d}"
        claim_ids = [f"{inc_id}-c{j}" for j in range(len(group))]
        incs.append(Incident(
            id=inc_id, plover=ev["plover"], source=[ActorRef(**r) for r in ev["source"]],
            target=[ActorRef(**r) for r in ev["target"]], date=ev["date"], location=ev["location"],
            place_id=ev["place_id"], lat=ev["place_lat"], lon=ev["place_lon"], event_ids=[g["id"] for g in group],
            doc_ids=sorted({g["doc_id"] for g in group}), claim_ids=claim_ids, independent_sources=rng.randint(1, 4),
            grade=rng.choice(grades), evidence=spans))  # fmt: skip
        claims += [Claim(id=c, incident_id=inc_id, doc_id=g["doc_id"], event_ids=[g["id"]], evidence=[sp])
                   for c, g, sp in zip(claim_ids, group, spans, strict=True)]
    for a in range(max(1, len(evs) // 5000)):
        ev = evs[(a * 997) % len(evs)]
        sp = Evidence(span=make_span(ev["doc_id"], texts[ev["doc_id"]], ev["start"], ev["end"]))
        kind = rng.choice(["agreement", "joint_statement", "ceasefire", "plan"])
        cmts = [Commitment(id=f"agr-{a:05d}-k{k}", agreement_id=f"agr-{a:05d}", action="cease fire", evidence=[sp],
                           status=rng.choice(["pending", "met", "breached", "overdue", "unknown"]),
                           deadline=ev["day"]) for k in range(2)]  # fmt: skip
        agrs.append(Agreement(id=f"agr-{a:05d}", kind=kind, title=f"Synthetic {kind} {a}", date=ev["date"],
                              status=rng.choice(["proposed", "accepted", "in_force", "breached"]),
                              commitments=cmts, doc_ids=[ev["doc_id"]], evidence=[sp]))  # fmt: skip
    return SimpleNamespace(incidents=incs, claims=claims, contradictions=[], agreements=agrs)


def _pg_copy(conn, table, rows: list[dict]) -> None:
    """COPY rows into a PostgreSQL table (psycopg 3), JSON columns as text."""
    from sqlalchemy import JSON

    cols = [c.name for c in table.c if not (c.primary_key and c.autoincrement is True and c.name == "id"
                                            and c.name not in rows[0])]  # fmt: skip
    cols = [c for c in cols if c in rows[0]]
    json_cols = {c.name for c in table.c if isinstance(c.type, JSON)}
    raw = conn.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in cols)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row([json.dumps(r[c]) if c in json_cols and r[c] is not None else r[c] for c in cols])


def load(engine: Engine, data: dict[str, list[dict]], result: SimpleNamespace | None = None,
         chunk: int = 50_000) -> dict[str, float]:
    """Bulk-load generated rows (and verification records) into an empty migrated store; seconds per step."""
    from truceline.store.verification import write_verification

    timings: dict[str, float] = {}
    pg = engine.dialect.name == "postgresql"
    ea_rows = [a for r in data["events"] for a in event_actor_rows(r)]
    order = [(runs, data["runs"]), (outlets, data["outlets"]), (documents, data["documents"]),
             (places, data["places"]), (events, data["events"]), (event_actors, ea_rows)]  # fmt: skip
    with engine.begin() as conn:
        for table, rows in order:
            t0 = time.perf_counter()
            for i in range(0, len(rows), chunk):
                part = rows[i:i + chunk]
                if pg and table is not runs:
                    _pg_copy(conn, table, part)
                else:
                    conn.execute(insert(table), part)
            timings[table.name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rebuild_event_days(conn)
        rebuild_prefix_days(conn)
        if result is not None:
            write_verification(conn, result)
        timings["event_days+verification"] = time.perf_counter() - t0
        if pg:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('runs', 'id'), (SELECT max(id) FROM runs))"))
    t0 = time.perf_counter()
    if pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    timings["analyze"] = time.perf_counter() - t0
    return timings


# --- timing through the API's endpoint functions -----------------------------------------------


def _request(app, path: str, params: dict):
    from urllib.parse import urlencode

    from starlette.requests import Request

    query = urlencode([(k, x) for k, v in params.items() for x in (v if isinstance(v, list) else [v])])
    scope = {"type": "http", "app": app, "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": [(b"host", b"bench")], "scheme": "http",
             "server": ("bench", 80), "root_path": ""}  # fmt: skip
    return Request(scope)


def queries(data: dict[str, list[dict]]) -> list[tuple[str, str, dict]]:
    """(name, endpoint, params): the dashboard's reads."""
    from collections import Counter

    codes = Counter(r["code"] for r in data["events"] for r in r["source"])
    common = codes.most_common(1)[0][0]
    rare = codes.most_common()[len(codes) // 2][0]
    doc = data["documents"][len(data["documents"]) // 2]["id"]
    inc = "inc-0000001" if len(data["events"]) > 50 else "inc-0000000"
    bbox = f"{REGION[0] + 1},{REGION[1] + 0.5},{REGION[0] + 3},{REGION[1] + 2}"
    return [
        ("timeline day (all)", "buckets", {"interval": "day"}),
        ("timeline week (all)", "buckets", {"interval": "week"}),
        ("timeline week plover=ASSAULT", "buckets", {"interval": "week", "plover": ["ASSAULT"]}),
        (f"timeline week actor={common[:3]}", "buckets", {"interval": "week", "actor": common[:3]}),
        (f"timeline day actor={rare} 2020", "buckets", {"interval": "day", "actor": rare, "since": "2020",
                                                        "until": "2020"}),
        ("events page 1", "events", {}),
        ("events page offset 5000", "events", {"offset": 5000}),
        ("events plover=ASSAULT", "events", {"plover": "ASSAULT"}),
        ("events plover=RETREAT", "events", {"plover": "RETREAT"}),
        ("events 2020-10", "events", {"since": "2020-10", "until": "2020-10"}),
        (f"events actor={common[:3]} (prefix)", "events", {"actor": common[:3]}),
        (f"events actor={rare}", "events", {"actor": rare}),
        ("events bbox", "events", {"bbox": bbox}),
        ("events ASSAULT+2020+bbox", "events", {"plover": "ASSAULT", "since": "2020", "until": "2020", "bbox": bbox}),
        (f"events {common[:3]}+CONSULT+2021", "events", {"actor": common[:3], "plover": "CONSULT", "since": "2021"}),
        ("incidents page", "incidents", {}),
        ("incidents ASSAULT+grade B", "incidents", {"plover": "ASSAULT", "grade": "B"}),
        ("agreements page", "agreements", {}),
        ("document view", "document", {"doc_id": doc}),
        ("incident view", "incident", {"incident_id": inc}),
        ("meta", "meta", {}),
    ]


def run_queries(url: str, data: dict, repeat: int) -> dict[str, dict[str, float]]:
    from truceline.api import create_app
    from truceline.api import read as api
    from truceline.api.deps import Page, caches

    app = create_app(url)
    out: dict[str, dict[str, float]] = {}
    try:
        for name, endpoint, params in queries(data):
            paging = Page(int(params.pop("limit", 50)), int(params.pop("offset", 0)))
            path = {"buckets": "/api/v1/timeline/buckets", "document": f"/api/v1/documents/{params.get('doc_id')}",
                    "incident": f"/api/v1/incidents/{params.get('incident_id')}"}.get(endpoint, f"/api/v1/{endpoint}")
            times = []
            for i in range(repeat + 1):
                request = _request(app, path, params)
                responses, _ = caches(request)
                responses.clear()
                t0 = time.perf_counter()
                with app.state.engine.connect() as conn:
                    if endpoint == "buckets":
                        kw = {"interval": "day", "plover": None, "actor": None, "since": None, "until": None, **params}
                        resp = api.timeline_buckets(request, conn, **kw)
                    elif endpoint == "events":
                        kw = {k: None for k in ("plover", "actor", "modality", "place", "doc_id", "since", "until",
                                                "bbox")}
                        resp = api.list_events(request, conn, paging, **{**kw, **params})
                    elif endpoint == "incidents":
                        kw = {"plover": None, "actor": None, "grade": None, "min_sources": 0, "since": None,
                              "until": None, "bbox": None}
                        resp = api.list_incidents(request, conn, paging, **{**kw, **params})
                    elif endpoint == "agreements":
                        resp = api.list_agreements(request, conn, paging, kind=None, status=None)
                    elif endpoint == "document":
                        resp = api.get_document(request, params["doc_id"], conn)
                    elif endpoint == "incident":
                        resp = api.get_incident(request, params["incident_id"], conn)
                    else:
                        resp = api.meta(request, conn)
                elapsed = (time.perf_counter() - t0) * 1000
                assert resp.status_code == 200, (name, resp.status_code, resp.body[:300])
                if i == 0:
                    first = elapsed  # cold: parses records on the first verification list of a generation
                    body = json.loads(resp.body)
                    size = body.get("total", len(body.get("buckets", [])))
                else:
                    times.append(elapsed)
            times.sort()
            out[name] = {"p50": statistics.median(times), "p95": times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)],
                         "first": first, "rows": size}  # fmt: skip
    finally:
        app.state.engine.dispose()
    return out


def _pg_fresh(url: str) -> str:
    """Drop and recreate the public schema of ``url`` (a benchmark database)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--sqlite", default=None, help="SQLite file to build (default: a temp file); reused with --reuse")
    ap.add_argument("--pg", default=os.environ.get("TRUCELINE_TEST_PG"), help="PostgreSQL URL (its schema is dropped)")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="time an already built store without regenerating")
    ap.add_argument("--json", default=None, help="write the results here")
    args = ap.parse_args(argv)

    from truceline.store.engine import open_engine

    t0 = time.perf_counter()
    data = generate(args.events)
    result = verification(data)
    print(f"generated {len(data['events']):,} events, {len(data['documents']):,} documents, "
          f"{len(data['places']):,} places, {len(result.incidents):,} incidents, {len(result.agreements):,} agreements "
          f"in {time.perf_counter() - t0:.1f}s", flush=True)  # fmt: skip
    stores = []
    if not args.no_sqlite:
        path = Path(args.sqlite or f"/tmp/truceline-bench-{args.events}.db")
        stores.append(("sqlite", f"sqlite:///{path}", path))
    if args.pg:
        stores.append(("postgresql", args.pg, None))
    report: dict = {"events": args.events, "repeat": args.repeat, "stores": {}}
    for name, url, path in stores:
        if not args.reuse:
            if path is not None:
                for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    p.unlink(missing_ok=True)
            else:
                _pg_fresh(url)
            engine = open_engine(url)
            t0 = time.perf_counter()
            steps = load(engine, data, result)
            engine.dispose()
            print(f"[{name}] loaded in {time.perf_counter() - t0:.1f}s: "
                  + ", ".join(f"{k} {v:.1f}s" for k, v in steps.items()), flush=True)
        timings = run_queries(url, data, args.repeat)
        report["stores"][name] = timings
        print(f"\n[{name}] {args.events:,} events, {args.repeat} runs per query (ms)")
        print(f"{'query':44} {'p50':>8} {'p95':>8} {'first':>8} {'rows':>9}")
        for q, t in timings.items():
            print(f"{q:44} {t['p50']:8.1f} {t['p95']:8.1f} {t['first']:8.1f} {t['rows']:>9,}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
