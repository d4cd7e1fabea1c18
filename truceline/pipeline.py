"""The ingest pipeline: documents stream through named stages in batches, one transaction each.

:data:`PIPELINE` lists the stage names in order; the stages live with their subject
(:mod:`truceline.ingestion.stages`, :mod:`truceline.nlp.stage`) and register themselves in
:data:`truceline.batch.STAGES`. A run reads its inputs lazily, cuts them into batches of
``batch_size`` documents, runs every stage on each batch and writes it in its own transaction,
so memory stays flat however large the input, and a run that stops part-way keeps every batch
it committed: running it again skips the stored documents (ids are content hashes) and goes on.

Corpus-level verification is rebuilt once, at the end of the run, in its own transaction. From
the first batch's commit until then the store is marked ``verification_stale``; a run that dies
in between leaves it so, and the next run (or ``truceline verify``) rebuilds it.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from truceline.batch import STAGES, Batch, Doc
from truceline.ingestion import stages as _ingestion_stages  # noqa: F401  (registers stages)
from truceline.ingestion.metadata import MetadataIndex
from truceline.ingestion.readers import read_inputs
from truceline.ingestion.stages import document_id, outlet_id
from truceline.ingestion.textmeta import normalize_date
from truceline.ingestion.types import InputError, RawArticle, ReadOptions
from truceline.nlp import stage as _reading_stage  # noqa: F401  (registers the "read" stage)
from truceline.store import repo, retry, streaming
from truceline.store.engine import open_engine
from truceline.store.records import reading_rows
from truceline.text import sentences
from truceline.verify.common import paused_gc

DEFAULT_BATCH_SIZE = 32  # documents per batch and transaction (spaCy pipes them in smaller batches)
PIPELINE = ["outlets", "clean", "metadata", "language", "fingerprint", "duplicates", "reuse", "read"]
Progress = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass
class RunSummary:
    run_id: int
    db: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    status: str = "done"

    @property
    def exit_code(self) -> int:
        return 3 if self.skipped else 0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("run_id", "db", "status", "added", "updated", "unchanged", "skipped", "errors", "doc_ids")}


def ingest(
    inputs: Iterable[str | Path],
    db: str | None = None,
    metadata: str | Path | None = None,
    options: ReadOptions | None = None,
    progress: Progress = _no_progress,
    engine: Engine | None = None,
    workers: int = 1,
    reader: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    verify: bool = True,
) -> RunSummary:
    """Read ``inputs`` (files, directories, URLs) into the store at ``db``; idempotent and resumable.

    ``workers`` > 1 parses and reads in that many processes; ``reader`` replaces the local
    reader altogether (e.g. :class:`truceline.scale.ray_engine.RayReader`). Documents are
    written ``batch_size`` at a time; ``progress("documents", done, total)`` is called after
    each batch (``total`` is None when the inputs do not say how many documents they hold).
    ``verify=False`` leaves the verification rebuild to a later run or ``truceline verify``.
    """
    options = options or ReadOptions()
    inputs = [str(i) for i in inputs]
    engine = engine or open_engine(db)
    run_id = repo.start_run(engine, "ingest", inputs)
    summary = RunSummary(run_id=run_id, db=engine.url.render_as_string(hide_password=True))
    index = MetadataIndex()
    if metadata:
        index.load(Path(metadata))
    total = _known_total(inputs)

    def batches() -> Iterator[list[Doc]]:
        seen: set[str] = set()  # ids met in this run: the first copy of a text is the one kept
        batch: list[Doc] = []
        for item in read_inputs(inputs, options, index):
            if isinstance(item, InputError):
                summary.errors.append(item.message)
                summary.skipped += 1
                continue
            doc_id = document_id(item.text)
            if doc_id in seen:
                continue
            seen.add(doc_id)
            batch.append(Doc(doc_id, item))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch
        summary.errors.extend(e.message for e in index.errors)

    return _run(engine, run_id, batches(), summary, progress, force=False, reader=_reader(workers, reader),
                total=total, verify=verify, close_reader=reader is None)


def _known_total(inputs: list[str]) -> int | None:
    """How many documents the inputs hold, when every input is one-article files (else None)."""
    from truceline.ingestion.readers import EXTENSIONS, _walk

    n = 0
    for item in inputs:
        path = Path(item)
        if item.lower().startswith(("http://", "https://")) or not path.exists():
            return None
        files = _walk(path) if path.is_dir() else [path]
        for f in files:
            if EXTENSIONS.get(f.suffix.lower(), "text") not in ("text", "html"):
                return None
            n += 1
    return n


def _reader(workers: int, reader: Any) -> Any:
    from truceline.nlp.stage import LocalReader

    return reader if reader is not None else LocalReader(workers)


def _counts(s: RunSummary) -> dict[str, int]:
    return {"added": s.added, "updated": s.updated, "unchanged": s.unchanged, "skipped": s.skipped}


def reprocess(db: str | None = None, progress: Progress = _no_progress, engine: Engine | None = None,
              workers: int = 1, reader: Any = None, batch_size: int = DEFAULT_BATCH_SIZE) -> RunSummary:
    """Run every stage again on every stored document, e.g. after an upgrade added stages.

    Each document is re-read from its stored received text and metadata, so nothing that
    came from the sources is lost; everything derived is recomputed and replaced.
    """
    engine = engine or open_engine(db)
    run_id = repo.start_run(engine, "reprocess", [])
    summary = RunSummary(run_id=run_id, db=engine.url.render_as_string(hide_password=True))
    with engine.connect() as conn:
        ids = repo.all_ids(conn)

    def batches() -> Iterator[list[Doc]]:
        for i in range(0, len(ids), batch_size):
            with engine.connect() as conn:
                yield [Doc(doc_id, repo.stored_article(conn, doc_id), status="updated") for doc_id in ids[i : i + batch_size]]

    return _run(engine, run_id, batches(), summary, progress, force=True, reader=_reader(workers, reader), total=len(ids),
                close_reader=reader is None)


def _run(engine: Engine, run_id: int, batches: Iterable[list[Doc]], summary: RunSummary, progress: Progress,
         force: bool, reader: Any = None, total: int | None = None, verify: bool = True,
         close_reader: bool = False) -> RunSummary:
    try:
        done = 0
        progress("documents", 0, total)
        it = iter(batches)
        docs = next(it, None)
        if docs is not None:
            _prefetch(engine, reader, docs, force)
        while docs is not None:
            with paused_gc():  # collected once a batch instead (see _collect_batch)
                following = next(it, None)
                if following is not None:  # a pool parses the next batch while this one is stored
                    _prefetch(engine, reader, following, force)
                n = len(docs)  # stages may add stored documents (re-cleaned, re-dated) to the batch
                _store_batch(engine, run_id, docs, summary, force, reader)
            docs = None  # the stored batch goes before the collection
            _collect_batch(first=done == 0)
            done += n
            progress("documents", done, total)
            docs = following
        with engine.connect() as conn:
            stale = streaming.get_state(conn, streaming.STALE) == "1"
        if verify and stale:
            progress("verify", done, total)
            verify_store(engine)
    except BaseException:
        repo.finish_run(engine, run_id, "failed", _counts(summary), summary.errors)
        raise
    finally:
        close = getattr(reader, "close", None)
        if close_reader and callable(close):  # a reader the caller gave stays the caller's to close
            close()
    repo.finish_run(engine, run_id, "done", _counts(summary), summary.errors)
    return summary


def _collect_batch(first: bool) -> None:
    """One full garbage collection between two batches, the cyclic collector being off within each;
    after the first batch, what is alive is frozen out of later collections (unless something
    already froze objects in this process).

    Why: with the collector on, a batch's records, parses and copies (tens of thousands of small
    objects alive for the batch's length) made it collect every few thousand allocations, and a
    full collection walks everything alive: in a 2-worker run of 924 articles the ingesting
    process spent about a quarter of its CPU (20 s of 80 s) in 70 full and 11,000 younger
    collections. Once the first batch has loaded what a run keeps (language identifier, stage
    tables, the store's metadata; :func:`~truceline.nlp.pool.freeze_resources` froze the reading
    resources where this process reads), little else is alive between batches, so one full
    collection there costs milliseconds, and the few cycles a batch makes (hundreds of objects) are
    freed batch by batch: memory stays flat.
    """
    if first and gc.get_freeze_count() == 0:
        from truceline.nlp.pool import freeze_resources

        freeze_resources()  # collects, then freezes
    else:
        gc.collect()


PREFETCH_STAGES = ["outlets", "clean", "metadata", "language"]  # what the read stage's input depends on


def _prefetch(engine: Engine, reader: Any, docs: list[Doc], force: bool) -> None:
    """Hand the reader the next batch's texts and dates, found by running the stages before
    ``read`` on copies of its documents, if the reader reads ahead (a worker pool does).

    The copies see the store as it is *before* the current batch is written, so a text may
    come out differently once it is (an outlet's boilerplate learnt from the current batch);
    the reader then reads it again. Stored documents are skipped: they are not read unless
    their metadata changed.
    """
    from truceline.nlp.stage import READ_LANGUAGES

    prefetch = getattr(reader, "prefetch", None)
    if not callable(prefetch) or getattr(reader, "workers", 1) <= 1 or not docs:
        return
    with engine.connect() as conn:
        known = set() if force else set(repo.existing_ids(conn, (d.id for d in docs)))
        trial = Batch(docs=[copy.deepcopy(d) for d in docs if d.id not in known], conn=conn, run_id=0)
        own = {d.id for d in trial.docs}
        for name in PREFETCH_STAGES:
            STAGES[name](trial)
    prefetch([(d.id, d.cleaned.text, d.article.published) for d in trial.docs
              if d.id in own and d.cleaned is not None and d.language in READ_LANGUAGES])  # fmt: skip


def verify_store(engine: Engine) -> None:
    """Recompute every verification record for the whole store, in one transaction.

    Concurrent writers: the records are computed from the store at generation G and written only
    if it is still at G (:func:`truceline.store.retry.write_transaction`), so they always match
    the documents, and of two runs verifying at once the last to commit wins. A first attempt
    computes outside the write lock (other writers go on); when a batch committed meanwhile, the
    retries compute under the lock, which guarantees progress against a busy ingest.
    """
    def attempt(n: int) -> None:
        if n == 0:
            with engine.connect() as conn:
                at = retry.generation(conn)
                result = verification_of(conn)
            with retry.write_transaction(engine, expect=at) as conn:
                _write_verified(conn, result, at)
        else:
            with retry.write_transaction(engine) as conn:
                at = retry.generation(conn)
                _write_verified(conn, verification_of(conn), at)

    retry.retrying(attempt, what="rebuilding the verification records")


def _write_verified(conn: Connection, result: Any, at: int) -> None:
    from truceline.store.verification import write_verification

    write_verification(conn, result)
    streaming.set_state(conn, streaming.STALE, "0")
    retry.mark_verified(conn, at)


def _store_batch(engine: Engine, run_id: int, docs: list[Doc], summary: RunSummary, force: bool, reader: Any) -> None:
    """:func:`_process` one batch, again from a pristine copy when its write hit a concurrent writer.

    A retry computes the batch again on the store as it now is (another run may have stored some
    of its documents, or ones they duplicate); the readings of the first attempt are kept for it,
    so a retry parses only the texts or dates that changed.
    """
    pristine = copy.deepcopy(docs)
    remembered = _RememberingReader(reader) if reader is not None else None

    def attempt(n: int) -> None:
        _process(engine, run_id, docs if n == 0 else copy.deepcopy(pristine), summary, force, remembered)

    retry.retrying(attempt, what=f"run {run_id}: storing a batch of {len(docs)} documents")


class _RememberingReader:
    """A reader that keeps the estimates and readings it returned, for the retries of one batch."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.estimates: dict[tuple[str, str], Any] = {}
        self.readings: dict[tuple[str, str, str | None], Any] = {}

    def __getattr__(self, name: str) -> Any:  # workers, prefetch, close ... are the inner reader's
        return getattr(self.inner, name)

    def estimate(self, items: list[tuple[str, str]]) -> dict[str, Any]:
        todo = [it for it in items if it not in self.estimates]
        if todo:
            got = self.inner.estimate(todo)
            self.estimates.update({it: got[it[0]] for it in todo})
        return {it[0]: self.estimates[it] for it in items}

    def read(self, items: list[tuple[str, str, str | None]]) -> dict[str, Any]:
        todo = [it for it in items if it not in self.readings]
        if todo:
            got = self.inner.read(todo)
            self.readings.update({it: got[it[0]] for it in todo})
        return {it[0]: self.readings[it] for it in items}


def _process(engine: Engine, run_id: int, docs: list[Doc], summary: RunSummary, force: bool = False,
             reader: Any = None) -> None:
    """One batch: every stage, then one transaction with its documents, links, records and bands.

    The run's counts are added once the batch is stored (a write that fails counts nothing); the
    write checks that the store is still at the generation the stages read.
    """
    with engine.connect() as conn:
        at = retry.generation(conn)
        known = repo.existing_ids(conn, (d.id for d in docs))
        for doc in docs:
            if doc.id in known:
                changed = force or _metadata_changed(doc.article, known[doc.id])
                doc.status = "updated" if changed else "unchanged"
        batch = Batch(docs=docs, conn=conn, run_id=run_id, reader=reader)
        for name in PIPELINE:
            STAGES[name](batch)
        redated = [d for d in docs if d.status == "redated"]
        recomputed = {d.id for d in docs if d.status not in ("unchanged", "redated")}
        kept = streaming.kept_rows(conn, [d.id for d in redated], recomputed) if redated else None

    def count() -> None:
        summary.doc_ids.extend(d.id for d in docs if d.status not in ("recleaned", "redated"))
        summary.added += sum(d.status == "new" for d in docs)
        summary.updated += sum(d.status in ("updated", "recleaned", "redated") for d in docs)
        summary.unchanged += sum(d.status == "unchanged" for d in docs)

    touched = [d.id for d in docs if d.status != "unchanged"]
    if not touched:
        count()
        return  # nothing to write: verification stays as it is

    changed = [_row(d, run_id, update=True) for d in docs if d.status in ("updated", "recleaned")]
    passage_rows = [vars(p) for p in batch.passages]
    duplicate_rows = [{"doc_id": a, "other_doc_id": b, "kind": k, "similarity": s} for a, b, k, s in batch.duplicates]
    reuse_rows = [vars(r) for r in batch.reuse]
    if kept is not None:  # re-read for a new date only: everything but the date and the reading stays
        by_id = {d.id: d for d in redated}
        for row in kept["documents"]:
            art = by_id[row["id"]].article
            row.update(published=art.published, published_source=art.published_source, extra=art.extra,
                       updated_run_id=run_id, updated_at=repo.now())  # fmt: skip
            changed.append(row)
        passage_rows += kept["passages"]
        reuse_rows = _unique(reuse_rows + kept["reuse"], ("doc_id", "start", "end", "other_doc", "other_start", "other_end"))
        duplicate_rows = _unique(duplicate_rows + kept["duplicates"], ("doc_id", "other_doc_id"))

    def after(conn: Connection) -> None:
        streaming.write_bands(conn, touched)
        streaming.set_state(conn, streaming.STALE, "1")

    repo.write_batch(
        engine,
        outlet_rows=list(batch.outlets.values()),
        new_docs=[_row(d, run_id) for d in docs if d.status == "new"],
        changed_docs=changed,
        passage_rows=passage_rows,
        duplicate_rows=duplicate_rows,
        reuse_rows=reuse_rows,
        record_rows=_record_rows(d for d in docs if d.status != "unchanged"),
        after=after,
        expect=at,
    )
    count()


def _unique(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for r in rows:
        seen.setdefault(tuple(r[k] for k in key), r)
    return list(seen.values())


def rebuild_verification(conn: Connection) -> None:
    """Recompute every corpus-level record (incidents, claims, contradictions, agreements)."""
    from truceline.store.verification import write_verification

    write_verification(conn, verification_of(conn))


def verification_of(conn: Connection) -> Any:
    """The corpus-level records of the stored documents (a :class:`~truceline.verify.Verification`)."""
    from truceline.verify import verify

    return verify(verification_corpus(conn))


def verification_corpus(conn: Connection) -> Any:
    """The stored documents as a :class:`~truceline.verify.Corpus`, with what verification takes from the store."""
    from truceline.review import condition_reviews
    from truceline.store.queries import extracted_documents, kept_parses, stored_sentences
    from truceline.store.verification import outlet_reliability
    from truceline.verify import Corpus

    corpus = Corpus.of(extracted_documents(conn, with_verification=False), reliability=outlet_reliability(conn))
    corpus.kept_parses = lambda ids: kept_parses(conn, ids)
    corpus.stored_sentences = stored_sentences(conn)
    corpus.condition_reviews = condition_reviews(conn)  # analysts' conditions and corrections are watched too
    return corpus


def _record_rows(docs: Iterable[Doc]) -> dict:
    """Rows of every reading record of these documents, grouped by table."""
    out: dict = {}
    for doc in docs:
        if doc.reading is None:
            continue
        for table, rows in reading_rows(doc.id, doc.reading).items():
            out.setdefault(table, []).extend(rows)
    return out


def _metadata_changed(article: RawArticle, stored: dict) -> bool:
    fields = ("title", "author", "url")
    if any(getattr(article, f) and getattr(article, f) != stored[f] for f in fields):
        return True
    published = normalize_date(article.published)
    if published and published != stored["published"]:
        return True
    return bool(article.outlet) and outlet_id(article.outlet) != stored["outlet_id"]


def _row(doc: Doc, run_id: int, update: bool = False) -> dict[str, Any]:
    art, cleaned = doc.article, doc.cleaned
    stamp = repo.now()
    row = {
        "id": doc.id, "outlet_id": doc.outlet_id, "source": art.source, "source_line": art.line,
        "format": art.format, "url": art.url, "title": art.title, "author": art.author,
        "published": art.published, "published_source": art.published_source,
        "language": doc.language, "language_score": doc.language_score, "is_english": doc.language == "en",
        "raw": art.raw, "received_text": art.text, "clean_text": cleaned.text,
        "content_hash": doc.content_hash, "signature": doc.signature,
        "boilerplate": [c.model_dump() for c in cleaned.cuts], "segments": cleaned.segments,
        "sentences": [list(s) for s in sentences(cleaned.text)],
        "extra": art.extra, "updated_run_id": run_id, "updated_at": stamp,
    }  # fmt: skip
    if not update:
        row.update(run_id=run_id, created_at=stamp)
    return row
