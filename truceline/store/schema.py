"""Table definitions: the single source the migrations and the queries are written against.

SQLAlchemy Core, not the ORM: rows map one-to-one onto :mod:`truceline.model` records and
the queries the report and API run are set-based. Every table works on SQLite and
PostgreSQL (JSON columns, no dialect-specific types).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("command", String(32), nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running | done | failed
    Column("added", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("errors", JSON, nullable=False, default=list),
)

outlets = Table(
    "outlets",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("domain", String(300)),
    Column("reliability", String(1)),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("outlet_id", String(120), ForeignKey("outlets.id"), index=True),
    Column("source", Text, nullable=False),
    Column("source_line", Integer),
    Column("format", String(16), nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("author", String(300), index=True),
    Column("published", String(10), index=True),
    Column("published_source", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("language_score", Float),
    Column("is_english", Boolean, nullable=False),
    Column("raw", Text, nullable=False),
    Column("received_text", Text, nullable=False),
    Column("clean_text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("signature", LargeBinary, nullable=False),
    Column("boilerplate", JSON, nullable=False),
    Column("segments", JSON, nullable=False),
    Column("extra", JSON, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("updated_run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

duplicates = Table(
    "duplicates",
    metadata,
    Column("doc_id", String(32), ForeignKey("documents.id"), primary_key=True),
    Column("other_doc_id", String(32), ForeignKey("documents.id"), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("similarity", Float, nullable=False),
    Index("ix_duplicates_other", "other_doc_id"),
)

passages = Table(
    "passages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("norm_hash", String(64), nullable=False, index=True),
    Column("signature", LargeBinary, nullable=False),
)

reuse_links = Table(
    "reuse_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("other_doc", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("other_start", Integer, nullable=False),
    Column("other_end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("similarity", Float, nullable=False),
    UniqueConstraint("doc_id", "start", "end", "other_doc", "other_start", "other_end"),
)

# --- reading (issue 3): actors, mentions, quotes, timexes, places --------------------------
# Offsets are into documents.clean_text; multi-span records keep their spans as JSON lists
# of [start, end]. Rows of a document are replaced whenever the document is re-processed.

actors = Table(
    "actors",
    metadata,
    Column("id", String(160), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("type", String(16), nullable=False),
    Column("code", String(32), index=True),
    Column("country", String(3), index=True),
    Column("sector", String(16)),
    Column("provisional", Boolean, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("source", String(64)),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("actor_id", String(160), ForeignKey("actors.id"), index=True),
    Column("kind", String(16), nullable=False),
    Column("resolved_by", String(16), nullable=False),
    Column("code", String(32)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("cue", String(64)),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_text", Text),
    Column("speaker_actor_id", String(160), ForeignKey("actors.id"), index=True),
    Column("channel", String(32)),
    Column("spans", JSON, nullable=False),
)

timexes = Table(
    "timexes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("type", String(8), nullable=False),
    Column("value", String(64), nullable=False, index=True),
    Column("mod", String(16)),
    Column("anchor", String(32)),
    Column("issues", JSON, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

places = Table(
    "places",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("feature", String(16), nullable=False),
    Column("country", String(3), index=True),
    Column("lat", Float),
    Column("lon", Float),
    Column("geonames_id", Integer, index=True),
    Column("source", String(32)),
    Column("spans", JSON, nullable=False),
)

DOC_RECORD_TABLES = (mentions, quotes, timexes, places)

# --- events (issue 4) ------------------------------------------------------------------------
events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("plover", String(16), nullable=False, index=True),
    Column("mode", String(32)),
    Column("context", JSON, nullable=False),
    Column("cameo", String(8), index=True),
    Column("source", JSON, nullable=False),
    Column("target", JSON, nullable=False),
    Column("date", String(32), index=True),
    Column("place_id", String(64)),
    Column("location", String(300)),
    Column("modality", String(16), nullable=False, index=True),
    Column("claimant", JSON),
    Column("negated", Boolean, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

DOC_RECORD_TABLES = (*DOC_RECORD_TABLES, events)

# --- verification (issue 5) -------------------------------------------------------------------
# Corpus-level records, recomputed from the documents' reading in the same transaction as
# every write. A few columns are kept for queries; the record itself is ``data`` (JSON), with
# its spans reduced to offsets and rebuilt from the stored clean text when read.
incidents = Table(
    "incidents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("plover", String(16), nullable=False, index=True),
    Column("date", String(32), index=True),
    Column("grade", String(4), index=True),
    Column("independent_sources", Integer, nullable=False),
    Column("data", JSON, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("incident_id", String(64), ForeignKey("incidents.id"), index=True),
    Column("stance", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("data", JSON, nullable=False),
)

contradictions = Table(
    "contradictions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("incident_id", String(64), ForeignKey("incidents.id"), index=True),
    Column("data", JSON, nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("status", String(24), nullable=False, index=True),
    Column("date", String(32), index=True),
    Column("data", JSON, nullable=False),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("agreement_id", String(64), ForeignKey("agreements.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("deadline", String(32), index=True),
)

# Which documents each verification record draws on: how a document's view finds them.
record_documents = Table(
    "record_documents",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), primary_key=True, index=True),
)

VERIFICATION_TABLES = (record_documents, commitments, claims, contradictions, agreements, incidents)  # delete order

# --- review (issue 6) -------------------------------------------------------------------------
# API tokens (only a hash of the secret is kept) and analysts' reviews of extracted records.
# Reviews are an append-only audit trail keyed by (kind, record_id): record ids are stable for
# the same text, and neither ingest nor reprocess ever deletes a review.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, index=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("verdict", String(8)),  # correct | wrong | null (no verdict, or verdict cleared)
    Column("field", String(64)),  # the edited field, null for a verdict-only review
    Column("before", JSON),
    Column("after", JSON),
    Column("note", Text),
    Column("reviewer", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_reviews_kind_record", "kind", "record_id"),
)
