"""Reads and writes of the stored corpus, each a plain function over an engine or connection.

A run is written in one transaction (:func:`write_batch`): either every document, link and
passage of the run is stored, or nothing is, so an interrupted or failed ingest never leaves
a half-written document behind and re-running it is safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, or_, select, update

from truceline.ingestion.types import RawArticle
from truceline.store.records import (
    DayKey,
    apply_event_days,
    apply_prefix_days,
    event_day_counts,
    prefix_day_counts,
    prefix_day_delta,
)
from truceline.store.retry import bump_generation, retrying, write_transaction
from truceline.store.schema import (
    DOC_RECORD_TABLES,
    actors,
    documents,
    duplicates,
    event_actors,
    events,
    outlets,
    passages,
    reuse_links,
    runs,
)
from truceline.store.streaming import drop_passage_bands


def now() -> datetime:
    return datetime.now(UTC)


def start_run(engine: Engine, command: str, inputs: Sequence[str]) -> int:
    def attempt(_n: int) -> int:
        with write_transaction(engine) as conn:
            result = conn.execute(
                insert(runs).values(
                    command=command, inputs=list(inputs), started_at=now(), status="running",
                    added=0, updated=0, unchanged=0, skipped=0, errors=[],
                )
            )  # fmt: skip
            key = result.inserted_primary_key
            if key is None:  # every backend truceline supports reports the new row's id
                raise RuntimeError("the database gave no id for the new run")
            return int(key[0])

    return retrying(attempt, what=f"recording the start of a {command} run")


def finish_run(engine: Engine, run_id: int, status: str, counts: dict[str, int], errors: list[str]) -> None:
    def attempt(_n: int) -> None:
        with write_transaction(engine) as conn:
            conn.execute(
                update(runs).where(runs.c.id == run_id).values(finished_at=now(), status=status, errors=errors, **counts)
            )

    retrying(attempt, what=f"recording the end of run {run_id}")


def existing_ids(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored documents among ``ids`` with the fields that decide 'unchanged' vs 'updated'."""
    ids = list(ids)
    if not ids:
        return {}
    cols = [documents.c.id, documents.c.title, documents.c.author, documents.c.published, documents.c.url,
            documents.c.outlet_id, documents.c.published_source]  # fmt: skip
    out = {}
    for chunk in _chunks(ids):
        for row in conn.execute(select(*cols).where(documents.c.id.in_(chunk))).mappings():
            out[row["id"]] = dict(row)
    return out


def outlet_documents(conn: Connection, outlet_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Stored documents of these outlets: what the repetition rule of cleaning compares against."""
    ids = list(outlet_ids)
    if not ids:
        return []
    cols = [documents.c.id, documents.c.outlet_id, documents.c.title, documents.c.received_text,
            documents.c.clean_text, documents.c.author]  # fmt: skip
    query = select(*cols).where(documents.c.outlet_id.in_(ids)).order_by(documents.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def all_ids(conn: Connection) -> list[str]:
    return [r for (r,) in conn.execute(select(documents.c.id).order_by(documents.c.created_at, documents.c.id))]


def stored_article(conn: Connection, doc_id: str) -> RawArticle:
    """A stored document as the article it was read from, to run it through the stages again."""
    r = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().one()
    outlet = conn.execute(select(outlets.c.name).where(outlets.c.id == r["outlet_id"])).scalar()
    return RawArticle(
        source=r["source"], line=r["source_line"], text=r["received_text"], raw=r["raw"], format=r["format"],
        title=r["title"], author=r["author"], published=r["published"], published_source=r["published_source"],
        url=r["url"], outlet=outlet, extra=dict(r["extra"] or {}),
    )  # fmt: skip


def document_keys(conn: Connection, exclude: set[str]) -> list[tuple[str, str, bytes]]:
    rows = conn.execute(select(documents.c.id, documents.c.content_hash, documents.c.signature).order_by(documents.c.id))
    return [(r.id, r.content_hash, r.signature) for r in rows if r.id not in exclude]


def stored_passages(conn: Connection, exclude: set[str]) -> list[dict[str, Any]]:
    rows = conn.execute(select(passages).order_by(passages.c.id)).mappings()
    return [dict(r) for r in rows if r["doc_id"] not in exclude]


def clean_texts(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(list(ids)):
        rows = conn.execute(select(documents.c.id, documents.c.clean_text).where(documents.c.id.in_(chunk)))
        out.update({r.id: r.clean_text for r in rows})
    return out


def write_batch(
    engine: Engine,
    *,
    outlet_rows: list[dict[str, Any]],
    new_docs: list[dict[str, Any]],
    changed_docs: list[dict[str, Any]],
    passage_rows: list[dict[str, Any]],
    duplicate_rows: list[dict[str, Any]],
    reuse_rows: list[dict[str, Any]],
    record_rows: dict[Table, list[dict[str, Any]]] | None = None,
    after: Callable[[Connection], None] | None = None,
    expect: int | None = None,
) -> None:
    """Store one run's results atomically; links and records of changed documents are replaced.

    ``after`` runs inside the same transaction once the rows are in: the corpus-level
    verification records are rebuilt there, so they can never disagree with the documents.
    The transaction holds the store's write lock and counts one more generation; with
    ``expect`` (the generation the batch was computed at) it raises
    :class:`~truceline.store.retry.StoreMoved` before writing when another writer came first.
    """
    touched = {d["id"] for d in new_docs} | {d["id"] for d in changed_docs}
    record_rows = dict(record_rows or {})  # popped below: the caller's dict stays whole for a retry
    with write_transaction(engine, expect=expect) as conn:
        bump_generation(conn)
        known = {r for (r,) in conn.execute(select(outlets.c.id))}
        fresh = [o for o in outlet_rows if o["id"] not in known]
        if fresh:
            conn.execute(insert(outlets), fresh)
        for doc in changed_docs:
            conn.execute(update(documents).where(documents.c.id == doc["id"]).values(**doc))
        if new_docs:
            conn.execute(insert(documents), new_docs)
        day_delta: Counter[DayKey] = Counter()  # events per (day, plover): the old rows' counts out, the new rows' in
        prefix_delta: Counter[DayKey] = Counter()  # the same per (code prefix, day, plover)
        for chunk in _chunks(list(touched)):
            day_delta.subtract(event_day_counts(conn, chunk))
            prefix_delta.subtract(prefix_day_counts(conn, chunk))
            for table in DOC_RECORD_TABLES:
                conn.execute(delete(table).where(table.c.doc_id.in_(chunk)))
            drop_passage_bands(conn, chunk)  # found through the passages' signatures: before they go
            conn.execute(delete(passages).where(passages.c.doc_id.in_(chunk)))
            conn.execute(delete(duplicates).where(or_(duplicates.c.doc_id.in_(chunk), duplicates.c.other_doc_id.in_(chunk))))
            conn.execute(delete(reuse_links).where(or_(reuse_links.c.doc_id.in_(chunk), reuse_links.c.other_doc.in_(chunk))))
        _insert_new_actors(conn, record_rows.pop(actors, []))
        tables = [(passages, passage_rows), (duplicates, duplicate_rows), (reuse_links, reuse_rows), *record_rows.items()]
        for table, rows in tables:
            if rows:
                conn.execute(insert(table), rows)
        day_delta.update((r["day"], r["plover"]) for r in record_rows.get(events, []) if r.get("day"))
        apply_event_days(conn, day_delta)
        prefix_delta.update(prefix_day_delta(record_rows.get(event_actors, [])))
        apply_prefix_days(conn, prefix_delta)
        if after is not None:
            after(conn)


def _insert_new_actors(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Actors are shared by documents: a record is added once and never clobbered by a later run."""
    fresh = {r["id"]: r for r in rows}
    for chunk in _chunks(list(fresh)):
        for (known,) in conn.execute(select(actors.c.id).where(actors.c.id.in_(chunk))):
            fresh.pop(known, None)
    if fresh:
        conn.execute(insert(actors), list(fresh.values()))


def count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
