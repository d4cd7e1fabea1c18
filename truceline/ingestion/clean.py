"""Article text -> clean text, with a report of every stretch that was cut and why.

Takes the body text of an article (paragraphs separated by blank lines) and gives the
clean text later stages read, the cuts (offsets into the text as received) and a map from
clean offsets back to received offsets.

Boilerplate is found by a general method, in this order of trust:

1. **Repetition within an outlet**: a short paragraph that other documents of the same
   outlet also carry (share widgets, "visit my website", mirror-site notices). A repeated
   paragraph is only cut at the top or bottom edge of a document, so a quote that an
   author re-uses in the middle of two posts stays.
2. **A short marker list** (``data/boilerplate.json``): trailers ("Read more:", "Leave a
   reply") that start a block of short lines running to the end, platform widget lines,
   breadcrumbs and bylines.
3. **Fragments bounded by boilerplate**: a short line that is not a sentence (a mirror URL,
   a page counter) between two cut paragraphs at an edge goes with them.

Nothing is rewritten inside a kept paragraph, so offsets map back exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from truceline.model import BoilerplateCut
from truceline.text import normalize_for_match, paragraphs

PARAGRAPH_SEP = "\n\n"
SHORT_WORDS = 30  # a repeated paragraph longer than this is content, not furniture
FRAGMENT_WORDS = 12  # a line this short with no sentence end can ride along with boilerplate
TRAILER_TAIL_WORDS = 25  # a trailer cuts to the end only if what follows is this short
HEAD_WINDOW = 6


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def key(self) -> str:
        """Comparison key: case, quotes and punctuation folded, so trivial variants match."""
        return normalize_for_match(self.text)

    @property
    def is_fragment(self) -> bool:
        return self.words <= FRAGMENT_WORDS and not re.search(r"[.!?][\"'”’)]*$", self.text)


@dataclass
class Cleaned:
    text: str
    cuts: list[BoilerplateCut]
    segments: list[tuple[int, int, int]]  # (clean_start, received_start, length)
    byline_author: str | None = None
    title_guess: str | None = None
    kept: list[Paragraph] = field(default_factory=list)

    def to_received(self, offset: int) -> int:
        """Map a clean-text offset back to the text as received (for the document view)."""
        for clean_start, received_start, length in self.segments:
            if clean_start <= offset <= clean_start + length:
                return received_start + offset - clean_start
        raise ValueError(f"offset {offset} is outside the clean text")


@cache
def _markers() -> dict:
    data = json.loads(resources.files("truceline.data").joinpath("boilerplate.json").read_text("utf-8"))
    flags = re.IGNORECASE
    return {
        "trailer": [re.compile(p, flags) for p in data["trailer"]],
        "widget": [re.compile(p, flags) for p in data["widget"]],
        "breadcrumb": re.compile(data["breadcrumb"]),
        "byline": re.compile(data["byline"]),
    }


def split_paragraphs(text: str) -> list[Paragraph]:
    """Blank-line separated blocks; a text with no blank lines at all is one line per block."""
    if re.search(r"\n[ \t]*\n", text):
        spans = paragraphs(text)
    else:
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S(?:[^\n]*\S)?", text)]
    return [Paragraph(start, end, text[start:end]) for start, end in spans]


def paragraph_keys(text: str) -> set[str]:
    """The keys of a document's short paragraphs: what repetition within an outlet counts."""
    return {p.key for p in split_paragraphs(text) if p.words <= SHORT_WORDS and p.key}


def _label(p: Paragraph, repeated: Callable[[str], bool]) -> str | None:
    m = _markers()
    if any(rx.match(p.text) for rx in m["widget"]):
        return "widget"
    if any(rx.match(p.text) for rx in m["trailer"]):
        return "trailer"
    if p.words <= SHORT_WORDS and repeated(p.key):
        return "repeated in outlet"
    if not re.search(r"[^\W\d_]", p.text):
        return "no text"
    return None


def _title_key(s: str) -> str:
    return re.sub(r"\W+", "", s.casefold())


def clean(text: str, title: str | None = None, repeated: Callable[[str], bool] = lambda key: False) -> Cleaned:
    """Cut boilerplate from ``text``; ``repeated(key)`` says if the outlet's other documents carry a paragraph."""
    paras = split_paragraphs(text)
    labels: list[str | None] = [_label(p, repeated) for p in paras]
    cut: dict[int, str] = {}

    _cut_trailer(paras, labels, cut)
    _walk_tail(paras, labels, cut)
    byline, title_guess = _walk_head(paras, labels, cut, title)
    for i, label in enumerate(labels):  # widgets and short inline trailers anywhere
        if label == "widget" or (label == "trailer" and paras[i].words <= TRAILER_TAIL_WORDS):
            cut.setdefault(i, label)

    kept = [p for i, p in enumerate(paras) if i not in cut]
    segments, pos = [], 0
    for p in kept:
        segments.append((pos, p.start, p.end - p.start))
        pos += p.end - p.start + len(PARAGRAPH_SEP)
    cuts = [BoilerplateCut(start=paras[i].start, end=paras[i].end, text=paras[i].text, reason=cut[i]) for i in sorted(cut)]
    return Cleaned(
        text=PARAGRAPH_SEP.join(p.text for p in kept),
        cuts=cuts,
        segments=segments,
        byline_author=byline,
        title_guess=title_guess,
        kept=kept,
    )


def _cut_trailer(paras: list[Paragraph], labels: list[str | None], cut: dict[int, str]) -> None:
    """A trailer marker in the back half cuts everything after it when all that is short."""
    total = sum(p.words for p in paras) or 1
    seen = 0
    for i, p in enumerate(paras):
        if labels[i] == "trailer" and seen >= total * 0.4:
            rest = paras[i + 1 :]
            if all(q.words <= TRAILER_TAIL_WORDS or labels[i + 1 + k] for k, q in enumerate(rest)):
                cut[i] = "trailer"
                for k in range(i + 1, len(paras)):
                    cut.setdefault(k, labels[k] or "after trailer")
                return
        seen += p.words


def _walk_tail(paras: list[Paragraph], labels: list[str | None], cut: dict[int, str]) -> None:
    """From the end backwards: boilerplate and the fragments between boilerplate."""
    pending: list[int] = []
    for i in range(len(paras) - 1, -1, -1):
        if i in cut:
            continue
        if labels[i] is not None:
            for j in pending:
                cut[j] = "fragment between boilerplate"
            pending = []
            cut[i] = labels[i]
        elif paras[i].is_fragment:
            pending.append(i)
        else:
            return


def _walk_head(
    paras: list[Paragraph], labels: list[str | None], cut: dict[int, str], title: str | None
) -> tuple[str | None, str | None]:
    """From the top: breadcrumbs, repeated headers, repeated titles and bylines."""
    m = _markers()
    titles = {_title_key(title)} if title else set()
    byline = title_guess = None
    # positions count the paragraphs a reader sees (not those already cut), so the head is the
    # same when the clean text is cleaned again: cleaning is idempotent
    shown = 0
    for i, p in enumerate(paras):
        if shown >= HEAD_WINDOW:
            break
        if i in cut:
            continue
        key = _title_key(p.text)
        if (bm := m["byline"].match(p.text)) and p.words <= 15:
            cut[i] = "byline"
            byline = bm.group("author")
        elif labels[i] is not None or (shown < 3 and m["breadcrumb"].match(p.text) and p.words <= 12):
            cut[i] = labels[i] or "breadcrumb"
        elif key in titles and title_guess is not None:
            cut[i] = "repeated title"
        elif key in titles or (not titles and title_guess is None and p.is_fragment and p.words <= 20):
            title_guess = p.text
            titles.add(key)
            shown += 1
        else:
            break
    return byline, title_guess
