"""API fixtures: the sample corpus ingested once per session and backend, a private copy of it per test.

Every fixture here is parametrized over the store backends (``tests/backends.py``): the API tests run
once on SQLite and once on PostgreSQL (a template database, copied per test with CREATE DATABASE ...
TEMPLATE).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.backends import BACKENDS, copy_store, create_pg_database, drop_pg_database
from truceline.api import create_app
from truceline.api.security import create_token
from truceline.pipeline import ingest
from truceline.store.engine import open_engine

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"


@pytest.fixture(scope="session", params=BACKENDS)
def sample_template(request, tmp_path_factory):
    """A store holding the sample corpus (built once per backend; copy it, never write to it): its URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sample-store') / 'template.db'}"
        name = None
    else:
        name, url = create_pg_database(prefix="tl_tmpl")
    try:
        engine = open_engine(url)
        ingest([SAMPLE], engine=engine)
        engine.dispose()
        yield url
    finally:
        if name:
            drop_pg_database(name)


@pytest.fixture
def sample_db(sample_template: str, tmp_path: Path):
    """A private copy of the sample store: its URL."""
    with copy_store(sample_template, tmp_path, "sample") as url:
        yield url


@pytest.fixture(scope="module")
def module_sample_db(sample_template: str, tmp_path_factory):
    """A copy of the sample store shared by one module's tests (for read-only use)."""
    with copy_store(sample_template, tmp_path_factory.mktemp("module-store"), "sample") as url:
        yield url


@pytest.fixture
def client(sample_db: str) -> TestClient:
    app = create_app(sample_db)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def token(sample_db: str) -> str:
    return create_token(sample_db, "alice")


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
