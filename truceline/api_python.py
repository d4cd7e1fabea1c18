"""Python entry points besides :func:`truceline.pipeline.ingest`, each the twin of a CLI command."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from truceline.ingestion.types import ReadOptions
from truceline.model import ExtractedDocument, TimelineEntry
from truceline.pipeline import Progress, RunSummary, _no_progress, ingest
from truceline.store.engine import open_engine
from truceline.store.queries import corpus_report, extracted_documents, verification_report
from truceline.store.queries import timeline as stored_timeline

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
            from truceline.store.streaming import STALE, get_state

            verification = {**verification_report(conn), "stale": get_state(conn, STALE) == "1"}
            return {**corpus_report(conn), "verification": verification}
    finally:
        engine.dispose()


def timeline(db: str | None = None, kinds: set[str] | None = None, since: str | None = None,
             until: str | None = None) -> list[TimelineEntry]:
    """The peace process in order, from the store at ``db`` (the data behind ``truceline timeline``)."""
    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            return stored_timeline(conn, kinds, since, until)
    finally:
        engine.dispose()


def set_reliability(outlet: str, grade: str | None, db: str | None = None) -> int:
    """Set an outlet's source reliability (Admiralty A-F, or None to clear) and re-grade the store.

    Returns the number of outlets changed (matched by name or id, case-insensitively).
    """
    from sqlalchemy import func, or_, update

    from truceline.pipeline import rebuild_verification
    from truceline.store.schema import outlets

    if grade is not None and grade not in "ABCDEF":
        raise ValueError(f"reliability must be one letter A-F, not {grade!r}")
    from truceline.store.retry import write_transaction

    engine = open_engine(db)
    try:
        with write_transaction(engine) as conn:  # one writer at a time, as ingests are
            match = or_(func.lower(outlets.c.name) == outlet.lower(), outlets.c.id == outlet)
            changed = conn.execute(update(outlets).where(match).values(reliability=grade)).rowcount
            if changed:
                rebuild_verification(conn)
            return int(changed)
    finally:
        engine.dispose()
