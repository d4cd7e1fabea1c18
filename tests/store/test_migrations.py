"""Migrations: a store written by an older truceline is upgraded in place, keeping its data, and the
migrations build the same schema on every backend, the one ``truceline.store.schema`` declares."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from tests.backends import fresh_store
from truceline.store.engine import _alembic_config, migrate, open_engine, resolve_url, schema_revision
from truceline.store.schema import documents, metadata, passages


def _upgrade_to(url: str, revision: str) -> None:
    engine = create_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_fresh_store_is_at_head_with_every_table(db_url):
    engine = open_engine(db_url)
    assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
    head = schema_revision(engine)
    migrate(engine)  # idempotent
    assert schema_revision(engine) == head
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


# Tables as the old revisions wrote them: only the columns those revisions had, so the rows below stay
# valid whatever later revisions add.
_TYPES = {"inputs": sa.JSON, "errors": sa.JSON, "boilerplate": sa.JSON, "segments": sa.JSON, "extra": sa.JSON,
          "signature": sa.LargeBinary, "is_english": sa.Boolean, "started_at": sa.DateTime(timezone=True),
          "created_at": sa.DateTime(timezone=True), "updated_at": sa.DateTime(timezone=True)}  # fmt: skip


def _old_table(name: str, *cols: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in cols))


_runs_0001 = _old_table("runs", "id", "command", "inputs", "started_at", "status", "added", "updated", "unchanged",
                        "skipped", "errors")  # fmt: skip
_outlets_0001 = _old_table("outlets", "id", "name")
_passages_0001 = _old_table("passages", "id", "doc_id", "start", "end", "kind", "norm_hash", "signature")
_docs_0001 = _old_table("documents", "id", "outlet_id", "source", "format", "published_source", "language", "is_english", "raw",
                        "received_text", "clean_text", "content_hash", "signature", "boilerplate", "segments", "extra",
                        "run_id", "updated_run_id", "created_at", "updated_at")  # fmt: skip


def _old_document(conn: sa.Connection, when: datetime, extra: dict) -> None:
    """Run 1, outlet ``wire`` and document ``abc`` as revision 0001 wrote them."""
    conn.execute(sa.insert(_runs_0001).values(id=1, command="ingest", inputs=[], started_at=when, status="done",
                                              added=1, updated=0, unchanged=0, skipped=0, errors=[]))  # fmt: skip
    conn.execute(sa.insert(_outlets_0001).values(id="wire", name="Wire"))
    conn.execute(sa.insert(_docs_0001).values(
        id="abc", outlet_id="wire", source="a.txt", format="text", published_source="unknown", language="en", is_english=True,
        raw="x", received_text="x", clean_text="x", content_hash="h", signature=b"\x00", boilerplate=[],
        segments=[], extra=extra, run_id=1, updated_run_id=1, created_at=when, updated_at=when))  # fmt: skip


def test_old_store_is_upgraded_without_losing_documents(db_url):
    _upgrade_to(db_url, "0001")
    engine = create_engine(db_url)
    when = datetime(2020, 11, 5, tzinfo=UTC)
    with engine.begin() as conn:
        _old_document(conn, when, extra={"k": [1, "é"]})
        # rows that refer to the document and its outlet: later migrations rebuild those tables on SQLite
        conn.execute(sa.insert(_passages_0001).values(id=1, doc_id="abc", start=0, end=1, kind="sentence",
                                                      norm_hash="n", signature=b"\x01"))  # fmt: skip
    engine.dispose()
    upgraded = open_engine(db_url)
    assert "quotes" in inspect(upgraded).get_table_names()
    with upgraded.connect() as conn:
        assert conn.execute(select(documents.c.id)).scalars().all() == ["abc"]
        row = conn.execute(select(documents)).mappings().one()
        assert conn.execute(select(passages.c.doc_id)).scalars().all() == ["abc"]
    assert row["is_english"] is True and row["signature"] == b"\x00" and row["extra"] == {"k": [1, "é"]}
    assert row["created_at"].replace(tzinfo=row["created_at"].tzinfo or UTC) == when
    upgraded.dispose()


def test_migrations_build_what_the_schema_declares(db_url):
    """Alembic's autogenerate finds nothing to change: the migrations and ``schema.py`` agree."""
    engine = open_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def _schema(url: str) -> dict:
    """A backend-neutral description of a store's schema: tables, column types, keys and indexes."""

    def kind(t) -> tuple:
        generic = t.as_generic() if not isinstance(t, sa.JSON) else sa.JSON()
        if isinstance(generic, sa.Float):  # sa.Float is FLOAT: 8-byte REAL on SQLite, double precision on PostgreSQL
            generic = sa.Float()
        return type(generic).__name__, getattr(generic, "length", None)

    engine = open_engine(url)
    insp = inspect(engine)
    out = {}
    for table in sorted(insp.get_table_names()):
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": [(c["name"], kind(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                          for f in insp.get_foreign_keys(table)),  # fmt: skip
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)
                              if "duplicates_constraint" not in i),  # PostgreSQL lists a UNIQUE's index too
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
        }
    engine.dispose()
    return out


def test_migrations_build_the_same_schema_on_sqlite_and_postgresql(tmp_path):
    with fresh_store("sqlite", tmp_path) as lite, fresh_store("postgresql", tmp_path) as pg:
        a, b = _schema(lite), _schema(pg)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_store_opens(url):
    engine = open_engine(url)
    assert schema_revision(engine)
    engine.dispose()


def test_bare_path_means_sqlite_file(tmp_path):
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_passage_bands_lose_doc_id_and_are_rebuilt_from_the_passages_signatures(db_url):
    """0013: ``passage_bands`` keeps (key, passage_id) only, rebuilt from every stored passage's
    signature (a stale row of 0012's table does not survive), and 0012's shape comes back down."""
    from truceline.ingestion.dedup import sketch
    from truceline.ingestion.reuse import NUM_PERM, band_keys

    _upgrade_to(db_url, "0012")
    engine = create_engine(db_url)
    when = datetime(2020, 11, 5, tzinfo=UTC)
    signatures = {1: sketch({"a b c", "b c d"}, NUM_PERM), 2: sketch({"x y z"}, NUM_PERM), 3: b"not a signature"}
    with engine.begin() as conn:
        _old_document(conn, when, extra={})
        for pid, sig in signatures.items():
            conn.execute(sa.insert(_passages_0001).values(id=pid, doc_id="abc", start=0, end=1, kind="sentence",
                                                          norm_hash=f"n{pid}", signature=sig))  # fmt: skip
        conn.execute(text("INSERT INTO passage_bands (key, passage_id, doc_id) VALUES (7, 1, 'abc')"))  # stale
    engine.dispose()
    expected = sorted((k, pid) for pid, sig in list(signatures.items())[:2] for k in band_keys(sig))
    upgraded = open_engine(db_url)
    assert [c["name"] for c in inspect(upgraded).get_columns("passage_bands")] == ["key", "passage_id"]
    with upgraded.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(text("SELECT key, passage_id FROM passage_bands"))) == expected
    upgraded.dispose()
    engine = create_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
        got = sorted(tuple(r) for r in conn.execute(text("SELECT key, passage_id, doc_id FROM passage_bands")))
    engine.dispose()
    assert got == [(k, p, "abc") for k, p in expected]
