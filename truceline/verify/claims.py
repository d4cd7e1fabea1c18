"""Claims and independent corroboration: who says each incident happened, and how many sources that is.

Every mention of an incident becomes a :class:`~truceline.model.Claim` with an *origin*, the
party the information comes from: the claimant when an actor is reported as saying it
("Azerbaijan said its positions were shelled"), the speaker when it sits in a quote, else the
reporting document itself. Origins are then folded into independence groups: documents of the
same outlet, by the same author, exact or near duplicates (syndication), or whose mentions sit
on passages they share (a re-used sentence or quote) are one source; claims that go back to
the same speaker are one source however many outlets carry them. The number of groups is the
incident's ``independent_sources``.

The grade follows the Admiralty (NATO) scale kept in
``reference/vocabularies/admiralty-scale.machinetag.json``: source reliability A-F (the
configured reliability of the reporting outlets; F, "cannot be judged", when none is set) and
information credibility 1-6 (from corroboration, denials and who the sources are), with every
step written to ``reasons``.
"""

from __future__ import annotations

from collections import defaultdict

from truceline.model import ActorRef, Claim, Event, Evidence, ExtractedDocument, Incident, Span, make_span
from truceline.verify import step
from truceline.verify.common import UnionFind, actor_key, participants, stable_id
from truceline.verify.corpus import Corpus, Verification

RELIABILITY = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable", "D": "not usually reliable",
    "E": "unreliable", "F": "reliability cannot be judged",
}  # fmt: skip
CREDIBILITY = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true", 4: "doubtful", 5: "improbable",
    6: "truth cannot be judged",
}  # fmt: skip


def origin_of(corpus: Corpus, doc: ExtractedDocument, ev: Event) -> tuple[str, ActorRef | None]:
    """Who a mention's information comes from: a claimant, a quoted speaker, or the document."""
    if ev.claimant is not None:
        key = ev.claimant.actor_id or ev.claimant.code or ev.claimant.text.lower()
        return f"actor:{key}", ev.claimant
    span = ev.evidence[0].span
    return span_origin(corpus, doc.id, span.start, span.end)


def _document_groups(corpus: Corpus) -> UnionFind:
    uf = UnionFind()
    by_outlet: dict[str, list[str]] = defaultdict(list)
    by_author: dict[str, list[str]] = defaultdict(list)
    for d in corpus.docs.values():
        uf.find(f"doc:{d.id}")
        if d.outlet:
            by_outlet[d.outlet.lower()].append(d.id)
        if d.author:
            by_author[d.author.lower()].append(d.id)
        for dup in d.duplicates:
            if dup.doc_id in corpus.docs:
                uf.union(f"doc:{d.id}", f"doc:{dup.doc_id}")
    for ids in [*by_outlet.values(), *by_author.values()]:
        for other in ids[1:]:
            uf.union(f"doc:{ids[0]}", f"doc:{other}")
    return uf


def document_groups(corpus: Corpus) -> UnionFind:
    """Documents that are not independent of each other: outlet, author, duplicates (once per corpus)."""
    if "document_groups" not in corpus.memo:
        corpus.memo["document_groups"] = _document_groups(corpus)
    return corpus.memo["document_groups"]


Located = tuple[str, str, int, int]  # origin, doc id, start, end


def independence_groups(corpus: Corpus, items: list[Located]) -> list[list[str]]:
    """Origins folded into groups of sources that are not independent of each other."""
    docs = document_groups(corpus)
    uf = UnionFind()
    where: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for origin, doc_id, start, end in items:
        uf.find(origin)
        where[origin].append((doc_id, start, end))
        if origin.startswith("doc:"):
            uf.union(origin, docs.find(origin))  # outlet, author, duplicates
    origins = sorted(where)
    for i, a in enumerate(origins):
        for b in origins[i + 1:]:
            if any(_on_shared_passage(corpus, x, y) for x in where[a] for y in where[b]):
                uf.union(a, b)
    return uf.groups(origins)


def span_origin(corpus: Corpus, doc_id: str, start: int, end: int) -> tuple[str, ActorRef | None]:
    """Who a passage's information comes from: the quoted speaker, else the document."""
    for q in corpus.quotes_at(doc_id, start, end):
        if q.speaker_actor_id:
            actor = corpus.actors.get(q.speaker_actor_id)
            ref = ActorRef(text=q.speaker_text or (actor.name if actor else q.speaker_actor_id),
                           code=actor.code if actor else None, actor_id=q.speaker_actor_id)
            return f"actor:{q.speaker_actor_id}", ref
    return f"doc:{doc_id}", None


def count_sources(corpus: Corpus, spans: list[Span]) -> tuple[int, list[list[str]]]:
    """Independent sources behind a set of evidence spans (e.g. every mention of an agreement)."""
    items = [(span_origin(corpus, sp.doc_id, sp.start, sp.end)[0], sp.doc_id, sp.start, sp.end) for sp in spans]
    groups = independence_groups(corpus, items)
    return len(groups), groups


def _on_shared_passage(corpus: Corpus, a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    """Whether mention ``a`` sits on a passage that document ``b`` carries at mention ``b``."""
    doc_a, sa, ea = a
    doc_b, sb, eb = b
    for link in corpus.docs[doc_a].reused_passages:
        if link.other_doc == doc_b and link.start < ea and sa < link.end and link.other_start < eb and sb < link.other_end:
            return True
    return False


HOSTILE = {"ASSAULT", "COERCE", "ACCUSE", "THREATEN"}


def belligerents(corpus: Corpus) -> set[str]:
    """The corpus's warring parties: the two actors most often on either end of hostile events.

    A party's claim about a ceasefire breach is an allegation even when the event names only
    the other side ("each side blamed the other for breaching it").
    """
    if "belligerents" not in corpus.memo:
        counts: dict[str, int] = defaultdict(int)
        hostile = [e for _d, e in corpus.events() if e.plover in HOSTILE]
        for ev in hostile:
            for key in participants(ev):
                counts[key] += 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
        corpus.memo["belligerents"] = {k for k, n in top if hostile and n >= 0.2 * len(hostile)} if len(top) == 2 else set()
    return corpus.memo["belligerents"]


def _kind(claimant: ActorRef | None, incident_parties: set[str], warring: set[str]) -> str:
    if claimant is None:
        return "report"
    key = actor_key(claimant)
    return "allegation" if key and (key in incident_parties or key in warring) else "statement"


def grade(incident: Incident, claims: list[Claim], groups: dict[str, int], corpus: Corpus) -> None:
    """Fill the incident's Admiralty grade, corroboration counts and the reasons for them."""
    support = [c for c in claims if c.stance == "asserts"]
    deny = [c for c in claims if c.stance == "denies"]
    support_groups = {groups[c.origin] for c in support}
    deny_groups = {groups[c.origin] for c in deny} - support_groups
    third = {groups[c.origin] for c in support if c.kind != "allegation"}
    incident.independent_sources = len(support_groups)
    incident.denied_by = len(deny_groups)
    reasons = [f"{len(support)} supporting mention(s) from {len(support_groups)} independent source(s)"]
    folded = len({c.origin for c in support}) - len(support_groups)
    if folded > 0:
        reasons.append(f"{folded} source(s) folded into others: shared passages, outlet, author or duplicate")
    letters = sorted(corpus.reliability[c.outlet] for c in support if c.outlet in corpus.reliability)
    reliability = letters[0] if letters else "F"
    reasons.append(f"reliability {reliability}: " + (f"best configured outlet ({RELIABILITY[reliability]})"
                                                     if letters else "no outlet reliability configured"))
    if not support_groups:
        credibility = 5 if deny_groups else 6
    elif deny_groups:
        credibility = 4 if len(support_groups) >= len(deny_groups) else 5
        reasons.append(f"denied by {len(deny_groups)} independent source(s)")
    elif len(support_groups) >= 2 and third:
        credibility = 1
    elif len(support_groups) >= 2:
        credibility = 3
        reasons.append("only the parties' own allegations: stays possibly true until a third party corroborates")
    else:
        credibility = 3
        reasons.append("a single source")
    reasons.append(f"credibility {credibility}: {CREDIBILITY[credibility]}")
    incident.reliability, incident.credibility = reliability, credibility
    incident.grade = f"{reliability}{credibility}"
    incident.reasons = reasons


@step("claims")
def find_claims(corpus: Corpus, result: Verification) -> None:
    """One claim per (incident, origin, document, stance), then independence and grades."""
    warring = belligerents(corpus)
    for incident in result.incidents:
        mentions = [corpus.event_index[eid] for eid in incident.event_ids]
        parties = set().union(*(participants(e) for _d, e in mentions))
        by_key: dict[tuple[str, str, str], Claim] = {}
        where: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for doc, ev in mentions:
            origin, claimant = origin_of(corpus, doc, ev)
            stance = "denies" if ev.modality in ("denied", "negated") or ev.negated else "asserts"
            key = (origin, doc.id, stance)
            span = ev.evidence[0].span
            if key not in by_key:
                by_key[key] = Claim(
                    id=stable_id("clm", incident.id, origin, doc.id, stance), incident_id=incident.id,
                    claimant=claimant or ActorRef(text=doc.outlet or doc.id), stance=stance,
                    kind=_kind(claimant, parties, warring), origin=origin, doc_id=doc.id, outlet=doc.outlet,
                    evidence=[],
                )  # fmt: skip
            claim = by_key[key]
            claim.event_ids.append(ev.id)
            claim.evidence.append(Evidence(span=span, role="claim"))
            where[origin].append((doc.id, span.start, span.end))
        claims = sorted(by_key.values(), key=lambda c: c.id)
        grouped = independence_groups(corpus, [(o, *w) for o, ws in where.items() for w in ws])
        groups = {o: n for n, g in enumerate(grouped) for o in g}
        incident.source_groups = grouped
        incident.claim_ids = [c.id for c in claims]
        grade(incident, claims, groups, corpus)
        result.claims.extend(claims)


@step("agreement_sources")
def agreement_sources(corpus: Corpus, result: Verification) -> None:
    """How many independent sources report each agreement: a copied quote is one source."""
    for agreement in result.agreements:
        spans = [e.span for e in agreement.evidence]
        agreement.independent_sources, agreement.source_groups = count_sources(corpus, spans)


def shared_passages(corpus: Corpus) -> list[dict]:
    """Passages carried by several documents, each with the number of independent sources behind it."""
    uf = UnionFind()
    for d in corpus.docs.values():
        for link in d.reused_passages:
            if link.other_doc in corpus.docs:
                uf.union((d.id, link.start, link.end), (link.other_doc, link.other_start, link.other_end))
    out = []
    for group in uf.groups(list(uf.parent)):
        spans = [corpus.docs[doc].text[s:e] for doc, s, e in group]
        n, groups = count_sources(corpus, [make_span(doc, corpus.docs[doc].text, s, e) for doc, s, e in group])
        out.append({"text": min(spans, key=len), "doc_ids": sorted({doc for doc, _s, _e in group}),
                    "carried_by": len({doc for doc, _s, _e in group}), "independent_sources": n, "origins": groups})
    return sorted(out, key=lambda x: (-x["carried_by"], x["text"]))
