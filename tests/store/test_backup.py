"""Backup and restore: the whole store, analyst edits included, round-trips between SQLite and PostgreSQL.

The sample corpus is ingested into a store, analysts review records through the API (verdicts, edits,
notes), set an outlet's reliability and create and revoke tokens; the store is backed up, restored into
the other backend, backed up again and restored into the first, and every table is compared row by
row, every column, with the original. Values are compared exactly: floats by ``repr``, datetimes as
aware UTC instants (the one normalisation: each backend hands back its own datetime objects), JSON
columns by value and by whether they are SQL NULL or a JSON ``null``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from tests.backends import fresh_store, pg_database
from tests.conftest import SAMPLE
from truceline.api import create_app
from truceline.api.security import create_token, revoke_token
from truceline.api_python import set_reliability
from truceline.cli import app as cli_app
from truceline.pipeline import ingest
from truceline.store.backup import CHUNK_ROWS, BackupError, backup, restore
from truceline.store.engine import open_engine, schema_revision
from truceline.store.schema import documents, metadata, outlets, places, reviews, runs, store_state

NOTE = "Ереван / Երևան / Bakı — «shelling» \u2028 \"quoted\" \\ back\\slash 🕊️ שלום"


# --- comparing stores ------------------------------------------------------------------------------


def _norm(value: Any) -> Any:
    """One value as a comparable, exact form; only the representation of datetimes is normalised."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None, value  # every stored timestamp reads back aware
        return ("datetime", value.astimezone(UTC).isoformat())
    if isinstance(value, bytes | memoryview):
        return ("bytes", bytes(value).hex())
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False))
    return value


def snapshot(url: str, columns: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every table's rows (every column, or only those ``columns`` names for a table; JSON columns
    also say whether they are SQL NULL), sorted."""
    engine = open_engine(url)
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == set(metadata.tables) | {"alembic_version"}
        for t in metadata.sorted_tables:
            cols: list[Any] = []
            for c in t.columns:
                if columns is not None and t.name in columns and c.name not in columns[t.name]:
                    continue  # added by a later revision: absent from what is compared
                cols.append(c)
                if isinstance(c.type, sa.JSON):
                    cols.append(c.is_(None).label(f"{c.name}.sql_null"))
            out[t.name] = sorted(repr(tuple(_norm(v) for v in row)) for row in conn.execute(select(*cols)))
    engine.dispose()
    return out


def assert_same(a: dict[str, list[str]], b: dict[str, list[str]]) -> int:
    """The two snapshots hold the same tables and rows; how many rows were compared."""
    assert list(a) == list(b)
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for x, y in zip(a[name], b[name], strict=True):
            assert x == y, name
    return sum(len(rows) for rows in a.values())


def rows_of(path: Path) -> list[bytes]:
    """A backup's row lines (no header, no trailer)."""
    with gzip.open(path, "rb") as f:
        return f.read().splitlines()[1:-1]


# --- the source stores: the sample corpus with analyst edits ---------------------------------------


def _analyst_edits(url: str) -> str:
    """Reviews through the API, a reliability grade, an active and a revoked token: the active secret."""
    secret = create_token(url, "Ana Analyst ✓")
    create_token(url, "old laptop")
    revoke_token(url, "old laptop")
    app = create_app(url)
    auth = {"Authorization": f"Bearer {secret}"}
    with TestClient(app) as client:
        event = next(e for e in client.get("/api/v1/events", params={"limit": 500}).json()["items"]
                     if e["plover"] != "ASSAULT")  # fmt: skip
        quote = client.get("/api/v1/quotes").json()["items"][0]
        incident = client.get("/api/v1/incidents").json()["items"][0]
        for body in (
            {"kind": "event", "record_id": event["id"], "edits": {"plover": "ASSAULT", "negated": True}, "note": NOTE},
            {"kind": "event", "record_id": event["id"], "verdict": "wrong"},
            {"kind": "quote", "record_id": quote["id"], "verdict": "correct", "note": "checked against the video"},
            {"kind": "incident", "record_id": incident["id"], "note": "x" * 4000},
        ):
            r = client.post("/api/v1/reviews", json=body, headers=auth)
            assert r.status_code == 201, r.text
    app.state.engine.dispose()
    assert set_reliability("Press TV", "C", url) == 1
    return secret


def _source(url: str) -> str:
    engine = open_engine(url)
    run = ingest([SAMPLE], engine=engine)
    engine.dispose()
    assert run.added == 5 and not run.errors
    return _analyst_edits(url)


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory) -> tuple[str, str]:
    """The sample store with analyst edits, on SQLite (read-only for the tests): its URL and token."""
    url = f"sqlite:///{tmp_path_factory.mktemp('backup-source') / 'source.db'}"
    return url, _source(url)


@pytest.fixture(scope="module")
def pg_source() -> Any:
    """The same, ingested and reviewed on PostgreSQL."""
    with pg_database(prefix="tl_backup_src") as url:
        yield url, _source(url)


@pytest.fixture(scope="module")
def sample_backup(sqlite_source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backup-file") / "sample.tlbackup"
    backup(open_engine(sqlite_source[0]), path)
    return path


# --- lossless round trips --------------------------------------------------------------------------


def test_sqlite_to_postgresql_to_sqlite_keeps_every_row(sqlite_source, tmp_path):
    source, _ = sqlite_source
    original = snapshot(source)
    for name in ("documents", "events", "incidents", "reviews", "api_tokens", "runs", "store_state", "passage_bands"):
        assert original[name], name  # every kind of table is exercised
    first, second = tmp_path / "a.tlbackup", tmp_path / "b.tlbackup"
    written = backup(open_engine(source), first)
    assert written.total == sum(len(rows) for rows in original.values())
    assert list(written.rows) == [t.name for t in metadata.sorted_tables]  # every table, parents first
    with pg_database() as pg:
        restored = restore(open_engine(pg), first)
        assert restored.rows == written.rows
        compared = assert_same(original, snapshot(pg))
        backup(open_engine(pg), second)
    with fresh_store("sqlite", tmp_path, "again") as lite:
        restore(open_engine(lite), second)
        assert_same(original, snapshot(lite))
    assert rows_of(first) == rows_of(second)  # the file's rows do not depend on the backend they came from
    assert compared == written.total and len(original) == len(metadata.tables)


def test_postgresql_to_sqlite_keeps_every_row(pg_source, tmp_path):
    source, _ = pg_source
    original = snapshot(source)
    assert original["reviews"] and original["api_tokens"]
    path = tmp_path / "pg.tlbackup"
    backup(open_engine(source), path)
    with fresh_store("sqlite", tmp_path, "from-pg") as lite:
        restore(open_engine(lite), path)
        assert_same(original, snapshot(lite))
        again = tmp_path / "again.tlbackup"
        backup(open_engine(lite), again)
    assert rows_of(path) == rows_of(again)


def test_values_of_every_kind_survive_both_backends(tmp_path):
    """Edge values: microsecond and non-UTC timestamps, exact and extreme floats, every byte, long and
    unusual text, SQL NULL beside JSON null in the same JSON column, top-level JSON numbers."""
    long_text = ("Հայաստան Azərbaycan Россия 🕊️ مرحبا e\u0301 \t \u2028 \\ \" " * 40_000)[:2_000_000]
    with fresh_store("sqlite", tmp_path, "edge") as lite:
        engine = open_engine(lite)
        stamp = datetime(2020, 11, 10, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=4)))
        with engine.begin() as conn:
            conn.execute(sa.insert(runs).values(command="ingest", inputs=["ü", {"n": 2**62, "x": 1e-300}], started_at=stamp,
                                                finished_at=None, status="done", errors=[]))  # fmt: skip
            conn.execute(sa.insert(outlets).values(id="o", name=NOTE, domain=None, reliability="B"))
            conn.execute(sa.insert(documents).values(
                id="d", outlet_id="o", source="s", format="text", published_source="text", language="hy",
                language_score=0.30000000000000004, is_english=False, raw=long_text, received_text="", clean_text="é",
                content_hash="h", signature=bytes(range(256)) * 4, boilerplate=[], segments=[[0, 1]],
                extra={"nested": {"inf-like": "Infinity", "f": 5e-324}}, run_id=1, updated_run_id=1,
                created_at=stamp, updated_at=stamp.astimezone(UTC)))  # fmt: skip
            for i, (lat, lon) in enumerate([(5e-324, 179.99999999999997), (float("inf"), -float("inf")), (None, 1.0)]):
                conn.execute(sa.insert(places).values(id=f"p{i}", doc_id="d", name="x", feature="city", lat=lat, lon=lon,
                                                      spans=[]))  # fmt: skip
            for i, (before, after) in enumerate([(sa.null(), None), (None, 0.30000000000000004), ("text", 12),
                                                 ([], True), ({"a": None}, "")]):  # fmt: skip
                conn.execute(sa.insert(reviews).values(kind="event", record_id=f"r{i}", reviewer="r", before=before,
                                                       after=after, created_at=stamp))  # fmt: skip
            conn.execute(sa.insert(store_state).values(key="empty", value=""))
        engine.dispose()
        original = snapshot(lite)
        with open_engine(lite).connect() as conn:  # both kinds of null are held
            assert conn.execute(select(reviews.c.record_id).where(reviews.c.before.is_(None))).scalars().all() == ["r0"]
        first = tmp_path / "edge.tlbackup"
        backup(open_engine(lite), first)
        with pg_database() as pg:
            restore(open_engine(pg), first)
            assert_same(original, snapshot(pg))
            with open_engine(pg).connect() as conn:
                nulls = conn.execute(select(reviews.c.record_id).where(reviews.c.before.is_(None))).scalars().all()
                assert nulls == ["r0"]  # SQL NULL stayed SQL NULL; r1's JSON null stayed JSON
                assert conn.execute(select(documents.c.raw)).scalar_one() == long_text
            second = tmp_path / "edge-pg.tlbackup"
            backup(open_engine(pg), second)
        with fresh_store("sqlite", tmp_path, "edge-back") as back:
            restore(open_engine(back), second)
            assert_same(original, snapshot(back))


# --- a restored store keeps working ----------------------------------------------------------------


def test_a_restored_store_ingests_and_serves(sqlite_source, sample_backup, db_url, tmp_path):
    _, secret = sqlite_source
    engine = open_engine(db_url)
    restore(engine, sample_backup)
    with engine.connect() as conn:
        last_run = conn.execute(select(sa.func.max(runs.c.id))).scalar_one()
        last_review = conn.execute(select(sa.func.max(reviews.c.id))).scalar_one()
    new = tmp_path / "new.txt"
    new.write_text("Azerbaijan and Armenia agreed on Tuesday to exchange the bodies of soldiers killed near Fuzuli, "
                   "the International Committee of the Red Cross said in Geneva.\n", encoding="utf-8")  # fmt: skip
    run = ingest([new], engine=engine)
    assert run.added == 1 and not run.errors and run.run_id == last_run + 1  # ids continue after the restored ones
    app = create_app(db_url)
    with TestClient(app) as client:
        assert client.get("/api/v1/documents").json()["total"] == 6
        trail = client.get("/api/v1/reviews", params={"limit": 500}).json()["items"]
        assert {r["note"] for r in trail} >= {NOTE, "checked against the video"}
        edited = next(r for r in trail if r["field"] == "plover")
        event = client.get(f"/api/v1/documents/{edited['record_id'].rsplit('-e', 1)[0]}").json()["events"]
        shown = next(e for e in event if e["id"] == edited["record_id"])
        assert shown["plover"] == "ASSAULT" and shown["review"]["verdict"] == "wrong"  # the edits still lie over it
        r = client.post("/api/v1/reviews", json={"kind": "event", "record_id": edited["record_id"], "verdict": "correct"},
                        headers={"Authorization": f"Bearer {secret}"})  # the token made before the backup works
        assert r.status_code == 201, r.text
        assert r.json()["items"][0]["id"] == last_review + 1 and r.json()["items"][0]["reviewer"] == "Ana Analyst ✓"
    app.state.engine.dispose()
    engine.dispose()


# --- refusals leave the target as it was -----------------------------------------------------------


def _rewrite(src: Path, dest: Path, edit) -> Path:
    """A copy of a backup with its lines edited by ``edit(header, rows) -> (header, rows)``, re-sealed
    with a correct trailer: a file that is well-formed but says something else."""
    with gzip.open(src, "rb") as f:
        lines = f.read().splitlines()
    header, rows = edit(json.loads(lines[0]), [json.loads(x) for x in lines[1:-1]])
    body = [json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in (header, *rows)]
    counts = {t["name"]: 0 for t in header["tables"]}
    for r in rows:
        counts[r["t"]] = counts.get(r["t"], 0) + 1
    trailer = {"end": {"rows": counts, "sha256": hashlib.sha256(b"".join(body)).hexdigest()}}
    with gzip.open(dest, "wb") as f:
        f.writelines([*body, json.dumps(trailer).encode() + b"\n"])
    return dest


def _bad_files(good: Path, d: Path) -> dict[str, tuple[Path, str]]:
    """Each bad backup with a fragment of the reason its error must give."""
    raw = good.read_bytes()
    with gzip.open(good, "rb") as f:
        plain = f.read().splitlines(keepends=True)
    (d / "cut.tlbackup").write_bytes(raw[: len(raw) * 2 // 3])
    with gzip.open(d / "no-trailer.tlbackup", "wb") as f:
        f.writelines(plain[:-1])
    with gzip.open(d / "altered.tlbackup", "wb") as f:  # one value changed, the old trailer kept
        f.writelines([plain[0], *(line.replace(b'"ingest"', b'"ingesT"') for line in plain[1:-1]), plain[-1]])
    (d / "garbage.tlbackup").write_bytes(b"\x00\x01 not a backup at all" * 50)
    with gzip.open(d / "other.tlbackup", "wb") as f:
        f.write(b'{"hello": "world"}\n')

    def newer(h, rows):
        return {**h, "revision": "9999"}, rows

    def unknown_table(h, rows):
        return {**h, "tables": [*h["tables"], {"name": "secrets", "primary_key": [], "columns": []}]}, rows

    def bad_value(h, rows):
        runs_row = next(r for r in rows if r["t"] == "runs")
        runs_row["v"][0] = "one"
        return h, rows

    return {
        "truncated": (d / "cut.tlbackup", "truncated"),
        "no trailer": (d / "no-trailer.tlbackup", "without its trailer"),
        "altered": (d / "altered.tlbackup", "checksum mismatch"),
        "garbage": (d / "garbage.tlbackup", "not a gzip file"),
        "other json": (d / "other.tlbackup", "not a truceline backup"),
        "newer revision": (_rewrite(good, d / "newer.tlbackup", newer), "revision '9999'"),
        "unknown table": (_rewrite(good, d / "table.tlbackup", unknown_table), "does not have: secrets"),
        "bad value": (_rewrite(good, d / "value.tlbackup", bad_value), "column id: expected an integer"),
        "missing": (d / "missing.tlbackup", "no such file"),
    }


def test_refusals_leave_the_store_unchanged(sample_backup, db_url, tmp_path):
    engine = open_engine(db_url)
    restore(engine, sample_backup)
    before = snapshot(db_url)
    with pytest.raises(BackupError, match="is not empty") as exc:
        restore(engine, sample_backup)  # no --replace
    assert str(sample_backup) in str(exc.value)
    for name, (path, reason) in _bad_files(sample_backup, tmp_path).items():
        with pytest.raises(BackupError) as exc:
            restore(engine, path, replace=True)  # each fails after the store's rows were deleted
        assert str(exc.value).startswith(str(path)) and reason in str(exc.value), (name, str(exc.value))
        assert snapshot(db_url) == before, name
    engine.dispose()


def test_a_failed_restore_into_an_empty_store_writes_nothing(sample_backup, db_url, tmp_path):
    engine = open_engine(db_url)
    empty = snapshot(db_url)
    assert not any(empty.values())
    for name, (path, _) in _bad_files(sample_backup, tmp_path).items():
        with pytest.raises(BackupError):
            restore(engine, path)
        assert snapshot(db_url) == empty, name
    restore(engine, sample_backup)  # and the good file still goes in
    assert sum(map(len, snapshot(db_url).values())) == sum(1 for _ in rows_of(sample_backup))
    engine.dispose()


# --- an older schema revision ----------------------------------------------------------------------


def _head() -> str:
    from alembic.script import ScriptDirectory

    from truceline.store.engine import _alembic_config

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def _schema_at(revision: str, tmp_path: Path) -> dict[str, list[str]]:
    """The tables and columns of a store at ``revision``, built by the migrations."""
    from alembic import command

    from truceline.store.engine import _alembic_config

    engine = sa.create_engine(f"sqlite:///{tmp_path / f'at-{revision}.db'}")
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        inspector = inspect(conn)
        schema = {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
    engine.dispose()
    return schema


def _as_revision(revision: str, tmp_path: Path):
    """An edit making a backup what truceline at ``revision`` wrote: the tables and columns it had."""
    schema = _schema_at(revision, tmp_path)

    def edit(h, rows):
        keep = {}
        for t in h["tables"]:
            if t["name"] in schema:
                keep[t["name"]] = [i for i, c in enumerate(t["columns"]) if c["name"] in schema[t["name"]]]
        tables = [{**t, "columns": [t["columns"][i] for i in keep[t["name"]]]} for t in h["tables"] if t["name"] in keep]
        rows = [{"t": r["t"], "v": [r["v"][i] for i in keep[r["t"]]]} for r in rows if r["t"] in keep]
        if "doc_id" in schema.get("passage_bands", []):  # before 0013 a band row named its passage's document
            tables, rows = _with_band_doc_ids(tables, rows)
        return {**h, "revision": revision, "tables": tables}, rows

    return edit


def _with_band_doc_ids(tables: list[dict], rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """passage_bands rows with the doc_id column revisions before 0013 had (their passage's document)."""
    spec = next(t for t in tables if t["name"] == "passages")
    pid, did = ([c["name"] for c in spec["columns"]].index(n) for n in ("id", "doc_id"))
    doc_of = {r["v"][pid]: r["v"][did] for r in rows if r["t"] == "passages"}
    bands = next(t for t in tables if t["name"] == "passage_bands")
    owner = [c["name"] for c in bands["columns"]].index("passage_id")
    doc_column = next(c for c in spec["columns"] if c["name"] == "doc_id")
    tables = [{**t, "columns": [*t["columns"], doc_column]} if t is bands else t for t in tables]
    rows = [{"t": r["t"], "v": [*r["v"], doc_of[r["v"][owner]]]} if r["t"] == "passage_bands" else r for r in rows]
    return tables, rows


def _as_revision_0008(tmp_path: Path):
    """Revision 0008 lacks event_prefix_days, which migration 0009 creates and fills from event_actors."""
    assert "event_prefix_days" not in _schema_at("0008", tmp_path)
    return _as_revision("0008", tmp_path)


def test_a_backup_of_an_older_revision_is_restored_there_then_migrated(sqlite_source, sample_backup, db_url, tmp_path):
    old = _rewrite(sample_backup, tmp_path / "0008.tlbackup", _as_revision_0008(tmp_path))
    engine = open_engine(db_url)
    restore(engine, old)
    assert schema_revision(engine) == _head()
    engine.dispose()
    assert snapshot(db_url)["event_prefix_days"]  # rebuilt by migration 0009 from the restored event_actors
    # what revision 0008 held, and event_prefix_days, are as in the original; store_state is left out
    # (a later migration may mark verification stale), and so are tables made after 0009 and the
    # columns later revisions added (documents.sentences: NULL in a store restored from 0008)
    at_0008 = _schema_at("0008", tmp_path)
    restored = snapshot(db_url, columns=at_0008)
    compared = (set(at_0008) | {"event_prefix_days"}) - {"store_state", "alembic_version"}
    original = snapshot(sqlite_source[0], columns=at_0008)
    assert_same({t: original[t] for t in original if t in compared}, {t: restored[t] for t in restored if t in compared})


def test_a_failed_restore_of_an_older_revision_undoes_its_migrations(sample_backup, db_url, tmp_path):
    """The empty store is migrated down to 0008 inside the transaction; a bad file rolls that back too."""
    as_0008 = _as_revision_0008(tmp_path)

    def corrupt(h, rows):
        h, rows = as_0008(h, rows)
        spec = next(t for t in h["tables"] if t["name"] == "documents")
        source = [c["name"] for c in spec["columns"]].index("source")
        next(r for r in rows if r["t"] == "documents")["v"][source] = None  # NOT NULL: fails on insert
        return h, rows

    bad = _rewrite(sample_backup, tmp_path / "bad-0008.tlbackup", corrupt)
    engine = open_engine(db_url)
    with pytest.raises(BackupError, match="cannot restore table documents"):
        restore(engine, bad)
    assert schema_revision(engine) == _head()
    with engine.connect() as conn:
        assert "event_prefix_days" in inspect(conn).get_table_names()
    engine.dispose()
    assert not any(snapshot(db_url).values())


# --- streaming -------------------------------------------------------------------------------------


def test_backup_and_restore_use_flat_memory(db_url, tmp_path):
    """24 MB of rows through backup and restore; neither holds more than a few chunks at once."""
    n, value = 24 * CHUNK_ROWS, "é" * 500  # 1 KB each
    engine = open_engine(db_url)
    with engine.begin() as conn:
        for start in range(0, n, CHUNK_ROWS):
            conn.execute(sa.insert(store_state), [{"key": f"k{i:06d}", "value": value + str(i)}
                                                  for i in range(start, start + CHUNK_ROWS)])  # fmt: skip
    path = tmp_path / "big.tlbackup"
    tracemalloc.start()
    try:
        backup(engine, path)
        backup_peak = tracemalloc.get_traced_memory()[1]
        engine.dispose()
        tracemalloc.reset_peak()
        with fresh_store("sqlite", tmp_path, "big-copy") as copy:
            target = open_engine(copy)
            tracemalloc.reset_peak()
            restore(target, path)
            restore_peak = tracemalloc.get_traced_memory()[1]
            with target.connect() as conn:
                assert conn.execute(select(sa.func.count()).select_from(store_state)).scalar_one() == n
            target.dispose()
    finally:
        tracemalloc.stop()
    data = n * 1000  # about 1.6 and 4.7 MB are measured; reading the whole table at once takes over 15
    assert backup_peak < data / 3 and restore_peak < data / 3, (backup_peak, restore_peak)


# --- backup refusals and the command line ----------------------------------------------------------


def test_backup_refuses_a_store_it_cannot_copy_whole(tmp_path):
    with fresh_store("sqlite", tmp_path) as url:
        engine = open_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO store_state (key, value) VALUES ('ok', 'x')")
            conn.exec_driver_sql("INSERT INTO runs (id, command, inputs, started_at, status, added, updated, unchanged, "
                                 "skipped, errors) VALUES (7, 'x', '[]', '2020-01-01 00:00:00', 'done', 'many', 0, 0, 0, "
                                 "'[]')")  # SQLite keeps text in an INTEGER column
        path = tmp_path / "out.tlbackup"
        with pytest.raises(BackupError, match=r"table runs row \{'id': 7\}: column added: expected an integer"):
            backup(engine, path)
        assert list(tmp_path.glob("*tlbackup*")) == []  # no file, no partial file
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM runs")
            conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        with pytest.raises(BackupError, match=r"tables this truceline does not know \(notes\)"):
            backup(engine, path)
        with pytest.raises(BackupError, match="does not exist"):
            backup(engine, tmp_path / "no" / "such" / "dir.tlbackup")
        engine.dispose()


def test_command_line_backup_and_restore(runner, sqlite_source, db_url, tmp_path):
    path = tmp_path / "cli.tlbackup"
    result = runner.invoke(cli_app, ["backup", str(path), "--db", sqlite_source[0]])
    assert result.exit_code == 0, result.output
    assert f"rows of {len(metadata.tables)} tables" in result.stderr and path.is_file()
    result = runner.invoke(cli_app, ["restore", str(path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert_same(snapshot(sqlite_source[0]), snapshot(db_url))
    result = runner.invoke(cli_app, ["restore", str(path), "--db", db_url])
    assert result.exit_code == 2 and f"{path}: the store" in result.stderr and "--replace" in result.stderr
    assert runner.invoke(cli_app, ["restore", str(path), "--db", db_url, "--replace"]).exit_code == 0
    garbage = tmp_path / "garbage.tlbackup"
    garbage.write_text("not a backup\n")
    for args in (["restore", str(garbage), "--db", db_url], ["restore", str(tmp_path / "none"), "--db", db_url],
                 ["backup", str(tmp_path / "no" / "x.tlbackup"), "--db", db_url]):  # fmt: skip
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("error: ") and args[1] in result.stderr
        assert "Traceback" not in result.output + result.stderr
