"""The ingest pipeline: named stages over one batch of documents, then one atomic write.

Like spaCy's ``nlp.pipeline``, the order is a list of names (:data:`PIPELINE`) looked up
in a registry (:data:`STAGES`); later stages (actors, quotes, events, verification) register
themselves the same way. Each stage takes the :class:`Batch` and fills its part.

Stages see the stored corpus through the batch's connection, so a document ingested today
is compared with everything ingested before: boilerplate repetition within an outlet,
duplicates and re-used passages are corpus-wide, and the result does not depend on the
order in which files arrive.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from truceline.ingestion import dedup, reuse
from truceline.ingestion.clean import Cleaned, clean, paragraph_keys
from truceline.ingestion.decode import normalize_text
from truceline.ingestion.metadata import MetadataIndex
from truceline.ingestion.readers import read_inputs
from truceline.ingestion.textmeta import (
    dateline,
    detect_language,
    is_plausible_published,
    normalize_date,
)
from truceline.ingestion.types import InputError, RawArticle, ReadOptions
from truceline.store import repo
from truceline.store.engine import open_engine

Progress = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass
class Doc:
    """A document in flight through the pipeline."""

    id: str
    article: RawArticle
    status: str = "new"  # new | updated | unchanged | recleaned
    outlet_id: str | None = None
    cleaned: Cleaned | None = None
    language: str = "und"
    language_score: float = 0.0
    content_hash: str = ""
    signature: bytes = b""


@dataclass
class Batch:
    docs: list[Doc]
    conn: Connection
    run_id: int
    outlets: dict[str, dict] = field(default_factory=dict)
    duplicates: list[tuple[str, str, str, float]] = field(default_factory=list)
    passages: list[reuse.Passage] = field(default_factory=list)
    reuse: list[reuse.ReuseLink] = field(default_factory=list)

    @property
    def active(self) -> list[Doc]:
        """Documents whose content or links this run (re)computes."""
        return [d for d in self.docs if d.status != "unchanged"]


Stage = Callable[[Batch], None]
STAGES: dict[str, Stage] = {}
PIPELINE = ["outlets", "clean", "metadata", "language", "fingerprint", "duplicates", "reuse"]


def stage(name: str) -> Callable[[Stage], Stage]:
    def register(fn: Stage) -> Stage:
        STAGES[name] = fn
        return fn

    return register


def document_id(text: str) -> str:
    """Stable id from the received text: the same article ingested twice is the same document."""
    return hashlib.sha256(normalize_text(text).strip().encode("utf-8")).hexdigest()[:16]


def outlet_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:120] or "unknown"


@stage("outlets")
def assign_outlets(batch: Batch) -> None:
    for doc in batch.docs:
        name = doc.article.outlet
        if name:
            doc.outlet_id = outlet_id(name)
            domain = _domain(doc.article.url)
            batch.outlets.setdefault(doc.outlet_id, {"id": doc.outlet_id, "name": name, "domain": domain})


def _domain(url: str | None) -> str | None:
    m = re.match(r"https?://([^/:?#]+)", url or "")
    return m.group(1).lower() if m else None


@stage("clean")
def clean_documents(batch: Batch) -> None:
    """Clean each new document and re-clean stored ones of the same outlets.

    Re-cleaning makes the result order-independent: the second post of a blog reveals the
    first one's footer, whichever was ingested first.
    """
    by_outlet: dict[str, list[Doc]] = defaultdict(list)
    for doc in batch.active:
        if doc.outlet_id:
            by_outlet[doc.outlet_id].append(doc)
        else:
            doc.cleaned = clean(doc.article.text, doc.article.title)
    if not by_outlet:
        return
    in_batch = {d.id for d in batch.docs}
    stored = [r for r in repo.outlet_documents(batch.conn, by_outlet) if r["id"] not in in_batch]
    texts: dict[str, list[str]] = defaultdict(list)
    for row in stored:
        texts[row["outlet_id"]].append(row["received_text"])
    for oid, docs in by_outlet.items():
        texts[oid].extend(d.article.text for d in docs)
    counts = {oid: Counter(k for t in ts for k in paragraph_keys(t)) for oid, ts in texts.items()}
    for oid, docs in by_outlet.items():
        repeated = _repeated(counts[oid])
        for doc in docs:
            doc.cleaned = clean(doc.article.text, doc.article.title, repeated)
    for row in stored:
        recleaned = clean(row["received_text"], row["title"], _repeated(counts[row["outlet_id"]]))
        if recleaned.text != row["clean_text"]:
            batch.docs.append(_restored_doc(row, recleaned, batch))


def _repeated(counter: Counter) -> Callable[[str], bool]:
    return lambda key: counter[key] >= 2


def _restored_doc(row: dict, cleaned: Cleaned, batch: Batch) -> Doc:
    """A stored document whose clean text changed: it goes through the rest of the pipeline again."""
    full = repo.stored_article(batch.conn, row["id"])
    return Doc(id=row["id"], article=full, status="recleaned", outlet_id=row["outlet_id"], cleaned=cleaned)


@stage("metadata")
def fill_metadata(batch: Batch) -> None:
    """Author from a byline, title from a headline line, date from a dateline, all normalized."""
    for doc in batch.active:
        art, cleaned = doc.article, doc.cleaned
        assert cleaned is not None
        art.author = art.author or cleaned.byline_author
        art.title = art.title or cleaned.title_guess
        published = normalize_date(art.published)
        if art.published and not published:
            art.extra["unparsed_published"] = art.published
        if published and not is_plausible_published(published):
            art.extra["implausible_published"] = published
            published = None
        if not published and (found := dateline([p.text for p in cleaned.kept])):
            published, art.published_source = found, "text"
        art.published = published
        if not published:
            art.published_source = "unknown"


@stage("language")
def detect_languages(batch: Batch) -> None:
    for doc in batch.active:
        doc.language, doc.language_score = detect_language(doc.cleaned.text)


@stage("fingerprint")
def fingerprint(batch: Batch) -> None:
    for doc in batch.active:
        doc.content_hash = dedup.content_hash(doc.cleaned.text)
        doc.signature = dedup.doc_signature(doc.cleaned.text)


@stage("duplicates")
def find_duplicates(batch: Batch) -> None:
    active = batch.active
    ids = {d.id for d in active}
    new = [dedup.DocKey(d.id, d.content_hash, d.signature) for d in active]
    existing = [dedup.DocKey(*k) for k in repo.document_keys(batch.conn, exclude=ids)]
    batch.duplicates = dedup.find_duplicates(new, existing)


@stage("reuse")
def find_reuse(batch: Batch) -> None:
    active = batch.active
    ids = {d.id for d in active}
    texts = {d.id: d.cleaned.text for d in active}
    for d in active:
        if d.language in ("en", "und"):
            batch.passages.extend(reuse.passages(d.id, d.cleaned.text))
    existing = [reuse.Passage(**{k: v for k, v in r.items() if k != "id"}) for r in repo.stored_passages(batch.conn, ids)]

    def text_of(doc_id: str) -> str:
        if doc_id not in texts:
            texts.update(repo.clean_texts(batch.conn, [doc_id]))
        return texts[doc_id]

    batch.reuse = reuse.find_reuse(batch.passages, existing, text_of)


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
) -> RunSummary:
    """Read ``inputs`` (files, directories, URLs) into the store at ``db``; idempotent."""
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
            docs.setdefault(document_id(item.text), Doc(document_id(item.text), item))
        progress("read", len(docs) + summary.skipped, None)
    summary.errors.extend(e.message for e in index.errors)
    try:
        _process(engine, run_id, list(docs.values()), summary, progress)
    except BaseException:
        repo.finish_run(engine, run_id, "failed", _counts(summary), summary.errors)
        raise
    repo.finish_run(engine, run_id, "done", _counts(summary), summary.errors)
    return summary


def _counts(s: RunSummary) -> dict[str, int]:
    return {"added": s.added, "updated": s.updated, "unchanged": s.unchanged, "skipped": s.skipped}


def _process(engine: Engine, run_id: int, docs: list[Doc], summary: RunSummary, progress: Progress) -> None:
    with engine.connect() as conn:
        known = repo.existing_ids(conn, (d.id for d in docs))
        for doc in docs:
            if doc.id in known:
                doc.status = "updated" if _metadata_changed(doc.article, known[doc.id]) else "unchanged"
        batch = Batch(docs=docs, conn=conn, run_id=run_id)
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
    )


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
