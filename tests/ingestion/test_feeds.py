"""RSS/Atom bytes to articles: items, metadata, HTML bodies, and the ways feeds go wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import page, serve

from truceline.ingestion.feeds import articles_from_feed, html_paragraphs, is_feed
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

OPTIONS = ReadOptions()

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="style.xsl"?>
<!-- generated -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Caucasus Wire</title><link>http://wire.example/</link><description>News</description>
  <item>
    <title>Ceasefire statement signed</title>
    <link>http://wire.example/2020/11/statement</link>
    <guid>wire-1</guid>
    <dc:creator>Anna Petrosyan</dc:creator>
    <pubDate>Tue, 10 Nov 2020 01:30:00 +0400</pubDate>
    <description>Short summary that must lose to the full content.</description>
    <content:encoded><![CDATA[
      <p>The leaders signed a <b>trilateral</b> statement.</p>
      <script>track("x")</script><style>p { color: red }</style>
      <p>Peacekeepers will deploy<br/>along the line of contact.</p>
      <ul><li>Prisoners exchanged</li><li>Corridor opened</li></ul>
    ]]></content:encoded>
  </item>
  <item>
    <title>Talks in Moscow</title>
    <link>http://wire.example/2020/11/talks</link>
    <pubDate>Wed, 11 Nov 2020 09:00:00 GMT</pubDate>
    <description>Foreign ministers met on Wednesday.</description>
  </item>
  <item>
    <title>Headline only</title>
    <link>http://wire.example/2020/11/headline</link>
  </item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Ministry &lt;b&gt;Press&lt;/b&gt; Office</title>
  <id>urn:ministry</id><updated>2020-11-10T12:00:00Z</updated>
  <entry>
    <title>Statement by the Ministry</title>
    <id>urn:ministry:1</id>
    <link rel="alternate" href="https://ministry.example/statement/1"/>
    <published>2020-11-09T23:45:00-05:00</published>
    <updated>2020-11-12T08:00:00Z</updated>
    <author><name>Press Service</name></author>
    <content type="html">&lt;h2&gt;Statement&lt;/h2&gt;&lt;p&gt;The ministry welcomes the agreement.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Briefing</title>
    <id>urn:ministry:2</id>
    <link href="https://ministry.example/briefing/2"/>
    <updated>2020-11-12T08:00:00Z</updated>
    <content type="text">First paragraph of the briefing.

Second paragraph of the briefing.</content>
  </entry>
  <entry>
    <title>Summary only</title>
    <id>urn:ministry:3</id>
    <link href="https://ministry.example/3"/>
    <summary>A summary is better than nothing.</summary>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="http://x.example/"><title>RDF Wire</title><link>http://x.example/</link>
<description>d</description></channel>
<item rdf:about="http://x.example/1"><title>One</title><link>http://x.example/1</link>
<description>Body of one.</description></item>
</rdf:RDF>"""

EMPTY_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>
<link>http://q.example/</link><description>nothing yet</description></channel></rss>"""
EMPTY_ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title><id>u</id></feed>"""


def _items(data: bytes, options: ReadOptions = OPTIONS) -> list[RawArticle | InputError]:
    return list(articles_from_feed(data, "feed.xml", options))


def _raises(data: bytes) -> InputError:
    with pytest.raises(InputError) as info:
        _items(data)
    return info.value


# --- sniffing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        RSS, ATOM, RDF, EMPTY_ATOM,
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<rss version='2.0'/>",
        b"<?xml version='1.0'?><!DOCTYPE rss PUBLIC '-//Netscape//DTD RSS 0.91//EN' 'x.dtd'><rss>",
        '<?xml version="1.0" encoding="utf-16"?><feed xmlns="x">'.encode("utf-16"),
    ],
)
def test_is_feed_recognises_feed_roots(data: bytes) -> None:
    assert is_feed(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><html><body><p>rss</p></body></html>",
        b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>",
        b"rss feeds are how many outlets publish news.\n<rss> is the root element.",
        b"<feedback>no</feedback>",
        b"",
    ],
)
def test_is_feed_rejects_other_documents(data: bytes) -> None:
    assert not is_feed(data)


# --- RSS -------------------------------------------------------------------------------


def test_rss_items_become_articles_with_metadata() -> None:
    first, second, third = _items(RSS)
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert (first.source, first.line, first.format) == ("feed.xml", 1, "feed")
    assert first.title == "Ceasefire statement signed"
    assert first.author == "Anna Petrosyan"
    assert first.url == "http://wire.example/2020/11/statement"
    assert first.outlet == "Caucasus Wire"
    assert first.extra["entry_id"] == "wire-1" and first.extra["feed_version"] == "rss20"
    assert (second.line, second.text, second.author) == (2, "Foreign ministers met on Wednesday.", None)


def test_rss_full_content_wins_and_html_becomes_paragraphs() -> None:
    first = _items(RSS)[0]
    assert isinstance(first, RawArticle)
    assert first.text == (
        "The leaders signed a trilateral statement.\n\n"
        "Peacekeepers will deploy along the line of contact.\n\n"
        "Prisoners exchanged\n\nCorridor opened"
    )
    assert "track(" not in first.text and "color" not in first.text
    assert "<p>" in first.raw


def test_rss_dates_keep_the_outlets_calendar_day() -> None:
    """01:30 in Baku on 10 Nov is 21:30 UTC on 9 Nov; the report is dated the 10th."""
    first, second, _ = _items(RSS)
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert (first.published, first.published_source) == ("2020-11-10", "feed")
    assert second.published == "2020-11-11"


def test_item_without_text_is_an_error_and_others_still_arrive() -> None:
    items = _items(RSS)
    error = items[2]
    assert isinstance(error, InputError)
    assert error.message == "feed.xml:3: feed item has no text (use --follow-links to fetch the article)"
    assert sum(isinstance(i, RawArticle) for i in items) == 2


def test_rdf_rss_1_items() -> None:
    [item] = _items(RDF)
    assert isinstance(item, RawArticle)
    assert (item.title, item.text, item.outlet) == ("One", "Body of one.", "RDF Wire")


# --- Atom ------------------------------------------------------------------------------


def test_atom_entries_become_articles() -> None:
    first, second, third = _items(ATOM)
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle) and isinstance(third, RawArticle)
    assert first.outlet == "Ministry Press Office"
    assert (first.title, first.author, first.url) == ("Statement by the Ministry", "Press Service", "https://ministry.example/statement/1")
    assert first.text == "Statement\n\nThe ministry welcomes the agreement."
    assert second.text == "First paragraph of the briefing.\n\nSecond paragraph of the briefing."
    assert third.text == "A summary is better than nothing."
    assert [a.line for a in (first, second, third)] == [1, 2, 3]


def test_atom_published_preferred_over_updated_and_local_day_kept() -> None:
    first, second, third = _items(ATOM)
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle) and isinstance(third, RawArticle)
    assert first.published == "2020-11-09"  # 04:45 UTC on the 10th, but written as the 9th
    assert second.published == "2020-11-12"  # only <updated>
    assert (third.published, third.published_source) == (None, "unknown")


# --- whole-feed errors -----------------------------------------------------------------


@pytest.mark.parametrize("data", [EMPTY_RSS, EMPTY_ATOM])
def test_feed_without_items_is_refused(data: bytes) -> None:
    assert _raises(data).message == "feed.xml: feed has no items"


def test_malformed_feed_names_the_parser_problem() -> None:
    err = _raises(b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</titl></channel>")
    assert err.reason.startswith("not a valid feed: ")
    assert "mismatched tag" in err.reason and len(err.reason) < 160


def test_html_is_not_a_feed() -> None:
    err = _raises(b"<html><body><p>Just a page.</p></body></html>")
    assert err.source == "feed.xml" and err.reason


def test_feed_bytes_are_never_opened_as_a_path(tmp_path: Path) -> None:
    """feedparser opens a file named by its argument; the bytes must be read as content."""
    feed_file = tmp_path / "real.xml"
    feed_file.write_bytes(RSS)
    with pytest.raises(InputError):
        _items(str(feed_file).encode())


def test_charset_argument_decodes_legacy_feed() -> None:
    data = "<rss version='2.0'><channel><title>Caf\xe9</title><item><description>Caf\xe9 talks</description></item></channel></rss>"
    [item] = list(articles_from_feed(data.encode("latin-1"), "f", OPTIONS, charset="iso-8859-1"))
    assert isinstance(item, RawArticle)
    assert (item.outlet, item.text) == ("Café", "Café talks")


# --- HTML bodies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup,expected",
    [
        ("<p>One</p><p>Two  <i>words</i></p>", "One\n\nTwo words"),
        ("Lead text<div>Block</div>tail", "Lead text\n\nBlock\n\ntail"),
        ("line one<br>line two<br/><br/>new para", "line one line two\n\nnew para"),
        ("<p>Keep</p><script>drop()</script><style>.x{}</style><noscript>no</noscript>", "Keep"),
        ("<h1>Title</h1>\n\n<blockquote>Quote</blockquote>", "Title\n\nQuote"),
        ("  ", ""),
    ],
)
def test_html_paragraphs(markup: str, expected: str) -> None:
    assert html_paragraphs(markup) == expected


# --- following links -------------------------------------------------------------------

PAGE = (
    "<html><head><title>Full story</title></head><body><article>"
    + "".join(
        f"<p>Paragraph {n} of the full story about the ceasefire agreement and the deployment "
        f"of peacekeepers along the line of contact, as reported by the correspondent.</p>"
        for n in range(1, 5)
    )
    + "</article></body></html>"
).encode()


def _link_feed(base: str) -> bytes:
    return f"""<rss version="2.0"><channel><title>Links Only</title>
<item><title>Feed title wins</title><link>{base}/story</link><pubDate>Mon, 09 Nov 2020 22:00:00 +0000</pubDate></item>
<item><title>Gone</title><link>{base}/gone</link></item>
<item><title>No link at all</title></item>
</channel></rss>""".encode()


@pytest.mark.network
def test_follow_links_fetches_item_pages() -> None:
    options = ReadOptions(allow_private=True, follow_links=True, timeout_s=2)
    with serve({"/story": page(PAGE)}) as (base, _):
        story, gone, nolink = list(articles_from_feed(_link_feed(base), "links.xml", options))
    assert isinstance(story, RawArticle)
    assert (story.source, story.line, story.format) == ("links.xml", 1, "feed")
    assert (story.title, story.outlet, story.url) == ("Feed title wins", "Links Only", f"{base}/story")
    assert (story.published, story.published_source) == ("2020-11-09", "feed")
    assert "Paragraph 1 of the full story" in story.text and "Paragraph 4" in story.text
    assert story.extra["followed_link"] is True
    assert isinstance(gone, InputError)
    assert gone.message == f"links.xml:2: {base}/gone: HTTP 404 Not Found"
    assert isinstance(nolink, InputError) and nolink.message == "links.xml:3: feed item has no text and no link"


@pytest.mark.network
def test_follow_links_still_refuses_private_addresses() -> None:
    with serve({"/story": page(PAGE)}) as (base, _):
        items = list(articles_from_feed(_link_feed(base), "links.xml", ReadOptions(follow_links=True, timeout_s=2)))
    first = items[0]
    assert isinstance(first, InputError)
    assert "refused: host resolves to a private or loopback address (127.0.0.1)" in first.reason
