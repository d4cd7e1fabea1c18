"""The values that flow between ingest stages before anything is stored.

Readers turn a file, a line or a URL into :class:`RawArticle` objects; problems with one
input become :class:`InputError` values that name the input and the reason, so that one
bad file never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT_S = 15.0


class InputError(Exception):
    """One input that could not be read, with where it is and why, in one line."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


# host name, port -> the addresses it resolves to (what socket.getaddrinfo answers)
Resolver = Callable[[str, int], Iterable[str]]


@dataclass(frozen=True)
class ReadOptions:
    """Limits and switches shared by every reader (one place, so CLI and API agree).

    ``allow_addresses`` names networks (``"127.0.0.1/32"``, ``"10.0.0.0/8"``) that are fetched
    although they are not public, without opening every private address as ``allow_private``
    does; ``resolver`` replaces the system's name resolution (tests, or a vetted DNS).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    allow_private: bool = False
    encoding: str | None = None
    follow_links: bool = False
    allow_addresses: tuple[str, ...] = ()
    resolver: Resolver | None = None


@dataclass
class RawArticle:
    """One article as it arrived, before cleaning.

    ``raw`` is what was received, decoded (markup for HTML); ``text`` is the body as plain
    text with paragraphs separated by blank lines, which cleaning turns into the clean text.
    """

    source: str
    text: str
    raw: str
    format: str
    line: int | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: str = "unknown"
    url: str | None = None
    outlet: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source
