"""Migrations: a store written by an older truceline is upgraded in place, keeping its data."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, select, text

from truceline.store.engine import _alembic_config, migrate, open_engine, resolve_url, schema_revision
from truceline.store.schema import documents, metadata


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
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_old_store_is_upgraded_without_losing_documents(db_url):
    _upgrade_to(db_url, "0001")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO runs (id, command, inputs, started_at, status, added, updated, unchanged, skipped, errors) "
            "VALUES (1, 'ingest', '[]', '2020-11-05 00:00:00', 'done', 1, 0, 0, 0, '[]')"
        ))
        conn.execute(text(
            "INSERT INTO documents (id, source, format, published_source, language, is_english, raw, received_text, "
            "clean_text, content_hash, signature, boilerplate, segments, extra, run_id, updated_run_id, created_at, "
            "updated_at) VALUES ('abc', 'a.txt', 'text', 'unknown', 'en', 1, 'x', 'x', 'x', 'h', x'00', '[]', '[]', "
            "'{}', 1, 1, '2020-11-05 00:00:00', '2020-11-05 00:00:00')"
        ))
    engine.dispose()
    upgraded = open_engine(db_url)
    assert "quotes" in inspect(upgraded).get_table_names()
    with upgraded.connect() as conn:
        assert conn.execute(select(documents.c.id)).scalars().all() == ["abc"]


def test_bare_path_means_sqlite_file(tmp_path):
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
