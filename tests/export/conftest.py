"""Stores for the export tests: a small one from sentences written here, and the sample corpus, on each backend."""

from __future__ import annotations

import json

import pytest

from tests.backends import BACKENDS, create_pg_database, drop_pg_database
from tests.conftest import SAMPLE

# Written for these tests: commas, quotes, non-ASCII, compound actors, an allegation, a denial.
DOCS = [
    {"outlet": "Wire One", "url": "https://example.org/news/x1", "published": "2020-10-12", "title": "Shelling, again",
     "text": "Azerbaijani forces shelled Stepanakert on Sunday, the Armenian defence ministry said.\n\n"
             "Armenia and Azerbaijan agreed to a humanitarian ceasefire in Moscow on Saturday."},
    {"outlet": "Wire Two", "url": "https://example.org/news/x2", "published": "2020-10-13", "title": 'Talks "in Moscow"',
     "text": "Russian Foreign Minister Sergei Lavrov met Armenian Foreign Minister Zohrab Mnatsakanyan in Moscow on "
             "Tuesday.\n\nArmenia accused Azerbaijan of violating the ceasefire, calling it \"a gross breach\" of the "
             "deal.\n\nAzerbaijan denied that its troops attacked civilians in Martuni."},
    {"outlet": "Wire Thrée", "published": "2020-10-14",
     "text": "Iranian President Hassan Rouhani urged Baku and Yerevan to return to talks.\n\n"
             "Turkey threatened to send troops to Azerbaijan if Armenia did not withdraw."},
]  # fmt: skip


@pytest.fixture(scope="session", params=BACKENDS)
def export_backend(request) -> str:
    """The backend of the export tests' stores: each test runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture(scope="session")
def _session_store(export_backend, tmp_path_factory):
    """Empty stores on the session's backend, by name (PostgreSQL databases are dropped at the end)."""
    made: list[str] = []

    def make(name: str) -> str:
        if export_backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('export-' + name) / (name + '.db')}"
        db, url = create_pg_database(prefix="tl_export")
        made.append(db)
        return url

    yield make
    for db in made:
        drop_pg_database(db)


@pytest.fixture(scope="session")
def small_db(_session_store, tmp_path_factory) -> str:
    from truceline.pipeline import ingest

    root = tmp_path_factory.mktemp("export-small")
    path = root / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
    url = _session_store("small")
    run = ingest([path], db=url)
    assert run.added == len(DOCS) and not run.errors
    return url


@pytest.fixture(scope="session")
def sample_store(_session_store) -> str:
    from truceline.pipeline import ingest

    url = _session_store("sample")
    ingest([SAMPLE], db=url)
    return url


@pytest.fixture(scope="session")
def empty_db(_session_store) -> str:
    from truceline.store.engine import open_engine

    url = _session_store("empty")
    open_engine(url).dispose()
    return url


@pytest.fixture(params=["small", "sample", "empty"])
def store(request, export_backend) -> str:
    return request.getfixturevalue({"small": "small_db", "sample": "sample_store", "empty": "empty_db"}[request.param])


def contract_events(db: str) -> tuple[dict[str, dict], dict[str, str]]:
    """Events as the extraction contract has them (by id), and every document's clean text: what the
    exports are checked against, read through a different path than the exports read."""
    from truceline.store.engine import open_engine
    from truceline.store.queries import extracted_documents

    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            docs = extracted_documents(conn, with_verification=False)
    finally:
        engine.dispose()
    events = {}
    for d in docs:
        for ev in d.events:
            events[ev.id] = {**ev.model_dump(mode="json"), "doc_id": d.id, "outlet": d.outlet, "url": d.url}
    return events, {d.id: d.text for d in docs}


def incidents_of(db: str) -> list[dict]:
    from truceline.store.engine import open_engine
    from truceline.store.verification import load_verification

    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            return [i.model_dump(mode="json") for i in load_verification(conn)["incidents"]]
    finally:
        engine.dispose()
