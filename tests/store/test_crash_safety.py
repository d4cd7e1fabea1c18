"""Crash safety: ``kill -9`` an ingest of 1,000 documents again and again; the store stays consistent.

``bench/crash_trials.py`` does the killing: at least 20 SIGKILLs per backend, aimed at the
start of a run (before its first commit), just after a batch commits, part-way through a batch,
and during the final verification rebuild, each followed by :func:`check_store`; then the ingest
runs to completion and must store exactly the expected documents, none twice, with every table
equal to an uninterrupted reference ingest. ``check_store`` itself is tested first: each kind of
damage a crash (or a bug) could leave is made on a copy of a real store, and must be reported.

Select with ``-m crash``; it runs in the default ``make test``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, func, insert, select, update

from tests.backends import BACKENDS, copy_store, fresh_store
from tests.conftest import SAMPLE
from tests.store.harness import crash_trials
from truceline.store import retry
from truceline.store.engine import open_engine
from truceline.store.integrity import CHECKS, check_store
from truceline.store.schema import (
    document_bands,
    documents,
    event_actors,
    event_days,
    event_prefix_days,
    events,
    mentions,
    metadata,
    passage_bands,
    passages,
    record_documents,
    runs,
    store_state,
)

pytestmark = pytest.mark.crash
ROOT = Path(__file__).resolve().parents[2]
DOCS, TRIALS, BATCH = 1000, 20, 50


def _harness() -> Any:
    return crash_trials()


# --- check_store reports every kind of damage -----------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def sample_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample corpus ingested once per backend (copied for each test that damages it)."""
    from truceline.pipeline import ingest

    with fresh_store(request.param, tmp_path_factory.mktemp("sample")) as url:
        engine = open_engine(url)
        assert ingest([SAMPLE], engine=engine).added == 5
        engine.dispose()
        yield url


def _one(conn: Connection, query: Any) -> Any:
    return conn.execute(query.limit(1)).first()


def _orphan_band(conn: Connection) -> None:
    conn.execute(insert(passage_bands).values(key=12345, passage_id=10**9))


def _passages_lost(conn: Connection) -> None:  # a document written without its passages
    doc = _one(conn, select(passages.c.doc_id)).doc_id
    conn.execute(delete(passages).where(passages.c.doc_id == doc))


def _event_actor_lost(conn: Connection) -> None:
    conn.execute(delete(event_actors).where(event_actors.c.id == _one(conn, select(event_actors.c.id)).id))


def _event_actor_orphan(conn: Connection) -> None:
    row = dict(_one(conn, select(event_actors))._mapping)
    row.pop("id")
    conn.execute(insert(event_actors).values(**{**row, "event_id": "no-such-event"}))


def _event_day_off(conn: Connection) -> None:
    r = _one(conn, select(event_days))
    conn.execute(update(event_days).where(event_days.c.day == r.day, event_days.c.plover == r.plover)
                 .values(events=r.events + 1))  # fmt: skip


def _prefix_day_lost(conn: Connection) -> None:
    r = _one(conn, select(event_prefix_days))
    t = event_prefix_days
    conn.execute(delete(t).where(t.c.prefix == r.prefix, t.c.day == r.day, t.c.plover == r.plover))


def _event_day_wrong(conn: Connection) -> None:
    eid = _one(conn, select(events.c.id).where(events.c.day.is_not(None))).id
    conn.execute(update(events).where(events.c.id == eid).values(day="1999-01-01"))


def _document_bands_lost(conn: Connection) -> None:
    doc = _one(conn, select(document_bands.c.doc_id)).doc_id
    conn.execute(delete(document_bands).where(document_bands.c.doc_id == doc))


def _span_outside(conn: Connection) -> None:
    mid = _one(conn, select(mentions.c.id)).id
    conn.execute(update(mentions).where(mentions.c.id == mid).values(end=mentions.c.end + 100_000))


def _clean_text_changed(conn: Connection) -> None:
    doc = _one(conn, select(documents.c.id)).id
    conn.execute(update(documents).where(documents.c.id == doc).values(clean_text=documents.c.clean_text + " x"))


def _reading_of_unread_language(conn: Connection) -> None:
    doc = _one(conn, select(mentions.c.doc_id)).doc_id
    conn.execute(update(documents).where(documents.c.id == doc).values(language="fr", is_english=False))


def _run_count_wrong(conn: Connection) -> None:
    conn.execute(update(runs).values(added=runs.c.added + 1))


def _run_unfinished_but_done(conn: Connection) -> None:
    conn.execute(update(runs).values(finished_at=None))


def _stale_flag_cleared_too_early(conn: Connection) -> None:
    # documents changed (one more generation) but the flag says verification is current
    retry.bump_generation(conn)
    conn.execute(update(store_state).where(store_state.c.key == "verification_stale").values(value="0"))


def _record_link_lost(conn: Connection) -> None:
    r = _one(conn, select(record_documents).where(record_documents.c.kind == "incident"))
    t = record_documents
    conn.execute(delete(t).where(t.c.kind == r.kind, t.c.record_id == r.record_id, t.c.doc_id == r.doc_id))


# damage -> the check that must report it
DAMAGE: dict[str, tuple[Callable[[Connection], None], str]] = {
    "band row of a missing passage": (_orphan_band, "references"),
    "document without its passages": (_passages_lost, "references"),
    "event_actors row lost": (_event_actor_lost, "reading"),
    "event_actors row of a missing event": (_event_actor_orphan, "references"),
    "event_days count off by one": (_event_day_off, "aggregates"),
    "event_prefix_days row lost": (_prefix_day_lost, "aggregates"),
    "event day not its date's": (_event_day_wrong, "reading"),
    "document bands lost": (_document_bands_lost, "bands"),
    "span outside the text": (_span_outside, "offsets"),
    "clean text changed": (_clean_text_changed, "documents"),
    "reading rows of an unread language": (_reading_of_unread_language, "reading"),
    "run count wrong": (_run_count_wrong, "runs"),
    "run done without a finish time": (_run_unfinished_but_done, "runs"),
    "verification_stale cleared while behind": (_stale_flag_cleared_too_early, "verification"),
    "record_documents row lost": (_record_link_lost, "verification"),
}


def test_an_intact_store_is_consistent_and_every_check_is_registered(sample_store: str) -> None:
    engine = open_engine(sample_store)
    try:
        assert check_store(engine) == []
    finally:
        engine.dispose()
    assert {check for _fn, check in DAMAGE.values()} <= set(CHECKS)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_check_store_reports_the_damage(sample_store: str, damage: str, tmp_path: Path) -> None:
    damage_fn, expected = DAMAGE[damage]
    with copy_store(sample_store, tmp_path) as url:
        engine = open_engine(url)
        try:
            with engine.begin() as conn:
                damage_fn(conn)
            problems = check_store(engine)
        finally:
            engine.dispose()
    assert problems, f"{damage}: not reported"
    assert any(p.startswith(f"{expected}: ") for p in problems), (damage, problems)


def test_an_empty_database_is_consistent_and_a_cut_short_migration_is_not(tmp_path: Path) -> None:
    import sqlite3

    from sqlalchemy import create_engine

    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    assert check_store(create_engine(f"sqlite:///{path}")) == []
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE documents (id TEXT PRIMARY KEY)")  # a table, no schema revision
    con.commit()
    con.close()
    problems = check_store(create_engine(f"sqlite:///{path}"))
    assert len(problems) == 1 and problems[0].startswith("schema: ") and "cut short" in problems[0]


def test_the_crash_corpus_is_varied_and_reproducible(tmp_path: Path) -> None:
    ct = _harness()
    a = ct.synthetic_documents(300, seed=5)
    assert a == ct.synthetic_documents(300, seed=5) and a != ct.synthetic_documents(300, seed=6)
    texts = [d["text"] for d in a]
    assert len(set(texts)) < len(texts)  # exact duplicates (stored once)
    assert len({d["outlet"] for d in a}) >= 10 and sum("published" not in d for d in a) > 0
    assert all(sum(t.count(c) for c in ".!?") >= 2 for t in texts)  # two sentences at least
    assert sorted(len(t) for t in texts)[len(texts) // 2] < 700 and max(len(t) for t in texts) < 2500  # short
    assert len({t.split(" ", 3)[2] for t in texts}) > 20  # varied openings


# --- the kills ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """1,000 synthetic reports and the digest of their uninterrupted ingest (shared by both backends)."""
    ct = _harness()
    work = tmp_path_factory.mktemp("crash")
    paths = ct.write_corpus(work / "corpus", DOCS, seed=7)
    reference, timing = ct.reference_store(paths, work, BATCH)
    assert reference["documents"][0] > 900 and reference["events"][0] > 0 and reference["reuse_links"][0] > 0
    return {"ct": ct, "paths": paths, "reference": reference, "timing": timing, "work": work}


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_at_random_points_loses_nothing_and_leaves_a_consistent_store(
    backend: str, crash_corpus: dict[str, Any], tmp_path: Path
) -> None:
    ct = crash_corpus["ct"]
    with fresh_store(backend, tmp_path, "trials") as url:
        result = ct.run_trials(url, crash_corpus["paths"], trials=TRIALS, seed=7 if backend == "sqlite" else 8,
                               batch_size=BATCH, reference=crash_corpus["reference"],
                               timing=copy.copy(crash_corpus["timing"]), log_dir=tmp_path,
                               echo=lambda line: print(line, flush=True))  # fmt: skip
    summary = result.summary()
    print(summary)
    assert result.kills >= TRIALS, summary
    phases = set(summary["kills_by_phase"])
    assert phases & {"before its first commit", "startup (before its run was recorded)"}, summary
    assert "batches (this run had committed some)" in phases, summary
    assert phases & {"final verification (every batch in, rebuild not committed)",
                      "verification rebuild (truceline verify)"}, summary
    assert not any(p.startswith("failed") for p in phases), summary
    assert result.problems == [], summary
    assert (result.lost, result.duplicated, result.unexpected) == ([], 0, []), summary
    assert result.stored == result.expected and result.final_exit == 0 and result.final_stale == "0", summary
    assert result.compared_tables == len(metadata.tables) - len(ct.UNCOMPARED_TABLES), summary
    assert result.tables_differing == [], summary
    assert result.ok


def test_the_harness_comparison_sees_one_table_differ(crash_corpus: dict[str, Any], tmp_path: Path) -> None:
    """The comparison can fail: a copy of the reference without one document's band rows differs there."""
    ct = crash_corpus["ct"]
    ref = crash_corpus["work"] / "reference.db"
    with copy_store(f"sqlite:///{ref}", tmp_path) as url:
        engine = open_engine(url)
        with engine.begin() as conn:
            n = conn.execute(select(func.count()).select_from(document_bands)).scalar_one()
            conn.execute(delete(document_bands).where(document_bands.c.doc_id == select(documents.c.id)
                                                      .order_by(documents.c.id).limit(1).scalar_subquery()))  # fmt: skip
        engine.dispose()
        digest = ct.store_digest(url)
    assert n > 0 and digest != crash_corpus["reference"]
    assert [t for t in digest if digest[t] != crash_corpus["reference"][t]] == ["document_bands"]


def test_the_check_command_exits_0_or_1_with_the_problems(sample_store: str, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from truceline.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["check", "--db", sample_store])
    assert ok.exit_code == 0 and ok.stdout.startswith("consistent: "), ok.output
    with copy_store(sample_store, tmp_path) as url:
        engine = open_engine(url)
        with engine.begin() as conn:
            _event_day_off(conn)
            _span_outside(conn)
        engine.dispose()
        bad = runner.invoke(app, ["check", "--db", url])
        as_json = runner.invoke(app, ["check", "--db", url, "--json"])
    assert bad.exit_code == 1 and "problem aggregates: event_days" in bad.stderr and "2 problems" in bad.stderr, bad.output
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["consistent"] is False and len(data["problems"]) == 2
    assert sorted(p.split(":")[0] for p in data["problems"]) == ["aggregates", "offsets"]
    missing = runner.invoke(app, ["check", "--db", str(tmp_path / "no" / "such" / "dir.db")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.output
