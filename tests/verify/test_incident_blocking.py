"""The blocking of incident clustering never drops a pair that could be one incident."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.verify.incidents import UNDATED_WORDING, MentionInfo, _candidate_pairs, _wording, same_incident

WORDS = [f"w{i}" for i in range(12)]  # a small vocabulary, so that word sets overlap often
PARTS = ["ARM", "AZE", "RUS", "IRN"]


@st.composite
def mention(draw, n: int) -> MentionInfo:
    day = date(2020, 10, 1) + timedelta(days=draw(st.integers(0, 20)))
    kind = draw(st.sampled_from(["explicit", "report", "loose", "none"]))
    days = {"explicit": (day, day), "report": (day - timedelta(days=7), day), "loose": None, "none": None}[kind]
    vector = np.array(draw(st.lists(st.floats(-1, 1), min_size=3, max_size=3)), dtype=np.float32)
    doc = SimpleNamespace(id=f"d{draw(st.integers(0, 3))}")
    event = SimpleNamespace(plover="ASSAULT", evidence=[])
    return MentionInfo(doc=doc, event=event, explicit=kind in ("explicit", "loose"), days=days,
                       parts=set(draw(st.sets(st.sampled_from(PARTS), max_size=2))),
                       vector=vector if np.any(vector) else None, coords=None,
                       words=frozenset(draw(st.sets(st.sampled_from(WORDS), max_size=6))))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.lists(mention(n), min_size=n, max_size=n)))
def test_every_pair_that_can_merge_is_a_candidate(infos):
    pairs = _candidate_pairs(infos)
    for i in range(len(infos)):
        for j in range(i + 1, len(infos)):
            if same_incident(infos[i], infos[j]):
                assert (i, j) in pairs, (infos[i], infos[j])


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.lists(mention(n), min_size=n, max_size=n)))
def test_a_candidate_not_dated_on_both_sides_already_has_the_wording_it_needs(infos):
    """Such a pair can only merge at content-word Jaccard >= UNDATED_WORDING, so blocking keeps no
    other: at that threshold sharing a prefix word is a weak test (332,000 proposals, 925 merged)."""
    for i, j in _candidate_pairs(infos):
        if not (infos[i].explicit and infos[j].explicit):
            assert _wording(infos[i], infos[j]) >= UNDATED_WORDING


def test_mentions_sharing_no_word_and_no_explicit_date_are_never_compared():
    base = dict(event=SimpleNamespace(plover="ASSAULT", evidence=[]), explicit=False,
                days=(date(2020, 10, 1), date(2020, 10, 8)), parts={"ARM"}, vector=None, coords=None)  # fmt: skip
    infos = [MentionInfo(doc=SimpleNamespace(id=f"d{i}"), words=frozenset({f"only{i}", f"alone{i}"}), **base)
             for i in range(50)]  # fmt: skip
    assert _candidate_pairs(infos) == set()  # the sweep alone would have proposed all 1,225 pairs
