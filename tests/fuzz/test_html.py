"""HTML pages and the cleaner on generated markup: nested and unclosed tags, scripts, entities,
comments, CDATA, BOMs and odd encodings, NULs and control characters.

Reading a page gives one article or one error naming the file, never an exception; what a
``<script>`` or ``<style>`` holds never reaches the article text. Cleaning keeps offsets
exact (every cut and every kept segment slices the text as received) and is idempotent:
cleaning the clean text again cuts nothing more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    SCRIPT_MARK,
    any_text,
    assert_utf8_clean,
    budget,
    encoded,
    fuzzes,
    html_document,
    news_text,
)
from truceline.ingestion.clean import PARAGRAPH_SEP, clean, split_paragraphs
from truceline.ingestion.feeds import html_paragraphs
from truceline.ingestion.html import article_from_html, page_text
from truceline.ingestion.readers import read_file
from truceline.ingestion.types import InputError, RawArticle, ReadOptions


def _read(data: bytes, suffix: str = ".html") -> tuple[Path, list]:
    path = Path(tempfile.mkdtemp(prefix="fuzz-html-")) / f"page{suffix}"
    path.write_bytes(data)
    return path, list(read_file(path, ReadOptions()))


@st.composite
def html_bytes(draw) -> bytes:
    return draw(encoded(draw(html_document())))


@budget(150)
@given(data=html_bytes(), suffix=st.sampled_from([".html", ".htm", ".xhtml", ""]))
@example(data=b"<html><body><p>Text &#0; with a NUL entity and &#xD800; a surrogate one.</p></body></html>", suffix=".html")
@example(data=b"\xef\xbb\xbf<p>BOM then <b>unclosed <i>tags <script>var x='" + SCRIPT_MARK.encode() + b"'", suffix=".html")
@example(data="<p>Ceasefire text</p>".encode("utf-16"), suffix=".html")
@example(data="<!doctype html>\x00 A NUL that UTF-16 hides from the byte check.".encode("utf-16"), suffix="")
@example(data=b"<p>\x00</p>", suffix=".html")
@example(data=b"<![CDATA[<p>hidden</p>]]><!-- <script>" + SCRIPT_MARK.encode() + b"</script> -->", suffix="")
@example(data=b"<sup></sup><blink><p><script type='application/ld+json'>{\"headline\": \"" + SCRIPT_MARK.encode()
         + b"\"}</script>", suffix=".html")
@example(data=b"<p>Form\x0cfeed and vertical\x0btab</p><script>x</script>tail", suffix=".html")
@fuzzes("html.read")
def test_a_page_gives_one_article_or_one_named_error(data: bytes, suffix: str) -> None:
    path, items = _read(data, suffix)
    assert items, "a file gives at least one item"
    for item in items:
        if isinstance(item, InputError):
            assert item.source == str(path) and item.reason
            continue
        assert isinstance(item, RawArticle)
        if item.format == "html":  # a file not sniffed as HTML is plain text, markup and all
            assert SCRIPT_MARK not in item.text, "script or style content leaked into the article text"
        assert_utf8_clean(item.text, item.title, item.author, item.outlet, item.published)


@budget(150)
@given(markup=st.one_of(html_document(), any_text))
@example(markup="<svg><script>" + SCRIPT_MARK + "</script></svg><p>after</p>")
@example(markup="<p>a<br><br>b<br>c</p><table><tr><td>x</td></tr></table>")
@example(markup="<p>vertical\x0btab</p>")
@example(markup="<b>x</b><script>s</script>\x0c tail")
@example(markup='<svg><!doctype html><html><head><meta charset="utf-8"><title>Ceasefire | Example "@type": '
               '"NewsArticle", "headline": "Ceasef<!doire actype gre')
@example(markup="<p>a</p><footer>Share this: Tw&#xer Facebook &#1; &#x1f;</footer><script>s</script>")
@fuzzes("html.text")
def test_page_text_and_feed_paragraphs_never_raise(markup: str) -> None:
    for text in (page_text(markup), html_paragraphs(markup)):
        assert isinstance(text, str)
        assert SCRIPT_MARK not in text
    paragraphs = html_paragraphs(markup)
    assert all(p.strip() == p and p for p in paragraphs.split("\n\n")) or paragraphs == ""
    try:
        article = article_from_html(markup, source="page.html")
    except InputError as err:
        assert err.source == "page.html" and err.reason
    else:
        assert SCRIPT_MARK not in article.text and article.text.strip()


received_text = st.one_of(
    news_text(5),
    st.lists(st.one_of(news_text(1), st.sampled_from([
        "Share this:", "Read more:", "Leave a reply", "Home > World > Europe", "By Jane Doe", "Click here to subscribe",
        "Follow us on Twitter", "http://mirror.example/page", "1 2 3 Next", "Advertisement", "© 2020 Example News",
        "Related posts", "Tags: war, peace", "", " ", "***"])), min_size=1, max_size=10).map("\n\n".join),
)


@budget(200)
@given(text=received_text, title=st.one_of(st.none(), any_text, news_text(1)), repeated=st.sets(st.integers(0, 9)))
@example(text="Title line\n\nBy Jane Doe\n\nBody sentence one.\n\nShare this:\n\nTwitter", title="Title line",
         repeated=set())
@example(text="A repeated line.\n\nA repeated line.\n\nBody one.\nBody two.", title=None, repeated={0})
@fuzzes("clean")
def test_cleaning_keeps_offsets_exact_and_is_idempotent(text: str, title: str | None, repeated: set[int]) -> None:
    keys = [p.key for p in split_paragraphs(text)]
    chosen = {keys[i] for i in repeated if i < len(keys)}
    first = clean(text, title, lambda key: key in chosen)
    for cut in first.cuts:
        assert text[cut.start:cut.end] == cut.text and cut.reason
    for clean_start, received_start, length in first.segments:
        assert first.text[clean_start:clean_start + length] == text[received_start:received_start + length]
    assert first.text == PARAGRAPH_SEP.join(p.text for p in first.kept)
    for offset in (0, len(first.text)):
        if first.segments:
            assert 0 <= first.to_received(offset) <= len(text)
    if [p.text for p in split_paragraphs(first.text)] != [p.text for p in first.kept]:
        return  # one kept paragraph of several lines reads as one paragraph a line: not the same input
    second = clean(first.text, title, lambda key: key in chosen)
    assert second.text == first.text, f"cleaning twice cut more: {[c.text for c in second.cuts]}"


@budget(300)
@given(text=st.one_of(any_text, news_text(2), st.lists(st.sampled_from(["\r\n", "\r", "\n", "e\u0301", "\u00e9", "Å",
                                                                       "\u212b", "ﬃ", " "]), max_size=12).map("".join)))
@fuzzes("decode")
def test_text_normalisation_is_idempotent(text: str) -> None:
    from truceline.ingestion.decode import normalize_text

    once = normalize_text(text)
    assert normalize_text(once) == once and "\r" not in once
