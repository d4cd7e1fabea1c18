"""Text utilities every stage shares: match keys, words with offsets, sentences, quotes.

Takes a document's clean text and gives views of it that always point back into that
text by character offsets, because every record the product makes must trace back to
``clean_text[start:end]`` (see :mod:`truceline.model`).

* :func:`normalize_for_match` is the one comparison key, so that two copies of a passage
  that differ only in case, quote style, dashes, punctuation or spacing compare equal.
  It is defined as the words of :func:`words_with_offsets` joined by one space, so the key
  and the offsets can never disagree.
* :func:`sentences` splits with spaCy's rule-based ``sentencizer`` (no model to install),
  inside blank-line paragraphs so a sentence never runs across a paragraph break.
* :func:`quoted_spans` finds the text between paired quotation marks, paired within a
  paragraph so a stray or unclosed mark cannot swallow the rest of a document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

# Typographic variants folded to ASCII before matching. Apostrophes are then deleted
# (so "Iran’s" and "Iran's" give "irans"); every other punctuation mark becomes a break.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ´`", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_APOSTROPHE = "'"
_SEPARATOR = " "

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_MAX_SPACY_CHARS = 50_000_000  # a blank pipeline keeps little per token; allow long paragraphs


@cache
def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


@cache
def _normalize_unit(unit: str) -> str:
    """One base character (with its combining marks) as match characters.

    Returns word characters as themselves, separators as a space and deletes apostrophes.
    Cached because a text is made of few distinct units.
    """
    folded = unicodedata.normalize("NFKC", unit.translate(_FOLD)).casefold().translate(_FOLD)
    out = []
    for ch in folded:
        if ch == _APOSTROPHE:
            continue
        out.append(ch if ch.isalnum() or _is_mark(ch) else _SEPARATOR)
    return "".join(out)


def _units(text: str) -> list[tuple[int, int]]:
    """Offsets of base characters together with the combining marks that follow them.

    NFKC is applied per unit so that precomposed and decomposed accents give the same key
    while every normalized character still maps to a known stretch of the original.
    """
    units: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if units and _is_mark(ch) and units[-1][1] == i:
            units[-1] = (units[-1][0], i + 1)
        else:
            units.append((i, i + 1))
    return units


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Normalized words with their ``[start, end)`` offsets in the original ``text``.

    Stages need both: the normalized word to compare, the offsets to cite.
    """
    table = _one_to_one_table(text)
    if table is None:
        return _words_by_unit(text)
    mapped = text.translate(table)  # same length as text, so match offsets are text offsets
    return [(m.group().replace(_APOSTROPHE, ""), m.start(), m.end()) for m in _MAPPED_WORD.finditer(mapped)]


# Characters that normalize to exactly one character (or to nothing: apostrophes, kept as
# "'" so lengths stay equal) and are not combining marks: for texts made only of these,
# one str.translate and one regex give the same words as the per-unit path, much faster.
_ONE_TO_ONE: dict[int, str] = {}
_NOT_ONE_TO_ONE: set[str] = set()
_MAPPED_WORD = re.compile(r"[^ ']+(?:'+[^ ']+)*")


def _one_to_one_table(text: str) -> dict[int, str] | None:
    for ch in set(text):
        if ord(ch) in _ONE_TO_ONE:
            continue
        if ch in _NOT_ONE_TO_ONE:
            return None
        mapped = _normalize_unit(ch)
        if _is_mark(ch) or len(mapped) > 1:
            _NOT_ONE_TO_ONE.add(ch)
            return None
        _ONE_TO_ONE[ord(ch)] = mapped or _APOSTROPHE
    return _ONE_TO_ONE


def _words_by_unit(text: str) -> list[tuple[str, int, int]]:
    """The general path: unit by unit, for texts with combining marks or expanding characters."""
    words: list[tuple[str, int, int]] = []
    buf: list[str] = []
    start = end = 0
    for ustart, uend in _units(text):
        for ch in _normalize_unit(text[ustart:uend]):
            if ch == _SEPARATOR:
                if buf:
                    words.append(("".join(buf), start, end))
                    buf = []
                continue
            if not buf:
                start = ustart
            buf.append(ch)
            end = uend
    if buf:
        words.append(("".join(buf), start, end))
    return words


def normalize_for_match(s: str) -> str:
    """Comparison key: NFKC, casefolded, quotes/dashes folded, punctuation dropped.

    Two copies of a passage that differ only in typography get the same key.
    """
    return " ".join(word for word, _, _ in words_with_offsets(s))


def shingles(words: list[str], k: int) -> set[str]:
    """Word k-shingles (overlapping runs of ``k`` words), joined by a space.

    A non-empty text shorter than ``k`` words gives one shingle of all its words, so that
    short texts still have a signature instead of an empty set.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of blank-line separated paragraphs, surrounding whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, brk.start()))
        pos = brk.end()
    spans.append((pos, len(text)))
    return [t for t in (_trim(text, s, e) for s, e in spans) if t[0] < t[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


SENTENCIZER_STRINGS = 100_000  # ~40 MB of strings, lexemes and tokenizer cache; a fresh pipeline costs ~0.15 s


@cache
def _sentencizer() -> Any:
    """One blank English pipeline with the rule-based sentencizer, built on first use."""
    import spacy  # imported here: loading spaCy costs seconds that most commands never need

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = _MAX_SPACY_CHARS
    return nlp


def sentences(text: str) -> list[tuple[int, int]]:
    """Character offsets of the sentences of ``text``, never crossing a paragraph break.

    Offsets are trimmed of surrounding whitespace and every returned span is non-empty.
    Remembered for recent texts: re-use detection and verification split the same documents.
    """
    given = _GIVEN.get(text)
    return list(given if given is not None else _sentences(text))


_GIVEN: dict[str, tuple[tuple[int, int], ...]] = {}  # splits handed in with their text (see known_sentences)


@contextmanager
def known_sentences(text: str, offsets: Iterable[tuple[int, int]]) -> Iterator[None]:
    """Within the block, :func:`sentences` of ``text`` is ``offsets`` (what it returned for that
    text in another process): a reading pool's worker is handed the split the ingesting process
    made anyway, instead of tokenizing every text a second time with the blank pipeline."""
    _GIVEN[text] = tuple((int(s), int(e)) for s, e in offsets)
    try:
        yield
    finally:
        _GIVEN.pop(text, None)


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    paras = paragraphs(text)
    if not paras:
        return ()
    nlp = _sentencizer()
    if len(nlp.vocab.strings) > SENTENCIZER_STRINGS:
        # a fresh blank pipeline once the vocabulary holds this many words: it learns every word
        # it tokenizes, so over a long ingest it would grow without bound. Splits do not depend on
        # what it learnt. (spaCy's memory_zone() frees them per call but tokenizes 3x slower.)
        _sentencizer.cache_clear()
        nlp = _sentencizer()
    out: list[tuple[int, int]] = []
    docs = nlp.pipe(text[s:e] for s, e in paras)
    for (pstart, _), doc in zip(paras, docs, strict=True):
        spans = [(pstart + sent.start_char, pstart + sent.end_char) for sent in doc.sents]
        for start, end in _move_openers(text, spans):
            start, end = _trim(text, start, end)
            if start < end:
                out.append((start, end))
    return tuple(out)


_OPENERS = "“‘„«([{"
_STRAIGHT_QUOTES = "\"'"


def _move_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give opening quotes and brackets back to the sentence they open.

    The sentencizer keeps every punctuation token after a full stop with the sentence it
    ends, so in ``Done. “Next,” he said`` the ``“`` would end the first sentence.
    """
    fixed = list(spans)
    for k in range(len(fixed) - 1):
        start, end = fixed[k]
        cut = _trim(text, start, end)[1]
        while cut > start and _is_opener(text, cut - 1):
            cut = _trim(text, start, cut - 1)[1]
        if cut < end and cut > start:
            nxt = cut
            while text[nxt].isspace():
                nxt += 1
            fixed[k] = (start, cut)
            fixed[k + 1] = (nxt, fixed[k + 1][1])
    return fixed


def _is_opener(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _OPENERS:
        return True
    return ch in _STRAIGHT_QUOTES and i > 0 and text[i - 1].isspace()


# --- quotations -------------------------------------------------------------------------

_DOUBLE_OPEN = "“„"
_DOUBLE_CLOSE = "”"
_STRAIGHT = '"'
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the content between paired quotation marks, sorted.

    Double quotes (straight and curly, mixed styles allowed: some outlets open with ``"``
    and close with ``”``) and curly single quotes are paired within one paragraph; a mark
    left open at the end of its paragraph is dropped, so it never swallows later text.
    A ``’`` inside a word (``don’t``) or a plural possessive (``Nations’ resolutions``)
    is not taken as a closing quote when a better closer follows.
    Content is trimmed of whitespace; empty content is skipped.
    """
    spans: list[tuple[int, int]] = []
    for pstart, pend in paragraphs(text):
        spans.extend(_double_quoted(text, pstart, pend))
        spans.extend(_single_quoted(text, pstart, pend))
    return sorted(set(spans))


def _double_quoted(text: str, pstart: int, pend: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(pstart, pend):
        ch = text[i]
        if ch in _DOUBLE_OPEN:
            open_at = i  # a second opener means the first was never closed: restart here
        elif ch == _DOUBLE_CLOSE or ch == _STRAIGHT:
            if open_at is not None:
                spans.append((open_at + 1, i))
                open_at = None
            elif ch == _STRAIGHT:
                open_at = i
            # a stray curly closer with nothing open is ignored
    return _non_empty(text, spans)


def _single_quoted(text: str, pstart: int, pend: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = pstart
    while i < pend:
        if text[i] == _SINGLE_OPEN and _opens(text, i, pstart):
            close = _single_closer(text, i + 1, pend)
            if close is not None:
                spans.append((i + 1, close))
                i = close
        i += 1
    return _non_empty(text, spans)


def _opens(text: str, i: int, pstart: int) -> bool:
    """A ``‘`` opens a quote unless it sits right after a letter or digit (a typo'd apostrophe)."""
    return i == pstart or not text[i - 1].isalnum()


def _single_closer(text: str, start: int, pend: int) -> int | None:
    """The ``’`` that closes a single quote opened before ``start``, if any.

    Word-internal ``’`` are apostrophes. A ``’`` after an ``s`` and before a word may be a
    plural possessive or a closer; it is taken only when no unambiguous closer comes
    before the next opening ``‘``.
    """
    ambiguous: int | None = None
    for j in range(start, pend):
        ch = text[j]
        if ch == _SINGLE_OPEN and _opens(text, j, start):
            break
        if ch != _SINGLE_CLOSE:
            continue
        before = text[j - 1] if j > start else ""
        after = text[j + 1] if j + 1 < pend else ""
        if before.isalnum() and after.isalnum():
            continue  # don’t, country’s
        if before.lower() == "s" and _word_follows(text, j + 1, pend):
            if ambiguous is None:
                ambiguous = j
            continue
        return j
    return ambiguous


def _word_follows(text: str, i: int, pend: int) -> bool:
    return i + 1 < pend and text[i] == " " and text[i + 1].isalnum()


def _non_empty(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [t for t in (_trim(text, s, e) for s, e in spans) if t[0] < t[1]]
