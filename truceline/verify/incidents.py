"""Incidents: event mentions that report the same real-world event, merged across documents.

Two mentions are one incident when every hard condition holds and their wording is not
unrelated: the same PLOVER type; overlapping participants (compared by country for state
actors, so "Azeri soldiers" and "Azerbaijan" meet; direction is *not* required, so two
accounts that disagree on who attacked whom still land in one incident, where the agency
contradiction is then found); dates that can be the same day within a per-type window (an
event dated only by its report may have happened in the week before it); places within
:data:`MAX_KM` when both are geocoded. Mentions of things that did not happen yet
(intended, requested, conditional, hypothetical) are not incidents: they are commitments,
demands and threats, followed elsewhere.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from truceline.eval.metrics import haversine_km
from truceline.model import ActorRef, Event, Evidence, ExtractedDocument, Incident
from truceline.verify import step
from truceline.verify.common import (
    content_words,
    cosine,
    interval,
    lexical_similarity,
    participants,
    stable_id,
    words_vector,
)
from truceline.verify.corpus import Corpus, Verification, published

HAPPENED = {"asserted", "alleged", "denied", "negated"}
# Days two dated mentions of one incident may differ by: fighting is reported day by day,
# diplomacy is reported over several days ("met on Friday" vs "talks this week").
WINDOW_DAYS: dict[str, int] = {"ASSAULT": 1, "COERCE": 2, "MOBILIZE": 3}
DEFAULT_WINDOW = 3
REPORT_LAG_DAYS = 7  # an event dated only by its report happened in the week before it
MAX_KM = 150.0
MIN_WORDING = 0.6  # cosine of content-word vectors: below this the sentences talk of other things
SAME_DOC_WORDING = 0.5  # Jaccard of content words for two mentions in one document
NO_ACTOR_WORDING = 0.4
UNDATED_WORDING = 0.3


@dataclass
class MentionInfo:
    doc: ExtractedDocument
    event: Event
    explicit: bool
    days: tuple[date, date] | None
    parts: set[str]
    vector: np.ndarray | None
    coords: tuple[float, float] | None
    words: frozenset[str] | None = None  # content words of the sentence, for lexical similarity


def mention_info(corpus: Corpus, doc: ExtractedDocument, ev: Event) -> MentionInfo:
    span = ev.evidence[0].span
    values = {t.value for t in corpus.timex_in(doc.id, span.start, span.end)}
    explicit = bool(ev.date and ev.date in values)
    days = interval(ev.date) if explicit else None
    if days is None and (pub := published(doc)):
        days = (pub - timedelta(days=REPORT_LAG_DAYS), pub)
    place = corpus.places.get(ev.place_id) if ev.place_id else None
    coords = (place.lat, place.lon) if place and place.lat is not None and place.lon is not None else None
    words = content_words(span.text)  # once: the vector and the lexical tests both start from them
    return MentionInfo(doc, ev, explicit, days, participants(ev), words_vector(words), coords, frozenset(words))


def _wording(a: MentionInfo, b: MentionInfo) -> float:
    """:func:`lexical_similarity` of the two sentences, from their precomputed content words."""
    if a.words is None or b.words is None:
        return lexical_similarity(a.event.evidence[0].span.text, b.event.evidence[0].span.text)
    wa, wb = a.words, b.words
    if not wa or not wb:
        return 0.0
    shared = len(wa & wb)  # |A | B| = |A| + |B| - |A & B|: no union set built
    return shared / (len(wa) + len(wb) - shared)


def same_incident(a: MentionInfo, b: MentionInfo) -> bool:
    """Whether two mentions can be the same real-world event (see the module docstring)."""
    # every test below must pass, so their order only matters for speed: the cheap ones first,
    # the wording (a set union) only when a test needs it
    if a.event.plover != b.event.plover:
        return False
    if a.parts and b.parts:
        if not a.parts & b.parts:
            return False
        if not (a.parts <= b.parts or b.parts <= a.parts or len(a.parts & b.parts) >= 2):
            return False
    window = timedelta(days=WINDOW_DAYS.get(a.event.plover, DEFAULT_WINDOW))
    if a.days and b.days:
        if a.days[0] - window > b.days[1] or b.days[0] - window > a.days[1]:
            return False
    same_doc, both_dated = a.doc.id == b.doc.id, a.explicit and b.explicit
    if same_doc or not (a.parts and b.parts) or not both_dated:
        wording = _wording(a, b)
        if same_doc and wording < SAME_DOC_WORDING:
            return False  # one report rarely tells one event twice in other words
        if not (a.parts and b.parts) and wording < NO_ACTOR_WORDING:  # nothing to compare but the words
            return False
        if not both_dated and wording < UNDATED_WORDING:
            return False  # dated only by their reports: the words must say it is the same event
    if a.coords and b.coords and haversine_km(*a.coords, *b.coords) > MAX_KM:
        return False
    return cosine(a.vector, b.vector) >= MIN_WORDING


def complete_link(n: int, compatible, pairs: Iterable[tuple[int, int]] | None = None) -> list[list[int]]:
    """Groups in which every pair is compatible: no chaining of A~B~C into one incident.

    ``pairs``, when given, are the only pairs ``(i < j)`` that can be compatible, in
    lexicographic order (a blocking of the all-pairs loop: the groups are the same).
    """
    groups = [[i] for i in range(n)]
    where = list(range(n))
    order = pairs if pairs is not None else ((i, j) for i in range(n) for j in range(i + 1, n))
    for i, j in order:
        gi, gj = where[i], where[j]
        if gi == gj or not compatible(i, j):
            continue
        if all(compatible(x, y) for x in groups[gi] for y in groups[gj]):
            groups[gi].extend(groups[gj])
            for x in groups[gj]:
                where[x] = gi
            groups[gj] = []
    return [sorted(g) for g in groups if g]


def _merge_refs(refs: list[ActorRef]) -> list[ActorRef]:
    seen: dict[str, ActorRef] = {}
    for r in refs:
        seen.setdefault(r.code or r.text, r)
    return list(seen.values())


def build_incident(infos: list[MentionInfo]) -> Incident:
    events = [i.event for i in infos]
    ids = sorted(e.id for e in events)
    explicit = Counter(i.event.date for i in infos if i.explicit and i.event.date)
    dated = explicit.most_common(1)[0][0] if explicit else min((e.date for e in events if e.date), default=None)
    placed = next((i for i in infos if i.coords), None)
    cameo = Counter(e.cameo for e in events if e.cameo).most_common(1)
    return Incident(
        id=stable_id("inc", ids[0]),
        plover=events[0].plover,
        cameo=cameo[0][0] if cameo else None,
        source=_merge_refs([r for e in events if e.modality != "denied" for r in e.source]),
        target=_merge_refs([r for e in events if e.modality != "denied" for r in e.target]),
        date=dated,
        location=placed.event.location if placed else next((e.location for e in events if e.location), None),
        place_id=placed.event.place_id if placed else None,
        lat=placed.coords[0] if placed else None,
        lon=placed.coords[1] if placed else None,
        event_ids=ids,
        doc_ids=sorted({i.doc.id for i in infos}),
        evidence=[Evidence(span=e.evidence[0].span, role="mention") for e in sorted(events, key=lambda e: e.id)],
    )


def _candidate_pairs(infos: list[MentionInfo]) -> set[tuple[int, int]]:
    """Pairs ``(i < j)`` of one PLOVER type that pass the date, participant and wording bounds.

    Blocking, so that clustering is not quadratic in the mentions; every returned pair still
    has to pass :func:`same_incident`, and no pair that could pass it is left out:

    * two mentions with explicit dates are swept in order of their first day, so that each
      meets only those whose days come within the type's window;
    * every other pair needs content-word Jaccard >= :data:`UNDATED_WORDING`, so the two must
      share a word of their *prefixes* (prefix filtering, Bayardo et al. 2007: with the words
      of each mention in one global order, rarest first, sets that reach Jaccard t share one
      of their first ``|x| - ceil(t|x|) + 1`` words); only those pairs are looked at. Without
      this, mentions dated only by their reports (or not at all: undated articles) met every
      other mention of their type. At t = 0.3 a prefix is most of a sentence's words, so each
      word's mentions are also swept in date order (those with days meet only the ones within
      the window, as above), and a pair is kept only when its Jaccard does reach t: on 924
      news articles, 332,000 such pairs were proposed and 925 were one incident.

    Pairs with participants on both sides must share one.
    """
    if not infos:
        return set()
    window = timedelta(days=WINDOW_DAYS.get(infos[0].event.plover, DEFAULT_WINDOW))
    out: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        a, b = infos[i].parts, infos[j].parts
        if a and b and a.isdisjoint(b):
            return
        out.add((i, j) if i < j else (j, i))

    explicit = [i for i, x in enumerate(infos) if x.explicit and x.days]
    for i, j in _within_window(explicit, infos, window):
        add(i, j)
    loose = [i for i, x in enumerate(infos) if x.explicit and not x.days]  # a date with no days to compare
    for i in loose:
        for j in explicit + loose:
            if j != i:
                add(i, j)
    tried: set[tuple[int, int]] = set()  # a pair shares several prefix words: its words are compared once

    def worded(i: int, j: int) -> None:  # not both explicitly dated: the words must reach UNDATED_WORDING
        key = (i, j) if i < j else (j, i)
        if key in tried or (infos[i].explicit and infos[j].explicit):
            return
        tried.add(key)
        if _wording(infos[i], infos[j]) >= UNDATED_WORDING:
            add(i, j)

    for members in _prefix_index(infos).values():
        for i, j in _within_window([i for i in members if infos[i].days], infos, window):
            worded(i, j)
        for i in (i for i in members if not infos[i].days):  # no days: near every other mention
            for j in members:
                if j != i:
                    worded(i, j)
    return out


def _within_window(members: list[int], infos: list[MentionInfo], window: timedelta) -> Iterator[tuple[int, int]]:
    """Pairs of ``members`` (mentions with days) whose days come within ``window`` of each other,
    swept in order of their first day, so each meets only the ones that can."""
    order = sorted(members, key=lambda i: infos[i].days[0])
    for k, i in enumerate(order):
        reach = infos[i].days[1] + window
        for j in order[k + 1:]:
            if infos[j].days[0] > reach:  # and so are all later ones: outside the window
                break
            yield i, j


def _prefix_index(infos: list[MentionInfo]) -> dict[str, list[int]]:
    """Mentions by each word of their prefix (see :func:`_candidate_pairs`)."""
    sets = [x.words if x.words is not None else frozenset(content_words(x.event.evidence[0].span.text)) for x in infos]
    freq = Counter(w for ws in sets for w in ws)
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(sets):
        words = sorted(ws, key=lambda w: (freq[w], w))
        keep = len(words) - math.ceil(UNDATED_WORDING * len(words) - 1e-9) + 1
        for w in words[:keep]:
            index.setdefault(w, []).append(i)
    return index


@step("incidents")
def find_incidents(corpus: Corpus, result: Verification) -> None:
    """Cluster event mentions (complete link over :func:`same_incident`) into incidents, type by type."""
    infos = [mention_info(corpus, d, e) for d, e in corpus.events() if e.modality in HAPPENED]
    by_type: dict[str, list[int]] = {}
    for n, info in enumerate(infos):
        by_type.setdefault(info.event.plover, []).append(n)
    cache: dict[tuple[int, int], bool] = {}

    def compatible(i: int, j: int) -> bool:
        key = (min(i, j), max(i, j))
        if key not in cache:
            cache[key] = same_incident(infos[key[0]], infos[key[1]])
        return cache[key]

    for members in by_type.values():
        allowed = _candidate_pairs([infos[m] for m in members])

        def blocked(x: int, y: int, m=members, ok=allowed) -> bool:
            return (min(x, y), max(x, y)) in ok and compatible(m[x], m[y])

        for group in complete_link(len(members), blocked, sorted(allowed)):
            incident = build_incident([infos[members[k]] for k in group])
            result.incidents.append(incident)
            for eid in incident.event_ids:
                result.incident_of[eid] = incident.id
    result.incidents.sort(key=lambda i: (i.date or "", i.id))
