"""Trigger watch: for every conditional obligation, threat, red line and plan trigger, what has met it.

Conditions come from the text (:mod:`truceline.events.conditions`) and from analysts (added or
corrected through review, given to the corpus as ``Corpus.condition_reviews``; a correction is
applied before watching, so the watch follows the analyst's reading). For each condition:

* **candidates**: incidents of a type the condition names whose actors fit (a named attacker, or
  anyone but the alliance's members) and, for a territorial condition, whose place stands in the
  right relation to the territory (:func:`truceline.nlp.territory.judge`: inside, on disputed
  territory the state claims, placed only to a country with disputed areas, near the border);
  and *reports*, sentences that say so in words ("stray shells crossed the X border"), linked to
  the incidents of their events when the coder made any.
* **meets / nearly meets**: inside the territory (or across its border, or the text says so)
  meets; near the border, on disputed territory the state claims, or placed only to the country
  nearly meets. An act dated before the condition was stated (or before its treaty) is not counted.
* **status**: ``triggered`` when a meeting incident is corroborated: two or more independent
  source groups (the claims step's grouping) that are not all one party's; ``claimed_triggered``
  with the claimants when only one side's sources (or a single source) assert it; ``nearly_met``;
  ``not_triggered``.
* **consequence**: an incident of the consequence's type by the bound actor on or after the trigger
  (``yes``, with the incident), none (``no``), or ``unknown`` while nothing triggered it. A plan
  trigger's consequence is its plan reaching ``accepted`` or ``in_force``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from truceline.events.conditions import (
    Reading,
    Report,
    candidate_sentences,
    conditions_of,
    read_drafts,
    territory_reports,
)
from truceline.model import ActorRef, Claim, Condition, Evidence, Incident, Place, TriggerMatch, TriggerWatch
from truceline.nlp import territory
from truceline.verify import step
from truceline.verify.claims import independence_groups, span_origin
from truceline.verify.common import actor_key, interval, keys, stable_id
from truceline.verify.corpus import Corpus, Verification

REPORT_DAYS = 3  # reports of one state's border within this many days are one occurrence
MEETS = {"on_territory_of": {"inside"}, "crosses_border_of": {"inside"}, "near_border_of": {"inside", "near"},
         "against_forces_of": {"inside"}}  # fmt: skip
NEARLY = {"disputed", "country_only", "near"}
REPORT_MEETS = {"on_territory_of": {"on_territory_of", "crosses_border_of"},
                "crosses_border_of": {"on_territory_of", "crosses_border_of"},
                "near_border_of": {"near_border_of", "on_territory_of", "crosses_border_of"},
                "against_forces_of": {"on_territory_of", "crosses_border_of"}}  # fmt: skip


@dataclass
class Context:
    corpus: Corpus
    result: Verification
    reports: list[Report]
    claims_of: dict[str, list[Claim]]
    findings: dict[tuple[str, str], territory.Finding] = field(default_factory=dict)

    @cached_property
    def incident_index(self) -> dict[str, Incident]:
        """The incidents by id, built once for every condition."""
        return {i.id: i for i in self.result.incidents}

    def judge(self, place: Place, state: str) -> territory.Finding:
        """:func:`truceline.nlp.territory.judge`, once per place and state however many conditions ask."""
        key = (place.id, state)
        if key not in self.findings:
            self.findings[key] = territory.judge(place, state)
        return self.findings[key]


def _start(c: Condition) -> str | None:
    """The first day the condition can be met: its treaty's date, else the day it was stated."""
    value = (c.basis.date if c.basis and c.basis.kind in {"treaty", "alliance"} and c.basis.date else None) or c.date
    days = interval(value) if value else None
    if days:
        return days[0].isoformat()
    return value[:4] if value and value[:4].isdigit() else None


def _before(value: str | None, start: str | None) -> bool:
    if not value or not start:
        return False
    days = interval(value)
    end = days[1].isoformat() if days else value
    return end[: len(start)] < start


def _place_verdict(c: Condition, inc: Incident, ctx: Context) -> tuple[str, str] | None:
    """("meets" | "nearly_meets", why) from the incident's geocoded place, or None."""
    place = ctx.corpus.places.get(inc.place_id) if inc.place_id else None
    if place is None or place.lat is None:
        return None
    best: tuple[str, str] | None = None
    for state in c.condition.territory:
        found = ctx.judge(place, state)
        if found.relation in MEETS.get(c.condition.relation or "on_territory_of", {"inside"}):
            if c.condition.relation == "crosses_border_of" and state in keys(inc.source):
                continue  # the state's own fire on its own side crosses no border
            return "meets", found.why
        if found.relation in NEARLY and best is None:
            best = ("nearly_meets", found.why)
    return best or ("outside", "; ".join(ctx.judge(place, s).why for s in c.condition.territory[:2]))


def _actors_fit(c: Condition, inc: Incident) -> str | None:
    """None when the incident's actors fit the pattern, else why not."""
    src, tgt = keys(inc.source), keys(inc.target)
    want_src = keys(c.condition.source)
    if want_src and src and not src & want_src:
        return "other attacker"
    if c.condition.source_not and src and src <= set(c.condition.source_not):
        return "the attacker is itself a member"
    want_tgt = keys(c.condition.target)
    if want_tgt and not c.condition.territory and not tgt & want_tgt:
        return "other target"
    return None


def _voices(groups: list[list[str]], side_of: dict[str, str | None]) -> tuple[list[str], bool]:
    """The parties whose own sources speak, and whether the groups are more than one side's."""
    sides: set[str] = set()
    neutral = 0
    for g in groups:
        parties = {side_of.get(o) for o in g} - {None}
        if parties:
            sides |= {p for p in parties if p}
        else:
            neutral += 1
    return sorted(sides), len(groups) >= 2 and len(sides) + neutral >= 2


def parties(c: Condition, corpus: Corpus) -> set[str]:
    """Who has a stake in whether ``c`` was met: its states, the bound, the beneficiaries, the actors it
    names and the corpus's warring sides. Their own word is one side's; anyone else's is independent."""
    from truceline.verify.claims import belligerents

    p = c.condition
    return {*p.territory, *keys(c.bound), *keys(c.beneficiary), *keys(p.source), *keys(p.target),
            *belligerents(corpus)}


def _side(ref: ActorRef | None, kind: str | None, stake: set[str]) -> str | None:
    key = actor_key(ref) if ref else None
    if key is None:
        return None
    return key if kind == "allegation" or key in stake else None


def _incident_match(c: Condition, inc: Incident, verdict: str, why: list[str], ctx: Context) -> TriggerMatch:
    claims = [x for x in ctx.claims_of.get(inc.id, []) if x.stance == "asserts"]
    stake = parties(c, ctx.corpus)
    side_of = {x.origin: _side(x.claimant, x.kind if x.kind != "report" else None, stake) for x in claims}
    support = {x.origin for x in claims}
    groups = [g for g in inc.source_groups if set(g) & support] or inc.source_groups
    sides, corroborated = _voices(groups, side_of)
    claimants = list({(r.code, r.text): r for x in claims if (r := x.claimant)}.values())
    return TriggerMatch(incident_id=inc.id, verdict=verdict, why=why, plover=inc.plover, date=inc.date,
                        location=inc.location, claimants=claimants, sides=sides,
                        independent_sources=inc.independent_sources, source_groups=groups, corroborated=corroborated,
                        doc_ids=inc.doc_ids, evidence=inc.evidence[:5])  # fmt: skip


def _report_groups(reports: list[Report]) -> list[list[Report]]:
    """Reports of one state, relation and type within :data:`REPORT_DAYS` of each other."""
    out: list[list[Report]] = []
    for r in sorted(reports, key=lambda r: (r.date or "", r.sent.doc.id, r.sent.start)):
        days = interval(r.date)
        for g in out:
            other = interval(g[0].date)
            if g[0].state == r.state and g[0].area == r.area and (
                    days is None or other is None or abs((days[0] - other[0]).days) <= REPORT_DAYS):
                g.append(r)
                break
        else:
            out.append([r])
    return out


def _report_match(c: Condition, group: list[Report], verdict: str, ctx: Context) -> TriggerMatch:
    corpus = ctx.corpus
    stake = parties(c, corpus)
    items, claimants, side_of = [], {}, {}
    for r in group:
        origin, who = span_origin(corpus, r.sent.doc.id, r.sent.start, r.sent.end)
        items.append((origin, r.sent.doc.id, r.sent.start, r.sent.end))
        ref = who or ActorRef(text=r.sent.doc.outlet or r.sent.doc.id)
        claimants[(ref.code, ref.text)] = ref
        side_of[origin] = _side(who, None, stake)
    groups = independence_groups(corpus, items)
    sides, corroborated = _voices(groups, side_of)
    first = group[0]
    return TriggerMatch(
        incident_id=None, verdict=verdict, why=sorted({r.why for r in group}), plover=first.plover[0], date=first.date,
        location=territory.shapes()[first.state].name if first.state in territory.shapes() else first.state,
        claimants=list(claimants.values()), sides=sides, independent_sources=len(groups), source_groups=groups,
        corroborated=corroborated, doc_ids=sorted({r.sent.doc.id for r in group}),
        evidence=[Evidence(span=r.sent.span(), role="report") for r in group],
    )  # fmt: skip


def candidates(c: Condition, ctx: Context) -> tuple[list[TriggerMatch], list[str]]:
    """Every incident or report that meets or nearly meets ``c``, and reasons for what was left out."""
    pattern = c.condition
    start = _start(c)
    reasons: list[str] = []
    early = 0
    matches: dict[str, TriggerMatch] = {}
    text_of: dict[str, list[Report]] = {}
    for r in ctx.reports:
        if r.state in pattern.territory and (not pattern.plover or set(r.plover) & set(pattern.plover)):
            for eid in r.event_ids:
                if inc_id := ctx.result.incident_of.get(eid):
                    text_of.setdefault(inc_id, []).append(r)
    for inc in ctx.result.incidents:
        if pattern.plover and inc.plover not in pattern.plover:
            continue
        if _actors_fit(c, inc) is not None:
            continue
        if _before(inc.date, start):
            early += 1
            continue
        verdict, why = None, []
        if pattern.territory:
            said = text_of.get(inc.id, [])
            meets = [r for r in said if r.relation in REPORT_MEETS.get(pattern.relation or "on_territory_of", set())
                     and r.area is None]
            if meets:
                verdict, why = "meets", [r.why for r in meets]
            placed = _place_verdict(c, inc, ctx)
            if placed and placed[0] == "meets":
                verdict, why = "meets", [placed[1], *why]
            elif verdict is None and said:
                verdict, why = "nearly_meets", [r.why for r in said]
            elif verdict is None and placed and placed[0] == "nearly_meets":
                verdict, why = placed[0], [placed[1]]
        elif keys(pattern.target) & keys(inc.target):
            place = ctx.corpus.places.get(inc.place_id) if inc.place_id else None
            states = sorted(keys(pattern.target))
            if place is not None and place.lat is not None and all(
                    ctx.judge(place, s).relation == "outside" for s in states if s in territory.shapes()):
                reasons.append(f"{inc.id}: aimed at {', '.join(states)} by its actors but placed elsewhere")
                continue
            if keys(inc.source) - set(states):
                verdict, why = "meets", [f"{inc.plover} by {', '.join(sorted(keys(inc.source)))} against {', '.join(states)}"]
            else:
                verdict, why = "nearly_meets", [f"{inc.plover} against {', '.join(states)}, by no named actor"]
        if verdict:
            matches[inc.id] = _incident_match(c, inc, verdict, why, ctx)
    linked = {eid for m in matches.values() if m.incident_id for eid in ctx.incident_index[m.incident_id].event_ids}
    loose = [r for r in ctx.reports if r.state in pattern.territory and set(r.plover) & set(pattern.plover or r.plover)
             and not set(r.event_ids) & linked and not _before(r.date, start)]
    relation = pattern.relation or "on_territory_of"
    for group in _report_groups(loose):
        meets = [r for r in group if r.relation in REPORT_MEETS.get(relation, set()) and r.area is None]
        m = _report_match(c, meets or group, "meets" if meets else "nearly_meets", ctx)
        matches[stable_id("rep", *(e.span.doc_id + str(e.span.start) for e in m.evidence))] = m
    if early:
        reasons.append(f"{early} matching incident(s) dated before the condition ({start}) not counted")
    order = {"meets": 0, "nearly_meets": 1}
    return sorted(matches.values(), key=lambda m: (order[m.verdict], m.date or "", m.incident_id or "")), reasons


def _consequence(c: Condition, since: str | None, ctx: Context) -> tuple[Incident | None, str | None]:
    if c.kind == "plan_trigger" and c.basis and c.basis.record and c.basis.record.startswith("agreement:"):
        plan = next((a for a in ctx.result.agreements if f"agreement:{a.id}" == c.basis.record), None)
        if plan and plan.status in {"accepted", "in_force"}:
            return None, f"the plan is {plan.status.replace('_', ' ')}"
        return None, None
    pattern = c.consequence
    bound = keys(pattern.source) or keys(c.bound)
    if not bound:
        return None, None  # nobody is bound: nothing can show that the consequence followed
    for inc in sorted(ctx.result.incidents, key=lambda i: (i.date or "", i.id)):
        if pattern.plover and inc.plover not in pattern.plover:
            continue
        if bound and not keys(inc.source) & bound:
            continue
        if keys(pattern.target) and not keys(inc.target) & keys(pattern.target):
            continue
        if since and (not inc.date or _before(inc.date, since)):
            continue
        return inc, f"{inc.plover} by {', '.join(sorted(keys(inc.source)))} on {inc.date or 'an unknown date'}"
    return None, None


def watch(c: Condition, ctx: Context) -> TriggerWatch:
    """The trigger watch of one condition (see the module docstring)."""
    if c.condition.negated:  # "if X does not withdraw": no incident shows an act that did not happen
        return TriggerWatch(id=stable_id("wat", c.id), condition_id=c.id, reasons=[
            "conditional on an act not happening: incidents cannot show it was met; an incident of the act lifts it"])
    matches, reasons = candidates(c, ctx)
    met = [m for m in matches if m.verdict == "meets"]
    corroborated = [m for m in met if m.corroborated]
    if corroborated:
        status, basis_of = "triggered", corroborated
    elif met:
        status, basis_of = "claimed_triggered", met
    elif matches:
        status, basis_of = "nearly_met", []
    else:
        status, basis_of = "not_triggered", []
    claimants = list({(r.code, r.text): r for m in basis_of for r in m.claimants}.values())
    dates = sorted(d for m in basis_of if (d := m.date))
    on = dates[0] if dates else None
    reasons = [f"{len(met)} incident(s) or report(s) meet it, {len(matches) - len(met)} nearly", *reasons]
    if status == "claimed_triggered":
        sides = sorted({s for m in met for s in m.sides})
        reasons.append("asserted by " + (f"one side only ({', '.join(sides)})" if sides else
                                         f"{max(m.independent_sources for m in met)} source group(s), not independently corroborated"))
    followed, inc_id, evidence = "unknown", None, []
    bound = keys(c.consequence.source) or keys(c.bound)
    if (status in {"triggered", "claimed_triggered"} and bound) or c.kind == "plan_trigger":
        inc, why = _consequence(c, on, ctx)
        if why:
            followed, inc_id = "yes", inc.id if inc else None
            evidence = inc.evidence[:3] if inc else []
            reasons.append(f"consequence followed: {why}")
        elif status != "not_triggered" or c.kind != "plan_trigger":
            followed = "no" if status in {"triggered", "claimed_triggered"} else "unknown"
    return TriggerWatch(id=stable_id("wat", c.id), condition_id=c.id, status=status, claimants=claimants,
                        triggered_on=on, matches=matches, consequence_followed=followed,
                        consequence_incident_id=inc_id, reasons=reasons, evidence=evidence)  # fmt: skip


def corrected(c: Condition, edits: dict | None) -> Condition:
    """The condition with an analyst's edits applied (what is watched; the stored record keeps the machine's)."""
    if not edits:
        return c
    return Condition.model_validate({**c.model_dump(), **edits})


@step("conditions")
def watch_conditions(corpus: Corpus, result: Verification) -> None:
    """Extract the corpus's conditions, add the analysts', and watch each against the incidents."""
    sentences = candidate_sentences(corpus)
    reading = Reading(corpus, [a for a in result.agreements if a.kind == "plan"])
    extracted = conditions_of(read_drafts(sentences, reading))
    reviews = corpus.condition_reviews or {}
    added = [x if isinstance(x, Condition) else Condition.model_validate(x) for x in reviews.get("added", [])]
    edits = reviews.get("edits", {})
    skip = {(e.span.doc_id, e.span.start) for c in extracted for e in c.evidence}
    claims_of: dict[str, list[Claim]] = {}
    for cl in result.claims:
        if cl.incident_id:
            claims_of.setdefault(cl.incident_id, []).append(cl)
    ctx = Context(corpus, result, territory_reports(sentences, reading, skip), claims_of)
    seen = {c.id for c in extracted}
    for c in [*extracted, *(a for a in added if a.id not in seen)]:
        c.watch = watch(corrected(c, edits.get(c.id)), ctx)
        result.conditions.append(c)
