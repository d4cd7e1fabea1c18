"""Coverage-guided fuzzing of the JSONL article reader and its storability checks
(truceline/ingestion/readers.py, decode.py).

Properties: each non-blank line gives exactly one article or one error with its line number;
what comes out can be stored (valid UTF-8, no NUL, strict JSON in ``extra``).

    .venv/bin/python fuzz/fuzz_jsonl.py -atheris_runs=100000
"""

from __future__ import annotations

import json
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["truceline.ingestion"]):
    from truceline.ingestion.readers import read_jsonl
    from truceline.ingestion.types import InputError, RawArticle, ReadOptions

from common import run, storable  # noqa: E402 (after the instrumented imports)

PATH = Path("in.jsonl")
OPTIONS = ReadOptions()


def test_one_input(data: bytes) -> None:
    try:
        items = list(read_jsonl(PATH, data, OPTIONS))
    except InputError as err:  # the whole file: not text
        assert err.source == str(PATH) and err.line is None
        return
    for item in items:
        if isinstance(item, InputError):
            assert item.source == str(PATH) and item.line is not None and item.reason
            continue
        assert isinstance(item, RawArticle) and item.text.strip()
        storable(item.text, item.raw, item.title, item.url, item.outlet, item.author, item.published)
        json.dumps(item.extra, allow_nan=False)


if __name__ == "__main__":
    run(test_one_input)
