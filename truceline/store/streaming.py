"""What a streaming ingest needs of the store: LSH band indexes and small state flags.

A batch is compared with the stored corpus through these indexes: the stored passages that
share a one-row MinHash band (or the normalized hash) with a new passage, and the stored
documents that share a duplicate-LSH band (or the content hash) with a new document. Nothing
loads every stored signature, so a batch costs about the same whatever the size of the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from truceline.store.schema import document_bands, documents, passage_bands, passages, store_state

IN_CHUNK = 2000  # values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
STALE = "verification_stale"


MANY_CHUNK = 20_000  # values per :func:`one_of` array parameter: bounds a query's memory, not its parameters


def _chunks(items: list[Any], size: int = IN_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def one_of(conn: Connection, column: Column[Any], values: list[Any]) -> ColumnElement[bool]:
    """``column IN values`` with the values bound as *one* parameter (a JSON array on SQLite, a
    PostgreSQL array), for the long lists a batch asks about (~90,000 band keys).

    Why: ``column.in_(values)`` binds one parameter per value, and SQLAlchemy compiles and
    processes each one in Python, several microseconds a value: more than the index lookups.
    """
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(values))))


def write_bands(conn: Connection, doc_ids: Iterable[str]) -> None:
    """Write the band rows of these documents from their stored passages and signature.

    Their old passage bands must be gone already (:func:`drop_passage_bands`, run before the
    old passages are deleted: the rows carry no document, so they are found by their keys);
    their document bands are replaced here.
    """
    for chunk in _chunks(sorted(set(doc_ids)), 500):
        stored = conn.execute(select(passages.c.id, passages.c.signature)
                              .where(passages.c.doc_id.in_(chunk))).all()  # fmt: skip
        bulk_insert(conn, passage_bands, ("key", "passage_id"), passage_band_rows(stored))
        write_document_bands(conn, chunk)


def write_document_bands(conn: Connection, doc_ids: list[str]) -> None:
    """Replace the ``document_bands`` rows of these documents from their stored signature."""
    from truceline.ingestion.dedup import doc_band_keys

    for chunk in _chunks(sorted(set(doc_ids)), 500):
        conn.execute(delete(document_bands).where(document_bands.c.doc_id.in_(chunk)))
        drows = sorted((k, r.id)
                       for r in conn.execute(select(documents.c.id, documents.c.signature).where(documents.c.id.in_(chunk)))
                       for k in _safe_keys(doc_band_keys, r.signature))  # fmt: skip
        bulk_insert(conn, document_bands, ("key", "doc_id"), drows)


def _safe_keys(keys_of: Callable[[bytes], Iterable[int]], signature: bytes) -> list[int]:
    try:
        return list(dict.fromkeys(keys_of(signature)))
    except ValueError:  # not a current signature (an old store's): it joins no band until recomputed
        return []


def drop_passage_bands(conn: Connection, doc_ids: list[str]) -> None:
    """Delete the ``passage_bands`` rows of these documents' stored passages, by primary key.

    Called before the passages themselves are deleted or replaced: each passage's rows are the
    band keys of its stored signature (that is what :func:`write_bands` wrote, and what
    ``truceline check`` verifies), so they are found through the table's own key instead of
    a second index that every insert would have to maintain.
    """
    for chunk in _chunks(sorted(set(doc_ids)), 500):
        stored = conn.execute(select(passages.c.id, passages.c.signature)
                              .where(passages.c.doc_id.in_(chunk))).all()  # fmt: skip
        rows = [{"k": k, "p": p} for k, p in passage_band_rows(stored)]
        if rows:
            conn.execute(delete(passage_bands).where(passage_bands.c.key == bindparam("k"),
                                                     passage_bands.c.passage_id == bindparam("p")), rows)  # fmt: skip


def passage_band_rows(stored: Iterable[Any]) -> list[tuple[int, int]]:
    """``(key, passage id)`` for every one-row band of the passages ``stored`` (rows with ``id``
    and ``signature``), sorted: what ``passage_bands`` holds for them."""
    stored = list(stored)
    keys, owner = band_matrix([r.signature for r in stored])
    if not len(keys):
        return []
    pid = np.asarray([r.id for r in stored], dtype=np.int64)[owner]
    order = np.lexsort((pid, keys))  # by key, then passage id
    return list(zip(keys[order].tolist(), pid[order].tolist(), strict=True))


def band_matrix(signatures: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`~truceline.ingestion.reuse.band_keys` of many passage signatures at once, and for
    each key the index of its signature.

    Built with numpy for a whole batch (some 90,000 keys) rather than a list per passage. One
    passage never repeats a key, as each carries its position. A signature that is not a current
    one (an old store's) joins no band until it is recomputed, nor does an empty set's.
    """
    from truceline.ingestion.dedup import sketch_values

    index, values = [], []
    for i, signature in enumerate(signatures):
        try:
            size, vals = sketch_values(signature)
        except ValueError:
            continue
        if size:
            index.append(i)
            values.append(vals)
    keys_parts, owner_parts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for width in sorted({len(v) for v in values}):  # one width in practice (NUM_PERM)
        rows = [k for k, v in enumerate(values) if len(v) == width]
        block = (np.arange(width, dtype=np.int64) << 32) | np.stack([values[k] for k in rows]).astype(np.int64)
        keys_parts.append(block.ravel())
        owner_parts.append(np.repeat(np.asarray([index[k] for k in rows], dtype=np.int64), width))
    return np.concatenate(keys_parts), np.concatenate(owner_parts)


def bulk_insert(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain tuples through the driver's ``executemany``.

    The band tables take about 60 rows per passage, thousands per batch: SQLAlchemy's per-row
    parameter processing costs more than SQLite's own inserts there, and these columns (integers,
    short strings) need none of it. Rows sorted by key also keep the B-tree inserts local.
    """
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    # the names come from the schema and are quoted; every value is bound
    names = ", ".join(quote(c) for c in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([mark] * len(columns))})"  # nosec B608
    conn.exec_driver_sql(sql, rows)


def candidate_passages(conn: Connection, new: list[Any], exclude: set[str]) -> list[dict[str, Any]]:
    """Stored passages (of documents not in ``exclude``) that share a band key or hash with ``new``.

    Band keys held by more than :data:`~truceline.ingestion.reuse.MAX_POSTINGS` stored passages
    (common phrases) are skipped, so a batch's candidates do not grow with the store.
    """
    from truceline.ingestion.reuse import MAX_POSTINGS

    keys = np.unique(band_matrix([p.signature for p in new])[0]).tolist()  # sorted, each once
    ids: set[int] = set()
    for chunk in _chunks(keys, MANY_CHUNK):
        sizes = conn.execute(select(passage_bands.c.key, func.count()).where(one_of(conn, passage_bands.c.key, chunk))
                             .group_by(passage_bands.c.key))  # fmt: skip
        rare = [k for k, n in sizes if n <= MAX_POSTINGS]
        if rare:
            got = conn.execute(select(passage_bands.c.passage_id).where(one_of(conn, passage_bands.c.key, rare)))
            ids.update(r for (r,) in got)
    hashes = sorted({p.norm_hash for p in new})
    for chunk in _chunks(hashes, MANY_CHUNK):
        ids.update(r for (r,) in conn.execute(select(passages.c.id).where(one_of(conn, passages.c.norm_hash, chunk))))
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(ids), MANY_CHUNK):
        out.extend(dict(r) for r in conn.execute(select(passages).where(one_of(conn, passages.c.id, chunk))).mappings()
                   if r["doc_id"] not in exclude)  # fmt: skip
    out.sort(key=lambda r: r["id"])
    return out


def candidate_documents(conn: Connection, new: list[Any], exclude: set[str]) -> list[tuple[str, str, bytes]]:
    """(id, content hash, signature) of stored documents that share a band or the content hash with ``new``."""
    from truceline.ingestion.dedup import doc_band_keys

    keys = sorted({k for d in new for k in doc_band_keys(d.signature)})
    ids: set[str] = set()
    for chunk in _chunks(keys, MANY_CHUNK):
        ids.update(r for (r,) in conn.execute(select(document_bands.c.doc_id).where(one_of(conn, document_bands.c.key, chunk))))
    hashes = sorted({d.content_hash for d in new})
    for chunk in _chunks(hashes):
        ids.update(r for (r,) in conn.execute(select(documents.c.id).where(documents.c.content_hash.in_(chunk))))
    ids -= exclude
    out: list[tuple[str, str, bytes]] = []
    for chunk in _chunks(sorted(ids)):
        rows = conn.execute(select(documents.c.id, documents.c.content_hash, documents.c.signature)
                            .where(documents.c.id.in_(chunk)))  # fmt: skip
        out.extend((r.id, r.content_hash, r.signature) for r in rows)
    return sorted(out)


def get_state(conn: Connection, key: str) -> str | None:
    return conn.execute(select(store_state.c.value).where(store_state.c.key == key)).scalar()


def set_state(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(store_state).where(store_state.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(store_state).values(key=key, value=value))


def kept_rows(conn: Connection, ids: list[str], recomputed: set[str]) -> dict[str, list[dict[str, Any]]]:
    """What a re-read document keeps as stored: its row, passages, and the links and duplicate
    pairs with documents this batch does not recompute (a batch write replaces all of them)."""
    from sqlalchemy import or_

    from truceline.store.schema import duplicates, reuse_links

    out: dict[str, list[dict[str, Any]]] = {"documents": [], "passages": [], "reuse": [], "duplicates": []}
    for chunk in _chunks(sorted(ids), 500):
        out["documents"] += [dict(r) for r in conn.execute(select(documents).where(documents.c.id.in_(chunk))).mappings()]
        out["passages"] += [{k: v for k, v in r.items() if k != "id"}
                            for r in conn.execute(select(passages).where(passages.c.doc_id.in_(chunk))
                                                  .order_by(passages.c.id)).mappings()]  # fmt: skip
        for r in conn.execute(select(reuse_links).where(or_(reuse_links.c.doc_id.in_(chunk),
                                                            reuse_links.c.other_doc.in_(chunk)))).mappings():  # fmt: skip
            if r["doc_id"] not in recomputed and r["other_doc"] not in recomputed:
                out["reuse"].append({k: v for k, v in r.items() if k != "id"})
        for r in conn.execute(select(duplicates).where(or_(duplicates.c.doc_id.in_(chunk),
                                                           duplicates.c.other_doc_id.in_(chunk)))).mappings():  # fmt: skip
            if r["doc_id"] not in recomputed and r["other_doc_id"] not in recomputed:
                out["duplicates"].append(dict(r))
    return out
