"""Build small corpora from sentences written for the tests: each item is one document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truceline.api_python import extract
from truceline.verify.corpus import Corpus


def make_corpus(tmp_path: Path, docs: list[dict], today: str | None = None, reliability: dict | None = None) -> Corpus:
    """``docs``: dicts with ``text`` and optional ``outlet``, ``author``, ``published``, ``title``.

    The documents go through the whole pipeline (an in-memory store), like real input.
    """
    from datetime import date

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, d in enumerate(docs):
            row = {"id": f"d{i}", "outlet": f"Outlet {i}", **d}
            fh.write(json.dumps(row) + "\n")
    extracted, summary = extract([path])
    assert not summary.errors, summary.errors
    assert len(extracted) == len(docs), "every test document must be distinct"  # in input order
    return Corpus.of(extracted, reliability=reliability, today=date.fromisoformat(today) if today else None)


@pytest.fixture
def corpus_of(tmp_path):
    def build(docs: list[dict], **kw) -> Corpus:
        return make_corpus(tmp_path, docs, **kw)

    return build
