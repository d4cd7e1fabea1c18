"""HTML pages to articles: body, title, author, date and site name from the markup.

We use trafilatura, which finds the main content from the DOM (link density, position,
tags) and reads metadata from meta tags and JSON-LD; that is far better than anything
paragraph-based can do on markup. ``<script>``/``<style>`` never reach the text.
"""

from __future__ import annotations

import re
import warnings

import lxml.html
import trafilatura

from truceline.ingestion.types import InputError, RawArticle

_DROP = {"script", "style", "noscript", "template", "svg", "head"}


def page_text(html: str) -> str:
    """All visible text of a page, one block per line: the baseline to report what was cut."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for el in list(root.iter(*_DROP)):  # a list: dropping while iterating would skip siblings
        if el.getparent() is not None:
            el.drop_tree()
    text = root.text_content()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def article_from_html(html: str, source: str, url: str | None = None, line: int | None = None) -> RawArticle:
    """Extract one article from ``html`` or raise :class:`InputError` if it has no body."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
            output_format="python",
        )
    body = (doc.text if doc is not None else "") or ""
    if not body.strip():
        raise InputError(source, "no article text found in the HTML", line)
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    text = "\n\n".join(paragraphs)
    visible = page_text(html)
    cut = max(0, len(visible) - len(body))
    date = getattr(doc, "date", None)
    return RawArticle(
        source=source,
        line=line,
        raw=html,
        text=text,
        format="html",
        title=_clean_title(getattr(doc, "title", None), getattr(doc, "sitename", None)),
        author=getattr(doc, "author", None) or None,
        published=date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
        published_source="html" if date else "unknown",
        url=url or getattr(doc, "url", None) or None,
        outlet=getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or None,
        extra={"html_chars_cut": cut},
    )


def _clean_title(title: str | None, site: str | None) -> str | None:
    """Drop a trailing ``| Site`` / ``- Site`` that pages add to ``<title>``."""
    if not title:
        return None
    if site:
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(site)}\s*$", "", title)
    return title.strip() or None
