"""URL list files to articles: one ``http(s)`` URL per line, ``#`` comments allowed.

Takes the text of a list file and gives the articles behind each URL (a page, or a feed's
items). A URL that fails becomes an :class:`InputError` naming the list file, the line and
the URL, and the remaining lines are still fetched: one dead link must not cost a batch.
"""

from __future__ import annotations

from collections.abc import Iterator

from truceline.ingestion.fetch import articles_from_url
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

_SCHEMES = ("http://", "https://")


def is_url_list(text: str) -> bool:
    """True only when every content line is a URL, so prose is never fetched as links."""
    lines = list(_content_lines(text))
    return bool(lines) and all(_is_url(line) for _, line in lines)


def articles_from_url_list(text: str, source: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Yield the articles of every URL in ``text``; a failing URL is yielded as an error."""
    for number, line in _content_lines(text):
        url = line.split()[0]
        if not _is_url(url):
            yield InputError(source, f"not an http(s) URL: {line[:80]!r}", line=number)
            continue
        try:
            for item in articles_from_url(url, options):
                yield _relabel(item, source, number) if isinstance(item, InputError) else item
        except InputError as err:
            yield _relabel(err, source, number)


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, stripped line) for lines that are neither blank nor comments."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if stripped and not stripped.startswith("#"):
            yield number, stripped


def _is_url(line: str) -> bool:
    lowered = line.lower()
    return lowered.startswith(_SCHEMES) and bool(lowered.split("://", 1)[1].strip())


def _relabel(err: InputError, source: str, number: int) -> InputError:
    """Point an error at the list line, keeping the URL (and feed item) it came from."""
    return InputError(source, err.message, line=number)
