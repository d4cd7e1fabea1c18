"""Metrics shared by every scorer: P/R/F1 and one-to-one span matching at an overlap threshold.

Span matching follows the attribution and TempEval literature: a predicted span matches a
gold span when their character overlap is at least ``threshold`` of the *longer* of the two
(0.3 and 0.8 for PolNeAR-style scoring; any overlap for TempEval "relaxed"; exact = 1.0).
Each gold span matches at most one prediction (greedy by overlap, which is what the
published scorers do for these small sets).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class PRF:
    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)


def overlap_ratio(a: Span, b: Span) -> float:
    """Overlap of two spans over the length of the longer one (0 when disjoint)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    longest = max(a[1] - a[0], b[1] - b[0])
    return inter / longest if inter > 0 and longest > 0 else 0.0


def match_spans(pred: Sequence[Span], gold: Sequence[Span], threshold: float) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs whose overlap ratio is >= ``threshold``.

    ``threshold`` 1.0 means exact offsets; a tiny positive threshold means any overlap.
    """
    candidates = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            r = 1.0 if p == g else overlap_ratio(p, g)
            if r >= threshold and r > 0:
                candidates.append((r, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def span_prf(pred: Sequence[Span], gold: Sequence[Span], threshold: float) -> PRF:
    return PRF(len(match_spans(pred, gold, threshold)), len(pred), len(gold))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def rounded(d: dict, places: int = 4) -> dict:
    return {k: round(v, places) if isinstance(v, float) else v for k, v in d.items()}
