"""Table definitions: the single source the migrations and the queries are written against.

SQLAlchemy Core, not the ORM: rows map one-to-one onto :mod:`truceline.model` records and
the queries the report and API run are set-based. Every table works on SQLite and
PostgreSQL (JSON columns, no dialect-specific types; the migrations build the same schema on
both, which ``tests/store/test_migrations.py`` checks). PostgreSQL enforces VARCHAR(n): text
taken from the input is TEXT, and the bounded VARCHARs hold ids and codes truceline builds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that stores UTC and reads back aware UTC datetimes on every backend.

    SQLite keeps no offset (a value came back naive, and an aware non-UTC value was stored as its
    wall-clock time); PostgreSQL returns values in the session's time zone. Both now give UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

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
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
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
    Column("name", Text, nullable=False),  # names and other text from the input are TEXT (migration 0007)
    Column("domain", Text),
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
    Column("author", Text, index=True),
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
    # sentence offsets of clean_text ([[start, end], ...]), split once at ingestion so that
    # verification does not re-split the corpus; NULL for documents stored before migration 0012
    Column("sentences", JSON),
    Column("extra", JSON, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("updated_run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
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
    Column("id", String(160), primary_key=True),  # a provisional actor's id is kept within 160
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("code", String(32), index=True),
    Column("country", String(3), index=True),
    Column("sector", String(16)),
    Column("provisional", Boolean, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("source", Text),
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
    Column("name", Text, nullable=False),
    Column("feature", String(16), nullable=False),
    Column("country", String(3), index=True),
    Column("lat", Float),
    Column("lon", Float),
    Column("geonames_id", Integer, index=True),
    Column("source", String(32)),
    Column("spans", JSON, nullable=False),
)

DOC_RECORD_TABLES: tuple[Table, ...] = (mentions, quotes, timexes, places)

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
    Column("location", Text),
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

# Conditional obligations, threats, red lines and plan triggers (issue 9), each with its trigger
# watch: ``conditions.data`` is the record without its watch, ``trigger_watches.data`` the watch;
# ``condition_evidence`` has one row per evidence span (the condition's sentences, its basis, the
# watch's matches), so a document's view and the orphan checks find them through ``doc_id``.
conditions = Table(
    "conditions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("date", String(32), index=True),
    Column("data", JSON, nullable=False),
)

condition_evidence = Table(
    "condition_evidence",
    metadata,
    Column("condition_id", String(64), ForeignKey("conditions.id"), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), primary_key=True, index=True),
    Column("start", Integer, primary_key=True, autoincrement=False),
    Column("end", Integer, primary_key=True, autoincrement=False),
    Column("role", String(16), primary_key=True),  # condition | basis | match | consequence
)

trigger_watches = Table(
    "trigger_watches",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("condition_id", String(64), ForeignKey("conditions.id"), nullable=False, unique=True),
    Column("status", String(20), nullable=False, index=True),
    Column("consequence_followed", String(8), nullable=False),
    Column("triggered_on", String(32)),
    Column("data", JSON, nullable=False),
)

VERIFICATION_TABLES = (record_documents, condition_evidence, trigger_watches, conditions, commitments, claims,
                       contradictions, agreements, incidents)  # delete order

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
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
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
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_reviews_kind_record", "kind", "record_id"),
)

# --- query paths (issue 7) --------------------------------------------------------------------
# What the dashboard's lists and timeline filter and group on, in forms an index can serve,
# written with the events (``truceline.store.records.reading_rows``), never computed per request:
# - events.place_lat / place_lon: the coordinates of the event's place (denormalised from
#   ``places`` at write time) for bbox filters; events.day: the date when it is a full day
#   (YYYY-MM-DD), what the timeline buckets count.
# - event_actors: one row per source/target actor reference of an event, the code upper-cased,
#   so "actor code prefix" is an index range scan (``code >= 'AZE' AND code < 'AZF'``); plover,
#   date and day are copied so counts and the actor-filtered timeline are answered from this
#   table's indexes alone.
# - event_days: events per (day, plover), kept in step by every write; the unfiltered timeline
#   reads a few thousand rows instead of grouping every event.
events.append_column(Column("place_lat", Float))
events.append_column(Column("place_lon", Float))
events.append_column(Column("day", String(10)))
Index("ix_events_date_id", events.c.date, events.c.id)
Index("ix_events_plover_date_id", events.c.plover, events.c.date, events.c.id, events.c.place_lat, events.c.place_lon)
Index("ix_events_day_plover", events.c.day, events.c.plover)
Index("ix_events_place_lat_place_lon", events.c.place_lat, events.c.place_lon)

event_actors = Table(
    "event_actors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("doc_id", String(32), ForeignKey("documents.id"), nullable=False, index=True),
    Column("role", String(8), nullable=False),  # source | target
    Column("code", String(32)),  # upper-cased
    Column("actor_id", String(160), index=True),
    Column("plover", String(16), nullable=False),
    Column("date", String(32)),
    Column("day", String(10)),
    # true on the event's first row whose code has these first three letters: a country (or IGO)
    # prefix, the dashboard's usual actor filter, counts events with COUNT(*) instead of DISTINCT
    Column("first3", Boolean, nullable=False),
    Index("ix_event_actors_code_day", "code", "day", "plover", "event_id"),
    Index("ix_event_actors_first3", "first3", "code", "plover", "day", "date", "event_id"),
)

event_days = Table(
    "event_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("plover", String(16), primary_key=True),
    Column("events", Integer, nullable=False),
)

# - event_prefix_days: events per (three-letter code prefix, day, plover), from each event's
#   ``first3`` rows, kept in step like ``event_days``: the timeline filtered by a country reads
#   a few thousand rows even for the corpus's most common country.
event_prefix_days = Table(
    "event_prefix_days",
    metadata,
    Column("prefix", String(3), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("plover", String(16), primary_key=True),
    Column("events", Integer, nullable=False),
)

DOC_RECORD_TABLES = (*DOC_RECORD_TABLES, event_actors)

# --- streaming ingest (issue 7) ----------------------------------------------------------------
# LSH band keys, so that a batch finds its candidate duplicates and re-used passages through an
# index instead of loading every stored signature: ``passage_bands`` has one row per MinHash
# position of a passage (one-row bands, which also find containment; see ingestion/reuse.py),
# key = position << 32 | value, and nothing else: a passage's rows are dropped by their keys,
# recomputed from its signature, before the passage is (a doc_id column and its index tripled
# the cost of these inserts, ~60 rows a passage, and the table's size); ``document_bands`` one row per band of a document's signature
# (the bands datasketch's MinHashLSH uses at the duplicate threshold). Rows are replaced with
# their document's passages and signature. ``store_state`` holds small flags, e.g.
# ``verification_stale`` = "1" from the first batch of a run until verification is rebuilt.
from sqlalchemy import BigInteger  # noqa: E402

passage_bands = Table(
    "passage_bands",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("passage_id", Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

document_bands = Table(
    "document_bands",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("doc_id", String(32), primary_key=True, index=True),
    sqlite_with_rowid=False,
)

store_state = Table(
    "store_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- kept sentence parses (issue 7) -----------------------------------------------------------
# The parses of the sentences verification steps read syntax from (truceline/nlp/parses.py), as
# one spaCy DocBin per document with the sentences' offsets: verification loads them instead of
# running the model over the corpus again after every ingest. Replaced with the document's reading.
from sqlalchemy import LargeBinary  # noqa: E402

sentence_parses = Table(
    "sentence_parses",
    metadata,
    Column("doc_id", String(32), ForeignKey("documents.id"), primary_key=True),
    Column("spans", JSON, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

DOC_RECORD_TABLES = (*DOC_RECORD_TABLES, sentence_parses)
