"""Inputs -> articles: paths, directories and URLs to :class:`RawArticle` or :class:`InputError`.

A registry maps each format name to a reader; :func:`sniff` picks the format from the
file name and, when that says nothing, from the first bytes. Every problem with one input
is yielded as an error naming the file (and line) so that the others still go in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from truceline.ingestion import metadata as sidecar
from truceline.ingestion.decode import decode_bytes, json_text_problem, normalize_text
from truceline.ingestion.html import article_from_html
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

Item = RawArticle | InputError
Reader = Callable[[Path, bytes, ReadOptions], Iterator[Item]]
READERS: dict[str, Reader] = {}

EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".urls": "urls",
}  # fmt: skip
JSONL_FIELDS = {"text", "title", "url", "outlet", "author", "published"}


def reader(name: str) -> Callable[[Reader], Reader]:
    def register(fn: Reader) -> Reader:
        READERS[name] = fn
        return fn

    return register


def sniff(path: Path, head: bytes) -> str:
    """Format of a file: the extension decides when known, else the content."""
    from truceline.ingestion.feeds import is_feed
    from truceline.ingestion.urls import is_url_list

    ext = EXTENSIONS.get(path.suffix.lower())
    if ext and ext != "text":
        return ext
    start = head.lstrip()[:512].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start:
        return "html"
    if is_feed(head):
        return "feed"
    try:
        if is_url_list(head.decode("utf-8")):
            return "urls"
    except UnicodeDecodeError:
        pass
    return "text"


def paragraphs_text(text: str) -> str:
    """Plain text with paragraphs as blank-line separated blocks (left as written)."""
    return normalize_text(text).strip("\n")


@reader("text")
def read_text(path: Path, data: bytes, options: ReadOptions) -> Iterator[Item]:
    text = decode_bytes(data, str(path), options.encoding)
    yield RawArticle(source=str(path), text=paragraphs_text(text), raw=text, format="text")


@reader("html")
def read_html(path: Path, data: bytes, options: ReadOptions) -> Iterator[Item]:
    html = decode_bytes(data, str(path), options.encoding)
    yield article_from_html(html, source=str(path))


@reader("feed")
def read_feed(path: Path, data: bytes, options: ReadOptions) -> Iterator[Item]:
    from truceline.ingestion.feeds import articles_from_feed

    yield from articles_from_feed(data, str(path), options)


@reader("urls")
def read_url_list(path: Path, data: bytes, options: ReadOptions) -> Iterator[Item]:
    from truceline.ingestion.urls import articles_from_url_list

    yield from articles_from_url_list(decode_bytes(data, str(path), options.encoding), str(path), options)


@reader("jsonl")
def read_jsonl(path: Path, data: bytes, options: ReadOptions) -> Iterator[Item]:
    """One article per line; a broken line is reported with its number and skipped."""
    text = decode_bytes(data, str(path), options.encoding)
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield _jsonl_article(path, n, line, options)
        except InputError as exc:
            yield exc


def _jsonl_article(path: Path, n: int, line: str, options: ReadOptions) -> RawArticle:
    if len(line.encode("utf-8")) > options.max_bytes:
        raise InputError(str(path), f"line is over the {options.max_bytes // 2**20} MB limit", n)
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"invalid JSON ({exc.msg} at column {exc.colno})", n) from None
    except RecursionError:
        raise InputError(str(path), "invalid JSON (nested too deeply)", n) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits())
        raise InputError(str(path), "invalid JSON (a number with too many digits)", n) from None
    if not isinstance(rec, dict):
        raise InputError(str(path), "line is not a JSON object", n)
    if problem := json_text_problem(rec, JSONL_FIELDS):
        raise InputError(str(path), problem, n)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(str(path), "no 'text' field with article text", n)
    fields = {k: str(rec[k]) for k in ("title", "url", "outlet", "author", "published") if rec.get(k)}
    article = RawArticle(
        source=str(path), line=n, text=paragraphs_text(text), raw=text, format="jsonl", **fields
    )
    article.published_source = "jsonl" if article.published else "unknown"
    extra = {k: v for k, v in rec.items() if k not in JSONL_FIELDS and k != "id" and v is not None}
    if rec.get("id") is not None:
        extra["source_id"] = rec["id"]
    article.extra.update(extra)
    return article


def _walk(path: Path) -> Iterator[Path]:
    """Files under a directory in a stable order, skipping hidden files and sidecars."""
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts) and p.name != sidecar.SIDECAR_NAME:
            if p.suffix.lower() in EXTENSIONS or not p.suffix:
                yield p


def read_file(path: Path, options: ReadOptions) -> Iterator[Item]:
    """All articles of one file; size is checked before anything is read into memory."""
    try:
        size = path.stat().st_size
        if size > options.max_bytes and path.suffix.lower() not in (".jsonl", ".ndjson"):
            mb = options.max_bytes / 2**20
            raise InputError(str(path), f"file is {size / 2**20:.1f} MB, over the {mb:g} MB limit (--max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(str(path), f"cannot read ({exc.strerror or exc})")
        return
    except InputError as exc:
        yield exc
        return
    try:
        yield from READERS[sniff(path, data[:4096])](path, data, options)
    except InputError as exc:
        yield exc


def read_inputs(
    inputs: Iterable[str], options: ReadOptions, metadata: sidecar.MetadataIndex | None = None
) -> Iterator[Item]:
    """Expand paths, directories and URLs into articles with sidecar metadata applied."""
    from truceline.ingestion.fetch import articles_from_url

    index = metadata or sidecar.MetadataIndex()
    for item in inputs:
        if item.lower().startswith(("http://", "https://")):
            items: Iterable[Item] = _guard(item, lambda url=item: articles_from_url(url, options))
        else:
            path = Path(item)
            if path.is_dir():
                files = list(_walk(path))
                if not files:
                    yield InputError(item, "directory has no article files")
                items = (a for f in files for a in _with_sidecar(f, options, index))
            elif path.is_file():
                items = _with_sidecar(path, options, index)
            else:
                items = [InputError(item, "no such file or directory")]
        for got in items:
            yield from index.errors
            index.errors.clear()
            yield got if isinstance(got, InputError) else sidecar.apply(got, index.lookup(got))


def _with_sidecar(path: Path, options: ReadOptions, index: sidecar.MetadataIndex) -> Iterator[Item]:
    index.load_beside(path)
    yield from read_file(path, options)


def _guard(source: str, produce: Callable[[], Iterable[Item]]) -> Iterator[Item]:
    try:
        yield from produce()
    except InputError as exc:
        yield exc
