"""Python entry points besides :func:`truceline.pipeline.ingest`, each the twin of a CLI command."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from truceline.ingestion.types import ReadOptions
from truceline.model import ExtractedDocument
from truceline.pipeline import Progress, RunSummary, _no_progress, ingest
from truceline.store.engine import open_engine
from truceline.store.queries import corpus_report, extracted_documents

MEMORY_DB = "sqlite://"


def extract(
    inputs: Iterable[str | Path],
    metadata: str | Path | None = None,
    options: ReadOptions | None = None,
    progress: Progress = _no_progress,
) -> tuple[list[ExtractedDocument], RunSummary]:
    """Run the whole pipeline on ``inputs`` without a persistent store.

    The same code path as ``ingest`` on a throw-away in-memory SQLite store, so the
    stateless output can never drift from what the store would hold.
    """
    engine = open_engine(MEMORY_DB)
    try:
        summary = ingest(inputs, metadata=metadata, options=options, progress=progress, engine=engine)
        with engine.connect() as conn:
            return extracted_documents(conn, summary.doc_ids), summary
    finally:
        engine.dispose()


def report(db: str | None = None) -> dict:
    """What the store at ``db`` holds (the data behind ``truceline report``)."""
    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            return corpus_report(conn)
    finally:
        engine.dispose()
