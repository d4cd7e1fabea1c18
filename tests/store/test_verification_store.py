"""Verification records in the store: written with every run, read back exact, idempotent."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from truceline.cli import app
from truceline.pipeline import ingest
from truceline.store.engine import open_engine
from truceline.store.queries import extracted_documents
from truceline.store.schema import claims, contradictions, incidents, record_documents
from truceline.store.verification import load_verification, pack, unpack

DOCS = [
    {"text": "Azerbaijani forces shelled the town of Martuni on October 5, 2020, killing two civilians.",
     "outlet": "Alpha News", "published": "2020-10-06"},
    {"text": "On October 5, 2020, Azerbaijan's army shelled Martuni, killing two civilians, local officials said.",
     "outlet": "Beta Wire", "published": "2020-10-06"},
    {"text": "On Sunday, October 26, 2020, the clashes started again on the border.", "outlet": "Gamma Post",
     "published": "2020-10-28"},
]


def _write(tmp_path, docs=DOCS):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _counts(engine):
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (incidents, claims, contradictions, record_documents)}


def test_records_round_trip_with_spans_rebuilt_from_the_text(tmp_path, db_url):
    ingest([_write(tmp_path)], db=db_url)
    engine = open_engine(db_url)
    with engine.connect() as conn:
        stored = load_verification(conn)
        docs = {d.id: d for d in extracted_documents(conn)}
    [shelling] = [i for i in stored["incidents"] if i.plover == "ASSAULT" and len(i.doc_ids) == 2]
    assert shelling.independent_sources == 2
    assert [c.kind for c in stored["contradictions"]] == ["internal"]
    for record in [*stored["incidents"], *stored["claims"], *stored["contradictions"]]:
        for ev in record.evidence:
            assert ev.span.verify(docs[ev.span.doc_id].text)
    # each document's view lists the records that draw on it
    for doc_id in shelling.doc_ids:
        assert shelling.id in {i.id for i in docs[doc_id].incidents}
        assert docs[doc_id].claims
    other = next(d for d in docs.values() if d.id not in shelling.doc_ids)
    assert shelling.id not in {i.id for i in other.incidents}
    assert [c.kind for c in other.contradictions] == ["internal"]


def test_reingest_is_idempotent_and_adding_a_document_recomputes(tmp_path, db_url):
    path = _write(tmp_path)
    ingest([path], db=db_url)
    engine = open_engine(db_url)
    first = _counts(engine)
    with engine.connect() as conn:
        ids = sorted(i.id for i in load_verification(conn)["incidents"])
    ingest([path], db=db_url)
    assert _counts(engine) == first
    with engine.connect() as conn:
        assert sorted(i.id for i in load_verification(conn)["incidents"]) == ids
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"text": "Azerbaijani artillery shelled Martuni on October 5, 2020, residents said.",
                                "outlet": "Delta Times", "published": "2020-10-07"}) + "\n", encoding="utf-8")
    ingest([more], db=db_url)
    with engine.connect() as conn:
        shelling = [i for i in load_verification(conn)["incidents"] if i.plover == "ASSAULT" and len(i.doc_ids) > 1]
    assert shelling and max(i.independent_sources for i in shelling) == 3


def test_pack_keeps_only_offsets_and_unpack_restores_the_text():
    text = "The sides agreed."
    data = {"evidence": [{"span": {"doc_id": "d", "start": 4, "end": 9, "text": "sides"}, "role": "x"}], "n": 1}
    packed = pack(data)
    assert packed["evidence"][0]["span"] == {"span": ["d", 4, 9]}
    assert unpack(packed, {"d": text}) == data


def test_timeline_and_reliability_commands(runner, tmp_path, db_url):
    assert runner.invoke(app, ["ingest", str(_write(tmp_path)), "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["timeline", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.stderr
    lines = json.loads(result.stdout)
    assert any(line["kind"] == "incident" and line["date"] == "2020-10-05" for line in lines)
    dates = [line["date"] for line in lines if line["date"]]
    assert dates == sorted(dates)
    only = json.loads(runner.invoke(app, ["timeline", "--db", db_url, "--json", "--kind", "contradiction"]).stdout)
    assert only and {line["kind"] for line in only} == {"contradiction"}
    bad = runner.invoke(app, ["timeline", "--db", db_url, "--kind", "nonsense"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["reliability", "Beta Wire", "B", "--db", db_url]).exit_code == 0
    graded = json.loads(runner.invoke(app, ["timeline", "--db", db_url, "--json", "--kind", "incident"]).stdout)
    assert any(line["grade"] and line["grade"].startswith("B") for line in graded)
    assert runner.invoke(app, ["reliability", "No Such Outlet", "A", "--db", db_url]).exit_code == 2
    assert runner.invoke(app, ["reliability", "Beta Wire", "Z", "--db", db_url]).exit_code == 2
    text = runner.invoke(app, ["timeline", "--db", db_url], env={"COLUMNS": "200"}).stdout
    assert "Peace-process timeline" in text and "2020-10-05" in text


def test_documents_read_in_chunks_equal_documents_read_one_by_one(tmp_path, db_url, sample_dir, monkeypatch):
    """Verification loads the corpus a chunk of documents at a time (one query per table per
    chunk, actors shared between documents); chunk edges must change nothing."""
    from truceline.store import queries

    ingest([sample_dir, _write(tmp_path)], db=db_url, verify=False)
    engine = open_engine(db_url)
    with engine.connect() as conn:
        whole = extracted_documents(conn, with_verification=False)
        monkeypatch.setattr(queries, "READ_CHUNK", 2)
        chunked = extracted_documents(conn, with_verification=False)
        single = [queries.document_records(conn, d.id, d.text) for d in whole]
    assert len(whole) == 8 and sum(len(d.events) for d in whole) > 20
    assert [d.model_dump() for d in chunked] == [d.model_dump() for d in whole]
    for d, records in zip(whole, single, strict=True):
        assert {k: [r.model_dump() for r in v] for k, v in records.items()} == \
            {k: [r.model_dump() for r in getattr(d, k)] for k in records}
        named = {m.actor_id for m in d.mentions} | {q.speaker_actor_id for q in d.quotes}
        assert {a.id for a in d.actors} == named - {None}


def test_sentences_split_at_ingestion_are_what_verification_would_split(db_url, sample_dir):
    """documents.sentences (migration 0012) saves verification re-splitting every text; a store
    without them (documents stored before 0012: NULL) verifies to the same records."""
    from sqlalchemy import null, update

    from truceline.pipeline import verification_corpus
    from truceline.store.queries import stored_sentences
    from truceline.store.schema import documents
    from truceline.text import sentences
    from truceline.verify import verify

    ingest([sample_dir], db=db_url)
    engine = open_engine(db_url)
    with engine.begin() as conn:
        corpus = verification_corpus(conn)
        kept = stored_sentences(conn)
        assert set(kept) == set(corpus.docs) and all(kept[i] == sentences(d.text) for i, d in corpus.docs.items())
        with_kept = verify(corpus)
        conn.execute(update(documents).values(sentences=null()))  # SQL NULL, as migration 0012 leaves them
        legacy = verification_corpus(conn)
        assert legacy.stored_sentences == {}
        without = verify(legacy)
    for kind in ("incidents", "claims", "contradictions", "agreements", "conditions"):
        assert [r.model_dump() for r in getattr(with_kept, kind)] == [r.model_dump() for r in getattr(without, kind)]
    assert with_kept.agreements and with_kept.conditions


def test_loaded_records_share_their_fields_sets_and_dump_the_same(tmp_path, db_url, sample_dir, monkeypatch):
    """Each loaded record's pydantic fields set is shared with its like (40% of a loaded corpus's
    memory); nothing a caller sees changes, exclude_unset dumps included."""
    from truceline.store import queries

    ingest([sample_dir], db=db_url, verify=False)
    engine = open_engine(db_url)
    with engine.connect() as conn:
        lean = extracted_documents(conn, with_verification=False)
        monkeypatch.setattr(queries, "share_fields_sets", lambda records: None)
        plain = extracted_documents(conn, with_verification=False)
    mentions = [m for d in lean for m in d.mentions]
    assert len({id(m.__pydantic_fields_set__) for m in mentions}) == 1 and len(mentions) > 50
    assert len({id(m.evidence[0].span.__pydantic_fields_set__) for m in mentions}) == 1
    assert len({id(m.__pydantic_fields_set__) for d in plain for m in d.mentions}) == len(mentions)
    for a, b in zip(lean, plain, strict=True):
        assert a == b
        assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
        assert a.model_dump_json() == b.model_dump_json()
