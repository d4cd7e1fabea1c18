"""The peace process in order: proposals, agreements, ceasefires, breaches, accusations,
commitments' deadlines, contradictions, conditions stated and conditions triggered, each line
with its sources and evidence.

Built from the verification records alone (stored or fresh), so the timeline, the report and
the API show the same lines. Undated lines sort last; lines of one day keep a fixed order of
kinds (an agreement before its breach).
"""

from __future__ import annotations

from collections.abc import Iterable

from truceline.model import ActorRef, Agreement, Claim, Condition, Contradiction, Incident, TimelineEntry
from truceline.verify.common import names

INCIDENT_KINDS = {"ACCUSE": "accusation", "THREATEN": "threat", "ASSAULT": "incident", "COERCE": "incident",
                  "SANCTION": "incident", "MOBILIZE": "incident", "REJECT": "incident", "CONCEDE": "incident",
                  "RETREAT": "incident"}  # fmt: skip
AGREEMENT_KINDS = {"plan": "proposal", "ceasefire": "ceasefire", "agreement": "agreement", "joint_statement": "agreement"}
ORDER = ["proposal", "agreement", "ceasefire", "status", "condition", "incident", "accusation", "threat", "trigger",
         "deadline", "contradiction"]


def _who(refs: Iterable[ActorRef]) -> str:
    return names(refs, "(unattributed)")


def _day(value: str | None) -> str | None:
    return value if value and value[:4].isdigit() else None


def condition_title(c: Condition) -> str:
    """A condition in words: "red line, Iran: ASSAULT crosses_border_of IRN -> ASSAULT/COERCE"."""
    p = c.condition
    where = f" {p.relation.replace('_', ' ')} {', '.join(p.territory)}" if p.relation and p.territory else ""
    against = f" against {_who(p.target)}" if p.target else ""
    then = "/".join(c.consequence.plover) or "consequence"
    return f"{c.kind.replace('_', ' ')}, {_who(c.bound)}: if {'/'.join(p.plover) or 'act'}{where}{against} then {then}"


def _condition_lines(c: Condition, outlets) -> list[TimelineEntry]:
    w = c.watch
    out = [TimelineEntry(date=_day(c.date), kind="condition", title=condition_title(c),
                         status=w.status if w else None, record=f"condition:{c.id}", doc_ids=c.doc_ids,
                         evidence=c.evidence[:3], sources=outlets(c.doc_ids))]  # fmt: skip
    if w and w.status in {"triggered", "claimed_triggered"}:
        met = [m for m in w.matches if m.verdict == "meets"]
        docs = sorted({d for m in met for d in m.doc_ids})
        by = f" by {_who(w.claimants)}" if w.status == "claimed_triggered" and w.claimants else ""
        out.append(TimelineEntry(date=_day(w.triggered_on), kind="trigger",
                                 title=f"{w.status.replace('_', ' ')}{by}: {condition_title(c)}", status=w.status,
                                 record=f"condition:{c.id}", doc_ids=docs,
                                 evidence=[e for m in met for e in m.evidence][:3], sources=outlets(docs)))  # fmt: skip
    return out


def entries(incidents: list[Incident], claims: list[Claim], contradictions: list[Contradiction],
            agreements: list[Agreement], outlet_of: dict[str, str] | None = None,
            conditions: list[Condition] | None = None) -> list[TimelineEntry]:
    """Every timeline line; ``outlet_of`` (document id -> outlet) names each line's sources."""
    outlet_of = outlet_of or {}
    out: list[TimelineEntry] = []

    def outlets(doc_ids: Iterable[str]) -> list[str]:
        return sorted({outlet_of.get(d) or d for d in doc_ids})

    for a in agreements:
        kind = AGREEMENT_KINDS.get(a.kind, "agreement")
        who = _who(a.parties) if a.parties else _who([a.proposer] if a.proposer else [])
        brokers = f", mediated by {_who(a.mediators)}" if a.mediators else ""
        out.append(TimelineEntry(date=_day(a.date), kind=kind, title=f"{a.title or a.kind}: {who}{brokers}", status=a.status,
                                 record=f"agreement:{a.id}", doc_ids=a.doc_ids, evidence=a.evidence[:3],
                                 sources=outlets(a.doc_ids)))  # fmt: skip
        for change in a.history[1:]:
            out.append(TimelineEntry(date=_day(change.date), kind="status", title=f"{a.title or a.kind}: {change.status}",
                                     status=change.status, record=f"agreement:{a.id}", evidence=change.evidence,
                                     doc_ids=sorted({e.span.doc_id for e in change.evidence})))  # fmt: skip
        for c in a.commitments:
            if c.deadline:
                out.append(TimelineEntry(
                    date=_day(c.deadline), kind="deadline", title=f"deadline: {_who(c.obligors)} {c.action}",
                    status=c.status, record=f"commitment:{c.id}", evidence=c.evidence,
                    doc_ids=sorted({e.span.doc_id for e in c.evidence}),
                ))  # fmt: skip
    for inc in incidents:
        kind = INCIDENT_KINDS.get(inc.plover)
        if kind is None:
            continue
        out.append(TimelineEntry(
            date=_day(inc.date), kind=kind,
            title=f"{inc.plover}: {_who(inc.source)} -> {_who(inc.target)}"
                  + (f" at {inc.location}" if inc.location else ""),
            grade=inc.grade, record=f"incident:{inc.id}", sources=outlets(inc.doc_ids), doc_ids=inc.doc_ids,
            evidence=inc.evidence[:3],
        ))  # fmt: skip
    dated = {i.id: i.date for i in incidents}
    for con in contradictions:
        when = _day(dated.get(con.incident_id or "")) if con.incident_id else None
        out.append(TimelineEntry(date=when, kind="contradiction", title=f"{con.kind}: {con.subject}",
                                 record=f"contradiction:{con.id}", evidence=con.evidence,
                                 doc_ids=sorted({d for s in con.sides for d in s.doc_ids})))  # fmt: skip
    for c in conditions or []:
        out += _condition_lines(c, outlets)
    for e in out:
        e.sources = e.sources or outlets(e.doc_ids)
    out.sort(key=lambda e: (e.date is None, e.date or "", ORDER.index(e.kind), e.title))
    return out


def filter_entries(items: list[TimelineEntry], kinds: set[str] | None = None, since: str | None = None,
                   until: str | None = None) -> list[TimelineEntry]:
    """Lines of these kinds within ``[since, until]`` (ISO prefixes compare as strings)."""
    return [e for e in items
            if (not kinds or e.kind in kinds)
            and (since is None or (e.date is not None and e.date >= since))
            and (until is None or (e.date is not None and e.date[:len(until)] <= until))]
