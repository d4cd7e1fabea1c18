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


def test_prefetch_tasks_take_up_to_eight_documents_and_spread_a_batch_over_every_worker():
    from truceline.nlp.stage import PREFETCH_CHUNK, prefetch_chunk

    assert prefetch_chunk(32, 2) == PREFETCH_CHUNK == 8  # a default batch over 2 workers: 4 tasks
    assert prefetch_chunk(32, 4) == 4  # 8 tasks: two a worker
    assert prefetch_chunk(5, 2) == 2 and prefetch_chunk(1, 2) == 1  # a small batch still reaches both
    assert prefetch_chunk(1000, 2) == PREFETCH_CHUNK


def test_a_reading_does_not_depend_on_the_documents_parsed_in_the_same_batch():
    """Prefetch tasks parse several documents in one nlp.pipe batch (a worker's parse of 8 must
    equal the in-process parse of 16 or of one), so readings must not depend on the batch."""
    from pathlib import Path

    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import read_text

    sample = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"
    texts = [p.read_text("utf-8") for p in sorted(sample.glob("*.txt"))]
    nlp = get_nlp()

    def dump(parsed):
        out = []
        for i, (t, sdoc) in enumerate(zip(texts, parsed, strict=True)):
            r = read_text(f"d{i}", t, sdoc, "2020-10-10")
            out.append(([e.model_dump() for e in r.events], [m.model_dump() for m in r.mentions],
                        [q.model_dump() for q in r.quotes], r.parses))  # fmt: skip
        return out

    together = dump(nlp.pipe(texts, batch_size=16))
    assert together == dump([nlp(t) for t in texts])
    assert any(events for events, *_ in together)
