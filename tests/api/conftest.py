"""API fixtures: the sample corpus ingested once per session, a private copy of it per test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truceline.api import create_app
from truceline.api.security import create_token
from truceline.pipeline import ingest
from truceline.store.engine import open_engine

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    """An SQLite store holding the sample corpus (built once; copy it, never write to it)."""
    path = tmp_path_factory.mktemp("sample-store") / "template.db"
    engine = open_engine(f"sqlite:///{path}")
    ingest([SAMPLE], engine=engine)
    engine.dispose()
    return path


def copy_store(template: Path, dest: Path) -> str:
    src, dst = sqlite3.connect(template), sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{dest}"


@pytest.fixture
def sample_db(sample_template: Path, tmp_path: Path) -> str:
    """A private copy of the sample store: its URL."""
    return copy_store(sample_template, tmp_path / "sample.db")


@pytest.fixture(scope="module")
def module_sample_db(sample_template: Path, tmp_path_factory) -> str:
    """A copy of the sample store shared by one module's tests (for read-only use)."""
    return copy_store(sample_template, tmp_path_factory.mktemp("module-store") / "sample.db")


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
