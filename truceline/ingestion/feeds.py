"""RSS and Atom feeds to articles: one :class:`RawArticle` per item.

Takes the bytes of a feed (a file, or a fetched URL) and gives one article per item, with
title, author, link, outlet (the feed's title) and date from the feed's own structured
fields, which are more reliable than anything guessed from prose. feedparser copes with
the many dialects of RSS and Atom in the wild; we only ever hand it bytes in a stream,
because given a string it may open a file or fetch a URL of that name.

Items whose feed carries only a link (no body) are errors unless the caller asked us to
fetch the linked page (``follow_links``): a headline is not an article to verify.
"""

from __future__ import annotations

import email.utils
import io
import re
import time
from collections.abc import Iterator
from typing import Any

import feedparser
import lxml.etree

from truceline.ingestion.html import parse_html
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

_SNIFF_BYTES = 65536
# Before the root element an XML document may have a declaration, processing instructions
# (``<?xml-stylesheet?>``), comments and a DOCTYPE; anything else means it is not a feed.
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>/]")

_BLOCKS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table dl dt dd figure figcaption "
    "section article header footer aside hr address".split()
)
_DROP = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
_PARA = "\u2029"  # marks a block edge while the tree is flattened
_LINE = "\u2028"  # marks a <br>; two in a row end a paragraph, one is a space
_TAG = re.compile(r"<[A-Za-z!/]")
# feedparser flags these as "bozo" though the feed itself parsed fine.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_CHARREF = re.compile(rb"&#(?:([0-9]{1,12})|[xX]([0-9a-fA-F]{1,12}));")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_feed(data: bytes) -> bool:
    """Cheap sniff of the root element, so files are routed without parsing them twice."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while match := _PROLOG.match(head, pos):
        pos = match.end()
    return _FEED_ROOT.match(head[pos:].lstrip()) is not None


def articles_from_feed(
    data: bytes,
    source: str,
    options: ReadOptions,
    *,
    charset: str | None = None,
    base_url: str | None = None,
) -> Iterator[RawArticle | InputError]:
    """Yield the items of the feed in ``data``; raise :class:`InputError` for the whole feed.

    A problem with one item is yielded (with ``line`` the 1-based item number) so that
    the other items still arrive. ``charset`` is the HTTP charset of a fetched feed and
    ``base_url`` its address, for relative links.
    """
    parsed = _parse(data, source, options.encoding or charset, base_url)
    outlet = _storable(_plain(parsed.feed.get("title"), parsed.feed.get("title_detail"))) or None
    for index, entry in enumerate(parsed.entries, start=1):
        yield from _entry_articles(entry, index, source, outlet, parsed.get("version") or "", options)


def html_paragraphs(markup: str) -> str:
    """Text of an HTML fragment, one paragraph per block, so feed bodies read like articles."""
    try:
        root = parse_html(markup)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in list(root.iter(*_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(lxml.etree.Element):
        if element.tag in _BLOCKS:
            element.text = _PARA + (element.text or "")
            element.tail = _PARA + (element.tail or "")
        elif element.tag == "br":
            element.tail = _LINE + (element.tail or "")
    text = re.sub(rf"{_LINE}[^\S{_LINE}{_PARA}]*{_LINE}", _PARA, root.text_content())
    text = text.replace(_LINE, " ")
    paragraphs = (" ".join(chunk.split()) for chunk in text.split(_PARA))
    return "\n\n".join(p for p in paragraphs if p)


def _parse(data: bytes, source: str, charset: str | None, base_url: str | None) -> Any:
    """Parse with feedparser and refuse anything that yields no items, saying why."""
    headers: dict[str, str] = {}
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    if base_url:
        headers["content-location"] = base_url
    try:
        parsed = feedparser.parse(io.BytesIO(_repair_charrefs(data)), response_headers=headers or None)
    except Exception as exc:  # feedparser's fallback parsers raise their own errors on broken feeds
        raise InputError(source, f"not a valid feed: {_short(exc)}") from None
    if parsed.entries:
        return parsed
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and problem is not None and not isinstance(problem, _HARMLESS):
        raise InputError(source, f"not a valid feed: {_short(problem)}")
    if not parsed.get("version"):
        raise InputError(source, "not an RSS or Atom feed")
    raise InputError(source, "feed has no items")


def _repair_charrefs(data: bytes) -> bytes:
    """Numeric character references to no character (``&#0;``, ``&#xD800;``, ``&#1114112;``) as
    U+FFFD, as browsers read them; feedparser raises on them instead of reading the feed.

    Only for byte-oriented encodings: a UTF-16 or UTF-32 feed (NUL bytes) is left as it is.
    """
    if b"\x00" in data[:4096]:
        return data

    def repair(m: re.Match[bytes]) -> bytes:
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        ok = code in (9, 10, 13) or 0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        return m.group(0) if ok else b"&#xFFFD;"

    return _CHARREF.sub(repair, data)


def _storable(value: str | None) -> str | None:
    """Text that can be stored: no NUL (PostgreSQL refuses it), no half of a surrogate pair."""
    return _UNSTORABLE.sub("\ufffd", value) if value else value


def _entry_articles(
    entry: Any, index: int, source: str, outlet: str | None, version: str, options: ReadOptions
) -> Iterator[RawArticle | InputError]:
    raw, text = _entry_text(entry)
    link = _storable(entry.get("link")) or None
    article = RawArticle(
        source=source,
        line=index,
        raw=_storable(raw) or "",
        text=_storable(text) or "",
        format="feed",
        title=_storable(_plain(entry.get("title"), entry.get("title_detail"))) or None,
        author=_storable(entry.get("author")) or None,
        url=link,
        outlet=outlet,
        extra={"feed_version": version, "entry_id": _storable(entry.get("id")) or None},
    )
    article.published = _entry_date(entry)
    article.published_source = "feed" if article.published else "unknown"
    if text:
        yield article
    elif options.follow_links and link:
        yield from _followed(article, link, options)
    elif options.follow_links:
        yield InputError(source, "feed item has no text and no link", line=index)
    else:
        yield InputError(source, "feed item has no text (use --follow-links to fetch the article)", line=index)


def _entry_text(entry: Any) -> tuple[str, str]:
    """The item body as received and as paragraphs; full content wins over the summary."""
    detail = None
    if entry.get("content"):
        detail = entry.content[0]
    elif entry.get("summary"):
        detail = entry.get("summary_detail") or {"value": entry.summary, "type": "text/html"}
    if not detail or not (detail.get("value") or "").strip():
        return "", ""
    raw = detail["value"]
    if "html" in (detail.get("type") or "") or _TAG.search(raw):
        return raw, html_paragraphs(raw)
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")))
    return raw, "\n\n".join(p for p in paragraphs if p)


def _entry_date(entry: Any) -> str | None:
    """``YYYY-MM-DD`` as the feed wrote it, so the day is the outlet's, not UTC's.

    feedparser's ``*_parsed`` values are converted to UTC, which moves a late-evening
    report in Baku or Yerevan onto the next day; they are the fallback when the written
    date is in a form we do not read ourselves.
    """
    for key in ("published", "updated"):
        written = _written_date(entry.get(key) or "")
        if written:
            return written
        parsed = entry.get(f"{key}_parsed")
        if parsed and (day := _valid_date(*parsed[:3])):
            return day
    return None


def _written_date(value: str) -> str | None:
    iso = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T\s]|$)", value)
    if iso:
        return _valid_date(*map(int, iso.groups()))
    rfc = email.utils.parsedate_tz(value) if value else None
    if rfc:
        return _valid_date(*rfc[:3])
    return None


def _valid_date(year: int, month: int, day: int) -> str | None:
    try:
        time.strptime(f"{year:04d}-{month:02d}-{day:02d}", "%Y-%m-%d")
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _followed(article: RawArticle, link: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """The linked page as the item's article, keeping the feed's structured metadata."""
    from truceline.ingestion.fetch import article_from_page  # fetch imports this module

    try:
        page = article_from_page(link, options)
    except InputError as err:
        yield InputError(article.source, f"{link}: {err.reason}", line=article.line)
        return
    page_format = page.format
    page.source, page.line, page.format = article.source, article.line, "feed"
    page.title = article.title or page.title
    page.author = article.author or page.author
    page.outlet = article.outlet or page.outlet
    if article.published:
        page.published, page.published_source = article.published, article.published_source
    page.extra = {**page.extra, **article.extra, "followed_link": True, "page_format": page_format}
    yield page


def _plain(value: str | None, detail: Any) -> str:
    """Titles may be HTML in Atom; keep their text only."""
    if not value:
        return ""
    if detail and "html" in (detail.get("type") or "") and _TAG.search(value):
        value = html_paragraphs(value).replace("\n\n", " ")
    return " ".join(value.split())


def _short(problem: BaseException) -> str:
    """feedparser's reason in one short line (SAX messages carry a long prefix)."""
    text = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
    text = re.sub(r"^<unknown>:", "line ", text)
    return text if len(text) <= 120 else text[:117] + "..."
