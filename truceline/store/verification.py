"""Verification records <-> rows: written whole after every run, read back with spans rebuilt.

Verification is corpus-level (an incident spans documents), so it is recomputed from the
stored reading inside the same transaction as each write: the store never holds records
derived from a corpus it no longer has. Spans are stored as ``[doc_id, start, end]`` and
rebuilt from the documents' clean text on the way out, like every other record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from truceline.model import Agreement, Claim, Contradiction, Incident, make_span
from truceline.store.schema import (
    VERIFICATION_TABLES,
    agreements,
    claims,
    commitments,
    contradictions,
    incidents,
    outlets,
    record_documents,
)

SPAN_KEYS = {"doc_id", "start", "end", "text"}
MODELS = {"incident": (incidents, Incident), "claim": (claims, Claim), "contradiction": (contradictions, Contradiction),
          "agreement": (agreements, Agreement)}  # fmt: skip


def pack(value: Any) -> Any:
    """A record dump with every span reduced to its offsets."""
    if isinstance(value, dict):
        if set(value) == SPAN_KEYS:
            return {"span": [value["doc_id"], value["start"], value["end"]]}
        return {k: pack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pack(v) for v in value]
    return value


def unpack(value: Any, texts: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"span"} and isinstance(value["span"], list):
            doc_id, start, end = value["span"]
            return make_span(doc_id, texts[doc_id], start, end).model_dump()
        return {k: unpack(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v, texts) for v in value]
    return value


def _doc_ids(record: dict) -> set[str]:
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            if set(v) == {"span"}:
                found.add(v["span"][0])
            else:
                for x in v.values():
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(record)
    return found


def write_verification(conn: Connection, result) -> None:
    """Replace every verification record with ``result`` (a :class:`~truceline.verify.Verification`)."""
    for table in VERIFICATION_TABLES:
        conn.execute(delete(table))
    links: list[dict] = []
    rows: dict[Any, list[dict]] = {t: [] for t in (incidents, claims, contradictions, agreements, commitments)}
    for inc in result.incidents:
        data = pack(inc.model_dump())
        rows[incidents].append({"id": inc.id, "plover": inc.plover, "date": inc.date, "grade": inc.grade,
                                "independent_sources": inc.independent_sources, "data": data})  # fmt: skip
        links += [{"kind": "incident", "record_id": inc.id, "doc_id": d} for d in _doc_ids(data)]
    for c in result.claims:
        data = pack(c.model_dump())
        rows[claims].append({"id": c.id, "incident_id": c.incident_id, "stance": c.stance, "kind": c.kind, "data": data})
        links += [{"kind": "claim", "record_id": c.id, "doc_id": d} for d in _doc_ids(data)]
    for c in result.contradictions:
        data = pack(c.model_dump())
        rows[contradictions].append({"id": c.id, "kind": c.kind, "incident_id": c.incident_id, "data": data})
        links += [{"kind": "contradiction", "record_id": c.id, "doc_id": d} for d in _doc_ids(data)]
    for a in result.agreements:
        data = pack(a.model_dump())
        rows[agreements].append({"id": a.id, "kind": a.kind, "status": a.status, "date": a.date, "data": data})
        rows[commitments] += [{"id": c.id, "agreement_id": a.id, "status": c.status, "deadline": c.deadline}
                              for c in a.commitments]  # fmt: skip
        links += [{"kind": "agreement", "record_id": a.id, "doc_id": d} for d in _doc_ids(data)]
    for table in (incidents, agreements, claims, contradictions, commitments):
        if rows[table]:
            conn.execute(insert(table), rows[table])
    if links:
        conn.execute(insert(record_documents), [dict(t) for t in {tuple(sorted(x.items())) for x in links}])


def read_records(conn: Connection, kind: str, texts: dict[str, str], ids: Iterable[str] | None = None) -> list:
    """Stored records of one kind (``incident``, ``claim``, ``contradiction``, ``agreement``)."""
    table, model = MODELS[kind]
    query = select(table.c.data).order_by(table.c.id)
    if ids is None:
        rows = [data for (data,) in conn.execute(query)]
    else:  # in chunks: PostgreSQL takes at most 65,535 parameters a statement
        wanted = sorted(set(ids))
        rows = [data for i in range(0, len(wanted), 500)
                for (data,) in conn.execute(query.where(table.c.id.in_(wanted[i:i + 500])))]
    return [model.model_validate(unpack(data, texts)) for data in rows]


def records_of_document(conn: Connection, doc_id: str, texts: dict[str, str]) -> dict[str, list]:
    """The verification records that draw on a document, keyed by the output contract's names."""
    out: dict[str, list] = {}
    for kind, key in (("incident", "incidents"), ("claim", "claims"), ("contradiction", "contradictions"),
                      ("agreement", "agreements")):
        ids = [r for (r,) in conn.execute(select(record_documents.c.record_id)
                                          .where(record_documents.c.kind == kind, record_documents.c.doc_id == doc_id))]
        out[key] = read_records(conn, kind, texts, ids) if ids else []
    return out


def outlet_reliability(conn: Connection) -> dict[str, str]:
    """Configured reliability letters (A-F) by outlet name."""
    return {r.name: r.reliability for r in conn.execute(select(outlets.c.name, outlets.c.reliability)) if r.reliability}


def all_texts(conn: Connection) -> dict[str, str]:
    from truceline.store.schema import documents

    return {r.id: r.clean_text for r in conn.execute(select(documents.c.id, documents.c.clean_text))}


def load_verification(conn: Connection) -> dict[str, list]:
    """Every stored verification record: ``incidents, claims, contradictions, agreements``."""
    texts = all_texts(conn)
    return {key: read_records(conn, kind, texts) for kind, key in
            (("incident", "incidents"), ("claim", "claims"), ("contradiction", "contradictions"),
             ("agreement", "agreements"))}  # fmt: skip
