"""Concurrent writers: one writer at a time, retried with back-off when the store was busy or moved.

Several processes may write one store at once (two ``truceline ingest`` runs, an API ingest, a
``truceline verify``) while others read it. Everything that writes goes through
:func:`write_transaction`, which takes the store's write lock at the start of the transaction:

- SQLite: ``BEGIN IMMEDIATE`` (emitted by the ``begin`` event listener in
  :mod:`truceline.store.engine` for connections carrying :data:`WRITE`). A deferred transaction
  that reads and then writes fails at once with "database is locked" when another writer
  committed in between (SQLite cannot upgrade a stale read snapshot); taking the lock first makes
  the busy timeout apply instead.
- PostgreSQL: a transaction-scoped advisory lock (``pg_advisory_xact_lock``), released by the
  commit, the rollback or the death of the session.

A batch is computed *before* its write, from reads of the store (duplicates, re-use, cleaning
against the stored corpus). The store's **generation** (``store_state``) counts the writes that
change documents; a writer passes the generation its reads saw as ``expect``, and if another
writer committed since then :class:`StoreMoved` is raised inside the lock, before anything is
written, so the batch is computed again on the store as it now is. Together this makes
concurrent ingests serializable: the result is one of the orders the batches could have run in.

:func:`retrying` runs such an attempt again on the failures that a retry cures (registered in
:data:`TRANSIENT`): a busy SQLite store, PostgreSQL serialization failures, deadlocks, lock
timeouts, unique violations from a race (the row is "already stored" on the next attempt) and
:class:`StoreMoved`; with exponential back-off and full jitter, up to a deadline. Retries are
logged at debug level, never printed: a user sees no "database is locked".
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine, text

from truceline.store.streaming import get_state, set_state

log = logging.getLogger(__name__)
T = TypeVar("T")

WRITE = "truceline_write"  # execution option: this connection's transactions write (BEGIN IMMEDIATE on SQLite)
GENERATION = "generation"  # store_state key: writes that changed documents so far
VERIFIED = "verified_generation"  # store_state key: the generation the verification records were built from
# the advisory lock key every truceline writer takes on PostgreSQL (any constant bigint; "trucelin" in ASCII)
PG_LOCK_KEY = 0x7472_7563_656C_696E
DEADLINE_S = 600.0  # how long a write keeps trying before giving up with the last error
FIRST_DELAY_S = 0.05
MAX_DELAY_S = 2.0


class StoreMoved(Exception):
    """Another writer committed since this write's reads: compute it again on the current store."""


# --- which failures a retry cures -----------------------------------------------------------------
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY = 2067, 1555
PG_RETRYABLE = {"40001": "serialization failure", "40P01": "deadlock", "55P03": "lock timeout",
                "23505": "unique violation (a concurrent insert)"}  # fmt: skip


def _store_moved(exc: BaseException) -> str | None:
    return "store moved" if isinstance(exc, StoreMoved) else None


def _sqlite(exc: BaseException) -> str | None:
    """SQLITE_BUSY/LOCKED (also when the busy timeout ran out) and unique violations from a race."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    if code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED):
        return "sqlite busy"
    if code in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY):
        return "sqlite unique violation (a concurrent insert)"
    return None


def _postgresql(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    return PG_RETRYABLE.get(state) if isinstance(state, str) else None


# each returns why ``exc`` is worth another attempt, or None; the first that answers wins
TRANSIENT: list[Callable[[BaseException], str | None]] = [_store_moved, _sqlite, _postgresql]


def transient(exc: BaseException) -> str | None:
    """Why a retry may cure ``exc`` (a short reason), or None when it is a real error."""
    for rule in TRANSIENT:
        if (reason := rule(exc)) is not None:
            return reason
    return None


def delays(first: float = FIRST_DELAY_S, cap: float = MAX_DELAY_S, rng: random.Random | None = None) -> Iterator[float]:
    """Exponential back-off with full jitter: attempt k waits uniform(0, min(cap, first * 2**k)).

    Jitter keeps two writers that collided from colliding again on the same schedule.
    """
    rng = rng or random.Random()
    k = 0
    while True:
        yield rng.uniform(0, min(cap, first * 2**k))
        k += 1


def retrying(attempt: Callable[[int], T], what: str, deadline_s: float = DEADLINE_S,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """``attempt(n)`` (n = 0, 1, ...) until it returns, retrying transient failures until the deadline.

    A :class:`StoreMoved` is retried at once (it means another writer made progress); other
    transient failures wait per :func:`delays`. Past the deadline the last failure is raised as
    :class:`~truceline.store.engine.StoreBusy` (a ``StoreError``: the CLI prints it as one line),
    saying what was being written; a non-transient failure is raised as is.
    """
    start = time.monotonic()
    waits = delays()
    n = 0
    while True:
        try:
            return attempt(n)
        except Exception as exc:
            reason = transient(exc)
            if reason is None:
                raise
            waited = time.monotonic() - start
            if waited >= deadline_s:
                from truceline.store.engine import StoreBusy  # engine imports this module

                raise StoreBusy(f"{what}: gave up after {n + 1} attempts in {waited:.0f} s ({reason}: {exc})") from exc
            log.debug("%s: attempt %d failed (%s), retrying", what, n + 1, reason)
            if not isinstance(exc, StoreMoved):
                sleep(next(waits))
            n += 1


# --- the write lock and the generation -------------------------------------------------------------


def lock_for_write(conn: Connection) -> None:
    """Take the store's write lock inside ``conn``'s open transaction (PostgreSQL; SQLite took it at BEGIN)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


@contextmanager
def write_transaction(engine: Engine, expect: int | None = None) -> Iterator[Connection]:
    """A transaction holding the store's write lock; committed when the block ends, rolled back on error.

    With ``expect`` (the generation the caller's reads saw), :class:`StoreMoved` is raised before
    anything is written when another writer has committed since.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            lock_for_write(conn)
            if expect is not None and (now := generation(conn)) != expect:
                raise StoreMoved(f"generation {expect} -> {now}")
            yield conn


def generation(conn: Connection) -> int:
    """How many document-changing writes the store has had (0 for a store older than the counter)."""
    value = get_state(conn, GENERATION)
    return int(value) if value and value.isdigit() else 0


def bump_generation(conn: Connection) -> int:
    """Count one more document-changing write (inside its write transaction): the new generation."""
    new = generation(conn) + 1
    set_state(conn, GENERATION, str(new))
    return new


def verified_generation(conn: Connection) -> int | None:
    """The generation the stored verification records were computed from (None: not recorded)."""
    value = get_state(conn, VERIFIED)
    return int(value) if value and value.isdigit() else None


def mark_verified(conn: Connection, at: int) -> None:
    set_state(conn, VERIFIED, str(at))
