"""Contradictions: accounts that cannot all be true, each side with its evidence.

Four kinds, each found by a rule that says what must *not* count:

* ``agency``: one incident, two accounts of who did it, with disjoint source sides that are
  each framed as blame or initiation (a party's allegation, or a cue such as "began",
  "opened fire", "preemptively"); an exchange of fire reported both ways is not one, and the
  sides must come from different independence groups.
* ``number``: the same quantity (the counted noun, its nationality and what happened to
  it: killed, wounded, displaced...) given as ranges that do not overlap, by independent
  documents reported within :data:`NUMBER_WINDOW_DAYS` of each other (cumulative tolls grow).
  "More than 1,000" and "thousands" overlap; "about 2,000" and "4,000" do not.
* ``date``: near-identical accounts (same type, same actors, near-identical wording) that put
  the event on different days.
* ``internal``: a document that contradicts itself, as the timex stage flags (a weekday that
  does not match its date); a year-less date is checked against the years of the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from truceline.model import ActorRef, Contradiction, ContradictionSide, Event, Evidence, ExtractedDocument, make_span
from truceline.verify import step
from truceline.verify.common import is_day, keys, lexical_similarity, names, participants, stable_id
from truceline.verify.corpus import Corpus, Verification, published

AGENCY_TYPES = {"ASSAULT", "COERCE"}
INITIATION = re.compile(r"\b(began|begun|started|start|launched|launch|initiated|opened fire|preemptive(ly)?|"
                        r"first|provoked|provocation|triggered|sparked|broke out|attacked first|escalation)\b", re.I)
NUMBER_WINDOW_DAYS = 3
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _side(statement: str, items: list[tuple[ExtractedDocument, Event, str, ActorRef | None]],
          value: str | None = None) -> ContradictionSide:
    return ContradictionSide(
        statement=statement, value=value,
        claimants=list({(c.code or c.text): c for _d, _e, _o, c in items if c}.values()),
        doc_ids=sorted({d.id for d, _e, _o, _c in items}), origins=sorted({o for _d, _e, o, _c in items}),
        evidence=[Evidence(span=e.evidence[0].span, role="side") for _d, e, _o, _c in items],
    )  # fmt: skip


def agency(corpus: Corpus, result: Verification) -> None:
    from truceline.verify.claims import origin_of

    for inc in result.incidents:
        if inc.plover not in AGENCY_TYPES or len(inc.doc_ids) < 1:
            continue
        group_of = {o: n for n, g in enumerate(inc.source_groups) for o in g}
        sides: dict[frozenset, list] = {}
        for eid in inc.event_ids:
            doc, ev = corpus.event_index[eid]
            src, tgt = keys(ev.source), keys(ev.target)
            if not src or not tgt or src & tgt or ev.modality in ("denied", "negated"):
                continue  # no agency stated, or a mutual exchange
            framed = ev.modality == "alleged" or INITIATION.search(ev.evidence[0].span.text)
            if not framed:
                continue
            origin, claimant = origin_of(corpus, doc, ev)
            sides.setdefault(frozenset(src), []).append((doc, ev, origin, claimant))
        keys_ = list(sides)
        for i, a in enumerate(keys_):
            for b in keys_[i + 1:]:
                if a & b:
                    continue
                ga = {group_of.get(o) for _d, _e, o, _c in sides[a]}
                gb = {group_of.get(o) for _d, _e, o, _c in sides[b]}
                if ga <= gb and gb <= ga:
                    continue  # one source telling both: an exchange, not a dispute
                sa, sb = sides[a][0][1], sides[b][0][1]
                result.contradictions.append(Contradiction(
                    id=stable_id("con", "agency", inc.id, *sorted(map(sorted, (a, b)))), kind="agency",
                    subject=f"who carried out the {inc.plover.lower()} ({inc.date or 'undated'})", incident_id=inc.id,
                    sides=[_side(f"{names(sa.source)} against {names(sa.target)}", sides[a]),
                           _side(f"{names(sb.source)} against {names(sb.target)}", sides[b])],
                    reasons=["the same incident (type, participants, date) with opposite attackers",
                             "each side framed as blame or initiation, from different independence groups"],
                    evidence=[Evidence(span=x[1].evidence[0].span, role="side") for x in (*sides[a], *sides[b])],
                ))  # fmt: skip
                inc.reasons.append("attribution disputed: the sources disagree on who carried it out")


# ------------------------------------------------------------------ numbers

_NUMWORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
             "fifty": 50, "hundred": 100, "a hundred": 100, "a thousand": 1000}
# vague quantities as ranges (ACLED codes the low end: "dozens" = 12)
_VAGUE = {"dozens": (12, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
          "tens of thousands": (20000, 99999), "hundreds of thousands": (200000, 999999), "several": (3, 9),
          "a few": (2, 5), "dozen": (12, 12), "a dozen": (12, 12)}
_APPROX = {"about", "around", "approximately", "nearly", "almost", "some", "roughly", "an estimated", "estimated"}
_MIN = {"more than", "over", "at least", "upwards of", "in excess of", "no fewer than"}
_MAX = {"fewer than", "less than", "up to", "as many as", "under", "no more than"}
COUNTED = {"people", "person", "persons", "civilian", "civilians", "soldier", "soldiers", "troops", "serviceman",
           "servicemen", "fighter", "fighters", "combatant", "combatants", "militant", "militants", "mercenary",
           "mercenaries", "jihadist", "jihadists", "terrorist", "terrorists", "rebel", "rebels", "resident",
           "residents", "child", "children", "refugee", "refugees", "prisoner", "prisoners", "hostage", "hostages",
           "casualties", "deaths", "dead", "shells", "rockets", "missiles", "drones", "tanks"}
OUTCOMES = {"killed": "killed", "died": "killed", "dead": "killed", "deaths": "killed", "death": "killed",
            "lost their lives": "killed", "wounded": "wounded", "injured": "wounded", "displaced": "displaced",
            "fled": "displaced", "captured": "captured", "detained": "captured", "arrested": "captured",
            "transferred": "deployed", "deployed": "deployed", "sent": "deployed", "fired": "fired", "hit": "fired"}
_QTY = "|".join(sorted((re.escape(k) for k in [*_VAGUE, *_NUMWORDS]), key=len, reverse=True))
_MOD = "|".join(sorted((re.escape(k) for k in [*_APPROX, *_MIN, *_MAX]), key=len, reverse=True))
FIGURE = re.compile(rf"\b(?:(?P<mod>{_MOD})\s+(?:a\s+)?)?(?P<num>\d[\d,]*(?:\.\d+)?|{_QTY})\s+(?:of\s+)?"
                    rf"(?P<adj>(?:[A-Z][a-z]+|[a-z]+)\s+){{0,2}}?(?P<noun>[a-z]+)\b", re.I)
_OUTCOME = re.compile(r"\b(" + "|".join(sorted(map(re.escape, OUTCOMES), key=len, reverse=True)) + r")\b", re.I)
_BOTH = re.compile(r"\b(killed|dead)\s+(or|and)\s+(wounded|injured)\b", re.I)
# a counted noun as a word: every figure ends in one, and this is much cheaper to look for than FIGURE
_COUNTED_WORD = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, COUNTED), key=len, reverse=True)) + r")\b", re.I)


@dataclass
class Figure:
    doc: ExtractedDocument
    key: tuple[str, str, str]  # (counted noun, nationality, outcome)
    low: float
    high: float
    start: int
    end: int


def _value(num: str, mod: str | None) -> tuple[float, float] | None:
    num, mod = num.lower(), (mod or "").lower()
    if num in _VAGUE:
        low, high = _VAGUE[num]
    else:
        try:
            n = float(num.replace(",", "")) if num[0].isdigit() else _NUMWORDS[num]
        except (KeyError, ValueError):
            return None
        if num[0].isdigit() and 1900 <= n <= 2100 and "," not in num:
            return None  # a year, not a count
        low, high = n, n
    if mod in _APPROX:
        low, high = low * 0.85, high * 1.15
    elif mod in _MIN:
        low, high = low + (0 if num in _VAGUE else 1e-9), float("inf")
    elif mod in _MAX:
        low = 0.0
    return low, high


def _singular(noun: str) -> str:
    noun = noun.lower()
    irregular = {"people": "person", "persons": "person", "children": "child", "servicemen": "serviceman",
                 "troops": "troop", "casualties": "casualty", "deaths": "death", "mercenaries": "mercenary"}
    return irregular.get(noun, noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun)


def figures(corpus: Corpus, doc: ExtractedDocument) -> list[Figure]:
    """Counted quantities in a document's sentences, each with what it counts."""
    out: list[Figure] = []
    adjectives = _nationalities(corpus)
    for s, e in corpus.sentences_of(doc):
        sent = doc.text[s:e]
        if not _COUNTED_WORD.search(sent):
            continue  # no counted noun: no figure
        both = _BOTH.search(sent)
        for m in FIGURE.finditer(sent):
            noun = m.group("noun").lower()
            if noun not in COUNTED:
                continue
            value = _value(m.group("num"), m.group("mod"))
            if value is None:
                continue
            adj = (m.group("adj") or "").strip().lower().split()
            nationality = next((adjectives[a] for a in adj if a in adjectives), "")
            if both:
                outcome = "casualties"
            elif noun in ("deaths", "dead", "casualties"):
                outcome = "killed" if noun != "casualties" else "casualties"
            else:
                after = _OUTCOME.search(sent, m.end())  # "1,000 people ... have died"
                outcome = OUTCOMES[after.group(1).lower()] if after else ""
            out.append(Figure(doc, (_singular(noun), nationality, outcome), *value, s + m.start(), s + m.end()))
    return out


def _nationalities(corpus: Corpus) -> dict[str, str]:
    """Adjectives that name a country, from the actor mentions of the corpus ("azeri" -> "AZE").

    Computed once per corpus (it was once per document: quadratic in the corpus).
    """
    if "nationalities" not in corpus.memo:
        corpus.memo["nationalities"] = _find_nationalities(corpus)
    return corpus.memo["nationalities"]


def _find_nationalities(corpus: Corpus) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in corpus.docs.values():
        for m in d.mentions:
            text = m.evidence[0].span.text.lower()
            if m.code and len(text.split()) == 1 and text.endswith(("an", "i", "ese", "ish", "ch")):
                out.setdefault(text, m.code[:3])
    return out


def _independent(corpus: Corpus, a: ExtractedDocument, b: ExtractedDocument, fa: Figure, fb: Figure) -> bool:
    if a.id == b.id or (a.outlet and a.outlet == b.outlet) or (a.author and a.author == b.author):
        return False
    return not any(l.other_doc == b.id and l.start <= fa.start < l.end for l in a.reused_passages)


def _number_pairs(figs: list[Figure]) -> list[tuple[int, int]]:
    """Pairs ``(i < j)`` with the same counted quantity (and an outcome), both dated, within the window.

    Blocked by key, then swept by publication date, so the pairs compared grow with the
    figures that can contradict each other, not with the square of all figures.
    """
    by_key: dict[tuple, list[tuple[date, int]]] = {}
    for i, f in enumerate(figs):
        if f.key[2] and (d := published(f.doc)):
            by_key.setdefault(f.key, []).append((d, i))
    out: list[tuple[int, int]] = []
    for items in by_key.values():
        items.sort()
        for k, (da, i) in enumerate(items):
            for db, j in items[k + 1:]:
                if (db - da).days > NUMBER_WINDOW_DAYS:
                    break
                out.append((min(i, j), max(i, j)))
    return sorted(out)


def numbers(corpus: Corpus, result: Verification) -> None:
    figs = [f for d in corpus.docs.values() for f in figures(corpus, d)]
    seen: set[tuple] = set()
    for i, j in _number_pairs(figs):
        fa, fb = figs[i], figs[j]
        if fa.key != fb.key or not fa.key[2] or not _independent(corpus, fa.doc, fb.doc, fa, fb):
            continue
        da, db = published(fa.doc), published(fb.doc)
        if not da or not db or abs((da - db).days) > NUMBER_WINDOW_DAYS:
            continue
        if fa.low <= fb.high and fb.low <= fa.high:
            continue  # overlapping ranges: not a contradiction
        key = (fa.doc.id, fa.start, fb.doc.id, fb.start)
        if key in seen:
            continue
        seen.add(key)
        spans = [make_span(f.doc.id, f.doc.text, f.start, f.end) for f in (fa, fb)]
        noun, nat, outcome = fa.key
        result.contradictions.append(Contradiction(
            id=stable_id("con", "number", *key), kind="number",
            subject=" ".join(x for x in (nat, noun, outcome) if x),
            sides=[ContradictionSide(statement=sp.text, value=_range(f), claimants=[ActorRef(text=f.doc.outlet or f.doc.id)],
                                     doc_ids=[f.doc.id], origins=[f"doc:{f.doc.id}"],
                                     evidence=[Evidence(span=sp, role="side")]) for f, sp in zip((fa, fb), spans, strict=True)],
            reasons=[f"ranges {_range(fa)} and {_range(fb)} do not overlap",
                     f"independent documents reported within {NUMBER_WINDOW_DAYS} days of each other"],
            evidence=[Evidence(span=sp, role="side") for sp in spans],
        ))  # fmt: skip


def _range(f: Figure) -> str:
    hi = "" if f.high == float("inf") else f"{f.high:,.0f}"
    return f"{f.low:,.0f}" if f.low == f.high else f"{f.low:,.0f}-{hi}"


# ------------------------------------------------------------------ dates


def dates(corpus: Corpus, result: Verification) -> None:
    """Near-identical accounts of one event on different days."""
    from truceline.verify.claims import origin_of

    evs = [(d, e) for d, e in corpus.events() if is_day(e.date) and e.modality not in ("intended", "requested")]
    # blocked by (type, participants), which a pair must share: only pairs within a block are compared
    blocks: dict[tuple, list[int]] = {}
    for n, (_d, e) in enumerate(evs):
        if parts := participants(e):
            blocks.setdefault((e.plover, frozenset(parts)), []).append(n)
    pairs = sorted((m[x], m[y]) for m in blocks.values() for x in range(len(m)) for y in range(x + 1, len(m)))
    for i, j in pairs:
        (da, ea), (db, eb) = evs[i], evs[j]
        if da.id == db.id or ea.plover != eb.plover or ea.date == eb.date:
            continue
        if participants(ea) != participants(eb) or not participants(ea):
            continue
        ta = {t.value for t in corpus.timex_in(da.id, ea.evidence[0].span.start, ea.evidence[0].span.end)}
        tb = {t.value for t in corpus.timex_in(db.id, eb.evidence[0].span.start, eb.evidence[0].span.end)}
        if ea.date not in ta or eb.date not in tb:
            continue  # only dates the texts state
        if lexical_similarity(ea.evidence[0].span.text, eb.evidence[0].span.text) < 0.7:
            continue
        oa, ca = origin_of(corpus, da, ea)
        ob, cb = origin_of(corpus, db, eb)
        result.contradictions.append(Contradiction(
            id=stable_id("con", "date", ea.id, eb.id), kind="date",
            subject=f"the date of {ea.plover.lower()} by {names(ea.source)}",
            incident_id=result.incident_of.get(ea.id) if result.incident_of.get(ea.id) == result.incident_of.get(eb.id) else None,
            sides=[_side(f"on {ea.date}", [(da, ea, oa, ca)], ea.date), _side(f"on {eb.date}", [(db, eb, ob, cb)], eb.date)],
            reasons=["the same account (type, actors, wording) on different days"],
            evidence=[Evidence(span=ea.evidence[0].span, role="side"), Evidence(span=eb.evidence[0].span, role="side")],
        ))  # fmt: skip


# ------------------------------------------------------------------ internal


def internal(corpus: Corpus, result: Verification) -> None:
    years = sorted({p.year for d in corpus.docs.values() if (p := published(d))})
    for doc in corpus.docs.values():
        for t in doc.timex:
            issues = list(t.issues)
            m = re.match(r"^XXXX-(\d{2})-(\d{2})$", t.value)
            wd = next((w for w in WEEKDAYS if w in t.evidence[0].span.text.lower()), None)
            if not issues and m and wd and years and not published(doc):
                bad = []
                for y in years:
                    try:
                        d = date(y, int(m[1]), int(m[2]))
                    except ValueError:
                        continue
                    if WEEKDAYS[d.weekday()] != wd:
                        bad.append(f"{d.isoformat()} was a {WEEKDAYS[d.weekday()].title()}")
                if bad and len(bad) == len(years):
                    issues.append(f"weekday {wd.title()} does not match the date in the corpus's year(s): "
                                  + "; ".join(bad) + " (the document itself gives no year)")
            for issue in issues:
                span = t.evidence[0].span
                result.contradictions.append(Contradiction(
                    id=stable_id("con", "internal", t.id, issue), kind="internal",
                    subject=f"'{span.text}' in {doc.title or doc.id}",
                    sides=[ContradictionSide(statement=issue, value=t.value, claimants=[ActorRef(text=doc.outlet or doc.id)],
                                             doc_ids=[doc.id], origins=[f"doc:{doc.id}"], evidence=[Evidence(span=span, role="side")])],
                    reasons=[issue], evidence=[Evidence(span=span, role="inconsistent")],
                ))  # fmt: skip


CHECKS = {"agency": agency, "number": numbers, "date": dates, "internal": internal}


@step("contradictions")
def find_contradictions(corpus: Corpus, result: Verification) -> None:
    for check in CHECKS.values():
        check(corpus, result)
    result.contradictions.sort(key=lambda c: (c.kind, c.id))

