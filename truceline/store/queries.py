"""Read-side views of the store: the extraction contract and the corpus report.

Both the CLI and (later) the REST API render these; they return plain data, never
formatted text, so every surface shows the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from truceline.model import (
    BoilerplateCut,
    DuplicateLink,
    ExtractedDocument,
    ReusedPassage,
)
from truceline.store.schema import documents, duplicates, outlets, reuse_links, runs

_DOC_COLS = (documents.c.id, documents.c.title, documents.c.author, documents.c.published,
             documents.c.published_source, documents.c.language, documents.c.clean_text, documents.c.url,
             documents.c.source, documents.c.boilerplate, outlets.c.name.label("outlet"))  # fmt: skip


def extracted_documents(conn: Connection, ids: Iterable[str] | None = None) -> list[ExtractedDocument]:
    """Documents as the ``truceline extract`` contract, in the order of ``ids`` when given."""
    query = select(*_DOC_COLS).select_from(documents.outerjoin(outlets))
    if ids is not None:
        ids = list(ids)
        query = query.where(documents.c.id.in_(ids))
    rows = {r["id"]: r for r in conn.execute(query.order_by(documents.c.created_at, documents.c.id)).mappings()}
    order = [i for i in ids if i in rows] if ids is not None else list(rows)
    dups = _duplicate_links(conn)
    reused = _reuse_links(conn)
    return [
        ExtractedDocument(
            id=r["id"], title=r["title"], outlet=r["outlet"], author=r["author"], published=r["published"],
            published_source=r["published_source"], language=r["language"], text=r["clean_text"],
            url=r["url"], source=r["source"],
            boilerplate_removed=[BoilerplateCut(**c) for c in r["boilerplate"]],
            duplicates=dups.get(r["id"], []), reused_passages=reused.get(r["id"], []),
        )  # fmt: skip
        for r in (rows[i] for i in order)
    ]


def _duplicate_links(conn: Connection) -> dict[str, list[DuplicateLink]]:
    out: dict[str, list[DuplicateLink]] = defaultdict(list)
    for r in conn.execute(select(duplicates)).mappings():
        out[r["doc_id"]].append(DuplicateLink(doc_id=r["other_doc_id"], kind=r["kind"], similarity=r["similarity"]))
        out[r["other_doc_id"]].append(DuplicateLink(doc_id=r["doc_id"], kind=r["kind"], similarity=r["similarity"]))
    return out


def _reuse_links(conn: Connection) -> dict[str, list[ReusedPassage]]:
    """Each stored link seen from both of its documents."""
    out: dict[str, list[ReusedPassage]] = defaultdict(list)
    for r in conn.execute(select(reuse_links).order_by(reuse_links.c.doc_id, reuse_links.c.start)).mappings():
        common = {"kind": r["kind"], "similarity": r["similarity"]}
        out[r["doc_id"]].append(ReusedPassage(start=r["start"], end=r["end"], other_doc=r["other_doc"],
                                              other_start=r["other_start"], other_end=r["other_end"], **common))
        out[r["other_doc"]].append(ReusedPassage(start=r["other_start"], end=r["other_end"], other_doc=r["doc_id"],
                                                 other_start=r["start"], other_end=r["end"], **common))
    for links in out.values():
        links.sort(key=lambda p: (p.start, p.other_doc, p.other_start))
    return out


def corpus_report(conn: Connection) -> dict:
    """What the store holds: documents by outlet and date, cleaning, duplicates, re-use, authors, runs."""
    docs = [dict(r) for r in conn.execute(select(*_DOC_COLS).select_from(documents.outerjoin(outlets))
                                          .order_by(outlets.c.name, documents.c.published, documents.c.id)).mappings()]  # fmt: skip
    texts = {d["id"]: d["clean_text"] for d in docs}
    titles = {d["id"]: d["title"] for d in docs}
    by_outlet: dict[str, list[dict]] = defaultdict(list)
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
            for r in conn.execute(select(duplicates)).mappings()]  # fmt: skip
    reused = [{"doc_id": r["doc_id"], "other_doc": r["other_doc"], "kind": r["kind"], "similarity": r["similarity"],
               "start": r["start"], "end": r["end"], "other_start": r["other_start"], "other_end": r["other_end"],
               "text": texts[r["doc_id"]][r["start"]:r["end"]],
               "other_text": texts[r["other_doc"]][r["other_start"]:r["other_end"]]}
              for r in conn.execute(select(reuse_links).order_by(reuse_links.c.doc_id, reuse_links.c.start)).mappings()]  # fmt: skip
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
            "runs": conn.execute(select(func.count()).select_from(runs)).scalar_one(),
        },
        "by_outlet": dict(by_outlet),
        "authors": {a: ids for a, ids in sorted(authors.items())},
        "cleaning": cleaning,
        "duplicates": dups,
        "reused_passages": reused,
        "runs": last_runs,
    }
