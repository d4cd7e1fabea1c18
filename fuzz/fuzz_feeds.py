"""Coverage-guided fuzzing of RSS/Atom/RDF feed reading (truceline/ingestion/feeds.py), with
feedparser instrumented too: its many dialect branches are where malformed feeds go wrong.

Properties: only :class:`InputError` escapes (for the whole feed) or is yielded (per item,
with its number); a publication date is a real day; text can be stored.

    .venv/bin/python fuzz/fuzz_feeds.py -atheris_runs=100000
"""

from __future__ import annotations

import warnings
from datetime import date

import atheris

with atheris.instrument_imports(include=["truceline", "feedparser"]):
    from truceline.ingestion.feeds import articles_from_feed, is_feed
    from truceline.ingestion.types import InputError, RawArticle, ReadOptions

from common import run, storable  # noqa: E402 (after the instrumented imports)

warnings.simplefilter("ignore")
OPTIONS = ReadOptions()


def test_one_input(data: bytes) -> None:
    is_feed(data)
    try:
        items = list(articles_from_feed(data, "feed.xml", OPTIONS))
    except InputError as err:
        assert err.source == "feed.xml" and err.reason
        return
    for n, item in enumerate(items, 1):
        if isinstance(item, InputError):
            assert item.source == "feed.xml" and item.line == n
            continue
        assert isinstance(item, RawArticle) and item.text.strip()
        storable(item.text, item.raw, item.title, item.author, item.outlet, item.url)
        if item.published is not None:
            date.fromisoformat(item.published)


if __name__ == "__main__":
    run(test_one_input)
