"""Small helpers the verification steps share: actor keys, date intervals, wording, ids."""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache, lru_cache

import numpy as np

from truceline.model import ActorRef, Event

# Codes that are not a country prefix: international, non-governmental and other
# transnational actors keep their whole code as their identity.
NON_STATE_PREFIXES = ("IGO", "NGO", "MNC", "IMG", "MED", "UIS", "REB", "PRO", "CVL", "GOV", "MIL", "BUS", "OPP")


def actor_key(ref: ActorRef) -> str | None:
    """The identity an actor is compared by: its country for state codes ("AZEMIL" -> "AZE")."""
    code = (ref.code or "").upper()
    if not code:
        return None
    if code.startswith(NON_STATE_PREFIXES) or len(code) < 3:
        return code
    return code[:3]


def keys(refs: list[ActorRef]) -> set[str]:
    return {k for r in refs if (k := actor_key(r))}


def names(refs: Iterable[ActorRef], empty: str = "unknown") -> str:
    """Actors as written, each once, in order: how lines and contradiction sides name them."""
    return ", ".join(dict.fromkeys(r.text for r in refs)) or empty


def participants(ev: Event) -> set[str]:
    return keys(ev.source) | keys(ev.target)


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def interval(value: str | None) -> tuple[date, date] | None:
    """A TIMEX3 DATE value as the days it may mean; None when it names no calendar time."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := _MONTH.match(value):
            first = date(int(m[1]), int(m[2]), 1)
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, nxt - timedelta(days=1)
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + timedelta(days=6)
    except ValueError:
        return None
    return None


def is_day(value: str | None) -> bool:
    return bool(value and _DAY.match(value))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block without the cyclic garbage collector, leaving it as it was found.

    Why: loading and verifying a corpus makes hundreds of thousands of small objects
    (records, spans, tuples) that reference counting frees by itself; with the collector on,
    every few thousand allocations it walks the whole live heap again (the corpus, the
    gazetteer, the language model), which was about 40% of loading and clustering a
    400-document store. What lives when the block starts is also frozen (unless someone else
    froze objects), so that a collection a library turns on meanwhile (srsly does, reading
    every kept parse) walks only what the block made; at the end, both go to the oldest
    generation unwalked, and a cycle made meanwhile is freed by the next full collection.
    """
    global _paused
    enabled = gc.isenabled()
    # only the outermost block freezes (counting frozen objects walks them: not inside a block)
    freezing = _paused == 0 and gc.get_freeze_count() == 0
    _paused += 1
    gc.disable()
    if freezing:
        gc.freeze()
    try:
        yield
    finally:
        _paused -= 1
        if freezing:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


_paused = 0  # paused_gc blocks open


def stable_id(prefix: str, *parts: object) -> str:
    """An id that is the same for the same evidence, whatever order records were found in."""
    h = hashlib.sha1("|".join(map(str, parts)).encode("utf-8"), usedforsecurity=False).hexdigest()[:12]  # an id, not a secret
    return f"{prefix}-{h}"


STOP = {"the", "a", "an", "of", "to", "in", "on", "and", "or", "for", "with", "by", "at", "from", "that", "this",
        "is", "was", "were", "are", "be", "been", "has", "had", "have", "it", "its", "as", "said", "says", "after",
        "before", "since", "which", "who", "their", "his", "her", "they", "he", "she", "also", "but", "not"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")
_DATEWORD = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
                       r"may|june|july|august|september|october|november|december|yesterday|today|week|day)$")


def content_words(text: str) -> list[str]:
    """Lower-cased content words, without stop words and calendar words (dates are compared apart)."""
    return [w for w in (m.group(0).lower().replace("\u2019", "'") for m in _WORD.finditer(text))
            if w not in STOP and not _DATEWORD.match(w)]


def lexical_similarity(a: str, b: str) -> float:
    """Jaccard of content words: high only for near-identical wording."""
    wa, wb = set(content_words(a)), set(content_words(b))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


@cache
def _vectors():
    from truceline.nlp.runtime import get_nlp

    return get_nlp().vocab


@lru_cache(maxsize=1 << 17)
def _vector_row(word: str) -> int | None:
    """The row of ``word``'s static vector in the model's table (None without one); remembered,
    because the same words come back in every sentence and looking a word up through a
    ``Lexeme`` costs more than the arithmetic."""
    vocab = _vectors()
    row = vocab.vectors.key2row.get(vocab.strings[word])  # the word's id (a symbol's or its hash); adds nothing
    return None if row is None else int(row)


def sentence_vector(text: str) -> np.ndarray | None:
    """Mean of the spaCy model's static word vectors over content words (no parse needed)."""
    return words_vector(content_words(text))


def words_vector(words: Iterable[str]) -> np.ndarray | None:
    """:func:`sentence_vector` of a sentence whose :func:`content_words` are already at hand."""
    rows = [r for r in map(_vector_row, words) if r is not None]
    if not rows:
        return None
    v = np.asarray(_vectors().vectors.data)[rows].mean(axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n else None


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    return float(a @ b) if a is not None and b is not None else 0.0


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self, items) -> list[list]:
        out: dict = {}
        for x in items:
            out.setdefault(self.find(x), []).append(x)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])
