"""Shared fixtures: the bundled sample corpus, fresh SQLite stores, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "karabakh-2020"


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the sample corpus (tests may add files beside it)."""
    dest = tmp_path / "karabakh-2020"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
