"""Analyst review: verdicts and edits on extracted records, kept as an append-only audit trail.

A review row says who (the API token's name), when, which record (``kind`` + ``record_id``),
and either a verdict (``field`` null; ``verdict`` ``correct``, ``wrong``, or null for a note
alone) or an edit of one field (``before`` -> ``after``). Rows are never updated or deleted, and ingest and
reprocess never touch the table: record ids are stable for the same text (events
``<doc>-e<n>``, verification records by hash), so a review made before re-processing the
corpus still finds its record afterwards.

Reviews do not change what the machine extracted: :func:`overlay` lays the latest verdict and
the edited values over records as they are read, and adds a ``review`` member that keeps the
machine value (``review.edited[field].before``) beside the analyst's (``after``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, insert, select

from truceline.model import Agreement, Claim, Commitment, Condition, Contradiction, Event, Incident, Mention, Quote
from truceline.store.repo import clean_texts, now
from truceline.store.schema import commitments, documents, events, mentions, quotes, record_documents, reviews

MODELS: dict[str, type[BaseModel]] = {
    "event": Event, "quote": Quote, "mention": Mention, "incident": Incident, "claim": Claim,
    "contradiction": Contradiction, "agreement": Agreement, "commitment": Commitment, "condition": Condition,
}  # fmt: skip
KINDS = tuple(MODELS)
VERDICTS = ("correct", "wrong")
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
                "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")  # fmt: skip
# Fields an edit may not touch: identity, the evidence spans every record rests on, and structure
# that belongs to another record (an agreement's commitments are reviewed as commitments).
FROZEN = {"id", "evidence", "commitments", "agreement_id"}
# per kind: a condition's watch is recomputed from its fields, never edited; who made it and what it rests on stay
FROZEN_OF = {"condition": {"watch", "source", "event_ids", "doc_ids"}}
RECORD = "record"  # the ``field`` of a review that adds a whole record (an analyst's condition)


class ReviewError(Exception):
    """A review that cannot be stored: ``status`` is the HTTP status (404 unknown record, 422 invalid)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def review_row(r: Any) -> dict:
    """A stored review as the API returns it."""
    return {"id": r["id"], "kind": r["kind"], "record_id": r["record_id"], "verdict": r["verdict"], "field": r["field"],
            "before": r["before"], "after": r["after"], "note": r["note"], "reviewer": r["reviewer"],
            "created_at": _iso(r["created_at"])}  # fmt: skip


# --- finding the machine record -----------------------------------------------------------------


def _doc_text(conn: Connection, doc_id: str) -> str:
    return conn.execute(select(documents.c.clean_text).where(documents.c.id == doc_id)).scalar_one()


def _verification_record(conn: Connection, kind: str, record_id: str) -> BaseModel | None:
    from truceline.store.verification import read_records

    doc_ids = [d for (d,) in conn.execute(select(record_documents.c.doc_id).where(
        record_documents.c.kind == kind, record_documents.c.record_id == record_id))]  # fmt: skip
    found = read_records(conn, kind, clean_texts(conn, doc_ids), [record_id]) if doc_ids else []
    return found[0] if found else None


def find_record(conn: Connection, kind: str, record_id: str) -> BaseModel | None:
    """The machine record ``kind``/``record_id`` as stored now, or None."""
    from truceline.store.records import event_from_row, mention_from_row, quote_from_row

    if kind not in MODELS:
        return None
    readers = {"event": (events, event_from_row), "quote": (quotes, quote_from_row),
               "mention": (mentions, mention_from_row)}  # fmt: skip
    if kind in readers:
        table, build = readers[kind]
        row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
        return build(dict(row), _doc_text(conn, row["doc_id"])) if row else None
    if kind == "commitment":
        agreement_id = conn.execute(select(commitments.c.agreement_id).where(commitments.c.id == record_id)).scalar()
        agreement = _verification_record(conn, "agreement", agreement_id) if agreement_id else None
        return next((c for c in agreement.commitments if c.id == record_id), None) if agreement else None
    return _verification_record(conn, kind, record_id)


# --- writing reviews ----------------------------------------------------------------------------


def _validation_message(kind: str, exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return f"the edit would make an invalid {kind}: " + "; ".join(parts)


def validate_edits(kind: str, current: dict, edits: dict[str, Any]) -> dict[str, Any]:
    """The edited values, normalized by the record's model; :class:`ReviewError` (422) when invalid."""
    model = MODELS[kind]
    frozen = FROZEN | FROZEN_OF.get(kind, set())
    for field in edits:
        if field not in model.model_fields:
            editable = ", ".join(sorted(set(model.model_fields) - frozen))
            raise ReviewError(422, f"{kind} has no field {field!r}; editable fields: {editable}")
        if field in frozen:
            raise ReviewError(422, f"{kind} field {field!r} cannot be edited")
    try:
        rebuilt = model.model_validate({**current, **edits})
    except ValidationError as exc:
        raise ReviewError(422, _validation_message(kind, exc)) from None
    if "plover" in edits and rebuilt.plover not in PLOVER_TYPES:  # type: ignore[attr-defined]
        raise ReviewError(422, f"plover {edits['plover']!r} is not a PLOVER type; use one of {', '.join(PLOVER_TYPES)}")
    dumped = rebuilt.model_dump(mode="json")
    return {field: dumped[field] for field in edits}


def add_review(conn: Connection, kind: str, record_id: str, reviewer: str, *, verdict: str | None = None,
               edits: dict[str, Any] | None = None, note: str | None = None) -> list[dict]:
    """Store one review (a verdict and/or edits and/or a note) of a record; the rows stored, in order.

    A null verdict means "no verdict in this review": the latest verdict given stays in force
    (an analyst changes it by giving the other one). Edits are validated against the record
    with every edit applied; ``before`` of each edit is the value it replaces (the machine
    value, or an earlier edit's).
    """
    if kind not in MODELS:
        raise ReviewError(422, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if verdict is not None and verdict not in VERDICTS:
        raise ReviewError(422, f"verdict must be 'correct', 'wrong' or null, not {verdict!r}")
    edits = edits or {}
    if verdict is None and not edits and not note:
        raise ReviewError(422, "nothing to review: give a verdict, edits or a note")
    record = find_record(conn, kind, record_id)
    if record is None:
        raise ReviewError(404, f"no {kind} with id {record_id!r}")
    current = overlay(conn, kind, [record.model_dump(mode="json")])[0]
    current.pop("review", None)
    if kind == "agreement":  # nested commitments carry their own reviews; validate against the machine ones
        current["commitments"] = record.model_dump(mode="json")["commitments"]
    values = validate_edits(kind, current, edits)
    stamp = now()
    base = {"kind": kind, "record_id": record_id, "reviewer": reviewer, "note": note, "created_at": stamp}
    rows: list[dict] = []
    if verdict is not None or not edits:
        rows.append({**base, "verdict": verdict, "field": None, "before": None, "after": None})
    for field, after in values.items():
        rows.append({**base, "verdict": None, "field": field, "before": current.get(field), "after": after})
    stored = []
    for row in rows:
        new_id = conn.execute(insert(reviews).values(**row)).inserted_primary_key[0]
        stored.append(review_row({**row, "id": new_id}))
    if kind == "condition" and values:
        rewatch(conn)  # the watch follows the analyst's reading of the condition
    return stored


# --- analysts' conditions -----------------------------------------------------------------------


def add_condition(conn: Connection, record: dict[str, Any], reviewer: str, note: str | None = None) -> dict:
    """Store a condition an analyst reads in a document, then watch it; returns the review row.

    ``record`` has the :class:`~truceline.model.Condition` fields but ``id``, ``source``,
    ``watch`` (made here), and ``evidence`` as ``[{"doc_id", "start", "end"}]``: each span is cut
    from the stored document's text, so it always says what the document says.
    """
    from truceline.model import Evidence, make_span
    from truceline.verify.common import stable_id

    spans = record.get("evidence") or []
    if not isinstance(spans, list) or not spans:
        raise ReviewError(422, "a condition needs evidence: [{doc_id, start, end}] of the sentence it rests on")
    evidence = []
    for n, sp in enumerate(spans):
        if not isinstance(sp, dict) or not {"doc_id", "start", "end"} <= set(sp):
            raise ReviewError(422, f"evidence[{n}] must be an object with doc_id, start and end")
        text = conn.execute(select(documents.c.clean_text).where(documents.c.id == str(sp["doc_id"]))).scalar()
        if text is None:
            raise ReviewError(404, f"evidence[{n}]: no document {sp['doc_id']!r}")
        try:
            evidence.append(Evidence(span=make_span(str(sp["doc_id"]), text, int(sp["start"]), int(sp["end"])),
                                     role="condition", note=f"added by {reviewer}"))
        except (TypeError, ValueError) as exc:
            raise ReviewError(422, f"evidence[{n}]: {exc}") from None
    body = {k: v for k, v in record.items() if k not in {"id", "source", "watch", "evidence", "doc_ids"}}
    key = stable_id("cnd-a", json_key(body), *(f"{e.span.doc_id}:{e.span.start}" for e in evidence))
    try:
        condition = Condition.model_validate({**body, "id": key, "source": "analyst", "evidence": evidence,
                                              "doc_ids": sorted({e.span.doc_id for e in evidence})})
    except ValidationError as exc:
        raise ReviewError(422, _validation_message("condition", exc)) from None
    row = {"kind": "condition", "record_id": condition.id, "reviewer": reviewer, "note": note, "created_at": now(),
           "verdict": None, "field": RECORD, "before": None, "after": condition.model_dump(mode="json")}
    new_id = conn.execute(insert(reviews).values(**row)).inserted_primary_key[0]
    rewatch(conn)
    return review_row({**row, "id": new_id})


def json_key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def condition_reviews(conn: Connection) -> dict[str, Any]:
    """What verification needs from the trail: analysts' added conditions and their edits of any condition."""
    added: dict[str, Condition] = {}
    edits: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in conn.execute(select(reviews).where(reviews.c.kind == "condition").order_by(reviews.c.id)).mappings():
        if r["field"] == RECORD and r["after"]:
            added[r["record_id"]] = Condition.model_validate(r["after"])
        elif r["field"]:
            edits[r["record_id"]][r["field"]] = r["after"]
    return {"added": list(added.values()), "edits": dict(edits)}


def rewatch(conn: Connection) -> None:
    """Recompute the conditions and their trigger watches over the stored records (after a condition review)."""
    import truceline.verify.conditions  # noqa: F401  (registers the step)
    from truceline.pipeline import verification_corpus
    from truceline.store.verification import load_verification, write_conditions
    from truceline.verify import STEPS, Verification

    stored = load_verification(conn)
    result = Verification(incidents=stored["incidents"], claims=stored["claims"],
                          contradictions=stored["contradictions"], agreements=stored["agreements"])
    result.incident_of = {e: i.id for i in result.incidents for e in i.event_ids}
    STEPS["conditions"](verification_corpus(conn), result)
    write_conditions(conn, result.conditions)


def history(conn: Connection, kind: str | None = None, record_id: str | None = None) -> list[dict]:
    """The audit trail, newest first, optionally of one kind and/or one record."""
    query = select(reviews)
    if kind:
        query = query.where(reviews.c.kind == kind)
    if record_id:
        query = query.where(reviews.c.record_id == record_id)
    return [review_row(r) for r in conn.execute(query.order_by(reviews.c.id.desc())).mappings()]


# --- reading: reviews over records --------------------------------------------------------------


def _reviews_of(conn: Connection, kind: str, ids: list[str]) -> dict[str, list[dict]]:
    query = select(reviews).where(reviews.c.kind == kind)
    if len(ids) <= 500:
        query = query.where(reviews.c.record_id.in_(ids))
    out: dict[str, list[dict]] = defaultdict(list)
    wanted = set(ids)
    for r in conn.execute(query.order_by(reviews.c.id)).mappings():
        if r["record_id"] in wanted:
            out[r["record_id"]].append(dict(r))
    return out


def _lay(item: dict, rows: list[dict]) -> None:
    verdict = None
    note = None
    edited: dict[str, dict] = {}
    for r in rows:  # oldest first: later rows win
        if r["field"] is None and r["verdict"] is not None:
            verdict = r["verdict"]
        elif r["field"] in item:
            edited.setdefault(r["field"], {"before": item[r["field"]]})["after"] = r["after"]
        if r["note"]:
            note = r["note"]
    for field, change in edited.items():
        item[field] = change["after"]
    last = rows[-1]
    item["review"] = {"verdict": verdict, "edited": edited, "by": last["reviewer"], "at": _iso(last["created_at"]),
                      "history_count": len(rows), "note": note}  # fmt: skip


def overlay(conn: Connection, kind: str, items: list[dict]) -> list[dict]:
    """Lay stored reviews over records of ``kind`` (dicts, as the API returns them), in place.

    A reviewed record gets its edited field values and a ``review`` member: ``verdict`` (the
    latest), ``edited`` ({field: {before: machine value, after: analyst value}}), ``by`` and
    ``at`` (the latest review), ``history_count`` (rows in its audit trail) and ``note`` (the
    latest note). An agreement's commitments are overlaid as commitments.
    """
    if kind not in MODELS or not items:
        return items
    ids = [i["id"] for i in items if isinstance(i, dict) and "id" in i]
    found = _reviews_of(conn, kind, ids) if ids else {}
    for item in items:
        rows = found.get(item.get("id")) if isinstance(item, dict) else None
        if rows:
            _lay(item, rows)
    if kind == "agreement":
        for item in items:
            if isinstance(item, dict) and item.get("commitments"):
                overlay(conn, "commitment", item["commitments"])
    return items
