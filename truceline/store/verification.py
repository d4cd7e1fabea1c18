"""Verification records <-> rows: written whole after every run, read back with spans rebuilt.

Verification is corpus-level (an incident spans documents), so it is recomputed from the
stored reading inside the same transaction as each write: the store never holds records
derived from a corpus it no longer has. Spans are stored as ``[doc_id, start, end]`` and
rebuilt from the documents' clean text on the way out, like every other record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Connection, Table, delete, insert, select

from truceline.model import Agreement, Claim, Condition, Contradiction, Incident, make_span
from truceline.store.schema import (
    VERIFICATION_TABLES,
    agreements,
    claims,
    commitments,
    condition_evidence,
    conditions,
    contradictions,
    incidents,
    outlets,
    record_documents,
    trigger_watches,
)

if TYPE_CHECKING:
    from truceline.verify.corpus import Verification

SPAN_KEYS = {"doc_id", "start", "end", "text"}
MODELS: dict[str, tuple[Table, type[BaseModel]]] = {"incident": (incidents, Incident), "claim": (claims, Claim), "contradiction": (contradictions, Contradiction),
          "agreement": (agreements, Agreement), "condition": (conditions, Condition)}  # fmt: skip
KEYS = (("incident", "incidents"), ("claim", "claims"), ("contradiction", "contradictions"),
        ("agreement", "agreements"), ("condition", "conditions"))  # record kind, output contract name


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


def _doc_ids(record: dict[str, Any]) -> set[str]:
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


def write_verification(conn: Connection, result: Verification) -> None:
    """Replace every verification record with ``result`` (a :class:`~truceline.verify.Verification`)."""
    from truceline.verify.common import paused_gc

    with paused_gc():  # every record is dumped to plain data at once: see paused_gc
        _write_verification(conn, result)


def _write_verification(conn: Connection, result: Verification) -> None:
    for table in VERIFICATION_TABLES:
        conn.execute(delete(table))
    links: list[dict[str, Any]] = []
    rows: dict[Table, list[dict[str, Any]]] = {t: [] for t in (incidents, claims, contradictions, agreements, commitments)}
    for inc in result.incidents:
        data = pack(inc.model_dump())
        rows[incidents].append({"id": inc.id, "plover": inc.plover, "date": inc.date, "grade": inc.grade,
                                "independent_sources": inc.independent_sources, "data": data})  # fmt: skip
        links += [{"kind": "incident", "record_id": inc.id, "doc_id": d} for d in _doc_ids(data)]
    for c in result.claims:
        data = pack(c.model_dump())
        rows[claims].append({"id": c.id, "incident_id": c.incident_id, "stance": c.stance, "kind": c.kind, "data": data})
        links += [{"kind": "claim", "record_id": c.id, "doc_id": d} for d in _doc_ids(data)]
    for x in result.contradictions:
        data = pack(x.model_dump())
        rows[contradictions].append({"id": x.id, "kind": x.kind, "incident_id": x.incident_id, "data": data})
        links += [{"kind": "contradiction", "record_id": x.id, "doc_id": d} for d in _doc_ids(data)]
    for a in result.agreements:
        data = pack(a.model_dump())
        rows[agreements].append({"id": a.id, "kind": a.kind, "status": a.status, "date": a.date, "data": data})
        rows[commitments] += [{"id": c.id, "agreement_id": a.id, "status": c.status, "deadline": c.deadline}
                              for c in a.commitments]  # fmt: skip
        links += [{"kind": "agreement", "record_id": a.id, "doc_id": d} for d in _doc_ids(data)]
    for table in (incidents, agreements, claims, contradictions, commitments):
        if rows[table]:
            conn.execute(insert(table), rows[table])
    links += _write_conditions(conn, getattr(result, "conditions", []))
    if links:
        conn.execute(insert(record_documents), [dict(t) for t in {tuple(sorted(x.items())) for x in links}])


def _evidence_rows(condition_id: str, packed: dict[str, Any], watch: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per evidence span of a condition and its watch, keyed by what the span is for."""
    found: dict[tuple[str, int, int, str], dict[str, Any]] = {}

    def add(items: list[dict[str, Any]], role: str) -> None:
        for ev in items:
            doc_id, start, end = ev["span"]["span"]
            found[(doc_id, start, end, role)] = {"condition_id": condition_id, "doc_id": doc_id, "start": start,
                                                 "end": end, "role": role}

    add(packed.get("evidence", []), "condition")
    add((packed.get("basis") or {}).get("evidence", []), "basis")
    if watch:
        for m in watch.get("matches", []):
            add(m.get("evidence", []), "match")
        add(watch.get("evidence", []), "consequence")
    return list(found.values())


def _write_conditions(conn: Connection, items: list[Condition]) -> list[dict[str, Any]]:
    """Conditions, their evidence rows and their trigger watches; the record_documents links they need."""
    rows: list[dict[str, Any]] = []
    watches: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for c in items:
        data = pack(c.model_dump(exclude={"watch"}))
        w = pack(c.watch.model_dump()) if c.watch else None
        rows.append({"id": c.id, "kind": c.kind, "source": c.source, "date": c.date, "data": data})
        if c.watch is not None:
            watches.append({"id": c.watch.id, "condition_id": c.id, "status": c.watch.status,
                            "consequence_followed": c.watch.consequence_followed, "triggered_on": c.watch.triggered_on,
                            "data": w})  # fmt: skip
        evidence += _evidence_rows(c.id, data, w)
        links += [{"kind": "condition", "record_id": c.id, "doc_id": d} for d in _doc_ids(data) | _doc_ids(w or {})]
    for table, batch in ((conditions, rows), (trigger_watches, watches), (condition_evidence, evidence)):
        if batch:
            conn.execute(insert(table), batch)
    return links


def write_conditions(conn: Connection, items: list[Condition]) -> None:
    """Replace only the conditions and their watches (an analyst's condition review re-watches them)."""
    for table in (condition_evidence, trigger_watches, conditions):
        conn.execute(delete(table))
    conn.execute(delete(record_documents).where(record_documents.c.kind == "condition"))
    links = _write_conditions(conn, items)
    if links:
        conn.execute(insert(record_documents), [dict(t) for t in {tuple(sorted(x.items())) for x in links}])


def _with_watches(conn: Connection, items: list[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Condition dumps with their stored trigger watch laid in (``watch``)."""
    ids = [i["id"] for i in items]
    found: dict[str, Any] = {}
    for n in range(0, len(ids), 500):
        query = select(trigger_watches.c.condition_id, trigger_watches.c.data).where(
            trigger_watches.c.condition_id.in_(ids[n:n + 500]))
        found.update({cid: data for cid, data in conn.execute(query)})
    return [{**i, "watch": unpack(found[i["id"]], texts) if i["id"] in found else None} for i in items]


def read_records(conn: Connection, kind: str, texts: dict[str, str], ids: Iterable[str] | None = None) -> list[Any]:
    """Stored records of one kind (``incident``, ``claim``, ``contradiction``, ``agreement``, ``condition``)."""
    table, model = MODELS[kind]
    query = select(table.c.data).order_by(table.c.id)
    if ids is None:
        rows = [data for (data,) in conn.execute(query)]
    else:  # in chunks: PostgreSQL takes at most 65,535 parameters a statement
        wanted = sorted(set(ids))
        rows = [data for i in range(0, len(wanted), 500)
                for (data,) in conn.execute(query.where(table.c.id.in_(wanted[i:i + 500])))]
    if kind == "condition":
        rows = _with_watches(conn, [unpack(d, texts) for d in rows], texts)
        return [model.model_validate(d) for d in rows]
    return [model.model_validate(unpack(data, texts)) for data in rows]


def records_of_document(conn: Connection, doc_id: str, texts: dict[str, str]) -> dict[str, list[Any]]:
    """The verification records that draw on a document, keyed by the output contract's names."""
    out: dict[str, list[Any]] = {}
    for kind, key in KEYS:
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


def load_verification(conn: Connection) -> dict[str, list[Any]]:
    """Every stored verification record: ``incidents, claims, contradictions, agreements, conditions``."""
    texts = all_texts(conn)
    return {key: read_records(conn, kind, texts) for kind, key in KEYS}
