"""Concurrent writers on one store: real processes, a real server, on SQLite and PostgreSQL.

Two ``truceline ingest`` processes write overlapping document sets into the same store while a
``truceline serve`` process answers list requests from a polling thread; two processes open
(and so migrate) a fresh store at the same moment. Nothing may fail, nothing may be lost or
stored twice, no "database is locked" may reach the user, and the store must pass
:func:`truceline.store.integrity.check_store`. The mechanisms (the write lock, the generation
check, the retries) are also tested on their own, deterministically.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect, select, text, update

from tests.backends import fresh_store
from tests.store.harness import crash_trials
from truceline.store import retry
from truceline.store.engine import StoreBusy, StoreError, open_engine, schema_revision
from truceline.store.integrity import check_store
from truceline.store.schema import documents, outlets, runs, store_state

pytestmark = pytest.mark.concurrency
ROOT = Path(__file__).resolve().parents[2]
LIST_ENDPOINTS = ["/api/v1/meta", "/api/v1/documents?limit=50", "/api/v1/events?limit=50", "/api/v1/incidents",
                  "/api/v1/quotes", "/api/v1/actors", "/api/v1/timeline/buckets?interval=month",
                  "/api/v1/agreements", "/api/v1/contradictions"]  # fmt: skip
WORDS = ("locked", "busy", "Traceback", "internal error")  # what must never reach a user


def _harness() -> Any:
    return crash_trials()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "truceline.cli", *args]


def _start_together(commands: list[list[str]], tmp_path: Path, name: str) -> list[tuple[int, str]]:
    """Run Python commands (``[sys.executable, ...]``) at the same moment: each process waits for a
    shared start time, then becomes the command (``os.execv``). Their exit codes and output."""
    at = time.time() + 1.5
    launch = f"import os, sys, time; time.sleep(max(0.0, {at} - time.time())); os.execv(sys.executable, sys.argv[1:])"
    wrapped = [[sys.executable, "-c", launch, *cmd] for cmd in commands]
    procs = []
    for i, cmd in enumerate(wrapped):
        log = (tmp_path / f"{name}-{i}.log").open("wb")
        procs.append((subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT), log))
    out = []
    for proc, log in procs:
        rc = proc.wait(timeout=600)
        log.close()
        out.append((rc, Path(log.name).read_text(errors="replace")))
    return out


# --- two processes open a fresh store at once ----------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_migrating_a_fresh_store_at_once_both_succeed(backend: str, tmp_path: Path) -> None:
    opener = "from truceline.store.engine import open_engine; import sys; open_engine(sys.argv[1]); print('opened')"
    for round_ in range(3):
        with fresh_store(backend, tmp_path, f"fresh{round_}") as url:
            cmd = [sys.executable, "-c", opener, url]
            results = _start_together([cmd, cmd], tmp_path, f"migrate{round_}")
            for rc, output in results:
                assert rc == 0 and output.strip() == "opened", output
            engine = open_engine(url)
            try:
                with engine.connect() as conn:
                    assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
                    assert {"documents", "runs", "store_state"} <= set(inspect(conn).get_table_names())
                assert schema_revision(engine) is not None
                assert check_store(engine) == []
            finally:
                engine.dispose()


# --- two ingests and a server at once ---------------------------------------------------------------------


class Poller(threading.Thread):
    """GETs the API's list endpoints in a loop until stopped; keeps every status and failure."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while not self.stop.is_set():
                for path in LIST_ENDPOINTS:
                    try:
                        r = client.get(path)
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {exc!r}")
                        continue
                    self.statuses[r.status_code] += 1
                    if r.status_code >= 500 or any(w in r.text for w in ("locked", "Traceback")):
                        self.failures.append(f"{path}: {r.status_code} {r.text[:300]}")


def _serve(url: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(_cli("serve", "--db", url, "--port", str(port)), stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, cwd=ROOT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/v1/meta", timeout=5).status_code == 200:
                return proc, base, log
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"truceline serve did not start: {log.read_text(errors='replace')}")
        time.sleep(0.2)


def _ingest_serially(parts: list[list[Path]], url: str) -> None:
    for part in parts:
        done = subprocess.run(_cli("ingest", *map(str, part), "--db", url, "--batch-size", "10"), cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def overlapping(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """240 reports in 12 files, two overlapping sets of 8 files, and their serial ingests in both orders.

    No text occurs twice (which copy of a repeated text is kept depends on the order). The tables
    whose rows differ between the two serial orders depend on arrival order by design (a provisional
    actor keeps the type of the first document that names it, and what is derived from actors
    follows): a concurrent ingest, one interleaving of the two, is held to the others.
    """
    ct = _harness()
    work = tmp_path_factory.mktemp("overlap")
    paths = ct.write_corpus(work / "corpus", n=240, seed=11, per_file=20, exact_duplicates=False)
    # files 4-7 go to both processes, first: both read the same documents at the same time
    first, second = paths[4:8] + paths[:4], paths[4:]
    digests = []
    for name, parts in (("ab", [first, second]), ("ba", [second, first])):
        url = f"sqlite:///{work / (name + '.db')}"
        _ingest_serially(parts, url)
        digests.append(ct.store_digest(url))
    ab, ba = digests
    return {"ct": ct, "paths": paths, "first": first, "second": second, "serial": ab,
            "order_free": sorted(t for t in ab if ab[t] == ba[t])}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_ingests_at_once_while_the_api_serves_lose_nothing_and_show_no_lock_errors(
    backend: str, overlapping: dict[str, Any], tmp_path: Path
) -> None:
    ct, paths, first, second = (overlapping[k] for k in ("ct", "paths", "first", "second"))
    with fresh_store(backend, tmp_path) as url:
        engine = open_engine(url)  # the server needs a store to open; the ingests write it
        server, base, server_log = _serve(url, tmp_path)
        poller = Poller(base)
        poller.start()
        try:
            results = _start_together(
                [_cli("ingest", *map(str, first), "--db", url, "--batch-size", "10", "--json"),
                 _cli("ingest", *map(str, second), "--db", url, "--batch-size", "10", "--json")], tmp_path, "ingest")
            time.sleep(1.0)  # a last round of reads on the finished store
        finally:
            poller.stop.set()
            poller.join(60)
            server.terminate()
            server.wait(30)
        outputs = [o for _rc, o in results] + [server_log.read_text(errors="replace")]
        for rc, output in results:
            assert rc == 0, output
        for output in outputs:
            for word in WORDS:
                assert word not in output, output
        assert not poller.failures, poller.failures[:5]
        assert sum(poller.statuses.values()) >= len(LIST_ENDPOINTS) and set(poller.statuses) == {200}, poller.statuses

        summaries = [json.loads(o[o.index("{"):]) for o in outputs[:2]]
        expected = set(ct.expected_ids(paths))
        with engine.connect() as conn:
            ids = [r for (r,) in conn.execute(select(documents.c.id))]
            stale = conn.execute(select(store_state.c.value).where(store_state.c.key == "verification_stale")).scalar()
            statuses = [r for (r,) in conn.execute(select(runs.c.status))]
        assert len(ids) == len(set(ids)) and set(ids) == expected
        assert sum(s["added"] for s in summaries) == len(expected)  # each document added by exactly one run
        assert set(summaries[0]["doc_ids"]) | set(summaries[1]["doc_ids"]) == expected
        assert statuses == ["done", "done"] and stale == "0"
        assert check_store(engine) == []
        concurrent = ct.store_digest(url)
        engine.dispose()

    # serializable: the records of the runs one after the other, in every table the order does not change
    order_free = overlapping["order_free"]
    assert {"documents", "passages", "duplicates", "reuse_links", "events", "document_bands"} <= set(order_free)
    assert [t for t in order_free if concurrent[t] != overlapping["serial"][t]] == []


# --- the mechanisms, deterministically ---------------------------------------------------------------------


def test_a_write_computed_on_an_older_store_is_refused_and_retried(db_url: str) -> None:
    """The generation check: a writer whose reads predate another commit gets StoreMoved and recomputes."""
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            seen = retry.generation(conn)
        with retry.write_transaction(engine, expect=seen) as conn:  # another writer commits first
            retry.bump_generation(conn)
            conn.execute(outlets.insert().values(id="a", name="A"))
        with pytest.raises(retry.StoreMoved):
            with retry.write_transaction(engine, expect=seen) as conn:
                conn.execute(outlets.insert().values(id="b", name="B"))
        attempts: list[int] = []

        def attempt(n: int) -> None:
            attempts.append(n)
            with engine.connect() as conn:
                at = retry.generation(conn) - (1 if n == 0 else 0)  # the first attempt read a stale store
            with retry.write_transaction(engine, expect=at) as conn:
                retry.bump_generation(conn)
                conn.execute(outlets.insert().values(id="c", name="C"))

        retry.retrying(attempt, what="test write")
        assert attempts == [0, 1]
        with engine.connect() as conn:
            names = sorted(conn.execute(select(outlets.c.id)).scalars())
            assert names == ["a", "c"]  # the refused write left nothing
            assert retry.generation(conn) == seen + 2
    finally:
        engine.dispose()


def test_writers_wait_for_each_other_instead_of_failing(db_url: str) -> None:
    """A second writer blocks on the lock while the first holds it, then goes through; no error."""
    engine = open_engine(db_url)
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with retry.write_transaction(engine) as conn:
            conn.execute(outlets.insert().values(id="first", name="First"))
            holding.set()
            time.sleep(1.0)
            order.append("first commits")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(30)
    try:
        with retry.write_transaction(engine) as conn:
            order.append("second writes")
            conn.execute(update(outlets).where(outlets.c.id == "first").values(name="Second"))
        thread.join(30)
        assert order == ["first commits", "second writes"]
        with engine.connect() as conn:
            assert conn.execute(select(outlets.c.name)).scalar_one() == "Second"
    finally:
        thread.join(30)
        engine.dispose()


def test_transient_failures_are_recognised_and_real_ones_are_not(db_url: str) -> None:
    """A race on a primary key is retried (the row is 'already stored' next time); a bad statement is not."""
    engine = open_engine(db_url)
    try:
        with retry.write_transaction(engine) as conn:
            conn.execute(outlets.insert().values(id="x", name="X"))
        with pytest.raises(Exception) as race:
            with retry.write_transaction(engine) as conn:
                conn.execute(outlets.insert().values(id="x", name="X again"))
        assert retry.transient(race.value) is not None
        with pytest.raises(Exception) as bad:
            with engine.connect() as conn:
                conn.execute(text("SELECT no_such_column FROM outlets"))
        assert retry.transient(bad.value) is None
        calls: list[int] = []

        def insert_once(n: int) -> None:
            calls.append(n)
            with retry.write_transaction(engine) as conn:
                if conn.execute(select(outlets.c.id).where(outlets.c.id == "y")).first() is None:
                    conn.execute(outlets.insert().values(id="y", name="Y"))
                if n == 0:  # a concurrent process stored the same row meanwhile: the commit races
                    conn.execute(outlets.insert().values(id="y", name="Y"))

        retry.retrying(insert_once, what="test insert", sleep=lambda s: None)
        assert calls == [0, 1]
        with engine.connect() as conn:
            assert sorted(conn.execute(select(outlets.c.id)).scalars()) == ["x", "y"]
    finally:
        engine.dispose()


def test_retrying_gives_up_at_the_deadline_with_what_it_was_writing() -> None:
    def always_busy(n: int) -> None:
        raise retry.StoreMoved("generation 1 -> 2")

    with pytest.raises(StoreBusy, match="storing a batch: gave up after"):
        retry.retrying(always_busy, what="storing a batch", deadline_s=0.05)
    assert issubclass(StoreBusy, StoreError)  # the CLI prints it as one error line, exit 2


def test_back_off_grows_and_is_jittered() -> None:
    import random

    waits = retry.delays(first=0.1, cap=1.0, rng=random.Random(3))
    got = [next(waits) for _ in range(40)]
    assert all(0 <= w <= 1.0 for w in got)
    assert max(got[:2]) <= 0.2 and max(got[10:]) > 0.5  # grows to the cap
    assert len(set(got)) == len(got)  # jittered: no two waits alike


def test_sqlite_write_transactions_take_the_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: while one writer's transaction is open, even before it wrote, no other may write."""
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    engine = open_engine(url)
    import sqlite3

    try:
        with retry.write_transaction(engine):
            other = sqlite3.connect(str(tmp_path / "lock.db"), timeout=0.2)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO outlets (id, name) VALUES ('o', 'O')")
            other.close()
        with engine.connect() as conn:  # a reader's transaction is not a writer's
            conn.execute(select(outlets.c.id)).all()
            other = sqlite3.connect(str(tmp_path / "lock.db"), timeout=0.2)
            other.execute("INSERT INTO outlets (id, name) VALUES ('o', 'O')")
            other.commit()
            other.close()
    finally:
        engine.dispose()
