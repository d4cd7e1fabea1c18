"""SQLite and PostgreSQL hold the same store: the same rows from the same input, whatever the input's sizes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import inspect, select

from tests.backends import fresh_store
from tests.conftest import SAMPLE
from truceline.pipeline import ingest
from truceline.store.engine import open_engine
from truceline.store.schema import UTCDateTime, actors, documents, metadata, outlets, runs


def _comparable(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return round(value, 12)
    return value


def _table_rows(url: str) -> dict[str, list[str]]:
    """Every table's rows, sorted, without autoincrement ids and timestamps (they differ by run, not backend)."""
    engine = open_engine(url)
    out = {}
    with engine.connect() as conn:
        stored = set(inspect(conn).get_table_names())
        for table in metadata.sorted_tables:
            assert table.name in stored, table.name
            skip = {c.name for c in table.columns
                    if isinstance(c.type, UTCDateTime) or (c.primary_key and c.autoincrement is True)}  # fmt: skip
            cols = [c for c in table.columns if c.name not in skip]
            rows = conn.execute(select(*cols)).mappings()
            out[table.name] = sorted(json.dumps({k: _comparable(v) for k, v in r.items()}, sort_keys=True,
                                                ensure_ascii=False) for r in rows)  # fmt: skip
    engine.dispose()
    return out


def test_the_sample_corpus_gives_the_same_rows_on_sqlite_and_postgresql(tmp_path):
    with fresh_store("sqlite", tmp_path) as lite, fresh_store("postgresql", tmp_path) as pg:
        for url in (lite, pg):
            run = ingest([SAMPLE], db=url)
            assert run.added == 5 and not run.errors
        a, b = _table_rows(lite), _table_rows(pg)
    assert a["documents"] and a["events"] and a["incidents"] and a["reuse_links"]
    for table in a:
        assert a[table] == b[table], table


ORG = "Committee " + " ".join(["for the Protection and Promotion of Cultural Heritage Monuments"] * 4) + " of Karabakh"
SPEAKER = "Jean-Baptiste " * 12 + "Dupont"  # a provisional person whose id would be 180 characters


def test_long_names_from_the_input_are_stored_whole(tmp_path, db_url):
    """Outlet, author, title, URL and long actor names: PostgreSQL enforces VARCHAR lengths, SQLite does not."""
    doc = {"outlet": "The " + "Very Long Outlet Name " * 20, "author": "By " + "Firstname Lastname and " * 25 + "staff",
           "title": "T" * 2000, "url": "https://example.org/" + "x" * 3000, "published": "2020-10-12", "id": "z" * 300,
           "text": f"The {ORG} said on Monday that Azerbaijani forces shelled Stepanakert. "
                   f"\"We condemn this,\" said {SPEAKER}, the chairman of the {ORG}.\n\n"
                   "Armenia and Azerbaijan agreed to a humanitarian ceasefire in Moscow on Saturday."}  # fmt: skip
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    run = ingest([path], db=db_url)
    assert run.added == 1 and not run.errors
    engine = open_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(select(documents.c.author, documents.c.title, documents.c.url)).one()
        assert (row.author, row.title, row.url) == (doc["author"], doc["title"], doc["url"])
        assert conn.execute(select(outlets.c.name)).scalar_one() == doc["outlet"]
        ids = conn.execute(select(actors.c.id).where(actors.c.provisional.is_(True))).scalars().all()
    engine.dispose()
    assert ids and max(len(i) for i in ids) <= actors.c.id.type.length
    assert any(len(i) == actors.c.id.type.length and "~" in i for i in ids), ids  # the long name's id, hashed


def test_timestamps_read_back_as_aware_utc(db_url):
    engine = open_engine(db_url)
    plus3 = datetime(2020, 11, 10, 1, 30, tzinfo=timezone(timedelta(hours=3)))
    with engine.begin() as conn:
        conn.execute(sa.insert(runs).values(command="ingest", inputs=[], started_at=plus3,
                                            finished_at=datetime(2020, 11, 10, 0, 0), status="done"))  # naive: UTC
    with engine.connect() as conn:
        row = conn.execute(select(runs.c.started_at, runs.c.finished_at)).one()
    engine.dispose()
    assert row.started_at == plus3 and row.started_at.tzinfo == UTC
    assert row.started_at.isoformat() == "2020-11-09T22:30:00+00:00"
    assert row.finished_at == datetime(2020, 11, 10, tzinfo=UTC)


def test_long_id_lists_are_read_in_chunks(db_url):
    """More ids than PostgreSQL's 65,535 parameters a statement: the read still answers."""
    from truceline.store.queries import extracted_documents
    from truceline.store.verification import read_records

    engine = open_engine(db_url)  # an empty store is enough: the statements are what fails
    ids = [f"x{i}" for i in range(70_000)]
    with engine.connect() as conn:
        assert extracted_documents(conn, ids) == []
        assert read_records(conn, "incident", {}, ids) == []
    engine.dispose()


def test_one_of_matches_exactly_the_listed_values_on_both_backends(db_url):
    """The array-parameter IN used for a batch's band keys, hashes and ids: same rows as ``IN (...)``."""
    from sqlalchemy import insert, select

    from truceline.store.schema import document_bands, passage_bands
    from truceline.store.streaming import one_of

    engine = open_engine(db_url)
    big = 63 << 32 | 0xFFFFFFFF  # the largest band key: position 63, value 2**32 - 1
    keys = [1, 5, 9, 2**40, big]
    with engine.begin() as conn:
        conn.execute(insert(passage_bands), [{"key": k, "passage_id": i} for i, k in enumerate(keys)])
        conn.execute(insert(document_bands), [{"key": k, "doc_id": f"d{i % 3}"} for i, k in enumerate(keys)])
    with engine.connect() as conn:
        def got(column, values):
            return sorted(r[0] for r in conn.execute(select(column).where(one_of(conn, column, values))))

        assert got(passage_bands.c.key, [5, big, 7, 2**40]) == [5, big, 2**40]
        assert got(passage_bands.c.passage_id, list(range(0, 50_000, 2))) == [0, 2, 4]
        assert got(document_bands.c.doc_id, ["d1", "x", "d'1"]) == ["d1", "d1"]  # a quote in a value stays a value
        assert got(passage_bands.c.key, []) == []
    engine.dispose()


def test_passage_band_rows_are_each_passages_band_keys_sorted():
    """The batch-wide numpy build of ``passage_bands`` rows gives what one passage at a time gives."""
    from types import SimpleNamespace

    from truceline.ingestion.dedup import sketch
    from truceline.ingestion.reuse import NUM_PERM, band_keys
    from truceline.store.streaming import band_matrix, passage_band_rows

    sets = [{"a b c", "b c d", "c d e"}, {"b c d", "x y z"}, set(), {"a b c"}]
    stored = [SimpleNamespace(id=10 + i, signature=sketch(s, NUM_PERM)) for i, s in enumerate(sets)]
    stored.append(SimpleNamespace(id=99, signature=b"not a signature"))  # an old store's: no bands
    expected = sorted((k, r.id) for r in stored[:4] for k in band_keys(r.signature))
    got = passage_band_rows(stored)
    assert got == expected
    assert len(got) == 3 * NUM_PERM and len(set(got)) == len(got)  # the empty set and the bad signature add none
    assert passage_band_rows([]) == []
    keys, owner = band_matrix([r.signature for r in stored])  # what a batch asks the store about
    assert sorted(set(keys.tolist())) == sorted({k for r in stored[:4] for k in band_keys(r.signature)})
    assert sorted(set(owner.tolist())) == [0, 1, 3]
