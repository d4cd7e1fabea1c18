"""Agreements, joint statements, ceasefires and plans, their status over time and their clauses.

Why this step reads the text again and not only the events: the event coder says *that*
someone agreed, called for or weighed something, but an agreement is a thing with a name, a
date, brokers and clauses, and it is referred to again ("the truce", "this plan", "breaching
it") in sentences that code no event about it. So the step works in four passes, all driven
by the general vocabulary in ``truceline/data/agreement_terms.json``:

1. *Mentions*: every sentence with an agreement noun (ceasefire, joint statement, accord,
   plan ...) that the parse shows to be a noun naming a thing (not "ceasefire verification
   mechanisms", not "in agreement with the view") and that carries a signal: a status cue
   ("brokered", "violated", "took effect", "weighing"), a broker, a proposer or a date. Its
   parties, brokers and proposer come from the actor mentions and events of the sentence.
2. *Merging*: mentions become one agreement only with positive evidence of identity (a shared
   broker or proposer, dates within a window, or an anaphoric mention in the same document);
   conflicting brokers, proposers, places or dates keep them apart, so a Russia-brokered and a
   US-brokered ceasefire never merge.
3. *History*: every status cue of every mention is an append-only :class:`StatusChange` with its
   evidence; breach accusations are linked to the claims of the lead's claims step.
4. *Commitments*: the clauses after "agreed to the following:" (or the quotes whose cue is the
   agreement sentence, or "agreed to X and Y") with a modal become :class:`Commitment` records,
   judged against later events of the corpus (met, breached, overdue, pending, unknown).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from truceline.model import (
    ActorRef,
    Agreement,
    Commitment,
    Event,
    Evidence,
    ExtractedDocument,
    Place,
    Span,
    StatusChange,
    make_span,
)
from truceline.nlp.parses import cue as parse_cue
from truceline.text import paragraphs
from truceline.verify import step
from truceline.verify.common import actor_key, interval, keys, stable_id
from truceline.verify.corpus import Corpus, Verification, published

# ----------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Terms:
    """The compiled vocabulary: one regex per table, so matching stays declarative."""

    nouns: dict[str, str]  # lower-cased term -> kind
    noun_re: re.Pattern
    priority: list[str]
    act_nouns: set[str]
    not_agreement: re.Pattern
    cues: dict[str, re.Pattern]
    rank: dict[str, int]
    call_lemmas: set[str]
    aim_lemmas: set[str]
    new_cues: set[str]
    despite: re.Pattern
    accusation: re.Pattern
    mediators: list[re.Pattern]
    modal_aux: set[str]
    modal_verbs: set[str]
    refrain_verbs: set[str]
    clause_lead: re.Pattern
    deadline_preps: dict[str, str]
    failure: re.Pattern
    side_words: re.Pattern


def _alt(items: Iterable[str]) -> str:
    return "|".join(_spaces(i) for i in sorted(items, key=len, reverse=True))


def _spaces(pattern: str) -> str:
    """A space in a vocabulary pattern matches any run of whitespace ("getting  agreement")."""
    return pattern.replace("\\ ", " ").replace(" ", r"\s+")


@parse_cue("agreements")
def _names_an_agreement(sentence: str) -> bool:
    """The sentences this step parses: those naming an agreement, ceasefire or plan."""
    return bool(terms().noun_re.search(sentence))


@cache
def terms() -> Terms:
    """The vocabulary, loaded once per process."""
    raw = json.loads(resources.files("truceline.data").joinpath("agreement_terms.json").read_text(encoding="utf-8"))
    nouns = {t.lower(): kind for kind, ts in raw["nouns"].items() for t in ts}
    word = lambda items: re.compile(rf"\b(?:{_alt(items)})\b", re.I)  # noqa: E731
    return Terms(
        nouns=nouns,
        noun_re=re.compile(rf"\b(?:{_alt(re.escape(t) for t in nouns)})\b", re.I),
        priority=raw["kind_priority"],
        act_nouns=set(raw["act_nouns"]),
        not_agreement=re.compile("|".join(_spaces(p) for p in raw["not_agreement"]), re.I),
        cues={s: word(ps) for s, ps in raw["status_cues"].items()},
        rank={s: n for n, s in enumerate(raw["status_rank"])},
        call_lemmas=set(raw["call_lemmas"]),
        aim_lemmas=set(raw["aim_lemmas"]),
        new_cues=set(raw["new_cues"]),
        despite=word(raw["despite"]),
        accusation=word(raw["accusation"]),
        mediators=[re.compile(_spaces(p)) for p in raw["mediator_patterns"]],
        modal_aux=set(raw["modal_aux"]),
        modal_verbs=set(raw["modal_verbs"]),
        refrain_verbs=set(raw["refrain_verbs"]),
        clause_lead=word(raw["clause_lead"]),
        deadline_preps=raw["deadline_preps"],
        failure=word(raw["failure_cues"]),
        side_words=word(raw["side_words"]),
    )


# Days two dated mentions of one agreement may lie apart (reports lag; plans are discussed for weeks).
DATE_WINDOW = {"ceasefire": 4, "joint_statement": 2, "agreement": 4, "plan": 60}
# Statuses a mention's date is the agreement's own date for.
DATING = ("accepted", "in_force", "proposed")
COOPERATIVE = {"AID", "COOPERATE", "RETREAT", "CONSULT", "SUPPORT", "CONCEDE", "AGREE"}
HOSTILE = {"ASSAULT", "COERCE", "MOBILIZE", "SANCTION", "THREATEN", "PROTEST"}
QUOTE_OPENERS = "“\"‘'«„"
PRONOUN_SUBJECTS = {"we", "they", "both", "each", "all"}
UNIT_DAYS = {"D": 1, "W": 7}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "a": 1}


# ----------------------------------------------------------------------------- sentences and parses


@dataclass
class Sent:
    """One sentence of a document with the events coded in it and (when needed) its parse."""

    doc: ExtractedDocument
    start: int
    end: int
    events: list[Event]
    n: int  # position in the document

    @property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]

    def span(self) -> Span:
        return make_span(self.doc.id, self.doc.text, self.start, self.end)


class Reader:
    """Sentences of every document, parsed lazily and once (only sentences that need a parse)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.sents: dict[str, list[Sent]] = {}
        self._parses: dict[tuple[str, int], Any] = {}
        for doc in corpus.docs.values():
            spans = corpus.sentences_of(doc)
            out = [Sent(doc, s, e, [], n) for n, (s, e) in enumerate(spans)]
            for ev in doc.events:
                at = ev.evidence[0].span.start
                hit = next((s for s in out if s.start <= at < s.end), None)
                if hit is not None:
                    hit.events.append(ev)
            self.sents[doc.id] = out

    def parse(self, sents: list[Sent]) -> None:
        """Parse the given sentences in one batch (spaCy loads once per process)."""
        todo = [s for s in sents if (s.doc.id, s.start) not in self._parses]
        if not todo:
            return
        kept = self.corpus.parses_of(s.doc.id for s in todo)  # parsed at reading, kept in the store
        if kept:
            for s in todo:
                if (sdoc := kept.get(s.doc.id, {}).get((s.start, s.end))) is not None:
                    self._parses[(s.doc.id, s.start)] = sdoc
            todo = [s for s in todo if (s.doc.id, s.start) not in self._parses]
            if not todo:
                return
        from truceline.nlp.runtime import get_nlp

        for s, sdoc in zip(todo, get_nlp().pipe(s.text for s in todo), strict=True):
            self._parses[(s.doc.id, s.start)] = sdoc

    def tree(self, s: Sent) -> Any:
        self.parse([s])
        return self._parses[(s.doc.id, s.start)]

    def at(self, doc_id: str, offset: int) -> Sent | None:
        return next((s for s in self.sents.get(doc_id, []) if s.start <= offset < s.end), None)


def refs_in(corpus: Corpus, doc: ExtractedDocument, start: int, end: int) -> list[tuple[int, ActorRef]]:
    """Actor mentions of ``doc`` inside ``[start, end)``, as (offset, ref), in text order."""
    out = []
    for m in doc.mentions:
        sp = m.evidence[0].span
        if start <= sp.start and sp.end <= end:
            actor = corpus.actors.get(m.actor_id) if m.actor_id else None
            code = m.code or (actor.code if actor else None)
            if code or m.actor_id:
                out.append((sp.start, ActorRef(text=sp.text, code=code, actor_id=m.actor_id)))
    return sorted(out, key=lambda x: x[0])


def dedupe(refs: Iterable[ActorRef]) -> list[ActorRef]:
    """One ref per actor identity (country for state codes), preferring the plain state ref."""
    best: dict[str, ActorRef] = {}
    order: list[str] = []
    for r in refs:
        k = actor_key(r) or (r.actor_id or r.text)
        if k not in best:
            best[k], order = r, order + [k]
        elif (r.code or "") == k and (best[k].code or "") != k:
            best[k] = r
    return [best[k] for k in order]


def _by_actor(refs: Iterable[ActorRef]) -> list[ActorRef]:
    """One ref per actor record (two organisations may share a code: ICRC's partners, OSCE bodies)."""
    out: dict[str, ActorRef] = {}
    for r in refs:
        out.setdefault(r.actor_id or r.code or r.text, r)
    return list(out.values())


def name_of(corpus: Corpus, ref: ActorRef) -> str:
    actor = corpus.actors.get(ref.actor_id) if ref.actor_id else None
    return actor.name if actor else ref.text


# ----------------------------------------------------------------------------- mentions


@dataclass
class Change:
    status: str
    date: str | None
    evidence: Evidence
    note: str | None = None
    sort: str = ""


@dataclass
class Mention:
    """One sentence's reference to an agreement, with what that sentence says about it."""

    kind: str
    sent: Sent
    start: int
    end: int
    call: bool = False
    new: bool = False
    anaphoric: bool = False
    breach_only: bool = False
    parties: list[ActorRef] = field(default_factory=list)
    weak_parties: bool = False
    mediators: list[ActorRef] = field(default_factory=list)
    proposer: ActorRef | None = None
    date: str | None = None
    place: Place | None = None
    changes: list[Change] = field(default_factory=list)
    accusation_events: list[str] = field(default_factory=list)
    head: Any = None

    @property
    def doc_id(self) -> str:
        return self.sent.doc.id


def _noun_hits(r: Reader, s: Sent) -> list[tuple[str, Any, int, int]]:
    """(kind, head token, start, end) for each agreement noun the parse shows names a thing."""
    t = terms()
    text = s.text
    out = []
    if not t.noun_re.search(text):
        return out
    sdoc = r.tree(s)
    for m in t.noun_re.finditer(text):
        kind = t.nouns[m.group(0).lower()]
        toks = [tok for tok in sdoc if m.start() <= tok.idx < m.end()]
        head = next((tok for tok in toks if not (m.start() <= tok.head.idx < m.end()) or tok.head is tok), None)
        if head is None or head.pos_ not in {"NOUN", "PROPN"}:
            continue  # "Russia plans to ...": a verb
        if head.dep_ == "compound" or (head.dep_ == "amod" and head.head.pos_ == "NOUN"):
            continue  # "ceasefire verification mechanisms"; "ceasefire agreements" is decided at its head
        kind = _compound_kind(head, kind)
        if _act_noun(head) or _not_agreement(text, m.start(), m.end()):
            continue
        out.append((kind, head, s.start + m.start(), s.start + m.end()))
    return out


def _compound_kind(head: Any, kind: str) -> str:
    """A ceasefire noun modifying an agreement noun ("ceasefire agreement", "truce deal") makes it a ceasefire."""
    t = terms()
    for c in head.children:
        if c.dep_ in {"compound", "amod"} and t.nouns.get(c.lower_) and \
                t.priority.index(t.nouns[c.lower_]) < t.priority.index(kind):
            return t.nouns[c.lower_]
    return kind


def _act_noun(head: Any) -> bool:
    """Bare "agreement"/"deal" ("getting agreement between A and B") is the act of agreeing, not a record."""
    if head.lemma_.lower() not in terms().act_nouns or head.tag_ in {"NNS", "NNPS"}:
        return False
    return not any(c.dep_ in {"det", "poss", "amod", "compound", "nummod", "nmod"} for c in head.children)


def _not_agreement(text: str, start: int, end: int) -> bool:
    """"in agreement with the view that ...": concurrence, not an agreement."""
    window = text[max(0, start - 30):end + 30]
    return any(start - max(0, start - 30) - 25 <= m.start() <= end - max(0, start - 30) and m.end() >= start -
               max(0, start - 30) for m in terms().not_agreement.finditer(window))


def _ancestors(tok: Any, n: int = 6) -> list[Any]:
    out = []
    while tok.head is not tok and len(out) < n:
        tok = tok.head
        out.append(tok)
    return out


def _is_call(head: Any) -> bool:
    """A ceasefire called for, urged or demanded: nothing agreed yet."""
    if any(c.dep_ in {"acl", "relcl"} and terms().cues["accepted"].fullmatch(c.text) for c in head.children):
        return False  # "the agreements reached by ...": its own status
    lemmas = [a.lemma_.lower() for a in _ancestors(head, 5)]
    return bool(set(lemmas) & terms().call_lemmas)


def _is_aim(head: Any) -> bool:
    """"seeks to help establish a ceasefire": an aim, not a record (only for nouns that are objects)."""
    if head.dep_ not in {"dobj", "pobj", "obj"}:
        return False
    return any(a.lemma_.lower() in terms().aim_lemmas for a in _ancestors(head, 5))


def _is_new(head: Any) -> bool:
    return any(c.lower_ in terms().new_cues for c in head.children if c.dep_ in {"amod", "det", "advmod"})


def _has_owner_word(head: Any) -> bool:
    return any(c.dep_ in {"poss"} or (c.dep_ == "prep" and c.lower_ == "by") for c in head.children)


def _phrase_refs(corpus: Corpus, s: Sent, toks: list[Any]) -> list[ActorRef]:
    out: list[ActorRef] = []
    for t in toks:
        sub = list(t.subtree)
        a, b = s.start + sub[0].idx, s.start + sub[-1].idx + len(sub[-1].text)
        out += [ref for _, ref in refs_in(corpus, s.doc, a, b)]
    return dedupe(out)


def _mediators(corpus: Corpus, s: Sent) -> list[ActorRef]:
    """Brokers named by the mediation patterns ("X-brokered", "with the mediation of X", ...)."""
    out: list[ActorRef] = []
    for pat in terms().mediators:
        for m in pat.finditer(s.text):
            a, b = s.start + m.start("x"), s.start + m.end("x")
            out += [ref for _, ref in refs_in(corpus, s.doc, a, b)]
    return dedupe(out)


def _speaker(corpus: Corpus, s: Sent) -> ActorRef | None:
    """The speaker of a quote the sentence lies in (who "our country" is)."""
    for q in corpus.quotes_at(s.doc.id, s.start, s.end):
        if q.speaker_actor_id and q.speaker_actor_id in corpus.actors:
            a = corpus.actors[q.speaker_actor_id]
            return ActorRef(text=q.speaker_text or a.name, code=a.code, actor_id=a.id)
    return None


def _proposer(corpus: Corpus, s: Sent, head: Any, considering: bool, proposing: bool) -> ActorRef | None:
    """Whose plan: "Iran's plan", "the plan by X", else (for "his country's plan") the actor of the sentence."""
    owners = [c for c in head.children if c.dep_ in {"poss", "compound", "amod", "nmod"}]
    owners += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "by" for g in c.children]
    refs = _phrase_refs(corpus, s, owners)
    left = head.doc[head.i - 1] if head.i > 0 else None
    if not refs and left is not None and left.pos_ == "PROPN":  # "Moscow weighing Iran initiative"
        refs = _phrase_refs(corpus, s, [left])[:1]
    if refs:
        return refs[0]
    if not any(c.dep_ == "poss" for c in head.children) and not proposing:
        return None  # "the plan", "this plan": anaphoric
    if not considering:
        for ev in s.events:
            if ev.source and ev.plover in {"AGREE", "CONSULT", "REQUEST", "CONCEDE"}:
                return ev.source[0]
    return _speaker(corpus, s)


def _caller(corpus: Corpus, s: Sent, head: Any) -> ActorRef | None:
    """Who calls for it: the subject or owner of the call word, else the quote's speaker ("we call on")."""
    call = next((a for a in _ancestors(head, 5) if a.lemma_.lower() in terms().call_lemmas), None)
    if call is None:
        return None
    who = [c for c in call.children if c.dep_ in {"nsubj", "poss"}]
    refs = _phrase_refs(corpus, s, who)
    if refs:
        return refs[0]
    if any(c.lower_ in {"we", "i"} for c in who) or not who:
        return _speaker(corpus, s)
    return None


def _between(corpus: Corpus, s: Sent) -> list[ActorRef]:
    for m in re.finditer(r"\bbetween\s+([^,;:]{3,80})", s.text):
        found = dedupe(ref for _, ref in refs_in(corpus, s.doc, s.start + m.start(1), s.start + m.end(1)))
        if found:
            return found
    return []


def _state_like(ref: ActorRef) -> bool:
    k = actor_key(ref) or ""
    return len(k) == 3 and k.isalpha() and k not in {"IGO", "NGO", "MNC", "IMG"}


def _parties(corpus: Corpus, s: Sent, kind: str, exclude: set[str]) -> tuple[list[ActorRef], bool]:
    """The belligerents: "between A and B", the actors of the sentence's agreement events, else
    the states it names. Weak when the event actors were resolved from "the sides" elsewhere."""
    found = [r for r in _between(corpus, s) if actor_key(r) not in exclude]
    if found:
        return found, False
    evs = [r for ev in s.events if ev.plover in {"AGREE", "CONCEDE", "ACCUSE", "ASSAULT", "CONSULT"}
           for r in ev.source + ev.target]
    evs = [r for r in dedupe(evs) if actor_key(r) not in exclude and _state_like(r)]
    if evs:
        weak = all(r.text not in s.text for r in evs)
        return evs, weak
    if kind == "plan":
        return [], False
    named = [r for _, r in refs_in(corpus, s.doc, s.start, s.end) if _state_like(r) and actor_key(r) not in exclude]
    return dedupe(named), False


def _place(corpus: Corpus, s: Sent) -> Place | None:
    """A city named with "in"/"at" in the sentence, never one inside an organisation's name."""
    orgs = [(m.evidence[0].span.start, m.evidence[0].span.end) for m in s.doc.mentions if m.kind == "organization"]
    for p in s.doc.places:
        if p.feature != "city":
            continue
        for ev in p.evidence:
            a = ev.span.start
            if s.start <= a < s.end and not any(x <= a < y for x, y in orgs) and \
                    re.search(r"\b(?:in|at)\s+(?:the\s+)?$", s.doc.text[max(s.start, a - 10):a]):
                return p
    return None


def _timexes(s: Sent) -> list[tuple[int, str]]:
    """(offset, value) of the sentence's calendar dates."""
    return [(t.evidence[0].span.start, t.value) for t in s.doc.timex
            if t.type == "DATE" and s.start <= t.evidence[0].span.start < s.end and re.match(r"^\d{4}", t.value)]


def _cues(s: Sent) -> list[tuple[int, str, str]]:
    """(offset, status, words) of every status cue in the sentence."""
    out = []
    for status, pat in terms().cues.items():
        out += [(s.start + m.start(), status, m.group(0)) for m in pat.finditer(s.text)]
    return sorted(out)


def _nearest(offset: int, items: list[tuple[int, str]]) -> str | None:
    return min(items, key=lambda x: abs(x[0] - offset))[1] if items else None


def sentence_mentions(corpus: Corpus, r: Reader, s: Sent) -> list[Mention]:
    """Every agreement mention of one sentence, with its status cues assigned to the nearest noun."""
    hits = _noun_hits(r, s)
    by_kind: dict[str, tuple[str, Any, int, int]] = {}
    for h in hits:
        by_kind.setdefault(h[0], h)
    if not by_kind:
        return _breach_only(corpus, s)
    nouns = list(by_kind.values())
    mediators = _mediators(corpus, s)
    dates = _timexes(s)
    out = []
    for kind, head, a, b in nouns:
        mine = [c for c in _cues(s) if min(nouns, key=lambda n: abs(n[2] - c[0])) is by_kind[kind]]
        m = Mention(kind, s, a, b, call=_is_call(head), new=_is_new(head), head=head)
        considering = any(st == "under_consideration" for _, st, _ in mine)
        proposing = any(st == "proposed" for _, st, _ in mine)
        m.mediators = mediators if kind != "plan" else []
        if m.call:
            m.proposer = _caller(corpus, s, head)
        elif kind == "plan":
            m.proposer = _proposer(corpus, s, head, considering, proposing)
        exclude = keys(m.mediators) | (keys([m.proposer]) if m.proposer else set())
        if kind == "plan":
            m.parties = [r for r in _between(corpus, s) if actor_key(r) not in exclude]
        else:
            m.parties, m.weak_parties = _parties(corpus, s, kind, exclude)
        m.place = _place(corpus, s) if kind != "plan" else None  # a plan travels; where it was made is not said
        _statuses(corpus, m, mine, dates)
        m.date = m.date or _own_date(s, head, dates)
        if not m.changes and _is_aim(head):
            continue
        m.anaphoric = not (m.mediators or m.proposer or m.date)  # the belligerents alone tell no truce apart
        if _keep(m, head):
            out.append(m)
    return out


def _own_date(s: Sent, head: Any, dates: list[tuple[int, str]]) -> str | None:
    """A date written inside the noun phrase: "the October 10 joint statement"."""
    lo, hi = s.start + head.left_edge.idx, s.start + head.idx
    return next((v for at, v in dates if lo <= at < hi), None)


def _keep(m: Mention, head: Any) -> bool:
    """A mention is a record only with a signal: a status, a broker, a proposer or a date."""
    if m.changes or m.mediators or m.proposer or m.date:
        if not m.changes:
            default = "proposed" if m.kind == "plan" or m.call else "accepted"
            m.changes.append(Change(default, m.date, Evidence(span=m.sent.span(), role="mention")))
        return True
    determined = any(c.dep_ == "det" and c.lower_ in {"the", "this", "that", "these", "those"} for c in head.children)
    if determined:
        m.anaphoric = True  # "this plan", "the truce": kept if it refers back to something in its document
        return True
    return False


def _statuses(corpus: Corpus, m: Mention, cues: list[tuple[int, str, str]], dates: list[tuple[int, str]]) -> None:
    """The status changes one mention reports, from its cues and the sentence's events."""
    s = m.sent
    span = s.span()
    sentence_date = dates[0][1] if dates else None
    seen: set[str] = set()
    for at, status, words in cues:
        if m.call and status not in {"proposed", "rejected"}:
            continue
        if m.kind == "plan" and status in {"breached", "collapsed", "in_force"}:
            continue
        if status == "accepted" and m.kind == "plan" and words.lower().startswith(("broker", "issu", "declar")):
            continue
        if status in seen:
            continue
        seen.add(status)
        note = f"cue: {words}"
        if status == "under_consideration":
            who = _considerer(corpus, s, m, at, words)
            note += f"; by {who}" if who else ""
        m.changes.append(Change(status, _nearest(at, dates) or sentence_date, Evidence(span=span, role=status, note=note)))
    if m.call:
        m.changes.append(Change("proposed", sentence_date, Evidence(span=span, role="call",
                                                                    note="called for" + _by(corpus, m.proposer))))
        return
    _event_statuses(corpus, m, seen, sentence_date)
    dating = [c.date for c in m.changes if c.status in DATING and c.date]
    m.date = dating[0] if dating else None


def _by(corpus: Corpus, ref: ActorRef | None) -> str:
    return f" by {name_of(corpus, ref)}" if ref else ""


def _considerer(corpus: Corpus, s: Sent, m: Mention, at: int, words: str) -> str | None:
    """Who weighs it: "studied by X", else the actor just before the cue, else the consulting event's source."""
    own = {actor_key(m.proposer)} if m.proposer else set()
    end = at + len(words)
    agent = re.match(r"\s+by\s+([^,;.]{2,60})", s.doc.text[end:s.end])
    refs = [r for _, r in refs_in(corpus, s.doc, end, end + agent.end())] if agent else []
    refs = refs or [r for _, r in refs_in(corpus, s.doc, s.start, at)][-1:]
    refs = [r for r in refs if actor_key(r) not in own]
    refs = refs or [r for ev in s.events if ev.plover == "CONSULT" for r in ev.source if actor_key(r) not in own]
    return name_of(corpus, refs[0]) if refs else None


def _event_statuses(corpus: Corpus, m: Mention, seen: set[str], when: str | None) -> None:
    """Breaches the event coder found: a violated ceasefire (CAMEO 196), an attack "despite" it."""
    s = m.sent
    span = s.span()
    if m.kind == "plan":
        return
    breach = [ev for ev in s.events if (ev.cameo or "").startswith("196") and ev.modality in {"asserted", "alleged"}]
    pattern = rf"(?:{terms().despite.pattern})\W+(?:\w+\W+){{0,4}}{re.escape(s.doc.text[m.start:m.end])}"
    despite = re.search(pattern, s.text, re.I) and any(
        ev.plover == "ASSAULT" and ev.modality in {"asserted", "alleged"} for ev in s.events)
    accused = terms().accusation.search(s.text)
    acc_events = [ev.id for ev in s.events if ev.plover == "ACCUSE"]
    if (breach or despite) and "breached" not in seen:
        note = "coded as a ceasefire violation" if breach else "attack reported despite it"
        m.changes.append(Change("breached", breach[0].date if breach and breach[0].date else when,
                                Evidence(span=span, role="breached", note=note)))
    if any(c.status == "breached" for c in m.changes) and (accused or acc_events):
        m.accusation_events = acc_events + [ev.id for ev in breach]
        for c in m.changes:
            if c.status == "breached":
                c.evidence.note = (c.evidence.note or "") + "; accusation" + _accusers(corpus, s, keys(m.mediators))
    elif breach:
        m.accusation_events = [ev.id for ev in breach]


def _accusers(corpus: Corpus, s: Sent, exclude: set[str] | None = None) -> str:
    """Who accuses: the ACCUSE events' sources, else the actors just before "accused"/"blamed"."""
    exclude = exclude or set()
    names = [name_of(corpus, r) for ev in s.events if ev.plover == "ACCUSE" for r in ev.source
             if actor_key(r) not in exclude]
    if not names:
        m = terms().accusation.search(s.text)
        lo = s.start + max(0, (m.start() if m else 0) - 60)
        names = [name_of(corpus, r) for _, r in refs_in(corpus, s.doc, lo, s.start + m.start())
                 if actor_key(r) not in exclude] if m else []
    names = list(dict.fromkeys(names))
    return f" by {', '.join(names)}" if names else ""


def _breach_only(corpus: Corpus, s: Sent) -> list[Mention]:
    """"Each side blamed the other for breaching it": a breach of an agreement named earlier."""
    breach = [ev for ev in s.events if (ev.cameo or "").startswith("196") and ev.modality in {"asserted", "alleged"}]
    if not breach:
        return []
    m = Mention("ceasefire", s, s.start, s.start, anaphoric=True, breach_only=True)
    when = breach[0].date
    accusers = _accusers(corpus, s) if any(ev.plover == "ACCUSE" for ev in s.events) or \
        terms().accusation.search(s.text) else ""
    m.changes.append(Change("breached", when, Evidence(span=s.span(), role="breached",
                                                       note="coded as a violation" + ("; accusation" + accusers
                                                                                      if accusers else ""))))
    m.accusation_events = [ev.id for ev in s.events if ev.plover == "ACCUSE"] + [ev.id for ev in breach]
    return [m]


# ----------------------------------------------------------------------------- merging


@dataclass
class Cluster:
    mentions: list[Mention]

    @property
    def kind(self) -> str:
        return self.mentions[0].kind

    @property
    def call(self) -> bool:
        return self.mentions[0].call

    def parties(self, strong: bool = True) -> set[str]:
        return {k for m in self.mentions if not (strong and m.weak_parties) for k in keys(m.parties)}

    def mediators(self) -> set[str]:
        return {k for m in self.mentions for k in keys(m.mediators)}

    def proposer(self) -> str | None:
        return next((actor_key(m.proposer) for m in self.mentions if m.proposer), None)

    def date(self) -> str | None:
        """The earliest date a mention gives it, a calendar day preferred over a week or a year."""
        dates = [m.date for m in self.mentions if m.date]
        days = [d for d in dates if re.match(r"^\d{4}-\d{2}-\d{2}", d)]
        return min(days or dates, key=sort_key, default=None)

    def place(self) -> str | None:
        return next((m.place.name for m in self.mentions if m.place), None)

    def docs(self) -> set[str]:
        return {m.doc_id for m in self.mentions}


def _days_apart(a: str, b: str) -> int | None:
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        ya, yb = a[:4], b[:4]
        return None if not (ya.isdigit() and yb.isdigit()) else (0 if ya == yb else 366 * abs(int(ya) - int(yb)))
    if ia[1] < ib[0]:
        return (ib[0] - ia[1]).days
    if ib[1] < ia[0]:
        return (ia[0] - ib[1]).days
    return 0


def conflicts(c: Cluster, m: Mention) -> bool:
    """Attributes that cannot both be true of one agreement."""
    if c.kind != m.kind or c.call != m.call:
        return True
    mp = keys(m.parties)
    if mp and not m.weak_parties and c.parties() and not (mp & c.parties()):
        return True
    mm = keys(m.mediators)
    if mm and c.mediators() and not (mm & c.mediators()):
        return True
    if m.proposer and c.proposer() and actor_key(m.proposer) != c.proposer():
        return True
    if m.date and c.date():
        apart = _days_apart(m.date, c.date() or "")
        if apart is not None and apart > DATE_WINDOW[m.kind]:
            return True
    return bool(m.place and c.place() and m.place.name != c.place())


def identity(c: Cluster, m: Mention) -> int:
    """Positive evidence that ``m`` refers to the agreement ``c``: a shared broker, proposer, date, place."""
    score = 0
    if keys(m.mediators) & c.mediators():
        score += 2
    if m.proposer and actor_key(m.proposer) == c.proposer():
        score += 2
    if m.date and c.date() and (_days_apart(m.date, c.date() or "") or 0) <= DATE_WINDOW[m.kind]:
        score += 2
    if m.place and c.place() == m.place.name:
        score += 1
    return score


def merge(mentions: list[Mention]) -> list[Cluster]:
    """Mentions in document order -> agreements; only positive identity (or in-document anaphora) merges."""
    clusters: list[Cluster] = []
    for m in mentions:
        if m.breach_only:
            target = _last_in_doc(clusters, m, kinds=("ceasefire", "agreement", "joint_statement"))
            if target is not None:
                target.mentions.append(m)
            continue
        candidates = [c for c in clusters if not conflicts(c, m)]
        if m.new:
            candidates = [c for c in candidates if m.date and c.date()]
        scored = [(identity(c, m), c) for c in candidates]
        best = max((sc for sc, _ in scored), default=0)
        chosen = None
        if best > 0:
            top = [c for sc, c in scored if sc == best]
            chosen = top[-1] if len(top) == 1 or m.doc_id in top[-1].docs() else None
        elif m.anaphoric and not m.new:
            chosen = _last_in_doc(candidates, m, kinds=(m.kind,))
        if chosen is not None:
            chosen.mentions.append(m)
        elif not m.anaphoric or any(ch.evidence.role != "mention" for ch in m.changes):
            clusters.append(Cluster([m]))  # an unmatched "the plan" with nothing to say is dropped
    return clusters


def _last_in_doc(clusters: list[Cluster], m: Mention, kinds: tuple[str, ...]) -> Cluster | None:
    """The agreement of these kinds mentioned last before ``m`` in its own document."""
    best, best_at = None, -1
    for c in clusters:
        if c.kind not in kinds or c.call:
            continue
        for x in c.mentions:
            if x.doc_id == m.doc_id and x.start <= m.start and x.start > best_at:
                best, best_at = c, x.start
    return best


# ----------------------------------------------------------------------------- records


KIND_LABEL = {"ceasefire": "Ceasefire", "joint_statement": "Joint statement", "agreement": "Agreement", "plan": "Plan"}


def _title(corpus: Corpus, kind: str, parties: list[ActorRef], mediators: list[ActorRef],
           proposer: ActorRef | None, call: bool) -> str:
    label = KIND_LABEL[kind] if not call else f"Call for a {kind.replace('_', ' ')}"
    parts = [label]
    if proposer is not None:
        parts.append(("proposed" if not call else "") + f" by {name_of(corpus, proposer)}")
    if parties:
        parts.append("between " + " and ".join(name_of(corpus, p) for p in parties[:4]))
    if mediators:
        parts.append("brokered by " + ", ".join(name_of(corpus, p) for p in mediators[:3]))
    return " ".join(p.strip() for p in parts if p.strip())


def sort_key(value: str) -> str:
    """A TIMEX value as the first day it may mean, so "2020-W44" sorts before "2020-11-03"."""
    span = interval(value)
    return span[0].isoformat() if span else value


def _doc_date(doc: ExtractedDocument) -> str:
    d = published(doc)
    return d.isoformat() if d else ""


def history_of(c: Cluster) -> list[StatusChange]:
    """Every status change of every mention, oldest first (undated ones at their report's date)."""
    rank = terms().rank
    items = []
    for m in c.mentions:
        for ch in m.changes:
            key = sort_key(ch.date) if ch.date else _doc_date(m.sent.doc)
            items.append((key, rank.get(ch.status, 0), m.doc_id, m.start, ch))
    items.sort(key=lambda x: x[:4])
    out: list[StatusChange] = []
    for *_, ch in items:
        out.append(StatusChange(status=ch.status, date=ch.date, note=ch.evidence.note, evidence=[ch.evidence]))
    return out


class ClaimIndex:
    """The claims of the claims step by event id and by document, built once for all agreements.

    Why: each agreement asks which claims concern its breach events or overlap its accusation
    sentences; scanning every claim's evidence for every agreement grew with agreements x claims
    (19 s of a 1,760-article verification).
    """

    def __init__(self, claims: list[Any]) -> None:
        self.by_event: dict[str, set[str]] = defaultdict(set)
        self.by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for cl in claims:
            for e in cl.event_ids:
                self.by_event[e].add(cl.id)
            for ev in cl.evidence:
                self.by_doc[ev.span.doc_id].append((ev.span.start, ev.span.end, cl.id))


def claim_links(c: Cluster, index: ClaimIndex) -> list[str]:
    """Claims of the claims step about the breach events and accusations of this agreement."""
    out: set[str] = set()
    for m in c.mentions:
        for e in m.accusation_events:
            out |= index.by_event.get(e, set())
        if m.accusation_events:  # a claim whose evidence overlaps the accusation's sentence
            a, b = m.sent.start, m.sent.end
            out.update(cid for start, end, cid in index.by_doc.get(m.doc_id, ()) if start < b and a < end)
    return sorted(out)


BREACH_STATUSES = {"breached", "collapsed"}


def build(corpus: Corpus, r: Reader, c: Cluster, claims: ClaimIndex) -> Agreement:
    first = c.mentions[0]
    aid = stable_id("agr", first.doc_id, first.start, first.kind)
    strong = [p for m in c.mentions if not m.weak_parties for p in m.parties]
    parties = dedupe(strong or [p for m in c.mentions for p in m.parties])
    mediators = dedupe(p for m in c.mentions for p in m.mediators)
    proposers = [m.proposer for m in c.mentions if m.proposer]
    proposer = next((p for p in proposers if (p.code or "") == actor_key(p)), proposers[0] if proposers else None)
    place = next((m.place for m in c.mentions if m.place), None)
    history = history_of(c)
    evidence: list[Evidence] = []
    for m in c.mentions:
        if not any(e.span == m.sent.span() for e in evidence):
            evidence.append(Evidence(span=m.sent.span(), role="mention", note=f"{m.kind} mention"))
    agreement = Agreement(
        id=aid, kind=c.kind, title=_title(corpus, c.kind, parties, mediators, proposer, c.call), parties=parties,
        mediators=mediators, proposer=proposer, date=c.date(), location=place.name if place else None,
        place_id=place.id if place else None, status=history[-1].status if history else "proposed",  # type: ignore[arg-type]
        breached=any(h.status in BREACH_STATUSES for h in history),
        history=history, claim_ids=claim_links(c, claims), doc_ids=sorted(c.docs()), evidence=evidence,
    )  # fmt: skip
    if c.kind != "plan" and not c.call:
        agreement.commitments = commitments(corpus, r, c, agreement)
    return agreement


# ----------------------------------------------------------------------------- commitments


def clause_sentences(r: Reader, c: Cluster) -> list[tuple[Sent, Mention]]:
    """Sentences holding an agreement's clauses: quoted paragraphs after "agreed to the following:",
    quotes whose cue is the agreement sentence, and the agreement sentence itself."""
    out: list[tuple[Sent, Mention]] = []
    seen: set[tuple[str, int]] = set()

    def add(s: Sent, m: Mention) -> None:
        if (s.doc.id, s.start) not in seen:
            seen.add((s.doc.id, s.start))
            out.append((s, m))

    for m in c.mentions:
        if m.breach_only or not any(ch.status in {"accepted", "in_force"} and ch.evidence.role != "mention"
                                    for ch in m.changes):
            continue  # only a sentence that says it was agreed introduces its clauses
        s = m.sent
        add(s, m)
        if s.text.rstrip().endswith(":") or terms().clause_lead.search(s.text):
            for p in _following_quoted(s):
                for x in r.sents[s.doc.id]:
                    if p[0] <= x.start < p[1]:
                        add(x, m)
        for q in s.doc.quotes:
            if q.cue_span and s.start <= q.cue_span.start < s.end:
                for ev in q.evidence:
                    x = r.at(s.doc.id, ev.span.start)
                    if x is not None and x.start != s.start:
                        add(x, m)
    return out


def _following_quoted(s: Sent) -> list[tuple[int, int]]:
    """The run of paragraphs right after ``s`` that open with a quotation mark."""
    out = []
    for a, b in paragraphs(s.doc.text):
        if a < s.end:
            continue
        if s.doc.text[a] not in QUOTE_OPENERS:
            break
        out.append((a, b))
    return out


@dataclass
class Clause:
    verb: Any
    subject: Any
    negative: bool
    sent: Sent
    mention: Mention


def find_clauses(r: Reader, s: Sent, m: Mention, own: bool = False) -> list[Clause]:
    """Modal clauses of one sentence: "X will V", "X shall not V", "X undertake/agree to V and V".

    In the agreement's own sentence only "agreed/undertook to V" counts: a bare "will" there is
    usually the reporter's future, not a clause."""
    t = terms()
    sdoc = r.tree(s)
    out: list[Clause] = []
    taken: set[int] = set()
    for tok in sdoc:
        if tok.pos_ not in {"VERB", "AUX"} or tok.i in taken:
            continue
        lemma = tok.lemma_.lower()
        aux = {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}
        neg = any(c.dep_ == "neg" for c in tok.children)
        if lemma in t.modal_verbs or lemma in t.refrain_verbs:
            inner = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            inner += [g for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pcomp"]
            if inner:
                negative = neg or lemma in t.refrain_verbs
                for v in _with_conjuncts(inner[0]):
                    taken.add(v.i)
                    out.append(Clause(v, _subj(tok), negative or any(c.dep_ == "neg" for c in v.children), s, m))
                taken.add(tok.i)
                continue
        if not own and aux & t.modal_aux and lemma not in {"be", "have"} and tok.pos_ == "VERB":
            for v in _with_conjuncts(tok):
                if v.i in taken:
                    continue
                taken.add(v.i)
                out.append(Clause(v, _subj(tok), neg or any(c.dep_ == "neg" for c in v.children), s, m))
    return out


def _with_conjuncts(v: Any) -> list[Any]:
    """A verb and the verbs conjoined to it without a subject of their own ("exchange X and allow Y")."""
    out, stack = [v], [v]
    while stack:
        x = stack.pop()
        for c in x.children:
            if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children):
                out.append(c)
                stack.append(c)
    return out


def _subj(tok: Any) -> Any:
    for _ in range(4):
        s = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if s is not None or tok.head is tok:
            return s
        tok = tok.head
    return None


def _action_tokens(cl: Clause) -> list[Any]:
    """The verb phrase: the verb's subtree without its subject, auxiliaries, negation or conjoined verbs."""
    v = cl.verb
    drop: set[int] = set()
    for c in v.children:
        if c.dep_ in {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "cc"} or (c.dep_ == "conj" and c.pos_ == "VERB"):
            drop |= {t.i for t in c.subtree}
        if c.dep_ == "punct" and c.i < v.i:
            drop.add(c.i)
    toks = [t for t in v.subtree if t.i not in drop]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].is_space):
        toks.pop(0)
    return toks


def _obligors(corpus: Corpus, cl: Clause, parties: list[ActorRef]) -> list[ActorRef]:
    """The clause subject's actors; "the sides", "we", "they" are the agreement's parties."""
    subj = cl.subject
    if subj is None:
        return parties
    sub = list(subj.subtree)
    text = " ".join(t.text for t in sub)
    if terms().side_words.search(text) or subj.lower_ in PRONOUN_SUBJECTS or subj.lower_ in {"sides", "parties"}:
        return parties
    a = cl.sent.start + sub[0].idx
    b = cl.sent.start + sub[-1].idx + len(sub[-1].text)
    found = dedupe(ref for _, ref in refs_in(corpus, cl.sent.doc, a, b))
    return found or parties


def _deadline(cl: Clause, a: int, b: int, anchor: str | None) -> tuple[str | None, str | None]:
    """(expression, resolved ISO date) of "within one week", "within 72 hours", "by 15 November"."""
    doc = cl.sent.doc
    for tx in doc.timex:
        sp = tx.evidence[0].span
        if not (a <= sp.start < b):
            continue
        before = doc.text[max(a, sp.start - 20):sp.start].lower()
        for prep, wants in sorted(terms().deadline_preps.items(), key=lambda x: -len(x[0])):
            m = re.search(rf"\b{prep}\s+(?:the\s+)?$", before)
            if not m:
                continue
            expr = doc.text[sp.start - (len(before) - m.start()):sp.end]
            if wants == "duration" and tx.type == "DURATION":
                return expr, add_duration(anchor, tx.value)
            if wants == "date" and tx.type == "DATE" and re.match(r"^\d{4}-\d{2}-\d{2}$", tx.value):
                return expr, tx.value
    m = re.search(r"\bwithin\s+(\d+|" + "|".join(NUMBER_WORDS) + r")\s+(hour|day|week|month)s?\b", doc.text[a:b], re.I)
    if m:
        n = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1].lower()]
        unit = {"hour": "TH", "day": "D", "week": "W", "month": "M"}[m[2].lower()]
        value = f"PT{n}H" if unit == "TH" else f"P{n}{unit}"
        return m.group(0), add_duration(anchor, value)
    return None, None


def add_duration(anchor: str | None, value: str) -> str | None:
    """``anchor`` (ISO day) plus a TIMEX3 duration: P1W, P3D, P2M, PT72H (hours round up to days)."""
    if not anchor or not re.match(r"^\d{4}-\d{2}-\d{2}$", anchor):
        return None
    d = date.fromisoformat(anchor)
    if m := re.fullmatch(r"PT(\d+)H", value):
        return (d + timedelta(days=-(-int(m[1]) // 24))).isoformat()
    if m := re.fullmatch(r"P(\d+)([DWMY])", value):
        n, unit = int(m[1]), m[2]
        if unit in UNIT_DAYS:
            return (d + timedelta(days=n * UNIT_DAYS[unit])).isoformat()
        months = n if unit == "M" else 12 * n
        y, mo = divmod(d.month - 1 + months, 12)
        return _clamped(d.year + y, mo + 1, d.day).isoformat()
    return None


def _clamped(y: int, m: int, d: int) -> date:
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1


def _plover_of(lemma: str) -> str | None:
    from truceline.events.coder import load_lexicon

    lex = load_lexicon()
    code = lex.code(lex.verbs.get((lemma, None)))
    return code.plover if code else None


def _object_words(v: Any) -> set[str]:
    """Head (and modifiers) of the verb's object: "target civilian populations" -> {population, civilian}."""
    objs = [c for c in v.children if c.dep_ in {"dobj", "obj"}]
    if not objs:
        objs = [g for c in v.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"][:1]
    out: set[str] = set()
    for o in objs:
        out.add(o.lemma_.lower())
        out |= {c.lemma_.lower() for c in o.children if c.dep_ in {"amod", "compound"} and c.is_alpha}
        out |= {c.lemma_.lower() for c in o.children if c.dep_ == "conj" and c.pos_ == "NOUN"}
    return {w for w in out if len(w) > 2}


def commitments(corpus: Corpus, r: Reader, c: Cluster, agreement: Agreement) -> list[Commitment]:
    clauses = [cl for s, m in clause_sentences(r, c) for cl in find_clauses(r, s, m, own=s is m.sent)]
    # the agreement's own sentences are never evidence that it was kept: "will provide" is not providing
    own = {(e.span.doc_id, e.span.start, e.span.end) for e in agreement.evidence}
    own |= {(cl.sent.doc.id, cl.sent.start, cl.sent.end) for cl in clauses}
    return [commitment(corpus, r, cl, agreement, own) for cl in clauses]


def commitment(corpus: Corpus, r: Reader, cl: Clause, agreement: Agreement,
               own: set[tuple[str, int, int]]) -> Commitment:
    """One clause as a commitment, with its deadline and its status judged on the corpus."""
    toks = _action_tokens(cl)
    s = cl.sent
    a = s.start + toks[0].idx if toks else s.start
    b = s.start + toks[-1].idx + len(toks[-1].text) if toks else s.end
    obligors = _obligors(corpus, cl, agreement.parties)
    skip = keys(obligors) | keys(agreement.parties)
    recipients = _by_actor(ref for _, ref in refs_in(corpus, s.doc, a, b) if actor_key(ref) not in skip)
    anchor = agreement.date
    expr, deadline = _deadline(cl, a, b, anchor)
    span = s.span()
    cid = stable_id("cmt", agreement.id, s.doc.id, s.start, cl.verb.idx)  # a clause may be read for two agreements
    item = Commitment(
        id=cid, agreement_id=agreement.id, obligors=obligors, action=s.doc.text[a:b], recipients=recipients,
        negative=cl.negative, deadline=deadline, deadline_expression=expr, deadline_anchor=anchor,
        evidence=[Evidence(span=span, role="clause", note=f"verb: {cl.verb.text}")],
    )  # fmt: skip
    judge(corpus, r, item, cl, own)
    return item


# ----------------------------------------------------------------------------- judging commitments


def _later(doc: ExtractedDocument, ev: Event, anchor: str | None, own: set[tuple[str, int, int]]) -> bool:
    """An event reported after the agreement (its date, else its document's date, after the anchor),
    outside the agreement's own sentences."""
    at = ev.evidence[0].span
    if any(d == doc.id and a <= at.start < b for d, a, b in own):
        return False
    when = ev.date if ev.date and re.match(r"^\d{4}-\d{2}-\d{2}", ev.date) else _doc_date(doc)
    if not anchor:
        return False
    return bool(when) and when[:10] > anchor[:10]


def _sentence_of(r: Reader, doc: ExtractedDocument, ev: Event) -> Sent | None:
    return r.at(doc.id, ev.evidence[0].span.start)


def judge(corpus: Corpus, r: Reader, item: Commitment, cl: Clause, own: set[tuple[str, int, int]]) -> None:
    """met / breached / overdue / pending / unknown, each change with its evidence, oldest first."""
    lemma = cl.verb.lemma_.lower()
    plover = _plover_of(lemma)
    objects = _object_words(cl.verb)
    obligors = keys(item.obligors)
    recipients = keys(item.recipients)
    history = [StatusChange(status="pending" if item.deadline else "unknown", date=item.deadline_anchor,
                            note="agreed" + (f"; due {item.deadline}" if item.deadline else ""),
                            evidence=list(item.evidence))]
    found: list[tuple[str, str | None, Evidence]] = []
    for doc, ev in corpus.events():
        if not _later(doc, ev, item.deadline_anchor, own) or not (keys(ev.source) & obligors):
            continue
        sent = _sentence_of(r, doc, ev)
        if sent is None:
            continue
        status = _verdict(r, ev, sent, item.negative, plover, lemma, objects, recipients)
        if status:
            found.append((status, ev.date, Evidence(span=sent.span(), role=status, note=f"event {ev.id} {ev.plover}")))
    found.sort(key=lambda x: x[1] or "")
    for status, when, evidence in found:
        history.append(StatusChange(status=status, date=when, note=evidence.note, evidence=[evidence]))
    statuses = {st for st, _, _ in found}
    as_of = corpus.as_of
    if "breached" in statuses:
        item.status = "breached"
    elif "met" in statuses:
        item.status = "met"
    elif item.deadline and as_of and item.deadline < as_of.isoformat():
        item.status = "overdue"
        history.append(StatusChange(status="overdue", date=item.deadline,
                                    note=f"deadline passed before {as_of.isoformat()} with no report of it being met",
                                    evidence=list(item.evidence)))
    elif item.deadline:
        item.status = "pending"
    else:
        item.status = "unknown"
    item.history = history


def _verdict(r: Reader, ev: Event, sent: Sent, negative: bool, plover: str | None, lemma: str,
             objects: set[str], recipients: set[str]) -> str | None:
    """What one later event by an obligor says about the clause."""
    words = {w.lower() for w in re.findall(r"[A-Za-z-]+", sent.text)}
    lemmas = None

    def sentence_lemmas() -> set[str]:
        nonlocal lemmas
        if lemmas is None:
            lemmas = {t.lemma_.lower() for t in r.tree(sent)}
        return lemmas

    touches = bool(objects & (words | ({w.rstrip("s") for w in words})) or
                   (objects and objects & sentence_lemmas()))
    if negative:
        if ev.modality not in {"asserted", "alleged"} or ev.negated:
            return None
        if plover in HOSTILE and ev.plover == plover and (touches or any((t.code or "").endswith("CVL")
                                                                           for t in ev.target)):
            return "breached"
        return None
    if ev.modality != "asserted" or ev.negated:
        if ev.plover == "REJECT" and (touches or lemma in sentence_lemmas()):
            return "breached"
        return None
    if ev.plover == "REJECT" or terms().failure.search(sent.text):
        return "breached" if touches and lemma in sentence_lemmas() else None
    same_type = plover in COOPERATIVE - {"AGREE"} and ev.plover == plover and (
        touches or bool(keys(ev.target) & recipients))  # the type alone is too loose: its object or recipient too
    same_words = touches and lemma in sentence_lemmas()
    return "met" if same_type or same_words else None


# ----------------------------------------------------------------------------- the step


@step("agreements")
def find_agreements(corpus: Corpus, result: Verification) -> None:
    """Fill ``result.agreements``: agreements, ceasefires and plans with their commitments."""
    r = Reader(corpus)
    order = sorted(corpus.docs.values(), key=lambda d: (_doc_date(d), d.id))
    with_nouns = [s for d in order for s in r.sents[d.id] if terms().noun_re.search(s.text)]
    r.parse(with_nouns)
    named = {(s.doc.id, s.start) for s in with_nouns}  # a sentence without a noun can only tell of a breach
    mentions = [m for d in order for s in r.sents[d.id]
                for m in (sentence_mentions(corpus, r, s) if (d.id, s.start) in named else _breach_only(corpus, s))]
    clusters = merge(mentions)
    claims = ClaimIndex(result.claims)
    agreements = [build(corpus, r, c, claims) for c in clusters]
    result.agreements = sorted(agreements, key=lambda a: (a.date or "", a.id))
