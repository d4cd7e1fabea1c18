"""HTML pages to articles: body, title, author, date and site name from the markup.

We use trafilatura, which finds the main content from the DOM (link density, position,
tags) and reads metadata from meta tags and JSON-LD; that is far better than anything
paragraph-based can do on markup. ``<script>``/``<style>`` never reach the text.
"""

from __future__ import annotations

import re
import unicodedata
import warnings

import lxml.html
import trafilatura

from truceline.ingestion.types import InputError, RawArticle

_DROP = {"script", "style", "noscript", "template", "svg", "head"}
# characters XML cannot hold: lxml refuses to set them on a tree (ValueError), and they are not text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(markup: str) -> str:
    """``markup`` without the control characters lxml cannot put back into a tree it edits."""
    return _NOT_XML.sub("", markup)


def parse_html(markup: str) -> lxml.html.HtmlElement:
    """A page or fragment as an lxml tree that can be edited (elements dropped, text set).

    Character references put back what :func:`xml_safe` took out (``&#1;``, ``&#xe`` without
    its semicolon), and lxml then refuses any edit next to that text, so the text of the tree
    is scrubbed too. Raises ``ValueError`` or ``lxml.etree.ParserError`` for no document.
    """
    root = lxml.html.document_fromstring(xml_safe(markup))
    for element in root.iter():
        if element.text and _NOT_XML.search(element.text):
            element.text = xml_safe(element.text)
        if element.tail and _NOT_XML.search(element.tail):
            element.tail = xml_safe(element.tail)
    return root


def page_text(html: str) -> str:
    """All visible text of a page, one block per line: the baseline to report what was cut."""
    try:
        root = parse_html(html)
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
        try:
            doc = trafilatura.bare_extraction(
                html,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=False,
                favor_recall=True,
                output_format="python",
            )
        except Exception as exc:  # trafilatura/htmldate/lxml fail in their own ways on broken markup
            raise InputError(source, f"cannot read the HTML ({type(exc).__name__} in the extractor)", line) from None
    body = (doc.text if doc is not None else "") or ""
    visible = page_text(html)
    paragraphs = _shown([p.strip() for p in body.split("\n") if p.strip()], visible)
    if not paragraphs:
        raise InputError(source, "no article text found in the HTML", line)
    text = "\n\n".join(paragraphs)
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


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _shown(paragraphs: list[str], visible: str) -> list[str]:
    """The paragraphs the page shows a reader.

    trafilatura's recall fallback can take what a ``<script>`` holds (JSON-LD, code) for text
    in odd markup; a paragraph whose letters are not in the page's visible text is not the
    article's. Letters only, because trafilatura re-spaces text and marks list items ("- ").
    """
    shown = _letters(visible)
    return [p for p in paragraphs if _letters(p) in shown]


def _clean_title(title: str | None, site: str | None) -> str | None:
    """Drop a trailing ``| Site`` / ``- Site`` that pages add to ``<title>``."""
    if not title:
        return None
    if site:
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(site)}\s*$", "", title)
    return title.strip() or None
