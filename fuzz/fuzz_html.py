"""Coverage-guided fuzzing of HTML reading and cleaning (truceline/ingestion/html.py, clean.py).

Bytes are decoded as a file would be, read as a page, flattened as a feed body and cleaned.
Properties: only :class:`InputError` escapes; no ``<script>`` text in the article; every
cleaning cut and kept segment slices the received text; cleaning the clean text again (with
the same paragraphs) changes nothing.

    .venv/bin/python fuzz/fuzz_html.py -atheris_runs=100000
"""

from __future__ import annotations

import logging
import warnings

import atheris

with atheris.instrument_imports(include=["truceline"]):
    from truceline.ingestion.clean import PARAGRAPH_SEP, clean, split_paragraphs
    from truceline.ingestion.decode import decode_bytes
    from truceline.ingestion.feeds import html_paragraphs
    from truceline.ingestion.html import article_from_html, page_text
    from truceline.ingestion.types import InputError

from common import run, storable  # noqa: E402 (after the instrumented imports)

logging.disable(logging.CRITICAL)  # trafilatura logs every empty page
warnings.simplefilter("ignore")


def test_one_input(data: bytes) -> None:
    try:
        html = decode_bytes(data, "page.html")
    except InputError as err:
        assert err.source == "page.html" and err.reason
        return
    page_text(html)
    html_paragraphs(html)
    try:
        article = article_from_html(html, source="page.html")
    except InputError as err:
        assert err.source == "page.html"
        text = html
    else:
        storable(article.text, article.title, article.author, article.outlet)
        text = article.text
    first = clean(text, None)
    for cut in first.cuts:
        assert text[cut.start:cut.end] == cut.text
    for clean_start, received_start, length in first.segments:
        assert first.text[clean_start:clean_start + length] == text[received_start:received_start + length]
    assert first.text == PARAGRAPH_SEP.join(p.text for p in first.kept)
    if [p.text for p in split_paragraphs(first.text)] == [p.text for p in first.kept]:
        assert clean(first.text, None).text == first.text, "cleaning twice cut more"


if __name__ == "__main__":
    run(test_one_input)
