"""``truceline ingest --engine ray`` stores exactly what the local engine stores.

A private local Ray (2 CPUs, so a pool of 2 reader actors) reads the sample corpus through the
command line into one store; the local engine reads it into another; every table must hold the
same records. ``db_url`` is parametrized over the store backends (tests/backends.py): the Ray
ingest also goes into a PostgreSQL store when ``TRUCELINE_TEST_PG`` is set. The local Ray is started
once per test process and shared by the variants (start-up is most of this module's time).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ray", reason="Ray is not installed (it is pinned in requirements.lock: run `make install`)")

from sqlalchemy import select  # noqa: E402

from truceline.cli import app  # noqa: E402
from truceline.pipeline import ingest  # noqa: E402
from truceline.scale.ray_engine import RayReader  # noqa: E402
from truceline.store.engine import open_engine  # noqa: E402
from truceline.store.schema import metadata  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"
# bookkeeping, not records: when a run happened, which run wrote a row, API tokens, reviews
SKIP_TABLES = {"runs", "api_tokens", "reviews"}
SKIP_COLUMNS = {"created_at", "updated_at", "run_id", "updated_run_id"}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")  # Ray's own internals
RECORD_TABLES = {"events", "mentions", "quotes", "timexes", "places", "incidents", "claims", "agreements",
                 "contradictions", "commitments", "actors", "documents"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """What the variants of this module share, built on first need: the local Ray, the local store."""
    held: dict = {"tmp": tmp_path_factory}
    yield held
    if "ray" in held:
        held["ray"].close()


@pytest.fixture
def local_ray(db_url, shared) -> None:
    """A local Ray with 2 CPUs (the CLI's reader finds it running and uses it); after ``db_url``, so a
    skipped backend variant starts nothing."""
    if "ray" not in shared:
        reader = RayReader(workers=2)
        reader._start()
        shared["ray"] = reader


@pytest.fixture
def local_store(db_url, shared) -> str:
    """The sample corpus read by the local engine (one process), into SQLite."""
    if "local" not in shared:
        url = f"sqlite:///{shared['tmp'].mktemp('local') / 'local.db'}"
        ingest([SAMPLE], db=url)  # the same path as the Ray ingest's: documents record where they came from
        shared["local"] = url
    return shared["local"]


def store_rows(url: str) -> dict[str, list[tuple]]:
    """Every record table's rows (bookkeeping columns left out), in primary-key order."""
    out = {}
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                if table.name in SKIP_TABLES:
                    continue
                cols = [c for c in table.columns if c.name not in SKIP_COLUMNS]
                key = [c.name for c in table.primary_key] or [c.name for c in cols]
                rows = [r._mapping for r in conn.execute(select(*cols))]
                # ordered here, not by the database: SQLite and PostgreSQL collate text differently
                out[table.name] = [tuple(r[c.name] for c in cols)
                                   for r in sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))]
    finally:
        engine.dispose()
    return out


def test_ray_engine_stores_what_the_local_engine_stores(local_ray, local_store, db_url, runner,
                                                         monkeypatch):
    calls = []
    original = RayReader._map

    def spy(self, mode, rows):
        calls.append((mode, len(rows)))
        return original(self, mode, rows)

    monkeypatch.setattr(RayReader, "_map", spy)
    result = runner.invoke(app, ["ingest", str(SAMPLE), "--engine", "ray", "--workers", "2", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert ("read", 5) in calls and any(mode == "estimate" for mode, _n in calls), calls  # read on Ray

    ray_rows, local_rows = store_rows(db_url), store_rows(local_store)
    assert ray_rows.keys() == local_rows.keys()
    for name in sorted(local_rows):
        assert ray_rows[name] == local_rows[name], name
    assert all(local_rows[name] for name in RECORD_TABLES), [n for n in RECORD_TABLES if not local_rows[n]]
