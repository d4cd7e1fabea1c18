"""Conditions and trigger watches in the store (SQLite and PostgreSQL), and analysts' additions and corrections."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from truceline.cli import app
from truceline.pipeline import ingest, verify_store
from truceline.review import ReviewError, add_condition, add_review, condition_reviews, history
from truceline.store.engine import open_engine
from truceline.store.queries import extracted_documents, timeline
from truceline.store.schema import condition_evidence, conditions, documents, record_documents, trigger_watches
from truceline.store.verification import all_texts, read_records

DOCS = [
    {"published": "2021-05-01", "outlet": "Capital Times",
     "text": "Finland's defence ministry said the country will not tolerate shelling that crosses into Finnish "
             "territory."},
    {"published": "2021-05-04", "outlet": "Helsinki Daily",
     "text": "Stray shells crossed the Finnish border on Monday, the Finnish defence ministry said."},
    {"published": "2021-05-06", "outlet": "Wire C",
     "text": "Gunmen attacked a police station in Tallinn on Wednesday, Estonian police said."},
]


@pytest.fixture
def store(tmp_path, db_url):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    run = ingest([path], db=db_url)
    assert run.added == len(DOCS) and not run.errors
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


def _stored(engine):
    with engine.connect() as conn:
        return read_records(conn, "condition", all_texts(conn))


def _doc_of(engine, outlet_text: str) -> tuple[str, str]:
    with engine.connect() as conn:
        for doc_id, text in conn.execute(select(documents.c.id, documents.c.clean_text)):
            if outlet_text in text:
                return doc_id, text
    raise AssertionError(outlet_text)


def test_conditions_watches_and_evidence_rows_round_trip(store):
    [c] = _stored(store)
    assert c.kind == "red_line" and c.watch is not None and c.watch.status == "claimed_triggered"
    with store.connect() as conn:
        rows = conn.execute(select(condition_evidence)).mappings().all()
        watch_rows = conn.execute(select(trigger_watches)).mappings().all()
        links = conn.execute(select(record_documents.c.doc_id).where(record_documents.c.kind == "condition")).all()
        docs = extracted_documents(conn)
        lines = timeline(conn, {"condition", "trigger"})
    assert {r["role"] for r in rows} == {"condition", "match"}
    assert all(r["condition_id"] == c.id for r in rows) and len(watch_rows) == 1
    assert watch_rows[0]["status"] == "claimed_triggered" and watch_rows[0]["condition_id"] == c.id
    assert len(links) == 2  # the red line's document and the report's
    assert [x.id for d in docs for x in d.conditions].count(c.id) == 2
    assert [line.kind for line in lines] == ["condition", "trigger"]
    assert lines[1].record == f"condition:{c.id}" and "Helsinki Daily" in lines[1].sources


def test_an_analyst_condition_is_watched_and_survives_reverification(store):
    doc_id, text = _doc_of(store, "Tallinn")
    start = text.index("Gunmen")
    record = {"kind": "red_line", "bound": [{"text": "Estonia", "code": "EST"}],
              "condition": {"plover": ["ASSAULT"], "territory": ["EST"], "relation": "on_territory_of"},
              "consequence": {"plover": ["ASSAULT"]}, "basis": {"kind": "declared_red_line", "name": "analyst reading"},
              "date": "2021-05-01", "evidence": [{"doc_id": doc_id, "start": start, "end": len(text)}]}
    with store.begin() as conn:
        row = add_condition(conn, record, "alice", note="read in the police statement")
    added = next(c for c in _stored(store) if c.id == row["record_id"])
    assert added.source == "analyst" and added.evidence[0].span.text == text[start:]
    assert added.watch.status == "claimed_triggered"  # the Tallinn attack is inside Estonia's borders
    verify_store(store)  # verification rebuilt from scratch: the analyst's condition is still there, still watched
    again = next(c for c in _stored(store) if c.id == row["record_id"])
    assert again.watch.status == "claimed_triggered"
    with store.connect() as conn:
        trail = history(conn, "condition", row["record_id"])
    assert trail[0]["reviewer"] == "alice" and trail[0]["field"] == "record"


def test_a_correction_re_watches_with_the_analyst_reading_and_keeps_the_machine_value(store):
    [c] = _stored(store)
    corrected = {**c.condition.model_dump(mode="json"), "territory": ["EST"], "relation": "on_territory_of"}
    with store.begin() as conn:
        add_review(conn, "condition", c.id, "bob", edits={"condition": corrected}, note="the text means Estonia")
        assert condition_reviews(conn)["edits"][c.id]["condition"]["territory"] == ["EST"]
    [now] = _stored(store)
    assert now.condition.territory == ["FIN"]  # the stored record keeps the machine's reading ...
    assert now.watch.status == "claimed_triggered"  # ... and the watch follows the analyst's: the Tallinn attack
    assert any("Estonia" in w for m in now.watch.matches for w in m.why)
    verify_store(store)
    [after] = _stored(store)
    assert any("Estonia" in w for m in after.watch.matches for w in m.why)


def test_bad_analyst_conditions_are_refused_with_the_reason(store):
    doc_id, text = _doc_of(store, "Tallinn")
    base = {"kind": "threat", "condition": {"plover": ["ASSAULT"]}}
    with store.begin() as conn:
        with pytest.raises(ReviewError, match="needs evidence"):
            add_condition(conn, base, "alice")
        with pytest.raises(ReviewError, match="no document"):
            add_condition(conn, {**base, "evidence": [{"doc_id": "nope", "start": 0, "end": 3}]}, "alice")
        with pytest.raises(ReviewError, match="outside a text"):
            add_condition(conn, {**base, "evidence": [{"doc_id": doc_id, "start": 0, "end": len(text) + 5}]}, "alice")
        with pytest.raises(ReviewError, match="invalid condition"):
            add_condition(conn, {**base, "kind": "wish", "evidence": [{"doc_id": doc_id, "start": 0, "end": 5}]}, "alice")
        [c] = read_records(conn, "condition", all_texts(conn))
        with pytest.raises(ReviewError, match="cannot be edited"):
            add_review(conn, "condition", c.id, "alice", edits={"watch": None})
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(conditions)).scalar_one() == 1


def test_the_cli_lists_adds_and_corrects_conditions(store, runner, tmp_path, db_url, monkeypatch):
    import rich.console

    import truceline.cli

    # the table console's width depends on the terminal the tests run in: pin one that fits a row
    monkeypatch.setattr(truceline.cli, "out", rich.console.Console(width=240, force_terminal=False))
    listed = runner.invoke(app, ["conditions", "list", "--json", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    [c] = json.loads(listed.stdout)
    assert c["watch"]["status"] == "claimed_triggered"
    table = runner.invoke(app, ["conditions", "list", "--db", db_url])
    assert table.exit_code == 0 and "red line" in table.stdout and "Finland" in table.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["conditions", "add", str(bad), "--reviewer", "carol", "--db", db_url])
    assert result.exit_code == 2 and "bad.json" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["conditions", "correct", c["id"], "--field", "kind", "--value", '"threat"',
                                 "--reviewer", "carol", "--db", db_url])
    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(app, ["conditions", "show", c["id"], "--db", db_url]).stdout)
    assert shown["kind"] == "threat" and shown["review"]["edited"]["kind"]["before"] == "red_line"
    result = runner.invoke(app, ["conditions", "correct", c["id"], "--field", "kind", "--value", '"wish"',
                                 "--reviewer", "carol", "--db", db_url])
    assert result.exit_code == 2 and "invalid condition" in result.output
