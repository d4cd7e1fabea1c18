"""Streaming ingest: batches commit on their own, runs resume, verification is rebuilt once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import truceline
from truceline.batch import STAGES
from truceline.cli import app
from truceline.pipeline import reprocess
from truceline.store import streaming
from truceline.store.engine import open_engine
from truceline.store.schema import (
    claims,
    contradictions,
    documents,
    duplicates,
    events,
    incidents,
    passage_bands,
    passages,
    reuse_links,
    runs,
)

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "karabakh-2020"
CONTENT = {
    documents: ("id", "clean_text", "published", "published_source", "title", "author", "content_hash"),
    passages: ("doc_id", "start", "end", "kind", "norm_hash"),
    reuse_links: ("doc_id", "start", "end", "other_doc", "other_start", "other_end", "kind", "similarity"),
    duplicates: ("doc_id", "other_doc_id", "kind", "similarity"),
    events: ("id", "doc_id", "plover", "date"),
    incidents: ("id", "plover", "date", "grade", "independent_sources"),
    claims: ("id", "incident_id", "stance", "kind"),
    contradictions: ("id", "kind", "incident_id"),
}


def _snapshot(db: str) -> dict[str, list[tuple]]:
    engine = open_engine(db)
    with engine.connect() as conn:
        out = {t.name: sorted(tuple(r) for r in conn.execute(select(*(t.c[c] for c in cols))))
               for t, cols in CONTENT.items()}  # fmt: skip
    engine.dispose()
    return out


def _state(db: str) -> str | None:
    engine = open_engine(db)
    with engine.connect() as conn:
        value = streaming.get_state(conn, streaming.STALE)
    engine.dispose()
    return value


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, list[tuple]]:
    """The sample corpus ingested as one batch."""
    db = f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}"
    summary = truceline.ingest([SAMPLE], db=db, batch_size=1000)
    assert summary.added == 5
    return _snapshot(db)


def test_streaming_in_batches_gives_the_records_of_one_batch(sample_dir: Path, tmp_path: Path, reference):
    db = f"sqlite:///{tmp_path / 's.db'}"
    summary = truceline.ingest([sample_dir], db=db, batch_size=2)
    assert (summary.added, summary.skipped) == (5, 0)
    got = _snapshot(db)
    for table in CONTENT:
        assert got[table.name] == reference[table.name], table.name
    assert got["incidents"], "the sample corpus has incidents"
    assert _state(db) == "0"


def test_a_run_killed_in_batch_k_keeps_earlier_batches_and_a_rerun_completes(
    sample_dir: Path, tmp_path: Path, reference, monkeypatch
):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    real_read = STAGES["read"]
    calls = {"n": 0}

    def failing_read(batch):
        calls["n"] += 1
        if calls["n"] == 2:  # batch k = 2 dies in the middle of its stages
            raise RuntimeError("killed")
        real_read(batch)

    monkeypatch.setitem(STAGES, "read", failing_read)
    with pytest.raises(RuntimeError, match="killed"):
        truceline.ingest([sample_dir], db=db, batch_size=2)
    engine = open_engine(db)
    with engine.connect() as conn:
        stored = [r for (r,) in conn.execute(select(documents.c.id))]
        status = [r for (r,) in conn.execute(select(runs.c.status))]
    engine.dispose()
    assert len(stored) == 2  # batch 1 committed, batch 2 not, batch 3 never started
    assert status == ["failed"]
    assert _state(db) == "1"  # verification is behind the documents until the next run

    monkeypatch.setitem(STAGES, "read", real_read)
    again = truceline.ingest([sample_dir], db=db, batch_size=2)
    assert (again.added, again.unchanged) == (3, 2)
    got = _snapshot(db)
    for table in CONTENT:
        assert got[table.name] == reference[table.name], table.name
    assert _state(db) == "0"


def test_verify_command_rebuilds_the_verification_records(sample_dir: Path, tmp_path: Path, reference):
    db = f"sqlite:///{tmp_path / 'v.db'}"
    truceline.ingest([sample_dir], db=db, batch_size=3, verify=False)
    assert _snapshot(db)["incidents"] == []
    assert _state(db) == "1"
    result = CliRunner().invoke(app, ["verify", "--db", db])
    assert result.exit_code == 0, result.output
    got = _snapshot(db)
    for name in ("incidents", "claims", "contradictions"):
        assert got[name] == reference[name]
    assert _state(db) == "0"


def test_progress_reports_documents_done_of_total_and_bands_follow_passages(sample_dir: Path, tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    seen: list[tuple[str, int, int | None]] = []
    truceline.ingest([sample_dir], db=db, batch_size=2, progress=lambda *a: seen.append(a))
    docs = [(done, total) for stage, done, total in seen if stage == "documents"]
    assert docs == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert ("verify", 5, 5) in seen
    engine = open_engine(db)
    with engine.connect() as conn:
        ids = {r for (r,) in conn.execute(select(passages.c.id))}
        banded = {r for (r,) in conn.execute(select(passage_bands.c.passage_id).distinct())}
    engine.dispose()
    assert banded and banded <= ids  # every band row points at a stored passage


def test_stored_index_finds_the_candidates_of_a_whole_store_scan(sample_dir: Path, tmp_path: Path):
    """The band index proposes every stored passage the all-passages sort would pair with a new one."""
    from truceline.ingestion import reuse

    db = f"sqlite:///{tmp_path / 'i.db'}"
    truceline.ingest([sample_dir], db=db)
    engine = open_engine(db)
    with engine.connect() as conn:
        stored = [reuse.Passage(**{k: v for k, v in dict(r).items() if k != "id"})
                  for r in conn.execute(select(passages)).mappings()]  # fmt: skip
        first = stored[0].doc_id
        new = [p for p in stored if p.doc_id == first]
        rest = [p for p in stored if p.doc_id != first]
        via_index = [reuse.Passage(**{k: v for k, v in r.items() if k != "id"})
                     for r in streaming.candidate_passages(conn, new, exclude={first})]  # fmt: skip
    engine.dispose()
    texts = {}

    def text_of(doc_id):
        if doc_id not in texts:
            with open_engine(db).connect() as c:
                texts[doc_id] = c.execute(select(documents.c.clean_text).where(documents.c.id == doc_id)).scalar()
        return texts[doc_id]

    assert reuse.find_reuse(new, via_index, text_of) == reuse.find_reuse(new, rest, text_of)
    assert len(via_index) < len(rest)


def test_band_keys_of_common_phrases_are_not_followed_but_copies_still_are(tmp_path: Path, monkeypatch):
    """A MinHash value more than MAX_POSTINGS stored passages share is a common phrase's: its
    passages are not fetched as candidates (a batch's candidates must not grow with the store).
    A verbatim copy is still found by its hash, and a near copy by the values it shares with
    its original alone."""
    import json

    from truceline.ingestion import reuse

    common = "The ministry of defence said the situation along the line of contact remained tense on Monday."
    rare = "Villagers in the hills counted eleven burned houses and a school with its roof torn away."
    docs = [{"text": f"{common} Report number {i} from the regional desk covers other matters entirely.",
             "outlet": f"Outlet {i}", "published": "2020-10-05"} for i in range(5)]
    docs.append({"text": rare, "outlet": "Outlet X", "published": "2020-10-05"})
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    truceline.ingest([path], db=db, verify=False)
    near_common = common.replace("Monday", "Sunday")  # shares most values with the five copies only
    near_rare = rare.replace("eleven", "twelve")  # shares most values with its one original
    queries = [common, near_common, near_rare]
    engine = open_engine(db)
    with engine.connect() as conn:
        stored = dict(conn.execute(select(documents.c.id, documents.c.clean_text)).all())

        def candidates(cap: int, text: str) -> set[str]:
            monkeypatch.setattr(reuse, "MAX_POSTINGS", cap)
            mine = reuse.passages(f"new{queries.index(text)}", text)
            return {stored[r["doc_id"]][r["start"]:r["end"]] for r in streaming.candidate_passages(conn, mine, exclude=set())}

        assert common in candidates(100, near_common)  # five postings: followed
        assert common not in candidates(4, near_common)  # more than four: a common phrase, not followed
        assert common in candidates(4, common)  # the verbatim copy: by its hash
        assert rare in candidates(4, near_rare) and rare in candidates(1, near_rare)
    engine.dispose()


def test_replaced_passages_leave_exactly_their_new_bands(sample_dir: Path, tmp_path: Path):
    """Band rows carry no document: a reprocessed document's old rows are dropped by their keys
    before its passages are replaced, so the table holds exactly the current passages' bands."""
    from truceline.store.streaming import passage_band_rows

    db = f"sqlite:///{tmp_path / 'r.db'}"
    truceline.ingest([sample_dir], db=db, batch_size=2)
    engine = open_engine(db)

    def state() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        with engine.connect() as conn:
            stored = conn.execute(select(passages.c.id, passages.c.signature)).all()
            rows = sorted(tuple(r) for r in conn.execute(select(passage_bands.c.key, passage_bands.c.passage_id)))
        return rows, passage_band_rows(stored)

    before, expected = state()
    assert before == expected and before
    reprocess(engine=engine, batch_size=2)  # every passage deleted and written again, with new ids
    after, expected = state()
    engine.dispose()
    assert after == expected
    assert {p for _k, p in after}.isdisjoint({p for _k, p in before})  # new ids: none of the old rows survived


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_within_a_batch_and_a_batchs_cycles_are_freed_after_it(
    sample_dir: Path, tmp_path: Path, monkeypatch, enabled: bool
):
    import gc
    import weakref

    real_read = STAGES["read"]
    seen: list[bool] = []
    cycles: list[weakref.ref] = []

    class Cycle:
        pass

    def watching_read(batch):
        seen.append(gc.isenabled())
        c = Cycle()
        c.me = c  # only the cyclic collector frees this
        cycles.append(weakref.ref(c))
        real_read(batch)

    def after_batch(what: str, done: int, total: int | None) -> None:
        if what == "documents" and done:  # called once a batch is stored and collected
            assert all(r() is None for r in cycles), "a batch's cycle outlived its batch"

    monkeypatch.setitem(STAGES, "read", watching_read)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        truceline.ingest([sample_dir], db=f"sqlite:///{tmp_path / 'g.db'}", batch_size=2, progress=after_batch)
        assert gc.isenabled() is enabled  # left as found
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False, False]  # 5 documents, batches of 2
    assert len(cycles) == 3 and all(r() is None for r in cycles)
