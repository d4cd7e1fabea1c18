"""Re-used passages: the same sentence or quotation carried by different documents.

Takes each document's clean text and gives its *passages* (sentences, and spans inside
quotation marks, of at least :data:`MIN_WORDS` words) with a hash of the normalized text
and a MinHash of its word 3-shingles; these are stored. :func:`find_reuse` then gives the
links between passages of different documents that carry the same words.

Why: one statement quoted by many outlets is one statement, not many independent reports,
and a copied paragraph is not a second source. Later stages count sources from these links.

Candidates, so that a batch never compares all pairs:

1. equal normalized hashes (verbatim copies, whatever the typography);
2. MinHash LSH with one row per band: passages that share any MinHash value. That is the
   banding that also finds *containment*, a short quotation in one document inside a
   longer sentence of another, whose Jaccard is low (a 6-word quote in a 40-word sentence
   is about 0.1) because the sentence has words the quote lacks. Wider bands, as in
   ``MinHashLSH`` at a Jaccard threshold, would miss those. It is done with numpy sorting
   rather than datasketch's index classes because every batch re-indexes all stored
   passages, and a sort is about 15 times faster than inserting into ``MinHashLSH``
   (and far faster than ``MinHashLSHEnsemble``).
3. a filter on the MinHash estimate, size-aware: a pair is kept when its estimated Jaccard
   could, within two standard errors, reach ``threshold`` or the Jaccard that
   ``containment`` implies for the two set sizes (stored in the signature).

Each remaining candidate is confirmed on the exact shingle sets (read through ``text_of``):
Jaccard >= ``threshold``, or containment ``|A & B| / min(|A|, |B|)`` >= ``containment``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np

from truceline.ingestion.dedup import jaccard, sketch_many, sketch_values
from truceline.text import normalize_for_match, quoted_spans, sentences, shingles

PassageKind = Literal["sentence", "quote"]

MIN_WORDS = 6
# A stored MinHash value shared by more passages than this is a common phrase's ("according to
# the", "Donald Trump's"), not a sign of copying: its passages are not fetched as candidates.
# Without the cap every batch drew about 0.29 candidates per stored passage (a batch of 32
# articles: 743 of 2,575 stored passages, 1,819 of 6,367), so each batch cost grew with the
# store and a 10,000-article ingest halved its speed and doubled its peak memory. A real copy
# shares ~Jaccard x 64 values (38 at the 0.6 threshold; a 6-word quote inside a 40-word sentence
# about 7), nearly all of them rare; a verbatim copy is found by its hash, which is never capped.
MAX_POSTINGS = 100
SHINGLE_WORDS = 3
NUM_PERM = 64
DEFAULT_THRESHOLD = 0.6
DEFAULT_CONTAINMENT = 0.8
ESTIMATE_SLACK = 2.0  # standard errors of the MinHash estimate allowed below a threshold
PAIR_CHUNK = 2_000_000  # candidate pairs expanded at once, to bound memory
STORED_CHUNK = 4096  # stored passages sorted with a batch's new ones at once, to bound memory

# Which link to keep when several describe one re-use (lower first), among links of the
# same confirmation (Jaccard before containment): a sentence pair is the fullest context,
# a quote pair the tightest, a quote against a sentence the loosest.
_PRIORITY = {("sentence", "sentence"): 0, ("quote", "quote"): 1}
_MIXED_PRIORITY = 2


@dataclass(frozen=True)
class Passage:
    """A sentence or quoted span of one document, as stored: offsets, hash, sketch."""

    doc_id: str
    start: int
    end: int
    kind: PassageKind
    norm_hash: str
    signature: bytes


@dataclass(frozen=True, order=True)
class ReuseLink:
    """``doc_id[start:end]`` and ``other_doc[other_start:other_end]`` carry the same words.

    ``kind`` is ``sentence`` when both sides are sentences, ``quote`` when either side is
    a quoted span; ``similarity`` is the score that confirmed the link (Jaccard or
    containment of the word 3-shingles), rounded to 3 places.
    """

    doc_id: str
    start: int
    end: int
    other_doc: str
    other_start: int
    other_end: int
    kind: PassageKind
    similarity: float


# --- passages -----------------------------------------------------------------------------


def passage_words(passage_text: str) -> list[str]:
    return normalize_for_match(passage_text).split()


def passages(doc_id: str, clean_text: str) -> list[Passage]:
    """Sentences and quoted spans of at least :data:`MIN_WORDS` words, sorted by offset.

    ``clean_text[p.start:p.end]`` is always the passage.
    """
    spans: dict[tuple[int, int], PassageKind] = {}
    for start, end in quoted_spans(clean_text):
        spans[(start, end)] = "quote"
    for start, end in sentences(clean_text):
        spans[(start, end)] = "sentence"  # a span that is both is kept once, as the sentence
    kept: list[tuple[int, int, PassageKind, list[str]]] = []
    for (start, end), kind in sorted(spans.items()):
        words = passage_words(clean_text[start:end])
        if len(words) >= MIN_WORDS:
            kept.append((start, end, kind, words))
    signatures = sketch_many([shingles(words, SHINGLE_WORDS) for *_, words in kept], NUM_PERM)
    return [Passage(doc_id, start, end, kind, _norm_hash(words), signature)
            for (start, end, kind, words), signature in zip(kept, signatures, strict=True)]  # fmt: skip


def _norm_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


# --- links --------------------------------------------------------------------------------


def find_reuse(
    new: list[Passage],
    existing: list[Passage],
    text_of: Callable[[str], str],
    threshold: float = DEFAULT_THRESHOLD,
    containment: float = DEFAULT_CONTAINMENT,
    texts_of: Callable[[list[str]], dict[str, str]] | None = None,
) -> list[ReuseLink]:
    """Links between passages of different documents, at least one side in ``new``.

    ``text_of(doc_id)`` gives a document's clean text; it is only called for documents
    with a candidate pair. ``texts_of(doc_ids)``, when given, is called first, once, with all
    of them (one store query instead of one a document). Links come sorted, oriented so that
    ``doc_id < other_doc``. When several links describe one re-use (a quote and the sentence
    around it, on both sides) only one is kept (see :func:`_link` and :func:`_prune`).
    """
    items, is_new = _merge(new, existing)
    if not any(is_new):
        return []
    values = [sketch_values(p.signature) for p in items]
    pairs = sorted(_chunked_candidates(items, is_new, values, threshold, containment))
    known: dict[str, str] = {}
    if texts_of is not None and pairs:
        known = texts_of(sorted({items[k].doc_id for pair in pairs for k in pair}))
    shingle_sets = _ShingleSets(items, lambda doc_id: known[doc_id] if doc_id in known else text_of(doc_id))
    links: list[tuple[tuple[int, int], ReuseLink]] = []
    for i, j in pairs:
        confirmed = _confirm(shingle_sets.get(i), shingle_sets.get(j), threshold, containment)
        if confirmed is not None:
            links.append(_link(items[i], items[j], *confirmed))
    return sorted(_prune(links))


def _merge(new: list[Passage], existing: list[Passage]) -> tuple[list[Passage], list[bool]]:
    """One list, new first; a passage given twice (same document and offsets) kept once."""
    items: list[Passage] = []
    is_new: list[bool] = []
    seen: set[tuple[str, int, int]] = set()
    for flag, group in ((True, new), (False, existing)):
        for p in group:
            key = (p.doc_id, p.start, p.end)
            if key not in seen:
                seen.add(key)
                items.append(p)
                is_new.append(flag)
    return items, is_new


class _ShingleSets:
    """Exact 3-shingle sets of passages, read lazily from the documents' texts."""

    def __init__(self, items: list[Passage], text_of: Callable[[str], str]) -> None:
        self._items = items
        self._text_of = text_of
        self._texts: dict[str, str] = {}
        self._sets: dict[int, set[str]] = {}

    def get(self, i: int) -> set[str]:
        if i not in self._sets:
            p = self._items[i]
            if p.doc_id not in self._texts:
                self._texts[p.doc_id] = self._text_of(p.doc_id)
            words = passage_words(self._texts[p.doc_id][p.start : p.end])
            # a stored passage whose offsets no longer give its words (the text was
            # re-cleaned since) must not produce links pointing at the wrong stretch
            current = _norm_hash(words) == p.norm_hash
            self._sets[i] = shingles(words, SHINGLE_WORDS) if current else set()
        return self._sets[i]


def _candidates(
    items: list[Passage],
    is_new: list[bool],
    values: list[tuple[int, np.ndarray]],
    threshold: float,
    containment: float,
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of different documents, at least one new."""
    docs = _doc_codes(items)
    new = np.array(is_new, dtype=bool)
    pairs = {(i, j) for i, j in _same_hash(items) if docs[i] != docs[j] and (new[i] or new[j])}
    usable = np.array([i for i, (size, _) in enumerate(values) if size > 0], dtype=np.int64)
    if len(usable) and new[usable].any():
        sizes = np.array([values[i][0] for i in usable], dtype=np.float64)
        matrix = _signature_matrix([values[i][1] for i in usable])
        left, right = _shared_minimum_pairs(matrix, new[usable], docs[usable])
        keep = _plausible(matrix, sizes, left, right, threshold, containment)
        pairs.update(zip(usable[left[keep]].tolist(), usable[right[keep]].tolist(), strict=True))
    return pairs


def _chunked_candidates(
    items: list[Passage],
    is_new: list[bool],
    values: list[tuple[int, np.ndarray]],
    threshold: float,
    containment: float,
) -> set[tuple[int, int]]:
    """:func:`_candidates`, with the stored passages taken :data:`STORED_CHUNK` at a time.

    Every candidate pair has a new side, and whether a pair is a candidate depends on its two
    passages only, so the union over chunks (each: all new passages + one chunk of stored ones)
    is the same set. Why: the sort and the pair arrays grow with the passages sorted together,
    and the stored side grows with the store (about 0.2 of its passages share a MinHash value
    with a batch), so one sort over all of them made a 10,000-article ingest's peak memory grow.
    """
    n_new = sum(is_new)  # _merge puts the new passages first
    if len(items) - n_new <= STORED_CHUNK:
        return _candidates(items, is_new, values, threshold, containment)
    out: set[tuple[int, int]] = set()
    for start in range(n_new, len(items), STORED_CHUNK):
        idx = [*range(n_new), *range(start, min(start + STORED_CHUNK, len(items)))]
        got = _candidates([items[k] for k in idx], [is_new[k] for k in idx], [values[k] for k in idx],
                          threshold, containment)  # fmt: skip
        out.update((idx[i], idx[j]) for i, j in got)  # idx is increasing: i < j stays idx[i] < idx[j]
    return out


def _doc_codes(items: list[Passage]) -> np.ndarray:
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(p.doc_id, len(codes)) for p in items], dtype=np.int64)


def _same_hash(items: list[Passage]) -> Iterable[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(items):
        groups[p.norm_hash].append(i)
    for members in groups.values():
        yield from combinations(members, 2)


def _signature_matrix(rows: list[np.ndarray]) -> np.ndarray:
    if len({len(r) for r in rows}) != 1:
        raise ValueError("passage signatures of different sizes: recompute them with one num_perm")
    return np.vstack(rows)


def _shared_minimum_pairs(
    matrix: np.ndarray, new: np.ndarray, docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i < j)`` that share a MinHash value at the same position (LSH, r=1).

    Rows are grouped by (position, value) with one sort; each new row is then paired with
    the other rows of its groups. Pairs within one document are left out.
    """
    n, num_perm = matrix.shape
    keys = (np.arange(num_perm, dtype=np.uint64) << np.uint64(32)) | matrix.astype(np.uint64)
    order = np.argsort(keys.ravel(), kind="stable")
    sorted_keys = keys.ravel()[order]
    sorted_rows = (order // num_perm).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[starts, len(sorted_keys)])
    group_of = np.repeat(np.arange(len(starts)), lengths)
    seeds = np.flatnonzero(new[sorted_rows] & (lengths[group_of] > 1))
    codes: list[np.ndarray] = []
    for chunk in _chunks_by_total(seeds, lengths[group_of[seeds]]):
        counts = lengths[group_of[chunk]]
        left = np.repeat(sorted_rows[chunk], counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        right = sorted_rows[np.repeat(starts[group_of[chunk]], counts) + within]
        other = docs[left] != docs[right]
        lo, hi = np.minimum(left[other], right[other]), np.maximum(left[other], right[other])
        codes.append(np.unique(lo * n + hi))
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    merged = np.unique(np.concatenate(codes))
    return merged // n, merged % n


def _chunks_by_total(items: np.ndarray, weights: np.ndarray) -> Iterable[np.ndarray]:
    """Split ``items`` so that each chunk's weights sum to about :data:`PAIR_CHUNK`."""
    if not len(items):
        return
    bounds = np.searchsorted(np.cumsum(weights), np.arange(PAIR_CHUNK, weights.sum(), PAIR_CHUNK))
    yield from (c for c in np.split(items, np.unique(bounds)) if len(c))


def _plausible(
    matrix: np.ndarray,
    sizes: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    threshold: float,
    containment: float,
) -> np.ndarray:
    """Which candidate pairs could pass confirmation, judged on their MinHash estimates.

    Containment ``c`` of the smaller set ``a`` in ``b`` implies Jaccard
    ``c·a / (a + b - c·a)``; a pair stays when its estimate is within
    :data:`ESTIMATE_SLACK` standard errors of that or of ``threshold``.
    """
    num_perm = matrix.shape[1]
    keep = np.zeros(len(left), dtype=bool)
    step = max(1, PAIR_CHUNK // num_perm)
    for s in range(0, len(left), step):
        lo, hi = left[s : s + step], right[s : s + step]
        estimate = (matrix[lo] == matrix[hi]).mean(axis=1)
        small = np.minimum(sizes[lo], sizes[hi])
        implied = containment * small / (sizes[lo] + sizes[hi] - containment * small)
        need = np.minimum(implied, threshold)
        floor = need - ESTIMATE_SLACK * np.sqrt(need * (1 - need) / num_perm)
        keep[s : s + step] = estimate >= np.maximum(floor, 1.0 / num_perm)
    return keep


def _confirm(a: set[str], b: set[str], threshold: float, containment: float) -> tuple[float, bool] | None:
    """(score, whether by Jaccard) confirming a candidate, Jaccard tried first; or None."""
    if not a or not b:
        return None
    score = jaccard(a, b)
    if score >= threshold:
        return score, True
    score = len(a & b) / min(len(a), len(b))
    return (score, False) if score >= containment else None


def _link(a: Passage, b: Passage, sim: float, by_jaccard: bool) -> tuple[tuple[int, int], ReuseLink]:
    """The link between two passages, oriented by document id, with its keep-priority.

    A containment match says the passages share a part, not that they are the same
    passage, so it ranks after every Jaccard match: when a quote pair matches exactly
    inside two sentences that only contain each other, the quote pair is the re-use.
    """
    if (b.doc_id, b.start, b.end) < (a.doc_id, a.start, a.end):
        a, b = b, a
    kind: PassageKind = "sentence" if a.kind == b.kind == "sentence" else "quote"
    priority = (0 if by_jaccard else 1, _PRIORITY.get((a.kind, b.kind), _MIXED_PRIORITY))
    return priority, ReuseLink(a.doc_id, a.start, a.end, b.doc_id, b.start, b.end, kind, round(sim, 3))


def _prune(links: list[tuple[tuple[int, int], ReuseLink]]) -> list[ReuseLink]:
    """Drop links that repeat a re-use another link of the same document pair reports.

    A link is a repeat when, on both sides, its range and the kept link's range are
    nested the same way (one pair of ranges inside the other). Links are kept in order
    of priority (see :func:`_link`), then similarity. So a quote link is dropped when a
    sentence link that matched as a whole covers both of its ranges.
    """
    by_pair: dict[tuple[str, str], list[tuple[tuple[int, int], ReuseLink]]] = defaultdict(list)
    for priority, link in links:
        by_pair[(link.doc_id, link.other_doc)].append((priority, link))
    kept: list[ReuseLink] = []
    for group in by_pair.values():
        chosen: list[ReuseLink] = []
        for _, link in sorted(group, key=_rank):
            if not any(_nested(link, other) for other in chosen):
                chosen.append(link)
        kept.extend(chosen)
    return kept


def _rank(item: tuple[tuple[int, int], ReuseLink]) -> tuple:
    priority, link = item
    return (priority, -link.similarity, link.start, link.end, link.other_start, link.other_end)


def _nested(a: ReuseLink, b: ReuseLink) -> bool:
    """True when ``a``'s two ranges lie inside ``b``'s, or ``b``'s inside ``a``'s."""

    def inside(s1: int, e1: int, s2: int, e2: int) -> bool:
        return s2 <= s1 and e1 <= e2

    a_in_b = inside(a.start, a.end, b.start, b.end) and inside(a.other_start, a.other_end, b.other_start, b.other_end)
    b_in_a = inside(b.start, b.end, a.start, a.end) and inside(b.other_start, b.other_end, a.other_start, a.other_end)
    return a_in_b or b_in_a


def band_keys(signature: bytes) -> list[int]:
    """One key per MinHash position, ``position << 32 | value``: the one-row bands of :func:`_candidates`.

    Two passages share a key exactly when :func:`_shared_minimum_pairs` would pair them, so the
    stored index (``passage_bands``) gives the same candidates as sorting every stored passage.
    """
    size, values = sketch_values(signature)
    if size == 0:
        return []
    return ((np.arange(len(values), dtype=np.int64) << 32) | values.astype(np.int64)).tolist()
