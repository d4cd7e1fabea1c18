"""URL list files: recognising them, and one bad line not stopping the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loopback import closed_port, page, serve

from truceline.ingestion.types import InputError, RawArticle, ReadOptions
from truceline.ingestion.urls import articles_from_url_list, is_url_list

LOCAL = ReadOptions(allow_private=True, timeout_s=2)

PAGE = (
    "<html><head><title>Ceasefire signed</title></head><body><article>"
    + "".join(
        f"<p>Paragraph {n}: the statement signed in Moscow ends the fighting and sets out the "
        f"deployment of peacekeepers, the exchange of prisoners and the return of displaced people.</p>"
        for n in range(1, 5)
    )
    + "</article></body></html>"
).encode()
FEED = b"""<rss version="2.0"><channel><title>Wire</title>
<item><title>One</title><link>http://wire.example/1</link><description>Item one.</description></item>
<item><title>Two</title><link>http://wire.example/2</link></item>
</channel></rss>"""
TYPES = {"/page": "text/html; charset=utf-8", "/feed": "application/rss+xml", "/note": "text/plain"}
BODIES = {"/page": PAGE, "/feed": FEED, "/note": b"A plain statement."}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve({path: page(BODIES[path], TYPES[path]) for path in BODIES}) as (url, _):
        yield url



# --- recognising lists -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "http://a.example/1\n",
        "# sources for November\n\nhttps://a.example/1\n  HTTP://B.EXAMPLE/2  \n# end\n",
        "\ufeffhttps://a.example/1\r\nhttps://a.example/2\r\n",
        "https://a.example/1 Reuters, morning report\n",
    ],
)
def test_url_lists_are_recognised(text: str) -> None:
    assert is_url_list(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "# only a comment\n",
        "Officials said the talks would resume.\nSee https://a.example/1 for the text.\n",
        "https://a.example/1\nThe statement was signed on Monday.\n",
        "http://\n",
        "ftp://a.example/file\n",
        "www.example.org/page\n",
    ],
)
def test_other_text_is_not_a_url_list(text: str) -> None:
    assert not is_url_list(text)


# --- reading lists ---------------------------------------------------------------------


@pytest.mark.network
def test_bad_line_is_reported_with_its_line_and_the_rest_continue(base: str) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/a"
    text = f"# November sources\n{base}/page\n{dead}\n\n{base}/feed\n{base}/missing\n{base}/note\n"
    items = list(articles_from_url_list(text, "urls.txt", LOCAL))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["RawArticle", "InputError", "RawArticle", "InputError", "InputError", "RawArticle"]
    page, refused, feed_item, feed_error, missing, note = items
    assert isinstance(page, RawArticle) and page.source == f"{base}/page" and "Paragraph 3" in page.text
    assert str(refused) == f"urls.txt:3: {dead}: cannot connect: connection refused"
    assert (refused.source, refused.line) == ("urls.txt", 3)
    assert isinstance(feed_item, RawArticle) and (feed_item.title, feed_item.line) == ("One", 1)
    assert isinstance(feed_error, InputError) and feed_error.line == 5
    assert feed_error.reason == f"{base}/feed:2: feed item has no text (use --follow-links to fetch the article)"
    assert str(missing) == f"urls.txt:6: {base}/missing: HTTP 404 Not Found"
    assert isinstance(note, RawArticle) and note.text == "A plain statement." and note.format == "text"


@pytest.mark.network
def test_private_addresses_refused_per_line(base: str) -> None:
    items = list(articles_from_url_list(f"{base}/page\n{base}/note\n", "urls.txt", ReadOptions(timeout_s=2)))
    assert [i.line for i in items] == [1, 2]
    assert all(isinstance(i, InputError) and "--allow-private" in i.reason for i in items)


def test_unresolvable_and_non_http_lines() -> None:
    text = "http://nonexistent.invalid/x\nnot a url at all\n"
    first, second = list(articles_from_url_list(text, "list.txt", ReadOptions(timeout_s=2)))
    assert str(first) == "list.txt:1: http://nonexistent.invalid/x: cannot resolve host 'nonexistent.invalid'"
    assert str(second) == "list.txt:2: not an http(s) URL: 'not a url at all'"
