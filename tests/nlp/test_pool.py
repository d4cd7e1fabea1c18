"""The reading pool: workers forked from a warmed fork server, each replaced after a set number of tasks."""

from __future__ import annotations

import os

from truceline.nlp.pool import open_pool, start_method


def _whoami(_: int) -> tuple[int, int]:
    return os.getpid(), os.getppid()


def _reads(text: str):
    from truceline.nlp.stage import _read_one

    return _read_one(("d1", text, "2020-10-05"))[1]


def test_workers_are_replaced_after_their_tasks_and_do_not_descend_from_the_ingest():
    pool = open_pool(1, tasks_per_worker=2)
    try:
        seen = [pool.apply(_whoami, (i,)) for i in range(6)]
    finally:
        pool.close()
        pool.join()
    pids = {pid for pid, _ in seen}
    assert len(pids) == 3  # one worker, two tasks each: three workers in turn
    if start_method() == "forkserver":
        assert all(parent != os.getpid() for _, parent in seen)  # forked by the server, not by this process


def test_a_worker_reads_as_this_process_does():
    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import read_text

    text = "Armenia said on Monday that Azerbaijan shelled Stepanakert. \"We will respond,\" the ministry said."
    pool = open_pool(1)
    try:
        got = pool.apply(_reads, (text,))
    finally:
        pool.close()
        pool.join()
    here = read_text("d1", text, get_nlp()(text), "2020-10-05")
    assert got.events and [e.model_dump() for e in got.events] == [e.model_dump() for e in here.events]
    assert [q.model_dump() for q in got.quotes] == [q.model_dump() for q in here.quotes]


def test_a_missing_model_is_this_process_s_error_before_any_worker_starts(tmp_path, monkeypatch):
    """Workers build their model in the fork server; a model that is not there must fail here,
    with the runtime's message, not as an initializer error the pool would retry for ever."""
    import pytest

    from truceline.nlp import runtime

    monkeypatch.setattr(runtime, "model_path", lambda: tmp_path)
    with pytest.raises(runtime.ModelError, match="missing"):
        open_pool(1)
