"""Ingest end to end: idempotence, order independence, provenance, duplicates and re-use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

import truceline
from truceline.store.engine import open_engine
from truceline.store.schema import documents, passages, reuse_links, runs
from truceline.text import normalize_for_match


def _table_rows(db: str, table) -> list[dict]:
    engine = open_engine(db)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(table)).mappings()]
    engine.dispose()
    return rows


def test_ingesting_the_sample_twice_stores_five_documents_once(sample_dir, db_url):
    first = truceline.ingest([sample_dir], db=db_url)
    second = truceline.ingest([sample_dir], db=db_url)
    assert (first.added, first.skipped, first.exit_code) == (5, 0, 0)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 5)
    assert len(_table_rows(db_url, documents)) == 5
    links = _table_rows(db_url, reuse_links)
    assert links and len(links) == len({(l["doc_id"], l["start"], l["other_doc"], l["other_start"]) for l in links})
    assert [r["status"] for r in _table_rows(db_url, runs)] == ["done", "done"]


def test_result_does_not_depend_on_the_order_files_arrive(sample_dir, tmp_path):
    together = f"sqlite:///{tmp_path / 'a.db'}"
    one_by_one = f"sqlite:///{tmp_path / 'b.db'}"
    truceline.ingest([sample_dir], db=together)
    for path in sorted(sample_dir.glob("*.txt"), reverse=True):
        truceline.ingest([path], db=one_by_one)
    texts = lambda db: {r["id"]: r["clean_text"] for r in _table_rows(db, documents)}
    assert texts(together) == texts(one_by_one)
    pairs = lambda db: {(r["doc_id"], r["other_doc"], r["start"], r["other_start"]) for r in _table_rows(db, reuse_links)}
    assert pairs(together) == pairs(one_by_one)


def test_sidecar_metadata_gives_outlet_author_title_and_keeps_unknown_fields(sample_dir, db_url):
    truceline.ingest([sample_dir], db=db_url)
    meta = [json.loads(l) for l in (sample_dir / "metadata.jsonl").read_text().splitlines()]
    rows = {Path(r["source"]).name: r for r in _table_rows(db_url, documents)}
    for m in meta:
        row = rows[m["file"]]
        assert row["title"] == m["title"]
        assert row["author"] == m["author"]
        if m["published"] is None:  # no source date: unknown, or estimated from the text and labelled so
            assert row["published_source"] in ("unknown", "estimated")
            assert (row["published"] is None) == (row["published_source"] == "unknown")
            if row["published_source"] == "estimated":
                assert row["extra"]["published_estimate_basis"]
        assert row["extra"]["metadata"].get("published_estimate") == m.get("published_estimate")


def test_boilerplate_is_cut_and_every_cut_points_into_the_received_text(sample_dir, db_url):
    truceline.ingest([sample_dir], db=db_url)
    for row in _table_rows(db_url, documents):
        assert row["boilerplate"], f"{row['source']}: nothing cut"
        for cut in row["boilerplate"]:
            assert row["received_text"][cut["start"] : cut["end"]] == cut["text"]
            if cut["reason"] != "repeated title":  # a repeated headline duplicates kept text by definition
                kept = {normalize_for_match(p) for p in row["clean_text"].split("\n\n")}
                assert normalize_for_match(cut["text"]) not in kept
        for clean_start, received_start, length in row["segments"]:
            assert row["clean_text"][clean_start : clean_start + length] == row["received_text"][received_start : received_start + length]


def test_shared_quote_is_linked_across_documents_and_offsets_hold(sample_dir, db_url):
    truceline.ingest([sample_dir], db=db_url)
    texts = {r["id"]: r["clean_text"] for r in _table_rows(db_url, documents)}
    links = _table_rows(db_url, reuse_links)
    docs_with_reuse = {l["doc_id"] for l in links} | {l["other_doc"] for l in links}
    assert len(docs_with_reuse) >= 3
    for l in links:
        a = texts[l["doc_id"]][l["start"] : l["end"]]
        b = texts[l["other_doc"]][l["other_start"] : l["other_end"]]
        assert a.strip() and b.strip() and l["doc_id"] != l["other_doc"]
    assert _table_rows(db_url, passages)


def test_republished_copy_with_new_boilerplate_is_an_exact_duplicate(sample_dir, db_url):
    original = sorted(sample_dir.glob("*.txt"))[2]
    copy_dir = sample_dir.parent / "mirror"
    copy_dir.mkdir()
    (copy_dir / "copy.txt").write_text(original.read_text("utf-8") + "\n\nLeave a Reply\n\nPosted in World\n", "utf-8")
    run = truceline.ingest([sample_dir, copy_dir], db=db_url)
    assert run.added == 6
    docs, _ = truceline.extract([original, copy_dir / "copy.txt"])
    assert {d.kind for d in docs[1].duplicates} == {"exact"}
    assert docs[1].duplicates[0].doc_id == docs[0].id


def test_non_english_document_is_stored_and_flagged(tmp_path, db_url):
    (tmp_path / "ru.txt").write_text(
        "Министр иностранных дел заявил, что режим прекращения огня вступит в силу в полночь. "
        "Стороны договорились обменяться пленными и телами погибших при посредничестве Красного Креста.",
        "utf-8",
    )
    run = truceline.ingest([tmp_path / "ru.txt"], db=db_url)
    assert run.added == 1
    row = _table_rows(db_url, documents)[0]
    assert (row["language"], row["is_english"]) == ("ru", False)


def test_metadata_change_updates_the_document_without_duplicating_it(sample_dir, db_url):
    truceline.ingest([sample_dir], db=db_url)
    meta = sample_dir / "metadata.jsonl"
    lines = [json.loads(l) for l in meta.read_text().splitlines()]
    lines[0]["published"] = "2020-11-05"
    meta.write_text("\n".join(json.dumps(l) for l in lines) + "\n")
    run = truceline.ingest([sample_dir], db=db_url)
    assert (run.added, run.updated, run.unchanged) == (0, 1, 4)
    rows = {Path(r["source"]).name: r for r in _table_rows(db_url, documents)}
    assert rows[lines[0]["file"]]["published"] == "2020-11-05"
    assert rows[lines[0]["file"]]["published_source"] == "metadata"
    assert len(rows) == 5


def test_extract_contract_keys_and_span_property(sample_dir):
    docs, run = truceline.extract([sample_dir])
    assert run.skipped == 0 and len(docs) == 5
    by_id = {d.id: d for d in docs}
    for d in docs:
        data = json.loads(d.model_dump_json())
        for key in ("id", "title", "outlet", "author", "published", "published_source", "language", "text",
                    "boilerplate_removed", "duplicates", "reused_passages", "actors", "mentions", "quotes",
                    "timex", "places", "events", "claims", "incidents", "agreements"):
            assert key in data
        for p in d.reused_passages:
            other = by_id[p.other_doc]
            assert d.text[p.start : p.end].strip()
            assert other.text[p.other_start : p.other_end].strip()
            back = [q for q in other.reused_passages if q.other_doc == d.id and q.start == p.other_start]
            assert back and back[0].other_start == p.start


@pytest.mark.parametrize("batch_size", [32, 2])
def test_two_worker_processes_store_exactly_what_one_process_stores(sample_dir, tmp_path, batch_size):
    """With a pool the next batch is read ahead while the current one is stored (batch_size=2:
    three batches); what is stored must not depend on it."""
    from sqlalchemy import select

    from truceline.nlp.stage import LocalReader
    from truceline.pipeline import ingest
    from truceline.store.engine import open_engine
    from truceline.store.schema import events, incidents, mentions, quotes, timexes

    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    ingest([sample_dir], db=one, batch_size=batch_size)
    reader = LocalReader(2)
    try:
        ingest([sample_dir], db=two, reader=reader, batch_size=batch_size)
    finally:
        reader.close()
    # every document was read ahead; those re-dated by their copies afterwards were read again
    assert reader.prefetched["used"] + reader.prefetched["read_again"] == len(list(sample_dir.glob("*.txt")))
    assert reader.prefetched["used"] >= 1
    for table in (events, mentions, quotes, timexes, incidents):
        rows = []
        for url in (one, two):
            with open_engine(url).connect() as conn:
                rows.append([tuple(r) for r in conn.execute(select(table).order_by(table.c.id))])
        assert rows[0] == rows[1] and rows[0], table.name
