"""Read endpoints: everything the store holds, filtered and paginated, spans always with their text.

Every record comes from the same query functions as the CLI (``truceline.store``), so the API,
the dashboard, the report and the exports show the same numbers; analyst reviews are laid over
each record by :func:`truceline.review.overlay` before it leaves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from truceline.api.deps import Conn, Paging, not_found
from truceline.model import SCHEMA_VERSION
from truceline.review import overlay
from truceline.store.queries import extracted_documents, timeline
from truceline.store.records import actor_from_row, event_from_row, quote_from_row
from truceline.store.schema import actors, documents, events, mentions, outlets, places, quotes
from truceline.store.verification import all_texts, load_verification

router = APIRouter(prefix="/api/v1")

Since = Annotated[str | None, Query(description="From this date on (YYYY, YYYY-MM or YYYY-MM-DD).",
                                    pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Until = Annotated[str | None, Query(description="Up to this date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).",
                                    pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
BBox = Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat",
                                   pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$")]


def _dump(records: list) -> list[dict]:
    return [r.model_dump(mode="json") if hasattr(r, "model_dump") else r for r in records]


def _in_dates(value: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if not value or not value[:4].isdigit():
        return False
    return (since is None or value[: len(since)] >= since) and (until is None or value[: len(until)] <= until)


def _in_box(lat: float | None, lon: float | None, bbox: str | None) -> bool:
    if bbox is None:
        return True
    if lat is None or lon is None:
        return False
    x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
    return x0 <= lon <= x1 and y0 <= lat <= y1


def _codes(refs: list[dict]) -> set[str]:
    return {(r.get("code") or "").upper() for r in refs} | {(r.get("actor_id") or "") for r in refs}


def _actor_match(actor: str | None, *groups: list[dict]) -> bool:
    """``actor`` is a code prefix ("AZE" matches AZEMIL) or an actor id."""
    if actor is None:
        return True
    needle = actor.upper()
    return any(c.startswith(needle) or c == actor for g in groups for c in _codes(g) if c)


@router.get("/meta", summary="What the store holds: counts, date range, schema version")
def meta(conn: Conn) -> dict:
    dates = [d for (d,) in conn.execute(select(documents.c.published)) if d]
    v = load_verification(conn)
    agreements = v["agreements"]
    commitments = [c for a in agreements for c in a.commitments]
    return {
        "schema_version": SCHEMA_VERSION,
        "documents": conn.execute(select(func.count()).select_from(documents)).scalar_one(),
        "outlets": conn.execute(select(func.count()).select_from(outlets)).scalar_one(),
        "events": conn.execute(select(func.count()).select_from(events)).scalar_one(),
        "date_range": [min(dates), max(dates)] if dates else None,
        "as_of": max(dates) if dates else None,
        "incidents": len(v["incidents"]), "claims": len(v["claims"]), "contradictions": len(v["contradictions"]),
        "agreements": len(agreements), "commitments": len(commitments),
        "attention": {
            "overdue_commitments": [c.id for c in commitments if c.status == "overdue"],
            "breached_commitments": [c.id for c in commitments if c.status == "breached"],
            "breached_agreements": [a.id for a in agreements if a.breached],
            "contradictions": [c.id for c in v["contradictions"]],
        },
    }  # fmt: skip


@router.get("/documents", summary="Documents, newest first")
def list_documents(request: Request, conn: Conn, paging: Paging,
                   outlet: Annotated[str | None, Query(description="Outlet name (exact).")] = None,
                   q: Annotated[str | None, Query(description="Words in the title or text.", max_length=200)] = None,
                   since: Since = None, until: Until = None) -> dict:
    query = (select(documents.c.id, documents.c.title, documents.c.published, documents.c.published_source,
                    documents.c.author, documents.c.language, documents.c.url, outlets.c.name.label("outlet"),
                    func.length(documents.c.clean_text).label("chars"))
             .select_from(documents.outerjoin(outlets)))  # fmt: skip
    if outlet:
        query = query.where(outlets.c.name == outlet)
    if q:
        like = f"%{q}%"
        query = query.where(documents.c.title.ilike(like) | documents.c.clean_text.ilike(like))
    rows = [dict(r) for r in conn.execute(query.order_by(documents.c.published.desc(), documents.c.id)).mappings()]
    counts = dict(conn.execute(select(events.c.doc_id, func.count()).group_by(events.c.doc_id)).all())
    for r in rows:
        r["events"] = counts.get(r["id"], 0)
    rows = [r for r in rows if _in_dates(r["published"], since, until)]
    return paging.wrap(rows, request)


HIGHLIGHT_KINDS = ("mentions", "quotes", "timex", "places", "events")


def highlights(doc: dict) -> list[dict]:
    """Every extracted span of a document, for the document view: where, what kind, which record."""
    out = []
    for kind in HIGHLIGHT_KINDS:
        for rec in doc[kind]:
            for ev in rec["evidence"]:
                sp = ev["span"]
                out.append({"start": sp["start"], "end": sp["end"], "kind": kind, "record": rec["id"]})
    for kind in ("incidents", "claims", "contradictions", "agreements"):
        for rec in doc[kind]:
            spans = [e["span"] for e in rec["evidence"]]
            for a in rec.get("commitments", []):
                spans += [e["span"] for e in a["evidence"]]
            for sp in spans:
                if sp["doc_id"] == doc["id"]:
                    out.append({"start": sp["start"], "end": sp["end"], "kind": kind, "record": rec["id"]})
    return sorted(out, key=lambda h: (h["start"], -h["end"], h["kind"]))


@router.get("/documents/{doc_id}", summary="One document: clean text, every record, highlighted spans")
def get_document(doc_id: str, conn: Conn) -> dict:
    found = extracted_documents(conn, [doc_id])
    if not found:
        raise not_found("document", doc_id)
    doc = found[0].model_dump(mode="json")
    for kind, key in (("event", "events"), ("mention", "mentions"), ("incident", "incidents"), ("agreement", "agreements"),
                      ("claim", "claims"), ("contradiction", "contradictions"), ("quote", "quotes")):
        doc[key] = overlay(conn, kind, doc[key])
    doc["highlights"] = highlights(doc)
    return doc


@router.get("/actors", summary="Actors with their codes and how often they are mentioned")
def list_actors(request: Request, conn: Conn, paging: Paging,
                code: Annotated[str | None, Query(description="Code prefix, e.g. AZE or IGO.", max_length=32)] = None,
                q: Annotated[str | None, Query(description="Words in the name.", max_length=200)] = None) -> dict:
    counts = dict(conn.execute(select(mentions.c.actor_id, func.count()).group_by(mentions.c.actor_id)).all())
    ids = [i for i in counts if i]
    rows = conn.execute(select(actors).where(actors.c.id.in_(ids))).mappings() if ids else []
    items = []
    for r in rows:
        a = actor_from_row(dict(r)).model_dump(mode="json")
        a["mentions"] = counts.get(a["id"], 0)
        if code and not (a["code"] or "").upper().startswith(code.upper()):
            continue
        if q and q.lower() not in a["name"].lower():
            continue
        items.append(a)
    items.sort(key=lambda a: (-a["mentions"], a["name"]))
    return paging.wrap(items, request)


@router.get("/quotes", summary="Quotes with their speakers")
def list_quotes(request: Request, conn: Conn, paging: Paging,
                speaker: Annotated[str | None, Query(description="Speaker actor id.", max_length=160)] = None,
                doc_id: Annotated[str | None, Query(max_length=32)] = None) -> dict:
    query = select(quotes)
    if speaker:
        query = query.where(quotes.c.speaker_actor_id == speaker)
    if doc_id:
        query = query.where(quotes.c.doc_id == doc_id)
    texts = all_texts(conn)
    items = []
    for r in conn.execute(query.order_by(quotes.c.doc_id, quotes.c.id)).mappings():
        q = quote_from_row(dict(r), texts[r["doc_id"]]).model_dump(mode="json")
        q["doc_id"] = r["doc_id"]
        items.append(q)
    return paging.wrap(overlay(conn, "quote", items), request)


@router.get("/events", summary="Coded events (PLOVER/CAMEO) with filters")
def list_events(request: Request, conn: Conn, paging: Paging,
                plover: Annotated[str | None, Query(description="PLOVER type, e.g. ASSAULT.", max_length=16)] = None,
                actor: Annotated[str | None, Query(description="Source or target code prefix, or an actor id.",
                                                   max_length=160)] = None,
                modality: Annotated[str | None, Query(description="asserted, alleged, denied, negated, intended, "
                                                      "conditional, requested or hypothetical.", max_length=16)] = None,
                place: Annotated[str | None, Query(description="Place name as written.", max_length=300)] = None,
                doc_id: Annotated[str | None, Query(max_length=32)] = None,
                since: Since = None, until: Until = None, bbox: BBox = None) -> dict:
    query = select(events, places.c.lat, places.c.lon, places.c.name.label("place_name")).select_from(
        events.outerjoin(places, places.c.id == events.c.place_id))
    if plover:
        query = query.where(events.c.plover == plover.upper())
    if modality:
        query = query.where(events.c.modality == modality)
    if doc_id:
        query = query.where(events.c.doc_id == doc_id)
    texts = all_texts(conn)
    items = []
    for r in conn.execute(query.order_by(events.c.date, events.c.id)).mappings():
        row = dict(r)
        if not _in_dates(row["date"], since, until) or not _in_box(row["lat"], row["lon"], bbox):
            continue
        if place and place.lower() not in ((row["location"] or "") + " " + (row["place_name"] or "")).lower():
            continue
        if not _actor_match(actor, row["source"], row["target"]):
            continue
        ev = event_from_row(row, texts[row["doc_id"]]).model_dump(mode="json")
        ev.update(doc_id=row["doc_id"], lat=row["lat"], lon=row["lon"])
        items.append(ev)
    return paging.wrap(overlay(conn, "event", items), request)


def _verification(conn, key: str) -> list[dict]:
    kind = {"incidents": "incident", "claims": "claim", "contradictions": "contradiction", "agreements": "agreement"}[key]
    return overlay(conn, kind, _dump(load_verification(conn)[key]))


@router.get("/incidents", summary="Incidents: one real-world event, all its mentions, its grade")
def list_incidents(request: Request, conn: Conn, paging: Paging,
                   plover: Annotated[str | None, Query(max_length=16)] = None,
                   actor: Annotated[str | None, Query(max_length=160)] = None,
                   grade: Annotated[str | None, Query(description="Admiralty grade or its letter/number, e.g. B2, C, 3.",
                                                      max_length=2)] = None,
                   min_sources: Annotated[int, Query(ge=0, le=1000)] = 0,
                   since: Since = None, until: Until = None, bbox: BBox = None) -> dict:
    items = [i for i in _verification(conn, "incidents")
             if (not plover or i["plover"] == plover.upper()) and i["independent_sources"] >= min_sources
             and (not grade or grade.upper() in (i["grade"] or "")) and _in_dates(i["date"], since, until)
             and _in_box(i["lat"], i["lon"], bbox) and _actor_match(actor, i["source"], i["target"])]
    return paging.wrap(items, request)


@router.get("/incidents/{incident_id}", summary="One incident with its claims and contradictions")
def get_incident(incident_id: str, conn: Conn) -> dict:
    found = [i for i in _verification(conn, "incidents") if i["id"] == incident_id]
    if not found:
        raise not_found("incident", incident_id)
    inc = found[0]
    inc["claims"] = [c for c in _verification(conn, "claims") if c["incident_id"] == incident_id]
    inc["contradictions"] = [c for c in _verification(conn, "contradictions") if c["incident_id"] == incident_id]
    return inc


@router.get("/claims", summary="Claims: who asserts or denies each incident")
def list_claims(request: Request, conn: Conn, paging: Paging,
                incident_id: Annotated[str | None, Query(max_length=64)] = None,
                kind: Annotated[str | None, Query(description="allegation, statement, report or observation",
                                                  max_length=16)] = None,
                stance: Annotated[str | None, Query(description="asserts or denies", max_length=8)] = None) -> dict:
    items = [c for c in _verification(conn, "claims")
             if (not incident_id or c["incident_id"] == incident_id) and (not kind or c["kind"] == kind)
             and (not stance or c["stance"] == stance)]
    return paging.wrap(items, request)


@router.get("/contradictions", summary="Contradictions with both sides' evidence")
def list_contradictions(request: Request, conn: Conn, paging: Paging,
                        kind: Annotated[str | None, Query(description="agency, number, date or internal",
                                                          max_length=16)] = None) -> dict:
    items = [c for c in _verification(conn, "contradictions") if not kind or c["kind"] == kind]
    return paging.wrap(items, request)


@router.get("/agreements", summary="Agreements, ceasefires and plans, with commitments")
def list_agreements(request: Request, conn: Conn, paging: Paging,
                    kind: Annotated[str | None, Query(description="agreement, joint_statement, ceasefire or plan",
                                                      max_length=16)] = None,
                    status: Annotated[str | None, Query(max_length=24)] = None) -> dict:
    items = [a for a in _verification(conn, "agreements")
             if (not kind or a["kind"] == kind) and (not status or a["status"] == status)]
    return paging.wrap(items, request)


@router.get("/agreements/{agreement_id}", summary="One agreement with its commitments and history")
def get_agreement(agreement_id: str, conn: Conn) -> dict:
    found = [a for a in _verification(conn, "agreements") if a["id"] == agreement_id]
    if not found:
        raise not_found("agreement", agreement_id)
    agreement = found[0]
    claims = {c["id"]: c for c in _verification(conn, "claims")}
    agreement["claims"] = [claims[c] for c in agreement["claim_ids"] if c in claims]
    return agreement


@router.get("/commitments", summary="Commitments of every agreement, with deadline and status")
def list_commitments(request: Request, conn: Conn, paging: Paging,
                     status: Annotated[str | None, Query(description="pending, met, breached, overdue or unknown",
                                                         max_length=16)] = None) -> dict:
    items = []
    for a in _verification(conn, "agreements"):
        for c in a["commitments"]:
            if not status or c["status"] == status:
                items.append({**c, "agreement_title": a["title"], "agreement_kind": a["kind"]})
    items.sort(key=lambda c: (c["deadline"] is None, c["deadline"] or "", c["id"]))
    return paging.wrap(items, request)


@router.get("/timeline", summary="The peace process in order, each line with its sources")
def get_timeline(request: Request, conn: Conn, paging: Paging,
                 kind: Annotated[list[str] | None, Query(description="Line kinds (repeatable).")] = None,
                 since: Since = None, until: Until = None) -> dict:
    items = _dump(timeline(conn, set(kind) if kind else None, since, until))
    return paging.wrap(items, request)


@router.get("/network", summary="Who meets, accuses, threatens whom: actors and event counts between them")
def network(conn: Conn, plover: Annotated[list[str] | None, Query(description="PLOVER types (repeatable).")] = None,
            min_events: Annotated[int, Query(ge=1, le=1000)] = 1) -> dict:
    edges: Counter = Counter()
    names: dict[str, str] = {}
    examples: dict[tuple, str] = {}
    for r in conn.execute(select(events.c.id, events.c.plover, events.c.source, events.c.target)).mappings():
        if plover and r["plover"] not in {p.upper() for p in plover}:
            continue
        for s in r["source"]:
            for t in r["target"]:
                a, b = s.get("code"), t.get("code")
                if not a or not b or a == b:
                    continue
                names.setdefault(a, s["text"])
                names.setdefault(b, t["text"])
                key = (a, b, r["plover"])
                edges[key] += 1
                examples.setdefault(key, r["id"])
    kept = [(k, n) for k, n in edges.items() if n >= min_events]
    degree: defaultdict[str, int] = defaultdict(int)
    for (a, b, _p), n in kept:
        degree[a] += n
        degree[b] += n
    return {
        "nodes": [{"id": c, "label": names[c], "events": degree[c]} for c in sorted(degree)],
        "edges": [{"source": a, "target": b, "plover": p, "events": n, "example_event": examples[(a, b, p)]}
                  for (a, b, p), n in sorted(kept)],
    }  # fmt: skip


@router.get("/places", summary="Geocoded places with how often they are named")
def list_places(request: Request, conn: Conn, paging: Paging, bbox: BBox = None) -> dict:
    agg: dict[tuple, dict[str, Any]] = {}
    for r in conn.execute(select(places)).mappings():
        if r["lat"] is None or not _in_box(r["lat"], r["lon"], bbox):
            continue
        key = (r["name"], round(r["lat"], 3), round(r["lon"], 3))
        item = agg.setdefault(key, {"name": r["name"], "lat": r["lat"], "lon": r["lon"], "country": r["country"],
                                    "feature": r["feature"], "mentions": 0, "doc_ids": []})  # fmt: skip
        item["mentions"] += len(r["spans"])
        if r["doc_id"] not in item["doc_ids"]:
            item["doc_ids"].append(r["doc_id"])
    items = sorted(agg.values(), key=lambda p: (-p["mentions"], p["name"]))
    return paging.wrap(items, request)
