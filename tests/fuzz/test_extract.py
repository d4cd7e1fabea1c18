"""The whole ``extract`` path and the store on generated corpora: files of every format, good
and hostile, with and without a ``metadata.jsonl`` sidecar.

``truceline.extract`` never raises on bad input: each bad file (or line, or feed item) is one
error naming it, and the rest still come out. Every document validates against the published
JSON Schema, and every span anywhere in it (its own records and the corpus-level ones, which
cite other documents) slices the clean text of the document it names, within bounds.

Ingesting hostile input into a real store loses nothing: the documents stored before are all
still there with the same clean text, and every stored record still slices its document
(SQLite and PostgreSQL, through the ``db_url`` fixture).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import truceline
from tests.fuzz.strategies import (
    assert_spans_slice,
    assert_valid_document,
    budget,
    encoded,
    feed_bytes,
    fuzzes,
    html_document,
    jsonl_file,
    news_text,
)
from truceline.ingestion.stages import document_id

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser's updated/published notice

GOOD = [
    "Azerbaijan accused Armenia of shelling Ganja on Friday, the ministry said.\n\n"
    "“We will respond,” Aliyev said in a statement. Russia called for a ceasefire in Nagorno-Karabakh.",
    "Leaders of Armenia, Azerbaijan and Russia signed a statement on 9 November 2020 that ended six weeks of "
    "fighting. Russian peacekeepers will deploy along the line of contact, Putin said.",
]


GOOD_IDS = {document_id(t) for t in GOOD}


@st.composite
def corpus(draw) -> dict[str, bytes]:
    """File name -> bytes: a small folder of mixed, partly hostile inputs."""
    files: dict[str, bytes] = {}
    for n in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["txt", "html", "jsonl", "rss", "good", "noext"]))
        if kind == "txt":
            files[f"t{n}.txt"] = draw(encoded(draw(news_text(3))))
        elif kind == "html":
            files[f"h{n}.html"] = draw(encoded(draw(html_document())))
        elif kind == "jsonl":
            files[f"j{n}.jsonl"] = draw(jsonl_file)
        elif kind == "rss":
            files[f"f{n}.rss"] = draw(feed_bytes())
        elif kind == "good":
            files[f"g{n}.txt"] = draw(st.sampled_from(GOOD)).encode()
        else:
            files[f"x{n}"] = draw(st.one_of(st.binary(max_size=200), encoded(draw(news_text(1)))))
    if draw(st.booleans()):
        names = [*files, "missing.txt", "../escape.txt", 5, None]
        lines = [json.dumps({"file": draw(st.sampled_from(names)), "outlet": draw(st.sampled_from(["Press TV", "", "X"])),
                             "published": draw(st.sampled_from(["2020-11-10", "10 Nov 2020", "bogus", "2999-01-01"]))})
                 for _ in range(draw(st.integers(1, 3)))]
        files["metadata.jsonl"] = "\n".join(lines + draw(st.sampled_from([[], ["{broken"], ["[]"]]))).encode()
    return files


def _folder(files: dict[str, bytes]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-corpus-"))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def check_documents(docs: list) -> None:
    texts = {d.id: d.text for d in docs}
    for doc in docs:
        assert_valid_document(doc)
        assert_spans_slice(doc, texts)
        for r in doc.reused_passages:
            assert 0 <= r.start <= r.end <= len(doc.text)
            assert 0 <= r.other_start <= r.other_end <= len(texts[r.other_doc])
        for c in doc.boilerplate_removed:
            assert 0 <= c.start <= c.end and c.end - c.start == len(c.text)


@budget(25)
@given(files=corpus())
@example(files={"a.txt": GOOD[0].encode(), "b.jsonl": b'{"text": "x"}\n' + b"[" * 100_000,
                "c.html": b"<p>\x0b</p><script>x</script>tail", "metadata.jsonl": b'{"file": 5}\n{"file": "a.txt"}'})
@example(files={"deep.jsonl": b'{"text": "Nested deep but within the parser\'s stack.", "x": ' + b"[" * 900
                + b"]" * 900 + b"}"})
@fuzzes("extract")
def test_extract_gives_valid_documents_and_named_errors(files: dict[str, bytes]) -> None:
    folder = _folder(files)
    docs, run = truceline.extract([str(folder)])
    check_documents(docs)
    for line in run.errors:
        assert line.startswith(str(folder)), line  # every error names the file (or sidecar) it is about
        assert "Traceback" not in line


def _stored(url: str) -> dict[str, str]:
    from sqlalchemy import text

    from truceline.store.engine import open_engine

    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT id, clean_text FROM documents")).all())
    finally:
        engine.dispose()


def _stored_documents(url: str) -> list:
    from truceline.store.engine import open_engine
    from truceline.store.queries import extracted_documents

    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return extracted_documents(conn)
    finally:
        engine.dispose()


@settings(parent=budget(8), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=corpus())
@example(files={"nan.jsonl": b'{"text": "Armenia and Azerbaijan agreed to a ceasefire.", "tags": NaN, "n": 1e400}',
                "metadata.jsonl": b'{"file": "nan.jsonl", "score": Infinity}'})
@fuzzes("store.nothing-lost")
def test_hostile_input_loses_nothing_already_stored(db_url: str, files: dict[str, bytes]) -> None:
    before = _stored(db_url)
    if not before:  # the first example stores the known-good corpus the others must not touch
        good = _folder({f"good{i}.txt": t.encode() for i, t in enumerate(GOOD)})
        assert truceline.ingest([str(good)], db=db_url).added == len(GOOD)
        before = _stored(db_url)
    run = truceline.ingest([str(_folder(files))], db=db_url)
    after = _stored(db_url)
    lost = {k for k in before if k not in after}
    # documents of an outlet are re-cleaned when the outlet gains documents (by design: the result does
    # not depend on the order of arrival); the known-good ones have no outlet, so they never change
    changed = {k for k in GOOD_IDS if after.get(k) != before[k]}
    assert not lost and not changed, f"lost {lost}, changed {changed}; errors: {run.errors}"
    check_documents(_stored_documents(db_url))
