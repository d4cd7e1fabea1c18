"""What a consistent store is, checked: :func:`check_store` lists every problem found (none = consistent).

A batch is written in one transaction and verification is rebuilt in another, so whatever stops
a run (a crash, ``kill -9``, a full disk) must leave a store that passes every check here; the
crash trials (``bench/crash_trials.py``) and the concurrency tests run it after every kill. The
checks are derived from the schema where the schema says enough:

- ``required``: no NULL in a column the schema declares NOT NULL.
- ``references``: every declared foreign key, and the references the schema leaves undeclared
  (:data:`IMPLICIT_REFERENCES`: a ``doc_id``, ``passage_id``, ``event_id``, ``place_id`` column
  without a key), point at a row; a child and its parent that both have a ``doc_id`` agree on it.
- ``documents``: the id is the hash of the received text (how ids are made), the content hash
  is that of the clean text, ``is_english`` follows ``language``. (Not run ids or timestamps in
  order: a run that started earlier may update a document a concurrent, later run created.)
- ``offsets``: every span (``start``/``end``, ``X_start``/``X_end``, JSON ``spans`` lists) lies
  inside its document's clean text.
- ``reading``: only documents in a read language have reading rows; each event's derived
  columns (``day``, the place's coordinates) and its ``event_actors`` rows are what the write
  side derives from it.
- ``aggregates``: ``event_days`` and ``event_prefix_days`` equal the counts of the rows they
  aggregate; the LSH band rows are the bands of the stored signatures.
- ``runs``: statuses, finish times and counts agree with each other and with the documents.
- ``verification``: spans inside the records (any JSON ``data`` column) point into stored documents,
  ``record_documents`` lists every document a record cites, and ``verification_stale`` is set unless the
  records were built from the documents as they are (the generation they were built at).

The schema keeps no per-document "was read" mark, so a document whose reading produced no
records cannot be told from one whose records are missing; the atomic batch write is what
guarantees they are not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Column, Connection, Engine, Table, func, inspect, select

from truceline.store import retry
from truceline.store.schema import (
    DOC_RECORD_TABLES,
    document_bands,
    documents,
    event_actors,
    event_days,
    event_prefix_days,
    events,
    metadata,
    passage_bands,
    passages,
    places,
    record_documents,
    runs,
)
from truceline.store.streaming import STALE, get_state
from truceline.store.verification import MODELS

Check = Callable[[Connection], Iterator[str]]
CHECKS: dict[str, Check] = {}
LIMIT = 5  # offending ids quoted per problem

# columns that refer to another table's row without a declared foreign key (the band tables and
# event_actors are write-side indexes kept without keys so bulk replaces stay cheap)
IMPLICIT_REFERENCES: dict[str, Column[Any]] = {
    "doc_id": documents.c.id,
    "passage_id": passages.c.id,
    "event_id": events.c.id,
    "place_id": places.c.id,
}
RECORD_TABLES: dict[str, Table] = {kind: table for kind, (table, _model) in MODELS.items()}  # record_documents kinds
RUN_STATUSES = {"running", "done", "failed"}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name`` (run in registration order)."""

    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def check_store(engine: Engine) -> list[str]:
    """Every inconsistency found in the store, each a sentence naming the check, table and rows.

    A database without any truceline table (a fresh one, or one whose first migration was
    interrupted and rolled back) holds nothing and is consistent; one at another schema revision
    is reported as such without the other checks, which are written against the current schema.
    """
    problems: list[str] = []
    with _snapshot(engine) as conn:
        schema = _schema(conn)
        if schema is not None:
            return [f"schema: {schema}"] if schema else []
        for name, fn in CHECKS.items():
            problems += [f"{name}: {p}" for p in fn(conn)]
    return problems


def _schema(conn: Connection) -> str | None:
    """None when the store is at the current schema, "" when it has no tables, else what is wrong."""
    from alembic.runtime.migration import MigrationContext

    from truceline.store.engine import head_revision

    tables = set(inspect(conn).get_table_names())
    ours = {t.name for t in metadata.sorted_tables}
    if not tables & ours:
        return ""
    revision, head = MigrationContext.configure(conn).get_current_revision(), head_revision()
    if revision is None:
        return f"tables {sorted(tables & ours)[:LIMIT]} but no schema revision: a migration was cut short"
    if revision != head:
        return f"schema revision {revision}, not {head}: open the store with truceline to upgrade it"
    missing = sorted(ours - tables)
    return f"tables missing at revision {revision}: {missing}" if missing else None


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction for every check, so a concurrent writer cannot make rows disagree."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # pysqlite would run each SELECT in a snapshot of its own
        try:
            yield conn
        finally:
            conn.rollback()


def _some(values: list[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:LIMIT])
    return shown + (f" and {len(values) - LIMIT} more" if len(values) > LIMIT else "")


def _doc_lengths(conn: Connection) -> dict[str, int]:
    """Length of every stored clean text, by document id (Python characters, as offsets count)."""
    return {r.id: len(r.clean_text) for r in conn.execute(select(documents.c.id, documents.c.clean_text))}


# --- the rows themselves --------------------------------------------------------------------------


@check("required")
def required_columns(conn: Connection) -> Iterator[str]:
    for table in metadata.sorted_tables:
        for col in table.columns:
            if col.nullable or col.primary_key:
                continue
            n = conn.execute(select(func.count()).select_from(table).where(col.is_(None))).scalar_one()
            if n:
                yield f"{table.name}.{col.name} is NULL in {n} rows"


def _references() -> Iterator[tuple[Column[Any], Column[Any]]]:
    """(child column, parent column) for every declared and implicit reference of the schema."""
    for table in metadata.sorted_tables:
        for col in table.columns:
            if col.foreign_keys:
                for fk in col.foreign_keys:
                    yield col, fk.column
            elif col.name in IMPLICIT_REFERENCES and IMPLICIT_REFERENCES[col.name].table is not table:
                yield col, IMPLICIT_REFERENCES[col.name]


@check("references")
def references(conn: Connection) -> Iterator[str]:
    for child, parent in _references():
        table = child.table
        assert isinstance(table, Table)
        parent_table = parent.table
        assert isinstance(parent_table, Table)
        missing = (select(child).where(child.is_not(None), ~select(parent).where(parent == child).exists())
                   .distinct().order_by(child))  # fmt: skip
        orphans = list(conn.execute(missing).scalars())
        if orphans:
            yield (f"{table.name}.{child.name} refers to {len(orphans)} missing {parent_table.name} rows "
                   f"({_some(orphans)})")  # fmt: skip
        if "doc_id" in table.c and "doc_id" in parent_table.c and parent_table is not documents:
            other = parent_table.alias("parent")
            wrong = conn.execute(select(child).join(other, other.c[parent.name] == child)
                                 .where(other.c.doc_id != table.c.doc_id).distinct().order_by(child)).scalars().all()  # fmt: skip
            if wrong:
                yield f"{table.name}.{child.name} points at {parent_table.name} rows of another document ({_some(list(wrong))})"
    rd = record_documents
    for kind, table in RECORD_TABLES.items():
        dangling = conn.execute(select(rd.c.record_id).where(rd.c.kind == kind,
                                                             ~select(table.c.id).where(table.c.id == rd.c.record_id).exists())
                                .distinct().order_by(rd.c.record_id)).scalars().all()  # fmt: skip
        if dangling:
            yield f"record_documents lists {len(dangling)} missing {table.name} ({_some(list(dangling))})"
    unknown = conn.execute(select(rd.c.kind).where(rd.c.kind.not_in(list(RECORD_TABLES))).distinct()).scalars().all()
    if unknown:
        yield f"record_documents has unknown kinds {sorted(unknown)}"


@check("documents")
def document_rows(conn: Connection) -> Iterator[str]:
    from truceline.ingestion.dedup import content_hash
    from truceline.ingestion.stages import document_id

    bad: dict[str, list[str]] = {"id is not the hash of its received text": [],
                                 "content_hash is not the hash of its clean text": [],
                                 "is_english disagrees with language": []}  # fmt: skip
    cols = (documents.c.id, documents.c.received_text, documents.c.clean_text, documents.c.content_hash,
            documents.c.language, documents.c.is_english)  # fmt: skip
    for r in conn.execute(select(*cols).order_by(documents.c.id)):
        if document_id(r.received_text) != r.id:
            bad["id is not the hash of its received text"].append(r.id)
        if content_hash(r.clean_text) != r.content_hash:
            bad["content_hash is not the hash of its clean text"].append(r.id)
        if bool(r.is_english) != (r.language == "en"):
            bad["is_english disagrees with language"].append(r.id)
    for what, ids in bad.items():
        if ids:
            yield f"{len(ids)} documents: {what} ({_some(ids)})"


# --- spans ---------------------------------------------------------------------------------------


def _offset_pairs(table: Table) -> Iterator[tuple[str, str, str]]:
    """(document column, start column, end column) of every offset pair in ``table``."""
    for col in table.columns:
        if not col.name.endswith("start"):
            continue
        prefix = col.name[: -len("start")]
        if prefix + "end" not in table.c:
            continue
        doc = prefix + "doc" if prefix + "doc" in table.c else "doc_id"
        if doc in table.c:
            yield doc, col.name, prefix + "end"


@check("offsets")
def offsets(conn: Connection) -> Iterator[str]:
    lengths = _doc_lengths(conn)
    for table in metadata.sorted_tables:
        key = next(iter(table.primary_key.columns))
        pairs = list(_offset_pairs(table))
        spans = "spans" in table.c and "doc_id" in table.c
        if not pairs and not spans:
            continue
        cols = {key.name, *(c for p in pairs for c in p), *(("doc_id", "spans") if spans else ())}
        outside: list[Any] = []
        for r in conn.execute(select(*(table.c[c] for c in sorted(cols)))).mappings():
            found = [(r[d], r[s], r[e]) for d, s, e in pairs if r[s] is not None or r[e] is not None]
            if spans:
                found += [(r["doc_id"], *span) for span in (r["spans"] or [])]
            if any(not _inside(lengths, d, s, e) for d, s, e in found):
                outside.append(r[key.name])
        if outside:
            yield f"{table.name}: {len(outside)} rows with a span outside their document's clean text ({_some(outside)})"


def _inside(lengths: dict[str, int], doc: Any, start: Any, end: Any) -> bool:
    n = lengths.get(doc)
    return n is not None and isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n


# --- reading --------------------------------------------------------------------------------------


@check("reading")
def reading(conn: Connection) -> Iterator[str]:
    from truceline.nlp.stage import READ_LANGUAGES
    from truceline.store.records import day_of, event_actor_rows

    unread = select(documents.c.id).where(documents.c.language.not_in(sorted(READ_LANGUAGES)))
    for table in DOC_RECORD_TABLES:
        n = conn.execute(select(func.count()).select_from(table).where(table.c.doc_id.in_(unread))).scalar_one()
        if n:
            yield f"{table.name}: {n} rows of documents in a language that is not read"
    coords = {r.id: (r.lat, r.lon) for r in conn.execute(select(places.c.id, places.c.lat, places.c.lon))}
    stored: dict[str, Counter[tuple[Any, ...]]] = {}
    fields = ("event_id", "doc_id", "role", "code", "actor_id", "plover", "date", "day", "first3")
    for r in conn.execute(select(*(event_actors.c[f] for f in fields))):
        stored.setdefault(r.event_id, Counter())[tuple(bool(v) if f == "first3" else v for f, v in zip(fields, r, strict=True))] += 1
    wrong_day: list[str] = []
    wrong_place: list[str] = []
    wrong_actors: list[str] = []
    seen: set[str] = set()
    for ev in conn.execute(select(events).order_by(events.c.id)).mappings():
        e: dict[str, Any] = dict(ev)
        seen.add(e["id"])
        if e["day"] != day_of(e["date"]):
            wrong_day.append(e["id"])
        want = coords.get(e["place_id"], (None, None)) if e["place_id"] else (None, None)
        if (e["place_lat"], e["place_lon"]) != want:
            wrong_place.append(e["id"])
        expected = Counter(tuple(row[f] for f in fields) for row in event_actor_rows(e))
        if stored.get(e["id"], Counter()) != expected:
            wrong_actors.append(e["id"])
    if wrong_day:
        yield f"events: {len(wrong_day)} rows whose day is not their date's ({_some(wrong_day)})"
    if wrong_place:
        yield f"events: {len(wrong_place)} rows whose coordinates are not their place's ({_some(wrong_place)})"
    if wrong_actors:
        yield f"event_actors: the rows of {len(wrong_actors)} events are not their source and target actors ({_some(wrong_actors)})"
    extra = sorted(set(stored) - seen)
    if extra:
        yield f"event_actors: rows for {len(extra)} events that are not stored ({_some(extra)})"


# --- aggregates and indexes -----------------------------------------------------------------------


def _compare_counts(name: str, stored: dict[tuple[Any, ...], int], actual: dict[tuple[Any, ...], int]) -> Iterator[str]:
    wrong = sorted((k for k in set(stored) | set(actual) if stored.get(k, 0) != actual.get(k, 0)), key=str)
    if wrong:
        shown = _some([f"{k}: {stored.get(k, 0)} stored, {actual.get(k, 0)} counted" for k in wrong])
        yield f"{name}: {len(wrong)} counts disagree with the rows they count ({shown})"


@check("aggregates")
def aggregates(conn: Connection) -> Iterator[str]:
    days = {(r.day, r.plover): r.events for r in conn.execute(select(event_days))}
    counted = {(d, p): n for d, p, n in conn.execute(
        select(events.c.day, events.c.plover, func.count()).where(events.c.day.is_not(None))
        .group_by(events.c.day, events.c.plover))}  # fmt: skip
    yield from _compare_counts("event_days", days, counted)
    t = event_actors
    prefix = func.substr(t.c.code, 1, 3)
    prefixes = {(r.prefix, r.day, r.plover): r.events for r in conn.execute(select(event_prefix_days))}
    counted3: dict[tuple[Any, ...], int] = {(x, d, p): n for x, d, p, n in conn.execute(
        select(prefix, t.c.day, t.c.plover, func.count())
        .where(t.c.first3.is_(True), t.c.day.is_not(None), t.c.code.is_not(None))
        .group_by(prefix, t.c.day, t.c.plover))}  # fmt: skip
    yield from _compare_counts("event_prefix_days", prefixes, counted3)


def _band_set(keys_of: Callable[[bytes], list[int]], signature: bytes) -> set[int]:
    try:
        return set(keys_of(signature))
    except ValueError:  # not a current signature (an old store's): it has no bands, as write_bands does
        return set()


def _wrong_bands(conn: Connection, bands_table: Table, owner: Column[Any], owners: Table,
                 keys_of: Callable[[bytes], list[int]]) -> list[Any]:
    """Ids of the ``owners`` rows (passages or documents) whose stored band keys are not those of their signature."""
    stored: dict[Any, set[int]] = {}
    for key, oid in conn.execute(select(bands_table.c.key, owner)):
        stored.setdefault(oid, set()).add(key)
    return [r.id for r in conn.execute(select(owners.c.id, owners.c.signature).order_by(owners.c.id))
            if stored.pop(r.id, set()) != _band_set(keys_of, r.signature)]  # fmt: skip


@check("bands")
def bands(conn: Connection) -> Iterator[str]:
    from truceline.ingestion.dedup import doc_band_keys
    from truceline.ingestion.reuse import band_keys

    if wrong := _wrong_bands(conn, passage_bands, passage_bands.c.passage_id, passages, band_keys):
        yield f"passage_bands: the bands of {len(wrong)} passages are not those of their signature ({_some(wrong)})"
    if dwrong := _wrong_bands(conn, document_bands, document_bands.c.doc_id, documents, doc_band_keys):
        yield f"document_bands: the bands of {len(dwrong)} documents are not those of their signature ({_some(dwrong)})"


# --- runs -----------------------------------------------------------------------------------------


@check("runs")
def run_rows(conn: Connection) -> Iterator[str]:
    created: dict[int, int] = dict(conn.execute(select(documents.c.run_id, func.count()).group_by(documents.c.run_id)).all())
    touched: dict[int, int] = dict(conn.execute(select(documents.c.updated_run_id, func.count())
                                .where(documents.c.updated_run_id != documents.c.run_id)
                                .group_by(documents.c.updated_run_id)).all())  # fmt: skip
    for r in conn.execute(select(runs).order_by(runs.c.id)).mappings():
        rid, status = r["id"], r["status"]
        if status not in RUN_STATUSES:
            yield f"run {rid}: unknown status {status!r}"
        if (status == "running") != (r["finished_at"] is None):
            yield f"run {rid}: status {status!r} but finished_at {r['finished_at']}"
        if r["finished_at"] is not None and r["finished_at"] < r["started_at"]:
            yield f"run {rid}: finished before it started"
        if any(r[k] < 0 for k in ("added", "updated", "unchanged", "skipped")):
            yield f"run {rid}: negative counts"
        if not isinstance(r["errors"], list):
            yield f"run {rid}: errors is not a list"
        stored = created.get(rid, 0)
        if status == "running" and r["added"]:
            yield f"run {rid}: still running but has counts"
        elif status == "done" and r["added"] != stored:
            yield f"run {rid}: says it added {r['added']} documents, {stored} are stored from it"
        elif status == "failed" and r["added"] < stored:
            yield f"run {rid}: failed saying it added {r['added']} documents, {stored} are stored from it"
        if status != "running" and r["updated"] < touched.get(rid, 0):
            yield f"run {rid}: says it updated {r['updated']} documents, {touched[rid]} were last updated by it"


# --- verification ---------------------------------------------------------------------------------


def _spans(value: Any) -> Iterator[list[Any]]:
    """Every packed span (``{"span": [doc_id, start, end]}``) in a stored record."""
    if isinstance(value, dict):
        if set(value) == {"span"} and isinstance(value["span"], list):
            yield value["span"]
        else:
            for v in value.values():
                yield from _spans(v)
    elif isinstance(value, list):
        for v in value:
            yield from _spans(v)


@check("verification")
def verification(conn: Connection) -> Iterator[str]:
    stale = get_state(conn, STALE)
    if stale not in (None, "0", "1"):
        yield f"store_state {STALE} is {stale!r}, not 0 or 1"
    at, built = retry.generation(conn), retry.verified_generation(conn)
    if stale == "0" and built is not None and built != at:
        yield (f"{STALE} is 0 but the records were built at generation {built} and the documents are at {at}: "
               "verification is behind the documents without saying so")  # fmt: skip
    if stale == "0" and built is None and at > 0:
        yield f"{STALE} is 0 but no build of the records is recorded since the documents changed (generation {at})"
    lengths = _doc_lengths(conn)
    listed: dict[tuple[str, str], set[str]] = {}
    for kind, rid, doc in conn.execute(select(record_documents.c.kind, record_documents.c.record_id,
                                              record_documents.c.doc_id)):  # fmt: skip
        listed.setdefault((kind, rid), set()).add(doc)
    kinds = {table.name: kind for kind, table in RECORD_TABLES.items()}
    for table in metadata.sorted_tables:
        if "data" not in table.c or not isinstance(table.c.data.type, JSON):
            continue
        outside: list[str] = []
        unlisted: list[str] = []
        key = next(iter(table.primary_key.columns))
        for rid, data in conn.execute(select(key, table.c.data).order_by(key)):
            spans = list(_spans(data))
            if any(len(s) != 3 or not _inside(lengths, *s) for s in spans):
                outside.append(rid)
            kind = kinds.get(table.name)
            if kind is not None and not {s[0] for s in spans if s} <= listed.get((kind, rid), set()):
                unlisted.append(rid)
        if outside:
            yield f"{table.name}: {len(outside)} records cite a span outside the stored documents ({_some(outside)})"
        if unlisted:
            yield (f"{table.name}: record_documents does not list every document cited by {len(unlisted)} records "
                   f"({_some(unlisted)})")  # fmt: skip
