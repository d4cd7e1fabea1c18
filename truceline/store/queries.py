"""Read-side views of the store: the extraction contract and the corpus report.

Both the CLI and (later) the REST API render these; they return plain data, never
formatted text, so every surface shows the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, func, or_, select

from truceline.model import (
    Actor,
    BoilerplateCut,
    DuplicateLink,
    ExtractedDocument,
    ReusedPassage,
    TimelineEntry,
)
from truceline.store.records import (
    actor_from_row,
    event_from_row,
    mention_from_row,
    place_from_row,
    quote_from_row,
    share_fields_sets,
    timex_from_row,
)
from truceline.store.repo import _chunks, clean_texts
from truceline.store.schema import (
    actors,
    documents,
    duplicates,
    events,
    mentions,
    outlets,
    places,
    quotes,
    record_documents,
    reuse_links,
    runs,
    timexes,
)
from truceline.store.verification import load_verification, records_of_document
from truceline.verify.common import paused_gc

MAX_IN = 500  # ids in one IN (...) list; longer lists are read in chunks or filtered here
_DOC_COLS = (documents.c.id, documents.c.title, documents.c.author, documents.c.published,
             documents.c.published_source, documents.c.language, documents.c.clean_text, documents.c.url,
             documents.c.source, documents.c.boilerplate, outlets.c.name.label("outlet"))  # fmt: skip


def extracted_documents(conn: Connection, ids: Iterable[str] | None = None,
                        with_verification: bool = True) -> list[ExtractedDocument]:
    """Documents as the ``truceline extract`` contract, in the order of ``ids`` when given.

    ``with_verification`` adds the corpus-level records each document takes part in; the
    verification step itself reads documents without them.
    """
    with paused_gc():  # a whole corpus is hundreds of thousands of records: see paused_gc
        return _extracted_documents(conn, ids, with_verification)


def _extracted_documents(conn: Connection, ids: Iterable[str] | None, with_verification: bool) -> list[ExtractedDocument]:
    query = select(*_DOC_COLS).select_from(documents.outerjoin(outlets))
    ids = list(ids) if ids is not None else None
    # a long id list is not sent as one IN (...): PostgreSQL takes at most 65,535 parameters a statement
    few = ids is not None and len(ids) <= MAX_IN
    if few:
        query = query.where(documents.c.id.in_(ids or []))
    rows = {r["id"]: r for r in conn.execute(query.order_by(documents.c.created_at, documents.c.id)).mappings()}
    if ids is not None and not few:
        wanted = set(ids)
        rows = {i: r for i, r in rows.items() if i in wanted}
    order = [i for i in ids if i in rows] if ids is not None else list(rows)
    dups = _duplicate_links(conn, order if few else None)
    reused = _reuse_links(conn, order if few else None)
    texts = {i: r["clean_text"] for i, r in rows.items()}
    reading = documents_records(conn, {i: texts[i] for i in order})
    if with_verification and ids is not None:  # the texts every record of these documents draws on, no more
        texts.update(clean_texts(conn, set(_record_doc_ids(conn, order)) - set(texts)))
    out = [
        ExtractedDocument(
            id=r["id"], title=r["title"], outlet=r["outlet"], author=r["author"], published=r["published"],
            published_source=r["published_source"], language=r["language"], text=r["clean_text"],
            url=r["url"], source=r["source"],
            boilerplate_removed=[BoilerplateCut(**c) for c in r["boilerplate"]],
            duplicates=dups.get(r["id"], []), reused_passages=reused.get(r["id"], []),
            **reading[r["id"]],
            **(records_of_document(conn, r["id"], texts) if with_verification else {}),
        )  # fmt: skip
        for r in (rows[i] for i in order)
    ]
    share_fields_sets(out)  # the documents themselves (their records were, chunk by chunk)
    return out


def timeline(conn: Connection, kinds: set[str] | None = None, since: str | None = None,
             until: str | None = None) -> list[TimelineEntry]:
    """The peace-process timeline from the stored verification records."""
    from truceline.verify.timeline import entries, filter_entries

    outlet_of = {r.id: r.name for r in conn.execute(select(documents.c.id, outlets.c.name)
                                                     .select_from(documents.outerjoin(outlets))) if r.name}
    return filter_entries(entries(**load_verification(conn), outlet_of=outlet_of), kinds, since, until)


def verification_report(conn: Connection) -> dict[str, Any]:
    """Incidents, claims, contradictions, agreements with commitments, and re-used passages'
    independent sources, as plain data for the report."""
    from truceline.store.verification import outlet_reliability
    from truceline.verify import Corpus
    from truceline.verify.claims import shared_passages

    records = load_verification(conn)
    corpus = Corpus.of(extracted_documents(conn, with_verification=False), reliability=outlet_reliability(conn))
    dump = {k: [r.model_dump(mode="json") for r in v] for k, v in records.items()}
    return {**dump, "shared_passages": shared_passages(corpus),
            "as_of": corpus.as_of.isoformat() if corpus.as_of else None}


def stored_sentences(conn: Connection) -> dict[str, list[tuple[int, int]]]:
    """Sentence offsets split at ingestion, by document (documents stored before migration 0012 have none)."""
    query = select(documents.c.id, documents.c.sentences).where(documents.c.sentences.is_not(None))
    with paused_gc():  # tens of thousands of pairs beside a loaded corpus: see paused_gc
        return {r.id: [(int(a), int(b)) for a, b in r.sentences] for r in conn.execute(query) if r.sentences is not None}


def document_records(conn: Connection, doc_id: str, text: str) -> dict[str, list[Any]]:
    """A document's reading records, spans rebuilt from its clean text."""
    return documents_records(conn, {doc_id: text})[doc_id]


READ_CHUNK = 200  # documents whose records are read with one query per table


def documents_records(conn: Connection, texts: dict[str, str]) -> dict[str, dict[str, list[Any]]]:
    """The reading records of many documents (id -> clean text), one query per table for each
    chunk of :data:`READ_CHUNK` documents rather than six per document: loading a corpus for
    verification was dominated by the round trips."""
    out: dict[str, dict[str, list[Any]]] = {}
    known: dict[str, Actor] = {}  # one Actor object per actor, shared by the documents that mention it
    for chunk in _chunks(list(texts), READ_CHUNK):
        def rows(table: Table, ids: list[str] = chunk) -> dict[str, list[dict[str, Any]]]:
            query = select(table).where(table.c.doc_id.in_(ids)).order_by(table.c.doc_id, table.c.id)
            got: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for r in conn.execute(query).mappings():
                got[r["doc_id"]].append(dict(r))
            return got

        mention_rows, quote_rows = rows(mentions), rows(quotes)
        timex_rows, place_rows, event_rows = rows(timexes), rows(places), rows(events)
        actor_ids = {m["actor_id"] for ms in mention_rows.values() for m in ms}
        actor_ids |= {q["speaker_actor_id"] for qs in quote_rows.values() for q in qs}
        actor_ids.discard(None)
        for ids in _chunks(sorted(actor_ids - set(known)), MAX_IN):
            known.update({a["id"]: actor_from_row(dict(a)) for a in conn.execute(select(actors).where(actors.c.id.in_(ids))).mappings()})
        for doc_id in chunk:
            text, ms, qs = texts[doc_id], mention_rows.get(doc_id, []), quote_rows.get(doc_id, [])
            mine = ({m["actor_id"] for m in ms} | {q["speaker_actor_id"] for q in qs}) - {None}
            out[doc_id] = {
                "actors": [known[a] for a in sorted(mine) if a in known],
                "mentions": sorted((mention_from_row(m, text) for m in ms), key=_by_start),
                "quotes": sorted((quote_from_row(q, text) for q in qs), key=_by_start),
                "timex": sorted((timex_from_row(t, text) for t in timex_rows.get(doc_id, [])), key=_by_start),
                "places": sorted((place_from_row(p, text) for p in place_rows.get(doc_id, [])), key=_by_start),
                "events": sorted((event_from_row(e, text) for e in event_rows.get(doc_id, [])), key=_by_start),
            }
            share_fields_sets([out[doc_id]])  # at once, document by document: the peak stays low too
    return out


def _by_start(record: Any) -> tuple[int, int]:
    span = record.evidence[0].span
    return span.start, span.end


def _record_doc_ids(conn: Connection, doc_ids: list[str]) -> list[str]:
    """Documents that verification records of ``doc_ids`` draw on (the records' spans point into them)."""
    if not doc_ids:
        return []
    mine = record_documents.alias("mine")
    other = record_documents.alias("other")
    found: set[str] = set()
    for chunk in _chunks(doc_ids, MAX_IN):
        query = (select(other.c.doc_id).distinct()
                 .select_from(mine.join(other, (mine.c.kind == other.c.kind) & (mine.c.record_id == other.c.record_id)))
                 .where(mine.c.doc_id.in_(chunk)))  # fmt: skip
        found.update(d for (d,) in conn.execute(query))
    return sorted(found)


def _duplicate_links(conn: Connection, doc_ids: list[str] | None = None) -> dict[str, list[DuplicateLink]]:
    out: dict[str, list[DuplicateLink]] = defaultdict(list)
    query = select(duplicates)
    if doc_ids is not None:
        query = query.where(or_(duplicates.c.doc_id.in_(doc_ids), duplicates.c.other_doc_id.in_(doc_ids)))
    for r in conn.execute(query.order_by(duplicates.c.doc_id, duplicates.c.other_doc_id)).mappings():
        out[r["doc_id"]].append(DuplicateLink(doc_id=r["other_doc_id"], kind=r["kind"], similarity=r["similarity"]))
        out[r["other_doc_id"]].append(DuplicateLink(doc_id=r["doc_id"], kind=r["kind"], similarity=r["similarity"]))
    return out


def _reuse_links(conn: Connection, doc_ids: list[str] | None = None) -> dict[str, list[ReusedPassage]]:
    """Each stored link seen from both of its documents (of links touching ``doc_ids`` when given)."""
    out: dict[str, list[ReusedPassage]] = defaultdict(list)
    query = select(reuse_links)
    if doc_ids is not None:
        query = query.where(or_(reuse_links.c.doc_id.in_(doc_ids), reuse_links.c.other_doc.in_(doc_ids)))
    for r in conn.execute(query.order_by(*_REUSE_ORDER)).mappings():
        common = {"kind": r["kind"], "similarity": r["similarity"]}
        out[r["doc_id"]].append(ReusedPassage(start=r["start"], end=r["end"], other_doc=r["other_doc"],
                                              other_start=r["other_start"], other_end=r["other_end"], **common))
        out[r["other_doc"]].append(ReusedPassage(start=r["other_start"], end=r["other_end"], other_doc=r["doc_id"],
                                                 other_start=r["start"], other_end=r["end"], **common))
    for links in out.values():
        links.sort(key=lambda p: (p.start, p.other_doc, p.other_start))
    return out


# Every list a query returns has a total order (ties broken down to a key): PostgreSQL, unlike SQLite, gives
# tied rows in no fixed order, and puts NULLs last where SQLite puts them first.
_REUSE_ORDER = (reuse_links.c.doc_id, reuse_links.c.start, reuse_links.c.end, reuse_links.c.other_doc,
                reuse_links.c.other_start, reuse_links.c.other_end)


def corpus_report(conn: Connection) -> dict[str, Any]:
    """What the store holds: documents by outlet and date, cleaning, duplicates, re-use, authors, runs."""
    docs = [dict(r) for r in conn.execute(select(*_DOC_COLS).select_from(documents.outerjoin(outlets))
                                          .order_by(outlets.c.name.nulls_first(), documents.c.published.nulls_first(),
                                                    documents.c.id)).mappings()]  # NULLs first as SQLite has them; fmt: skip
    texts = {d["id"]: d["clean_text"] for d in docs}
    titles = {d["id"]: d["title"] for d in docs}
    by_outlet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_outlet[d["outlet"] or "(unknown outlet)"].append(
            {"id": d["id"], "title": d["title"], "published": d["published"], "published_source": d["published_source"],
             "author": d["author"], "language": d["language"], "words": len(d["clean_text"].split())}
        )  # fmt: skip
    authors: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d["author"]:
            authors[d["author"]].append(d["id"])
    cleaning = [
        {"id": d["id"], "title": d["title"], "paragraphs_cut": len(d["boilerplate"]),
         "chars_cut": sum(c["end"] - c["start"] for c in d["boilerplate"]),
         "reasons": sorted({c["reason"] for c in d["boilerplate"]}),
         "cuts": [{"text": c["text"], "reason": c["reason"]} for c in d["boilerplate"]]}
        for d in docs
    ]  # fmt: skip
    dups = [{"doc_id": r["doc_id"], "other_doc_id": r["other_doc_id"], "kind": r["kind"], "similarity": r["similarity"],
             "titles": [titles.get(r["doc_id"]), titles.get(r["other_doc_id"])]}
            for r in conn.execute(select(duplicates).order_by(duplicates.c.doc_id, duplicates.c.other_doc_id)).mappings()]  # fmt: skip
    reused = [{"doc_id": r["doc_id"], "other_doc": r["other_doc"], "kind": r["kind"], "similarity": r["similarity"],
               "start": r["start"], "end": r["end"], "other_start": r["other_start"], "other_end": r["other_end"],
               "text": texts[r["doc_id"]][r["start"]:r["end"]],
               "other_text": texts[r["other_doc"]][r["other_start"]:r["other_end"]]}
              for r in conn.execute(select(reuse_links).order_by(*_REUSE_ORDER)).mappings()]  # fmt: skip
    reading = _reading_report(conn, texts)
    dates = [d["published"] for d in docs if d["published"]]
    last_runs = [dict(r) for r in conn.execute(select(runs).order_by(runs.c.id.desc()).limit(5)).mappings()]
    for r in last_runs:
        for k in ("started_at", "finished_at"):
            r[k] = r[k].isoformat() if r[k] else None
    return {
        "totals": {
            "documents": len(docs),
            "outlets": len(by_outlet),
            "undated": sum(not d["published"] for d in docs),
            "non_english": sum(d["language"] not in ("en",) for d in docs),
            "date_range": [min(dates), max(dates)] if dates else None,
            "boilerplate_chars_cut": sum(c["chars_cut"] for c in cleaning),
            "duplicates": len(dups),
            "reused_passages": len(reused),
            "estimated_dates": sum(d["published_source"] == "estimated" for d in docs),
            "runs": conn.execute(select(func.count()).select_from(runs)).scalar_one(),
        },
        "by_outlet": dict(by_outlet),
        "authors": {a: ids for a, ids in sorted(authors.items())},
        "cleaning": cleaning,
        "duplicates": dups,
        "reused_passages": reused,
        "runs": last_runs,
        **reading,
    }


def _reading_report(conn: Connection, texts: dict[str, str]) -> dict[str, Any]:
    """Actors by mentions, quotes with speakers, date issues and places: what reading found."""
    actor_rows = {r["id"]: dict(r) for r in conn.execute(select(actors)).mappings()}
    per_actor: dict[str, dict[str, Any]] = {}
    for m in conn.execute(select(mentions.c.actor_id, mentions.c.doc_id, mentions.c.code)).mappings():
        if m["actor_id"] is None:
            continue
        entry = per_actor.setdefault(m["actor_id"], {"mentions": 0, "docs": set(), "codes": set()})
        entry["mentions"] += 1
        entry["docs"].add(m["doc_id"])
        if m["code"]:
            entry["codes"].add(m["code"])
    actor_list = sorted(
        ({"id": a, "name": actor_rows[a]["name"], "code": actor_rows[a]["code"], "type": actor_rows[a]["type"],
          "provisional": actor_rows[a]["provisional"], "mentions": e["mentions"], "documents": len(e["docs"]),
          "codes_in_force": sorted(e["codes"])} for a, e in per_actor.items() if a in actor_rows),
        key=lambda x: (-x["mentions"], x["name"], x["id"]),
    )  # fmt: skip
    quote_list = []
    for q in conn.execute(select(quotes).order_by(quotes.c.doc_id, quotes.c.id)).mappings():
        text = texts.get(q["doc_id"], "")
        content = " … ".join(text[s:e] for s, e in q["spans"])
        speaker = text[q["speaker_start"]:q["speaker_end"]] if q["speaker_start"] is not None else None
        actor = actor_rows.get(q["speaker_actor_id"] or "")
        quote_list.append({"id": q["id"], "doc_id": q["doc_id"], "kind": q["kind"], "cue": q["cue"],
                           "speaker": speaker, "speaker_text": q["speaker_text"],
                           "speaker_actor": actor["name"] if actor else None, "speaker_code": actor["code"] if actor else None,
                           "channel": q["channel"], "content": content})  # fmt: skip
    timex_rows = [dict(r) for r in conn.execute(select(timexes).order_by(timexes.c.doc_id, timexes.c.start, timexes.c.id)).mappings()]
    issues = [{"doc_id": t["doc_id"], "text": texts.get(t["doc_id"], "")[t["start"]:t["end"]], "value": t["value"],
               "issues": t["issues"]} for t in timex_rows if t["issues"]]  # fmt: skip
    place_counts: dict[tuple[Any, ...], dict[str, Any]] = {}
    for p in conn.execute(select(places).order_by(places.c.id)).mappings():
        key = (p["name"], p["country"], p["geonames_id"])
        entry = place_counts.setdefault(key, {"name": p["name"], "country": p["country"], "feature": p["feature"],
                                              "lat": p["lat"], "lon": p["lon"], "geonames_id": p["geonames_id"],
                                              "mentions": 0, "documents": 0})  # fmt: skip
        entry["mentions"] += len(p["spans"])
        entry["documents"] += 1
    def names(refs: list[dict[str, Any]]) -> str:
        return ", ".join(f"{r['text']} [{r['code'] or '?'}]" for r in refs)

    event_list = []
    for e in conn.execute(select(events).order_by(events.c.doc_id, events.c.start, events.c.id)).mappings():
        event_list.append({"id": e["id"], "doc_id": e["doc_id"], "plover": e["plover"], "cameo": e["cameo"],
                           "mode": e["mode"], "source": names(e["source"]), "target": names(e["target"]),
                           "modality": e["modality"], "negated": e["negated"], "date": e["date"],
                           "claimant": (e["claimant"] or {}).get("text"), "location": e["location"],
                           "sentence": texts.get(e["doc_id"], "")[e["start"]:e["end"]]})  # fmt: skip
    return {
        "events": event_list,
        "actors": actor_list,
        "quotes": quote_list,
        "timex": {"count": len(timex_rows), "issues": issues},
        "places": sorted(place_counts.values(), key=lambda p: (-p["mentions"], p["name"], p["country"] or "",
                                                               p["geonames_id"] or 0)),
    }


def kept_parses(conn: Connection, doc_ids: list[str]) -> dict[str, dict[tuple[int, int], object]]:
    """The kept sentence parses of these documents (truceline.nlp.parses), as spaCy Docs."""
    import gc

    from truceline.nlp.parses import load
    from truceline.store.schema import sentence_parses

    out: dict[str, dict[tuple[int, int], object]] = {}
    with paused_gc():
        for chunk in _chunks(doc_ids):
            rows = conn.execute(select(sentence_parses).where(sentence_parses.c.doc_id.in_(chunk)))
            for r in rows:
                out[r.doc_id] = load(r.spans, r.data)
                gc.disable()  # srsly turns the collector on after reading each DocBin: see paused_gc
    return out
