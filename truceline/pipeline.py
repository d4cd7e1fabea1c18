"""The ingest pipeline: named stages over one batch of documents, then one atomic write.

:data:`PIPELINE` lists the stage names in order; the stages live with their subject
(:mod:`truceline.ingestion.stages`, :mod:`truceline.nlp.stage`) and register themselves in
:data:`truceline.batch.STAGES`. A run reads its inputs, runs every stage on the batch and
writes the result in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
from truceline.store import repo
from truceline.store.engine import open_engine
from truceline.store.records import reading_rows

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
) -> RunSummary:
    """Read ``inputs`` (files, directories, URLs) into the store at ``db``; idempotent.

    ``workers`` > 1 parses and reads in that many processes; ``reader`` replaces the local
    reader altogether (e.g. :class:`truceline.scale.ray_engine.RayReader`).
    """
    options = options or ReadOptions()
    inputs = [str(i) for i in inputs]
    engine = engine or open_engine(db)
    run_id = repo.start_run(engine, "ingest", inputs)
    summary = RunSummary(run_id=run_id, db=engine.url.render_as_string(hide_password=True))
    index = MetadataIndex()
    if metadata:
        index.load(Path(metadata))
    docs: dict[str, Doc] = {}
    for item in read_inputs(inputs, options, index):
        if isinstance(item, InputError):
            summary.errors.append(item.message)
            summary.skipped += 1
        else:
            doc_id = document_id(item.text)
            docs.setdefault(doc_id, Doc(doc_id, item))
        progress("inputs", len(docs) + summary.skipped, None)
    summary.errors.extend(e.message for e in index.errors)
    return _run(engine, run_id, list(docs.values()), summary, progress, force=False, reader=_reader(workers, reader))


def _reader(workers: int, reader: Any) -> Any:
    from truceline.nlp.stage import LocalReader

    return reader if reader is not None else LocalReader(workers)


def _counts(s: RunSummary) -> dict[str, int]:
    return {"added": s.added, "updated": s.updated, "unchanged": s.unchanged, "skipped": s.skipped}


def reprocess(db: str | None = None, progress: Progress = _no_progress, engine: Engine | None = None,
              workers: int = 1, reader: Any = None) -> RunSummary:
    """Run every stage again on every stored document, e.g. after an upgrade added stages.

    Each document is re-read from its stored received text and metadata, so nothing that
    came from the sources is lost; everything derived is recomputed and replaced.
    """
    engine = engine or open_engine(db)
    run_id = repo.start_run(engine, "reprocess", [])
    summary = RunSummary(run_id=run_id, db=engine.url.render_as_string(hide_password=True))
    with engine.connect() as conn:
        docs = [Doc(doc_id, repo.stored_article(conn, doc_id), status="updated") for doc_id in repo.all_ids(conn)]
    return _run(engine, run_id, docs, summary, progress, force=True, reader=_reader(workers, reader))


def _run(engine: Engine, run_id: int, docs: list[Doc], summary: RunSummary, progress: Progress, force: bool,
         reader: Any = None) -> RunSummary:
    try:
        _process(engine, run_id, docs, summary, progress, force, reader)
    except BaseException:
        repo.finish_run(engine, run_id, "failed", _counts(summary), summary.errors)
        raise
    repo.finish_run(engine, run_id, "done", _counts(summary), summary.errors)
    return summary


def _process(
    engine: Engine, run_id: int, docs: list[Doc], summary: RunSummary, progress: Progress, force: bool = False,
    reader: Any = None,
) -> None:
    with engine.connect() as conn:
        known = repo.existing_ids(conn, (d.id for d in docs))
        for doc in docs:
            if doc.id in known:
                changed = force or _metadata_changed(doc.article, known[doc.id])
                doc.status = "updated" if changed else "unchanged"
        batch = Batch(docs=docs, conn=conn, run_id=run_id, reader=reader)
        for i, name in enumerate(PIPELINE, 1):
            STAGES[name](batch)
            progress(name, i, len(PIPELINE))
    summary.doc_ids = [d.id for d in docs if d.status != "recleaned"]
    summary.added = sum(d.status == "new" for d in docs)
    summary.updated = sum(d.status in ("updated", "recleaned") for d in docs)
    summary.unchanged = sum(d.status == "unchanged" for d in docs)
    repo.write_batch(
        engine,
        outlet_rows=list(batch.outlets.values()),
        new_docs=[_row(d, run_id) for d in docs if d.status == "new"],
        changed_docs=[_row(d, run_id, update=True) for d in docs if d.status in ("updated", "recleaned")],
        passage_rows=[vars(p) for p in batch.passages],
        duplicate_rows=[{"doc_id": a, "other_doc_id": b, "kind": k, "similarity": s} for a, b, k, s in batch.duplicates],
        reuse_rows=[vars(r) for r in batch.reuse],
        record_rows=_record_rows(d for d in docs if d.status != "unchanged"),
        after=rebuild_verification,
    )


def rebuild_verification(conn: Connection) -> None:
    """Recompute every corpus-level record (incidents, claims, contradictions, agreements)."""
    from truceline.store.queries import extracted_documents
    from truceline.store.verification import outlet_reliability, write_verification
    from truceline.verify import Corpus, verify

    corpus = Corpus.of(extracted_documents(conn, with_verification=False), reliability=outlet_reliability(conn))
    write_verification(conn, verify(corpus))


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
        "extra": art.extra, "updated_run_id": run_id, "updated_at": stamp,
    }  # fmt: skip
    if not update:
        row.update(run_id=run_id, created_at=stamp)
    return row
