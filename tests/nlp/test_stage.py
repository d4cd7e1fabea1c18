"""The read stage end to end: records in the store and the extract contract, all tracing to text."""

from __future__ import annotations

import json

from sqlalchemy import func, select

import truceline
from truceline.cli import app
from truceline.store.engine import open_engine
from truceline.store.schema import mentions, places, quotes, timexes

ARTICLE = {
    "title": "Foreign ministers meet in Geneva",
    "outlet": "Test Wire",
    "published": "2020-10-31",
    "text": (
        "Russian Foreign Minister Sergei Lavrov met his Iranian counterpart Mohammad Javad Zarif in Geneva on Friday.\n\n"
        "\u201cThe fighting must stop at once,\u201d Lavrov said after the meeting. He added that Moscow was ready to "
        "send observers to the region within one week.\n\n"
        "Zarif said Iran supports the mediation of the OSCE Minsk Group."
    ),
}


def _write(tmp_path, records):
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    return path


def _all_spans(doc):
    for group in (doc.mentions, doc.quotes, doc.timex, doc.places):
        for record in group:
            for ev in record.evidence:
                yield ev.span
    for q in doc.quotes:
        yield from (s for s in (q.speaker, q.cue_span) if s is not None)


def test_extract_fills_reading_records_that_trace_to_the_text(tmp_path):
    docs, run = truceline.extract([_write(tmp_path, [ARTICLE])])
    assert run.skipped == 0
    (doc,) = docs
    spans = list(_all_spans(doc))
    assert spans and all(s.verify(doc.text) for s in spans)
    actors = {a.id: a for a in doc.actors}
    assert {m.actor_id for m in doc.mentions if m.actor_id} <= set(actors)
    lavrov_quotes = [q for q in doc.quotes if q.speaker_actor_id and "Lavrov" in actors[q.speaker_actor_id].name]
    assert lavrov_quotes, [q.model_dump() for q in doc.quotes]
    assert any(a.code == "RUSGOV" for a in actors.values())
    friday = [t for t in doc.timex if t.evidence[0].span.text.endswith("Friday")]
    assert friday and friday[0].value == "2020-10-30"
    assert any(t.type == "DURATION" and t.value == "P1W" for t in doc.timex)
    geneva = [p for p in doc.places if p.name == "Geneva"]
    assert geneva and geneva[0].country in ("CH", "CHE") and abs(geneva[0].lat - 46.2) < 0.5


def test_undated_document_gets_an_estimated_date_labelled_as_such(tmp_path):
    article = dict(ARTICLE, published=None, text="The talks in Geneva on October 30, 2020 ended without agreement. "
                   "The ministers will meet again on Friday, officials said on Sunday.")
    docs, _ = truceline.extract([_write(tmp_path, [article])])
    assert docs[0].published_source == "estimated" and docs[0].published.startswith("2020-")


def test_non_english_documents_are_not_read(tmp_path):
    article = dict(ARTICLE, text="Министр иностранных дел России Сергей Лавров встретился в Женеве с иранским коллегой. "
                   "Стороны договорились о прекращении огня и обмене пленными при посредничестве Красного Креста.")
    docs, _ = truceline.extract([_write(tmp_path, [article])])
    assert docs[0].language == "ru"
    assert not (docs[0].mentions or docs[0].quotes or docs[0].timex or docs[0].places)


def test_reprocess_replaces_records_without_duplicating_them(tmp_path, runner):
    db = f"sqlite:///{tmp_path / 's.db'}"
    truceline.ingest([_write(tmp_path, [ARTICLE])], db=db)
    engine = open_engine(db)

    def counts():
        with engine.connect() as conn:
            return [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (mentions, quotes, timexes, places)]

    before = counts()
    assert all(before)
    result = runner.invoke(app, ["reprocess", "--db", db])
    assert result.exit_code == 0 and "1 documents reprocessed" in result.stdout
    truceline.ingest([tmp_path / "wire.jsonl"], db=db)
    assert counts() == before
    report = json.loads(runner.invoke(app, ["report", "--db", db, "--json"]).stdout)
    assert report["quotes"] and report["actors"] and report["places"] and report["timex"]["count"] == before[2]


def test_an_events_place_is_linked_to_the_geocoded_place(tmp_path):
    docs, _ = truceline.extract([_write(tmp_path, [ARTICLE])])
    [doc] = docs
    met = [e for e in doc.events if e.location == "Geneva"]
    assert met and all(e.place_id for e in met)
    place = next(p for p in doc.places if p.id == met[0].place_id)
    assert place.name == "Geneva" and abs(place.lat - 46.2) < 0.5
    assert all(e.place_id is None for e in doc.events if not e.location)


def test_pool_tasks_leave_the_vocabulary_as_they_found_it():
    """A worker reads in a spaCy memory zone: a text's new words do not stay in the vocabulary
    (a long ingest would grow with every name), and the reading is the one read outside a zone."""
    from truceline.nlp.pool import warm_reading
    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import _prefetch_many, _read_one, read_text

    nlp = get_nlp()
    warm_reading()  # resources built outside zones, as before a fork
    text = ("Qorvantic rebels shelled Zembrovia on Monday, the Klavenic defence ministry said. "
            "\"We will answer Vruntaal's attack,\" spokesman Ostrevik Palandur told reporters.")
    before = len(nlp.vocab.strings)
    doc_id, got = _read_one(("d1", text, "2020-10-05"))
    ahead = _prefetch_many([("d2", text, None)])
    assert len(nlp.vocab.strings) == before
    assert doc_id == "d1" and got.events and got.quotes  # it read something
    expected = read_text("d1", text, nlp(text), "2020-10-05")  # outside a zone: adds the new words
    assert len(nlp.vocab.strings) > before
    assert [e.model_dump() for e in got.events] == [e.model_dump() for e in expected.events]
    assert [q.model_dump() for q in got.quotes] == [q.model_dump() for q in expected.quotes]
    assert [m.model_dump() for m in got.mentions] == [m.model_dump() for m in expected.mentions]
    assert got.parses == expected.parses
    assert ahead[0][0] == "d2" and ahead[0][4].events


_READ_ALL = """
import hashlib, json, sys
from pathlib import Path
from truceline.nlp.runtime import get_nlp
from truceline.nlp.stage import read_text
texts = [p.read_text("utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))] + [sys.argv[2]]
nlp = get_nlp()
out = []
for i, text in enumerate(texts):
    r = read_text(f"d{i}", text, nlp(text), "2020-10-12")
    out.append({k: [x.model_dump(mode="json") for x in getattr(r, k)]
                for k in ("actors", "mentions", "quotes", "timex", "places", "events")})
print(hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest())
"""


def test_readings_do_not_depend_on_the_hash_seed():
    """Every process (a run, a pool worker, a Ray actor) has its own string-hash seed, so any
    choice that follows set or hash order reads one text differently in two of them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"
    extra = "The envoy called on Friday for an immediate ceasefire. The governor called for calm on Thursday."
    digests = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run([sys.executable, "-c", _READ_ALL, str(sample), extra], capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300, check=True)  # fmt: skip
        digests.add(run.stdout.strip())
    assert len(digests) == 1
