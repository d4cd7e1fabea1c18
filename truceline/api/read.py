"""Read endpoints: everything the store holds, filtered and paginated, spans always with their text.

Every record comes from the same store functions as the CLI (``truceline.store``), so the API,
the dashboard, the report and the exports show the same numbers; analyst reviews are laid over
each record by :func:`truceline.review.overlay` before it leaves.

The hot lists filter, sort and paginate in SQL (:mod:`truceline.store.pages`) and read only the
texts of the documents on the page. Corpus-level records (incidents, claims, contradictions,
agreements) are parsed once per store generation and kept in the app (their filters include
fields only the JSON record holds); only the page's spans are rebuilt. Every list response is
cached per generation with an ETag (:func:`truceline.api.deps.cached_response`).
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from truceline.api.deps import Conn, Paging, cached_records, cached_response, not_found
from truceline.model import SCHEMA_VERSION
from truceline.review import overlay
from truceline.store import pages
from truceline.store.queries import extracted_documents
from truceline.store.records import actor_from_row, event_from_row, quote_from_row
from truceline.store.repo import clean_texts
from truceline.store.schema import (
    actors,
    claims,
    contradictions,
    documents,
    events,
    incidents,
    mentions,
    outlets,
    places,
    quotes,
    reviews,
    trigger_watches,
)
from truceline.store.streaming import STALE, get_state
from truceline.store.verification import MODELS, _doc_ids, unpack

router = APIRouter(prefix="/api/v1")

Since = Annotated[str | None, Query(description="From this date on (YYYY, YYYY-MM or YYYY-MM-DD).",
                                    pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Until = Annotated[str | None, Query(description="Up to this date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).",
                                    pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
BBox = Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat",
                                   pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$")]
KIND_OF = {"incidents": "incident", "claims": "claim", "contradictions": "contradiction", "agreements": "agreement",
           "conditions": "condition"}
TABLE_OF = {"incident": incidents, "claim": claims, "contradiction": contradictions}


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
    x0, y0, x1, y1 = pages.parse_bbox(bbox)
    return x0 <= lon <= x1 and y0 <= lat <= y1


def _codes(refs: list[dict]) -> set[str]:
    return {(r.get("code") or "").upper() for r in refs} | {(r.get("actor_id") or "") for r in refs}


def _actor_match(actor: str | None, *groups: list[dict]) -> bool:
    """``actor`` is a code prefix ("AZE" matches AZEMIL) or an actor id."""
    if actor is None:
        return True
    needle = actor.upper()
    return any(c.startswith(needle) or c == actor for g in groups for c in _codes(g) if c)


# --- corpus-level records, parsed once per generation -------------------------------------------


def _parsed(request: Request, conn, key: str) -> list[tuple[dict, dict]]:
    """Every stored record of ``key`` as (packed record, view for filtering with reviews laid over)."""

    def build() -> list[tuple[dict, dict]]:
        kind = KIND_OF[key]
        table, _ = MODELS[kind]
        packed = [data for (data,) in conn.execute(select(table.c.data).order_by(table.c.id))]
        reviewed = {r for (r,) in conn.execute(select(reviews.c.record_id).distinct().where(reviews.c.kind == kind))}
        nested = {r for (r,) in conn.execute(select(reviews.c.record_id).distinct()
                                             .where(reviews.c.kind == "commitment"))} if kind == "agreement" else set()
        out = []
        for p in packed:
            if p["id"] in reviewed or any(c["id"] in nested for c in p.get("commitments", [])):
                view = copy.deepcopy(p)
                overlay(conn, kind, [view])
            else:
                view = p
            out.append((p, view))
        return out

    return cached_records(request, conn, f"records:{key}", build)


def _overlay(request: Request, conn, kind: str, items: list[dict]) -> list[dict]:
    """:func:`overlay` on the items that have reviews (the reviewed ids are read once per generation)."""

    def build() -> frozenset[str]:
        return frozenset(r for (r,) in conn.execute(select(reviews.c.record_id).distinct().where(reviews.c.kind == kind)))

    reviewed = cached_records(request, conn, f"reviewed:{kind}", build)
    if kind == "agreement":
        reviewed = reviewed | cached_records(request, conn, "reviewed:commitment", lambda: frozenset(
            r for (r,) in conn.execute(select(reviews.c.record_id).distinct().where(reviews.c.kind == "commitment"))))
        hit = [i for i in items if i.get("id") in reviewed or any(c.get("id") in reviewed for c in i.get("commitments", []))]
    else:
        hit = [i for i in items if i.get("id") in reviewed]
    if hit:
        overlay(conn, kind, hit)
    return items


def _texts_for(conn, records: list[dict]) -> dict[str, str]:
    ids: set[str] = set()
    for r in records:
        ids |= _doc_ids(r)
    return clean_texts(conn, sorted(ids))


def _render(request: Request, conn, kind: str, packed: list[dict]) -> list[dict]:
    """Packed records as the API returns them: spans rebuilt (only their documents' texts read), reviews laid over."""
    texts = _texts_for(conn, packed)
    model = MODELS[kind][1]
    return _overlay(request, conn, kind, [model.model_validate(unpack(p, texts)).model_dump(mode="json") for p in packed])


def _select(request: Request, conn, kind: str, *where) -> list[dict]:
    table = MODELS[kind][0]
    return _render(request, conn, kind, [d for (d,) in conn.execute(select(table.c.data).where(*where).order_by(table.c.id))])


def _paged(request: Request, paging, conn, kind: str, views: list[tuple[dict, dict]]) -> dict:
    cut = views[paging.offset: paging.offset + paging.limit]
    return paging.envelope(_render(request, conn, kind, [p for p, _ in cut]), len(views), request)


# --- endpoints ----------------------------------------------------------------------------------


@router.get("/meta", summary="What the store holds: counts, date range, schema version")
def meta(request: Request, conn: Conn) -> dict:
    def build() -> dict:
        low, high = conn.execute(select(func.min(documents.c.published), func.max(documents.c.published))
                                 .where(documents.c.published.is_not(None), documents.c.published != "")).one()
        agreements = [p for p, _ in _parsed(request, conn, "agreements")]
        commitments = [c for a in agreements for c in a.get("commitments", [])]

        def count(table) -> int:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

        return {
            "schema_version": SCHEMA_VERSION,
            "documents": count(documents), "outlets": count(outlets), "events": pages.count_events(conn),
            "date_range": [low, high] if low else None,
            "as_of": high,
            "incidents": count(incidents), "claims": count(claims), "contradictions": count(contradictions),
            "agreements": len(agreements), "commitments": len(commitments),
            "conditions": count(trigger_watches),
            # documents changed since incidents, claims, agreements ... were built (truceline verify rebuilds them)
            "verification_stale": get_state(conn, STALE) == "1",
            "attention": {
                "overdue_commitments": [c["id"] for c in commitments if c["status"] == "overdue"],
                "breached_commitments": [c["id"] for c in commitments if c["status"] == "breached"],
                "breached_agreements": [a["id"] for a in agreements if a.get("breached")],
                "contradictions": [r for (r,) in conn.execute(select(contradictions.c.id).order_by(contradictions.c.id))],
                "triggered_conditions": [r for (r,) in conn.execute(
                    select(trigger_watches.c.condition_id).where(trigger_watches.c.status.in_(
                        ("triggered", "claimed_triggered"))).order_by(trigger_watches.c.condition_id))],
            },
        }  # fmt: skip

    return cached_response(request, conn, build)


@router.get("/documents", summary="Documents, newest first")
def list_documents(request: Request, conn: Conn, paging: Paging,
                   outlet: Annotated[str | None, Query(description="Outlet name (exact).")] = None,
                   q: Annotated[str | None, Query(description="Words in the title or text.", max_length=200)] = None,
                   since: Since = None, until: Until = None) -> dict:
    def build() -> dict:
        conds = pages.date_conditions(documents.c.published, since, until)
        if outlet:
            conds.append(outlets.c.name == outlet)
        if q:
            like = f"%{q}%"
            conds.append(documents.c.title.ilike(like) | documents.c.clean_text.ilike(like))
        source = documents.outerjoin(outlets)
        total = conn.execute(select(func.count()).select_from(source).where(*conds)).scalar_one()
        query = (select(documents.c.id, documents.c.title, documents.c.published, documents.c.published_source,
                        documents.c.author, documents.c.language, documents.c.url, outlets.c.name.label("outlet"),
                        func.length(documents.c.clean_text).label("chars"))
                 .select_from(source).where(*conds).order_by(documents.c.published.desc().nulls_last(), documents.c.id)
                 .limit(paging.limit).offset(paging.sql_offset))  # fmt: skip
        rows = [dict(r) for r in conn.execute(query).mappings()]
        ids = [r["id"] for r in rows]
        counts = dict(conn.execute(select(events.c.doc_id, func.count()).where(events.c.doc_id.in_(ids))
                                   .group_by(events.c.doc_id)).all()) if ids else {}  # fmt: skip
        for r in rows:
            r["events"] = counts.get(r["id"], 0)
        return paging.envelope(rows, total, request)

    return cached_response(request, conn, build)


HIGHLIGHT_KINDS = ("mentions", "quotes", "timex", "places", "events")


def highlights(doc: dict) -> list[dict]:
    """Every extracted span of a document, for the document view: where, what kind, which record."""
    out = []
    for kind in HIGHLIGHT_KINDS:
        for rec in doc[kind]:
            for ev in rec["evidence"]:
                sp = ev["span"]
                out.append({"start": sp["start"], "end": sp["end"], "kind": kind, "record": rec["id"]})
    for kind in ("incidents", "claims", "contradictions", "agreements", "conditions"):
        for rec in doc.get(kind, []):
            spans = [e["span"] for e in rec["evidence"]]
            for a in rec.get("commitments", []):
                spans += [e["span"] for e in a["evidence"]]
            for m in (rec.get("watch") or {}).get("matches", []):  # what met a condition, where it is told
                spans += [e["span"] for e in m["evidence"]]
            for sp in spans:
                if sp["doc_id"] == doc["id"]:
                    out.append({"start": sp["start"], "end": sp["end"], "kind": kind, "record": rec["id"]})
    return sorted(out, key=lambda h: (h["start"], -h["end"], h["kind"]))


@router.get("/documents/{doc_id}", summary="One document: clean text, every record, highlighted spans")
def get_document(request: Request, doc_id: str, conn: Conn) -> dict:
    def build() -> dict:
        found = extracted_documents(conn, [doc_id])
        if not found:
            raise not_found("document", doc_id)
        doc = found[0].model_dump(mode="json")
        for kind, key in (("event", "events"), ("mention", "mentions"), ("incident", "incidents"),
                          ("agreement", "agreements"), ("claim", "claims"), ("contradiction", "contradictions"),
                          ("quote", "quotes"), ("condition", "conditions")):  # fmt: skip
            doc[key] = _overlay(request, conn, kind, doc[key])
        doc["highlights"] = highlights(doc)
        return doc

    return cached_response(request, conn, build)


@router.get("/actors", summary="Actors with their codes and how often they are mentioned")
def list_actors(request: Request, conn: Conn, paging: Paging,
                code: Annotated[str | None, Query(description="Code prefix, e.g. AZE or IGO.", max_length=32)] = None,
                q: Annotated[str | None, Query(description="Words in the name.", max_length=200)] = None) -> dict:
    def build() -> dict:
        n = func.count().label("mentions")
        counted = select(mentions.c.actor_id, n).where(mentions.c.actor_id.is_not(None)).group_by(mentions.c.actor_id)
        counted = counted.subquery()
        conds = []
        if code:
            conds.append(pages.prefix_condition(func.upper(actors.c.code), code.upper()))
        if q:
            conds.append(func.lower(actors.c.name).contains(q.lower(), autoescape=True))
        source = actors.join(counted, counted.c.actor_id == actors.c.id)
        total = conn.execute(select(func.count()).select_from(source).where(*conds)).scalar_one()
        rows = conn.execute(select(actors, counted.c.mentions).select_from(source).where(*conds)
                            .order_by(counted.c.mentions.desc(), actors.c.name, actors.c.id)
                            .limit(paging.limit).offset(paging.sql_offset)).mappings()  # fmt: skip
        items = []
        for r in rows:
            a = actor_from_row(dict(r)).model_dump(mode="json")
            a["mentions"] = r["mentions"]
            items.append(a)
        return paging.envelope(items, total, request)

    return cached_response(request, conn, build)


@router.get("/quotes", summary="Quotes with their speakers")
def list_quotes(request: Request, conn: Conn, paging: Paging,
                speaker: Annotated[str | None, Query(description="Speaker actor id.", max_length=160)] = None,
                doc_id: Annotated[str | None, Query(max_length=32)] = None) -> dict:
    def build() -> dict:
        conds = []
        if speaker:
            conds.append(quotes.c.speaker_actor_id == speaker)
        if doc_id:
            conds.append(quotes.c.doc_id == doc_id)
        total = conn.execute(select(func.count()).select_from(quotes).where(*conds)).scalar_one()
        rows = [dict(r) for r in conn.execute(select(quotes).where(*conds).order_by(quotes.c.doc_id, quotes.c.id)
                                              .limit(paging.limit).offset(paging.sql_offset)).mappings()]  # fmt: skip
        texts = clean_texts(conn, {r["doc_id"] for r in rows})
        items = []
        for r in rows:
            item = quote_from_row(r, texts[r["doc_id"]]).model_dump(mode="json")
            item["doc_id"] = r["doc_id"]
            items.append(item)
        return paging.envelope(_overlay(request, conn, "quote", items), total, request)

    return cached_response(request, conn, build)


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
    def build() -> dict:
        rows, total = pages.events_page(conn, paging.limit, paging.sql_offset, plover=plover, actor=actor,
                                        modality=modality, place=place, doc_id=doc_id, since=since, until=until,
                                        bbox=bbox)
        texts = clean_texts(conn, {r["doc_id"] for r in rows})
        items = []
        for row in rows:
            ev = event_from_row(row, texts[row["doc_id"]]).model_dump(mode="json")
            ev.update(doc_id=row["doc_id"], lat=row["place_lat"], lon=row["place_lon"])
            items.append(ev)
        return paging.envelope(_overlay(request, conn, "event", items), total, request)

    return cached_response(request, conn, build)


@router.get("/timeline/buckets", summary="Events per day, week or month per PLOVER type, for the timeline chart")
def timeline_buckets(request: Request, conn: Conn,
                     interval: Annotated[Literal["day", "week", "month"], Query(description="Bucket size; a week "
                                                                                "starts on Monday.")] = "day",
                     plover: Annotated[list[str] | None, Query(description="PLOVER types (repeatable).")] = None,
                     actor: Annotated[str | None, Query(description="Source or target code prefix, or an actor id.",
                                                        max_length=160)] = None,
                     since: Since = None, until: Until = None) -> dict:
    """Counts of events dated to a day (``events.day``), each event once per bucket and type:
    ``{interval, types, total, buckets: [{start, end, total, counts: {PLOVER: n}}]}``."""
    return cached_response(request, conn, lambda: pages.buckets(conn, interval, plover, actor, since, until))


@router.get("/incidents", summary="Incidents: one real-world event, all its mentions, its grade")
def list_incidents(request: Request, conn: Conn, paging: Paging,
                   plover: Annotated[str | None, Query(max_length=16)] = None,
                   actor: Annotated[str | None, Query(max_length=160)] = None,
                   grade: Annotated[str | None, Query(description="Admiralty grade or its letter/number, e.g. B2, C, 3.",
                                                      max_length=2)] = None,
                   min_sources: Annotated[int, Query(ge=0, le=1000)] = 0,
                   since: Since = None, until: Until = None, bbox: BBox = None) -> dict:
    def build() -> dict:
        views = [(p, i) for p, i in _parsed(request, conn, "incidents")
                 if (not plover or i["plover"] == plover.upper()) and i["independent_sources"] >= min_sources
                 and (not grade or grade.upper() in (i["grade"] or "")) and _in_dates(i["date"], since, until)
                 and _in_box(i["lat"], i["lon"], bbox) and _actor_match(actor, i["source"], i["target"])]
        return _paged(request, paging, conn, "incident", views)

    return cached_response(request, conn, build)


@router.get("/incidents/{incident_id}", summary="One incident with its claims and contradictions")
def get_incident(request: Request, incident_id: str, conn: Conn) -> dict:
    def build() -> dict:
        found = _select(request, conn, "incident", incidents.c.id == incident_id)
        if not found:
            raise not_found("incident", incident_id)
        inc = found[0]
        inc["claims"] = _select(request, conn, "claim", claims.c.incident_id == incident_id)
        inc["contradictions"] = _select(request, conn, "contradiction", contradictions.c.incident_id == incident_id)
        return inc

    return cached_response(request, conn, build)


@router.get("/claims", summary="Claims: who asserts or denies each incident")
def list_claims(request: Request, conn: Conn, paging: Paging,
                incident_id: Annotated[str | None, Query(max_length=64)] = None,
                kind: Annotated[str | None, Query(description="allegation, statement, report or observation",
                                                  max_length=16)] = None,
                stance: Annotated[str | None, Query(description="asserts or denies", max_length=8)] = None) -> dict:
    def build() -> dict:
        views = [(p, c) for p, c in _parsed(request, conn, "claims")
                 if (not incident_id or c["incident_id"] == incident_id) and (not kind or c["kind"] == kind)
                 and (not stance or c["stance"] == stance)]
        return _paged(request, paging, conn, "claim", views)

    return cached_response(request, conn, build)


@router.get("/contradictions", summary="Contradictions with both sides' evidence")
def list_contradictions(request: Request, conn: Conn, paging: Paging,
                        kind: Annotated[str | None, Query(description="agency, number, date or internal",
                                                          max_length=16)] = None) -> dict:
    def build() -> dict:
        views = [(p, c) for p, c in _parsed(request, conn, "contradictions") if not kind or c["kind"] == kind]
        return _paged(request, paging, conn, "contradiction", views)

    return cached_response(request, conn, build)


@router.get("/agreements", summary="Agreements, ceasefires and plans, with commitments")
def list_agreements(request: Request, conn: Conn, paging: Paging,
                    kind: Annotated[str | None, Query(description="agreement, joint_statement, ceasefire or plan",
                                                      max_length=16)] = None,
                    status: Annotated[str | None, Query(max_length=24)] = None) -> dict:
    def build() -> dict:
        views = [(p, a) for p, a in _parsed(request, conn, "agreements")
                 if (not kind or a["kind"] == kind) and (not status or a["status"] == status)]
        return _paged(request, paging, conn, "agreement", views)

    return cached_response(request, conn, build)


@router.get("/agreements/{agreement_id}", summary="One agreement with its commitments and history")
def get_agreement(request: Request, agreement_id: str, conn: Conn) -> dict:
    from truceline.store.schema import agreements

    def build() -> dict:
        found = _select(request, conn, "agreement", agreements.c.id == agreement_id)
        if not found:
            raise not_found("agreement", agreement_id)
        agreement = found[0]
        wanted = agreement["claim_ids"]
        by_id = {c["id"]: c for c in _select(request, conn, "claim", claims.c.id.in_(wanted))} if wanted else {}
        agreement["claims"] = [by_id[c] for c in wanted if c in by_id]
        return agreement

    return cached_response(request, conn, build)


@router.get("/commitments", summary="Commitments of every agreement, with deadline and status")
def list_commitments(request: Request, conn: Conn, paging: Paging,
                     status: Annotated[str | None, Query(description="pending, met, breached, overdue or unknown",
                                                         max_length=16)] = None) -> dict:
    def build() -> dict:
        items = []
        for _, a in _parsed(request, conn, "agreements"):
            for c in a["commitments"]:
                if not status or c["status"] == status:
                    items.append({**c, "agreement_title": a["title"], "agreement_kind": a["kind"]})
        items.sort(key=lambda c: (c["deadline"] is None, c["deadline"] or "", c["id"]))
        cut = items[paging.offset: paging.offset + paging.limit]
        texts = _texts_for(conn, cut)
        return paging.envelope([unpack(c, texts) for c in cut], len(items), request)

    return cached_response(request, conn, build)


@router.get("/timeline", summary="The peace process in order, each line with its sources")
def get_timeline(request: Request, conn: Conn, paging: Paging,
                 kind: Annotated[list[str] | None, Query(description="Line kinds (repeatable).")] = None,
                 since: Since = None, until: Until = None) -> dict:
    from truceline.store.queries import timeline
    from truceline.verify.timeline import filter_entries

    def build() -> dict:
        every = cached_records(request, conn, "timeline", lambda: timeline(conn))
        items = filter_entries(every, set(kind) if kind else None, since, until)
        return paging.envelope(_dump(items[paging.offset: paging.offset + paging.limit]), len(items), request)

    return cached_response(request, conn, build)


@router.get("/network", summary="Who meets, accuses, threatens whom: actors and event counts between them")
def network(request: Request, conn: Conn,
            plover: Annotated[list[str] | None, Query(description="PLOVER types (repeatable).")] = None,
            min_events: Annotated[int, Query(ge=1, le=1000)] = 1) -> dict:
    return cached_response(request, conn, lambda: _network(conn, plover, min_events))


def _network(conn, plover: list[str] | None, min_events: int) -> dict:
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
    return cached_response(request, conn, lambda: _places(request, conn, paging, bbox))


def _places(request: Request, conn, paging, bbox: str | None) -> dict:
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


# --- conditions (issue 9) -------------------------------------------------------------------------

ConditionKind = Literal["obligation", "threat", "red_line", "plan_trigger", "guarantee"]
WatchStatus = Literal["not_triggered", "nearly_met", "claimed_triggered", "triggered"]


def _conditions(request: Request, conn) -> list[tuple[dict, dict]]:
    """Every stored condition with its watch, packed: (record for rendering, view with reviews for filtering)."""

    def build() -> list[tuple[dict, dict]]:
        watches = {cid: data for cid, data in conn.execute(select(trigger_watches.c.condition_id, trigger_watches.c.data))}
        return [({**p, "watch": watches.get(p["id"])}, {**v, "watch": watches.get(p["id"])})
                for p, v in _parsed(request, conn, "conditions")]

    return cached_records(request, conn, "records:conditions+watch", build)


def _render_conditions(request: Request, conn, packed: list[dict]) -> list[dict]:
    from truceline.model import Condition

    texts = _texts_for(conn, packed)
    items = [Condition.model_validate(unpack(p, texts)).model_dump(mode="json") for p in packed]
    return _overlay(request, conn, "condition", items)


@router.get("/conditions", summary="Conditional obligations, threats, red lines and plan triggers, with their trigger watch")
def list_conditions(request: Request, conn: Conn, paging: Paging,
                    kind: Annotated[ConditionKind | None, Query(description="obligation, threat, red_line, "
                                                                "plan_trigger or guarantee")] = None,
                    status: Annotated[WatchStatus | None, Query(description="not_triggered, nearly_met, "
                                                                "claimed_triggered or triggered")] = None,
                    actor: Annotated[str | None, Query(description="Bound actor's code prefix or actor id.",
                                                       max_length=160)] = None,
                    territory: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code of a territory "
                                                           "the condition names.", max_length=8)] = None) -> dict:
    """Each item is a :class:`~truceline.model.Condition` with ``watch`` (status, claimants, the incidents and
    reports that meet or nearly meet it, whether the consequence followed), reviews laid over."""
    def build() -> dict:
        views = [(p, v) for p, v in _conditions(request, conn)
                 if (not kind or v["kind"] == kind) and (not status or (v["watch"] or {}).get("status") == status)
                 and _actor_match(actor, v["bound"])
                 and (not territory or territory.upper() in v["condition"].get("territory", []))]
        cut = views[paging.offset: paging.offset + paging.limit]
        return paging.envelope(_render_conditions(request, conn, [p for p, _ in cut]), len(views), request)

    return cached_response(request, conn, build)


@router.get("/conditions/{condition_id}", summary="One condition with its trigger watch, matched incidents and evidence")
def get_condition(request: Request, condition_id: str, conn: Conn) -> dict:
    """The condition, its ``watch``, the full records of the ``incidents`` that meet or nearly meet it,
    and ``evidence_documents``: every document its evidence or its matches' evidence is in."""
    def build() -> dict:
        found = [p for p, _ in _conditions(request, conn) if p["id"] == condition_id]
        if not found:
            raise not_found("condition", condition_id)
        item = _render_conditions(request, conn, found)[0]
        matched = [m["incident_id"] for m in (item.get("watch") or {}).get("matches", []) if m.get("incident_id")]
        if (item.get("watch") or {}).get("consequence_incident_id"):
            matched.append(item["watch"]["consequence_incident_id"])
        item["incidents"] = _select(request, conn, "incident", incidents.c.id.in_(sorted(set(matched)))) if matched else []
        docs = {e["span"]["doc_id"] for e in item["evidence"]}
        docs |= {e["span"]["doc_id"] for m in (item.get("watch") or {}).get("matches", []) for e in m["evidence"]}
        item["evidence_documents"] = sorted(docs)
        return item

    return cached_response(request, conn, build)
