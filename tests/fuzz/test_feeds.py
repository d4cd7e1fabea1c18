"""RSS, Atom and RDF feeds with malformed dates, entities, namespaces, encodings and bodies.

A feed gives its items (articles, or per-item errors with the item number) or one error
for the whole feed, naming it; never an exception. A publication date that comes out is a
real calendar day. Entity expansion bombs and external entities are refused quickly, never
expanded or fetched.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import SCRIPT_MARK, assert_utf8_clean, budget, feed_bytes, fuzzes
from truceline.ingestion.feeds import articles_from_feed, is_feed
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser's updated/published notice

BOMB = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(9))
        + b']><rss version="2.0"><channel><title>bomb</title><item><title>&j;</title>'
        b"<description>&j;</description></item></channel></rss>")


@budget(150)
@given(data=feed_bytes(), follow=st.booleans())
@example(data=BOMB, follow=False)
@example(data=b"<rss version='2.0'><channel><title>t&#1114112;</title><item><title>x &#xD800;</title>"
              b"<description>y &#0; &#99999999999;</description></item></channel></rss>", follow=False)
@example(data=b"<rss version='2.0'><channel><item><description><![CDATA[<b>&#1114112;</b>]]></description>"
              b"</item></channel></rss>", follow=True)
@example(data=b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0">'
              b"<channel><title>t</title><item><description>&x;</description></item></channel></rss>", follow=False)
@example(data=b"<rss version='2.0'><channel><item><description>a\x0bb\x0cc</description></item></channel></rss>",
         follow=False)
@example(data=b"<rss><channel><item><pubDate>Sun, 00 Jan 0000 00:00:00</pubDate><title>x</title>"
              b"<description>body</description></item></channel></rss>", follow=False)
@example(data=b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><content type='bogus'><![CDATA[<p>Text.</p>"
              b"<script>var x = '" + SCRIPT_MARK.encode() + b"';</script>]]></content></entry></feed>", follow=False)
@fuzzes("feeds")
def test_a_feed_gives_items_or_one_named_error(data: bytes, follow: bool) -> None:
    started = time.monotonic()
    is_feed(data)
    try:
        # followed links never leave the machine: every name resolves to a private address, refused
        options = ReadOptions(follow_links=follow, timeout_s=1, resolver=lambda host, port: ["10.0.0.1"])
        items = list(articles_from_feed(data, "feed.xml", options))
    except InputError as err:
        assert err.source == "feed.xml" and err.reason
        items = []
    assert time.monotonic() - started < 10, "a feed took longer than 10 s"
    for n, item in enumerate(items, 1):
        if isinstance(item, InputError):
            assert item.source == "feed.xml" and item.line is not None and item.reason
            continue
        assert isinstance(item, RawArticle) and item.line == n and item.text.strip()
        assert "/etc/passwd" not in item.text and "root:" not in item.text
        if b"type='bogus'" not in data:  # feedparser escapes content of an unknown type: it is text, markup and all
            assert SCRIPT_MARK not in item.text
        assert_utf8_clean(item.text, item.title, item.author, item.outlet, item.url)
        if item.published is not None:
            date_of(item.published)


def date_of(value: str):
    from datetime import date

    assert len(value) == 10, value
    return date.fromisoformat(value)
