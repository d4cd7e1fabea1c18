"""Document-level duplicates: exact copies and near copies (re-publications).

Takes, for each document, its content hash and MinHash signature (computed once at
ingest by :func:`content_hash` and :func:`doc_signature` and stored), and gives the pairs
of documents that are the same article: ``exact`` when the normalized texts are equal,
``near`` when their word 5-shingle sets overlap by at least the threshold (Jaccard).

Why MinHash + LSH: a new batch must be compared with everything already stored, and
all-pairs comparison grows with the square of the store. LSH only proposes pairs whose
signatures collide in some band, so a batch costs about linear time. Measured on the
sample corpus (see shared notes, section 5): distinct articles estimate <= 0.055 and a
re-publication with a new title and dropped paragraphs about 0.77, so 0.5 separates them.

The signature helpers here (:func:`sketch`, :func:`sketch_values`, :func:`estimate_jaccard`)
are shared with :mod:`truceline.ingestion.reuse`, so both stages use one seed and format.
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from truceline.text import normalize_for_match, shingles

DOC_SHINGLE_WORDS = 5
DOC_NUM_PERM = 128
DEFAULT_THRESHOLD = 0.5

# Fixed so that signatures stored by one run compare with those made by any later run or
# process: the permutations derive only from (seed, scheme, num_perm), and the default
# hash (SHA-1, 32 bits) is stable across processes, unlike Python's hash().
SEED = 1
SCHEME = "affine32"
_FORMAT_VERSION = 1
_HEADER = struct.Struct("<II")  # format version, number of distinct shingles in the set
_DTYPE = np.dtype("<u4")
LSH_MARGIN = 0.1  # index at a lower threshold than we confirm at, so few true pairs are missed

EMPTY_HASH = hashlib.sha256(b"").hexdigest()


# --- signatures -------------------------------------------------------------------------


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Permutation parameters, built once per size instead of once per sketch."""
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def sketch(items: Iterable[str], num_perm: int) -> bytes:
    """MinHash of a set of strings as compact bytes: an 8-byte header then uint32 values.

    The header keeps the set size, which containment search needs and which a MinHash
    cannot give back exactly.
    """
    return sketch_many([items], num_perm)[0]


def sketch_many(sets: list[Iterable[str]], num_perm: int) -> list[bytes]:
    """:func:`sketch` of each set, with one numpy pass over all of their strings.

    The values are datasketch's ``MinHash`` (scheme ``affine32``, SHA-1 32-bit hashes,
    :data:`SEED`) computed as its ``update_batch`` does: pre-mix each hash, apply every
    permutation, take each set's minimum (an empty set keeps the maximum hash). Why not a
    ``MinHash`` a set: a document has some 40 passages of ~20 shingles, and building a MinHash
    and running its array operations for each cost more than the hashing itself.
    ``tests/ingestion/test_dedup.py`` checks the bytes against datasketch's own.
    """
    from datasketch.hashfunc import sha1_hash32
    from datasketch.minhash import _fmix

    distinct = [sorted(set(items)) for items in sets]
    sizes = np.fromiter((len(d) for d in distinct), dtype=np.int64, count=len(distinct))
    hashes = np.fromiter((sha1_hash32(x.encode("utf-8")) for d in distinct for x in d), dtype=np.uint32,
                         count=int(sizes.sum()))  # fmt: skip
    a, b = _permutations(num_perm)
    values = np.full((len(distinct), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    filled = np.flatnonzero(sizes)
    if len(filled):
        permuted = _fmix(hashes, 32)[:, None] * a + b  # uint32: wraps modulo 2**32, as datasketch's does
        starts = (np.cumsum(sizes) - sizes)[filled]  # empty sets hold no rows, so each range is one set's
        values[filled] = np.minimum.reduceat(permuted, starts, axis=0)
    return [_HEADER.pack(_FORMAT_VERSION, len(d)) + row.astype(_DTYPE).tobytes() for d, row in zip(distinct, values, strict=True)]


def sketch_values(signature: bytes) -> tuple[int, np.ndarray]:
    """(set size, hash values) of a signature made by :func:`sketch`."""
    if len(signature) < _HEADER.size or (len(signature) - _HEADER.size) % _DTYPE.itemsize:
        raise ValueError(f"not a truceline signature ({len(signature)} bytes)")
    version, size = _HEADER.unpack_from(signature)
    if version != _FORMAT_VERSION:
        raise ValueError(f"signature format {version} is not {_FORMAT_VERSION}; recompute it")
    return size, np.frombuffer(signature, dtype=_DTYPE, offset=_HEADER.size)


def lean_minhash(values: np.ndarray) -> LeanMinHash:
    """A datasketch MinHash around stored values, for the LSH indexes."""
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the share of equal hash values."""
    if len(a) != len(b):
        raise ValueError("signatures of different sizes cannot be compared")
    return float(np.count_nonzero(a == b)) / len(a)


def jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


# --- documents ----------------------------------------------------------------------------


def content_hash(clean_text: str) -> str:
    """SHA-256 (hex) of the normalized text: equal for copies differing only in typography."""
    return hashlib.sha256(normalize_for_match(clean_text).encode("utf-8")).hexdigest()


def doc_shingles(clean_text: str) -> set[str]:
    return shingles(normalize_for_match(clean_text).split(), DOC_SHINGLE_WORDS)


def doc_signature(clean_text: str, num_perm: int = DOC_NUM_PERM) -> bytes:
    """MinHash over word 5-shingles of the normalized text (see :func:`sketch` for the bytes)."""
    return sketch(doc_shingles(clean_text), num_perm)


@dataclass(frozen=True)
class DocKey:
    """What duplicate detection needs of one document.

    ``text`` is optional: when both documents of a candidate pair carry it, the exact
    Jaccard of their shingle sets confirms and scores the pair instead of the estimate.
    """

    doc_id: str
    content_hash: str
    signature: bytes
    text: str | None = None


DuplicatePair = tuple[str, str, str, float]


def find_duplicates(
    new: list[DocKey], existing: list[DocKey], threshold: float = DEFAULT_THRESHOLD
) -> list[DuplicatePair]:
    """Duplicate pairs among ``new`` and between ``new`` and ``existing``.

    Returns ``(doc_id, other_doc_id, kind, similarity)`` with ``doc_id < other_doc_id``,
    each unordered pair once, sorted. ``exact`` (similarity 1.0) wins over ``near``.
    Pairs within ``existing`` were found when those documents arrived, so are not redone.
    """
    keys, is_new = _merge(new, existing)
    found: dict[tuple[str, str], tuple[str, float]] = {}
    for i, j in _exact_pairs(keys, is_new):
        found[_ordered(keys[i].doc_id, keys[j].doc_id)] = ("exact", 1.0)
    for i, j, sim in _near_pairs(keys, is_new, threshold):
        found.setdefault(_ordered(keys[i].doc_id, keys[j].doc_id), ("near", sim))
    return sorted((a, b, kind, sim) for (a, b), (kind, sim) in found.items())


def _merge(new: list[DocKey], existing: list[DocKey]) -> tuple[list[DocKey], list[bool]]:
    """One list of keys, new first; an id given twice keeps its first (newest) key."""
    keys: list[DocKey] = []
    is_new: list[bool] = []
    seen: set[str] = set()
    for flag, group in ((True, new), (False, existing)):
        for key in group:
            if key.doc_id not in seen:
                seen.add(key.doc_id)
                keys.append(key)
                is_new.append(flag)
    return keys, is_new


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _exact_pairs(keys: list[DocKey], is_new: list[bool]) -> Iterable[tuple[int, int]]:
    """Pairs with equal content hashes; empty texts are nobody's duplicate."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key.content_hash != EMPTY_HASH:
            groups[key.content_hash].append(i)
    for members in groups.values():
        for i, j in combinations(members, 2):
            if is_new[i] or is_new[j]:
                yield i, j


def _near_pairs(keys: list[DocKey], is_new: list[bool], threshold: float) -> Iterable[tuple[int, int, float]]:
    values = [sketch_values(k.signature) for k in keys]
    indexed = [i for i, (size, _) in enumerate(values) if size > 0]
    if not indexed or not any(is_new[i] for i in indexed):
        return
    num_perm = _common_num_perm(len(values[i][1]) for i in indexed)
    lsh = MinHashLSH(threshold=max(0.05, threshold - LSH_MARGIN), num_perm=num_perm)
    for i in indexed:
        lsh.insert(i, lean_minhash(values[i][1]))
    shingle_cache: dict[int, set[str]] = {}
    for i in indexed:
        if not is_new[i]:
            continue
        for j in sorted(lsh.query(lean_minhash(values[i][1]))):
            if j == i or (is_new[j] and j < i):  # new-new pairs are met from both sides
                continue
            sim = _confirm(keys, values, shingle_cache, i, j)
            if sim >= threshold:
                yield i, j, round(sim, 3)


def _common_num_perm(sizes: Iterable[int]) -> int:
    distinct = set(sizes)
    if len(distinct) != 1:
        raise ValueError(f"signatures of different sizes {sorted(distinct)}: recompute them with one num_perm")
    return distinct.pop()


def _confirm(
    keys: list[DocKey], values: list[tuple[int, np.ndarray]], cache: dict[int, set[str]], i: int, j: int
) -> float:
    """Exact Jaccard when both texts are at hand, otherwise the MinHash estimate."""
    ti, tj = keys[i].text, keys[j].text
    if ti is None or tj is None:
        return estimate_jaccard(values[i][1], values[j][1])
    for k, t in ((i, ti), (j, tj)):
        if k not in cache:
            cache[k] = doc_shingles(t)
    return jaccard(cache[i], cache[j])


# --- band keys (the stored LSH index) ---------------------------------------------------------


@cache
def _hashranges(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """The bands :class:`MinHashLSH` uses for this threshold, so the stored index finds the same pairs."""
    lsh = MinHashLSH(threshold=max(0.05, threshold - LSH_MARGIN), num_perm=num_perm)
    return tuple(lsh.hashranges)


def band_key(band: int, data: bytes) -> int:
    """A signed 64-bit key for one band's values (fits a BIGINT column)."""
    digest = hashlib.blake2b(band.to_bytes(2, "little") + data, digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def doc_band_keys(signature: bytes, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """The LSH band keys of a document signature; two documents are candidates when they share one."""
    size, values = sketch_values(signature)
    if size == 0:
        return []
    return [band_key(b, values[s:e].tobytes()) for b, (s, e) in enumerate(_hashranges(threshold, len(values)))]
