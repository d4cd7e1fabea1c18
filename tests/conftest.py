"""Shared fixtures: the bundled sample corpus, fresh stores on every backend, a CLI runner.

``db_url`` is parametrized over the store backends: a test that takes it runs twice, ``[sqlite]``
(a file in the test's tmp_path) and ``[postgresql]`` (a database of its own on the server
``TRUCELINE_TEST_PG`` names, dropped after the test; skipped, with the reason, when it is unset).
See ``tests/backends.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.backends import BACKENDS, fresh_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "karabakh-2020"


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the sample corpus (tests may add files beside it)."""
    dest = tmp_path / "karabakh-2020"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """``sqlite`` or ``postgresql``: the backend of the stores this test builds."""
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path):
    """A fresh, empty store on ``backend``: its URL."""
    with fresh_store(backend, tmp_path) as url:
        yield url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
