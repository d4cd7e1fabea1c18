"""The reading pool: worker processes that parse and read, each started from a clean copy of the model.

Workers are forked from a *fork server* (``multiprocessing``'s ``forkserver``), a process started
once that loads the model and builds every reading resource (:mod:`truceline.nlp.worker_boot`), about
960 MB, and does nothing else; they share its pages copy-on-write. Forking them from the process that runs
the ingest instead would hand each worker whatever that process holds at the time, and it grows
with the run (candidate rows, caches, the verification's resources).

Each worker is replaced after :data:`WORKER_TASKS` tasks. Why: however bounded its caches, a
long-lived worker's resident memory crept up over a long ingest (largest worker 1,149 MB at 1,000
documents, 1,338 MB at 10,000, with the allocator already told to give big blocks back), from
allocator fragmentation and the transient arrays of long articles. A fresh fork starts from the
server's clean state, so a worker's peak no longer depends on how long the run is. Results are
plain records, pickled back.
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

WORKER_TASKS = 100  # tasks (up to PREFETCH_CHUNK = 8 documents each) a worker runs before a fresh one takes its place

# Any sentence that touches every reading resource (actors, places, dates, quotes, events) will do.
WARM_TEXT = ("Chile and Peru agreed to a ceasefire in Lima on Friday, the Brazilian foreign minister "
             "said. \"We call on both sides to respect it,\" he added.")


def warm_reading() -> None:
    """Load the model and build every reading resource (actor dictionary, gazetteer, event
    models: built on first use) by reading one document: before workers fork, so they share
    them, and before any memory zone, so they are built with permanent strings."""
    from datetime import date

    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import read_parsed

    nlp = get_nlp()
    read_parsed("warm", WARM_TEXT, nlp(WARM_TEXT), date(2020, 10, 10))
    freeze_resources()


def freeze_resources() -> None:
    """Move every object alive now (the model, vocabularies, dictionaries, gazetteer: millions of
    them, kept for the process's life) out of the cyclic garbage collector's reach.

    Why: each full collection walks every tracked object, and with the reading resources loaded
    that was about 4% of an ingest's CPU; a walk also writes to the objects' pages, which a forked
    worker would then copy instead of sharing them with its fork server. Garbage is collected
    first, so nothing collectable is frozen.
    """
    import gc

    gc.collect()
    gc.freeze()


def _start_worker() -> None:
    """Pool initializer: the allocator told to give freed memory back, then the reading
    resources (already built by the fork server: this only checks them, in milliseconds; under
    ``spawn``, where there is no fork server, it builds them)."""
    from truceline.scale.allocator import tune_allocator

    tune_allocator()
    warm_reading()


def start_method() -> str:
    """``forkserver`` where the platform has it (Linux, macOS), else ``spawn``."""
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def open_pool(workers: int, tasks_per_worker: int = WORKER_TASKS) -> Any:
    """A pool kept across batches, its workers forked from the warmed fork server and each
    replaced after ``tasks_per_worker`` tasks."""
    from truceline.nlp.runtime import model_path, verify_model

    verify_model(model_path())  # a missing or altered model is this process's clear error, not a worker's
    ctx = mp.get_context(start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["truceline.nlp.worker_boot"])  # before the server starts (once per process)
    return ctx.Pool(processes=workers, initializer=_start_worker, maxtasksperchild=tasks_per_worker)
