"""Conditional statements as records: obligations, threats, red lines and plan triggers.

"Norway will provide all necessary assistance to Sweden if fighting spills over to the territory of
Sweden" is not an event (nothing happened) but a promise with a trigger; so is "Finland will not
tolerate shelling that crosses into its territory" and "the plan becomes effective when both sides
undertake ...". Each becomes a :class:`~truceline.model.Condition`: who is bound, the *condition*
and the *consequence* as event patterns (PLOVER types, actors, a territory and how the act stands
to it), the basis (a treaty, an alliance's defence clause, a declared red line, a plan), the date
and the sentence.

How a sentence is read. The read stage keeps no parse, so the few sentences that carry a cue word
of ``truceline/data/conditions.json`` are parsed again (the same pipeline, sentence by sentence);
the rest is general rules over that parse plus what the reading already resolved: the coder's
events of the sentence (their actors, and an intended act's CAMEO code turned back into the act
promised), mentions (pronouns and metonymy resolved), places and TIMEX values. Readers are
registered by name in :data:`READERS` and tried in order; bases in :data:`BASES`. Alliances and
their defence clauses are data (``truceline/data/alliances.json``), and so is every cue word: the
code holds no names.

:func:`territory_reports` finds, in the same sentences, statements that an act happened on or
across a state's territory ("stray shells crossed the X border"): the trigger watch
(:mod:`truceline.verify.conditions`) reads them beside the geocoded incidents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any

from truceline.model import (
    ActorRef,
    Condition,
    ConditionBasis,
    Event,
    EventPattern,
    Evidence,
    ExtractedDocument,
    make_span,
)
from truceline.verify.common import actor_key, stable_id

# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Vocab:
    marks: frozenset[str]
    phrases: tuple[str, ...]
    plan: tuple[str, ...]
    red_line: tuple[str, ...]
    red_verbs: frozenset[str]
    responses: frozenset[str]
    obligation: frozenset[str]
    treaty_words: frozenset[str]
    treaty_cues: tuple[str, ...]
    alliance_words: frozenset[str]
    territory: frozenset[str]
    place_words: frozenset[str]
    cross: frozenset[str]
    near: frozenset[str]
    on: frozenset[str]
    hostile_nouns: dict[str, str]
    hostile_verbs: dict[str, str]
    harm: frozenset[str]
    help: dict[str, str]
    consequence_of: dict[str, list[str]]
    modal: frozenset[str]

    @cached_property
    def cue_pattern(self) -> re.Pattern[str]:
        # built once per vocabulary: every sentence of every document is tested against it
        words = sorted({*self.marks, *self.phrases, *self.plan, *self.red_line, *self.territory, *self.treaty_words},
                       key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _by_word(table: dict[str, list[str]]) -> dict[str, str]:
    return {w: kind for kind, ws in table.items() for w in ws}


@cache
def vocab() -> Vocab:
    raw = json.loads(resources.files("truceline.data").joinpath("conditions.json").read_text(encoding="utf-8"))
    return Vocab(
        marks=frozenset(raw["condition_marks"]), phrases=tuple(raw["condition_phrases"]), plan=tuple(raw["plan_triggers"]),
        red_line=tuple(raw["red_line_phrases"]), red_verbs=frozenset(raw["red_line_verbs"]),
        responses=frozenset(raw["response_nouns"]), obligation=frozenset(raw["obligation_words"]),
        treaty_words=frozenset(raw["treaty_words"]), treaty_cues=tuple(raw["treaty_cues"]),
        alliance_words=frozenset(raw["alliance_words"]), territory=frozenset(raw["territory_words"]),
        place_words=frozenset(raw["place_words"]), cross=frozenset(raw["cross_words"]), near=frozenset(raw["near_words"]),
        on=frozenset(raw["on_words"]), hostile_nouns=_by_word(raw["hostile_nouns"]),
        hostile_verbs=_by_word(raw["hostile_verbs"]), harm=frozenset(raw["harm_words"]), help=_by_word(raw["help_words"]),
        consequence_of=raw["consequence_of"], modal=frozenset(raw["modal_words"]),
    )  # fmt: skip


@dataclass(frozen=True)
class Alliance:
    id: str
    names: tuple[str, ...]
    codes: frozenset[str]
    members: tuple[tuple[str, str | None, str | None], ...]  # code, since, until
    article: str
    source: str
    treaty_date: str | None
    trigger: dict[str, Any]
    consequence: dict[str, Any]

    def members_on(self, when: str | None) -> list[str]:
        """Member codes on a date (ISO prefix compare); every member ever when the date is unknown."""
        day = (when or "")[:10]
        return sorted({c for c, since, until in self.members
                       if not day or not day[:4].isdigit() or ((since or "") <= day and (not until or day < until))})


@cache
def alliances() -> tuple[Alliance, ...]:
    raw = json.loads(resources.files("truceline.data").joinpath("alliances.json").read_text(encoding="utf-8"))
    return tuple(Alliance(a["id"], tuple(a["names"]), frozenset(a.get("codes", [])),
                          tuple((m["code"], m.get("since"), m.get("until")) for m in a["members"]), a["article"],
                          a["source"], a.get("treaty_date"), a["trigger"], a["consequence"]) for a in raw["alliances"])  # fmt: skip


# ----------------------------------------------------------------------------- sentences


@dataclass
class Sentence:
    """A candidate sentence: where it is, its parse (offsets relative to ``start``), its coder events."""

    doc: ExtractedDocument
    start: int
    end: int
    sdoc: Any
    events: list[Event] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]

    def offsets(self, toks: Iterable[Any]) -> tuple[int, int] | None:
        toks = list(toks)
        if not toks:
            return None
        return self.start + min(t.idx for t in toks), self.start + max(t.idx + len(t.text) for t in toks)

    def span(self):
        return make_span(self.doc.id, self.doc.text, self.start, self.end)


def _events_by_sentence(doc: ExtractedDocument) -> dict[tuple[int, int], list[Event]]:
    out: dict[tuple[int, int], list[Event]] = {}
    for ev in doc.events:
        sp = ev.evidence[0].span
        out.setdefault((sp.start, sp.end), []).append(ev)
    return out


def candidate_sentences(corpus: Any) -> list[Sentence]:
    """Sentences with a cue word, with their parse: kept from reading when the store has it, else parsed now."""
    from truceline.text import sentences

    pattern = vocab().cue_pattern
    found: list[tuple[ExtractedDocument, int, int, list[Event]]] = []
    for doc in corpus.docs.values():
        if doc.language != "en":
            continue
        by_sentence = _events_by_sentence(doc)
        split = corpus.sentences_of(doc) if hasattr(corpus, "sentences_of") else sentences(doc.text)
        for s, e in split:
            if pattern.search(doc.text, s, e):
                evs = [ev for (a, b), lst in by_sentence.items() if a < e and s < b for ev in lst]
                found.append((doc, s, e, evs))
    if not found:
        return []
    kept = corpus.parses_of({d.id for d, _s, _e, _ in found}) if hasattr(corpus, "parses_of") else {}
    parses = {(d.id, s): sdoc for d, s, e, _ in found if (sdoc := kept.get(d.id, {}).get((s, e))) is not None}
    todo = [(d, s, e) for d, s, e, _ in found if (d.id, s) not in parses]
    if todo:
        from truceline.nlp.runtime import get_nlp

        for (d, s, _e), sdoc in zip(todo, get_nlp().pipe((d.text[s:e] for d, s, e in todo), batch_size=64), strict=True):
            parses[(d.id, s)] = sdoc
    return [Sentence(d, s, e, parses[(d.id, s)], evs) for d, s, e, evs in found]


def wants_parse(text: str) -> bool:
    """Whether the read stage should keep a sentence's parse for this module (a cue word in it)."""
    return bool(vocab().cue_pattern.search(text))


try:  # the read stage keeps the parses of the sentences registered cues want (truceline.nlp.parses)
    from truceline.nlp.parses import cue as _parse_cue

    _parse_cue("conditions")(wants_parse)
except ImportError:  # pragma: no cover - a reading without kept parses: sentences are parsed on demand
    pass


# ----------------------------------------------------------------------------- reading helpers


class Reading:
    """What the reading resolved in a document, looked up by character offsets."""

    def __init__(self, corpus: Any, plans: list[Any] | None = None) -> None:
        self.corpus = corpus
        self.plans = plans or []  # the agreements step's plans, for plan triggers
        self._mentions: dict[str, list[tuple[int, int, ActorRef]]] = {}

    def mentions(self, doc: ExtractedDocument) -> list[tuple[int, int, ActorRef]]:
        if doc.id not in self._mentions:
            actors = {a.id: a for a in doc.actors}
            rows = []
            for m in doc.mentions:
                sp = m.evidence[0].span
                code = m.code or (actors[m.actor_id].code if m.actor_id in actors else None)
                rows.append((sp.start, sp.end, ActorRef(text=sp.text, code=code, actor_id=m.actor_id)))
            self._mentions[doc.id] = rows
        return self._mentions[doc.id]

    def actors_in(self, sent: Sentence, toks: Iterable[Any]) -> list[ActorRef]:
        """Mentions inside the tokens' character ranges (each token range separately), with codes, once each."""
        out: dict[tuple[str | None, str], ActorRef] = {}
        for t in toks:
            a, b = sent.start + t.idx, sent.start + t.idx + len(t.text)
            for s, e, ref in self.mentions(sent.doc):
                if s < b and a < e and ref.code:
                    out.setdefault((ref.code, ref.text), ref)
        return list(out.values())

    def state_of(self, sent: Sentence, toks: list[Any], default: str | None) -> str | None:
        """The state a phrase names ("Sweden", "Finnish", "its" -> ``default``), as a country code."""
        from truceline.nlp.territory import iso3, shapes

        if any(t.pos_ == "PRON" or t.lower_ in {"country", "nation", "state"} for t in toks) and default:
            return default
        lo_hi = sent.offsets(toks)
        if lo_hi:
            from truceline.nlp.territory import areas_of

            for p in sent.doc.places:
                for ev in p.evidence:
                    if ev.span.start < lo_hi[1] and lo_hi[0] < ev.span.end and (found := areas_of(p)[0]):
                        return f"area:{found[0].id}"  # "the disputed <area> territory"
        for ref in self.actors_in(sent, toks):
            key = actor_key(ref)
            if key and len(key) == 3 and key in shapes():
                return key
        if lo_hi:
            for p in sent.doc.places:
                for ev in p.evidence:
                    if ev.span.start < lo_hi[1] and lo_hi[0] < ev.span.end and p.country and p.feature == "country":
                        return iso3(p.country)
        from truceline.nlp.actors import resolve_actor_string

        text = " ".join(t.text for t in toks if not t.is_punct)
        hit = resolve_actor_string(text) if text else {}
        if hit.get("country") and hit["country"] in shapes():
            return hit["country"]
        return default


def _words(toks: Iterable[Any]) -> set[str]:
    return {t.lower_ for t in toks} | {t.lemma_.lower() for t in toks}


def _phrase_at(text: str, phrases: Iterable[str]) -> tuple[str, int] | None:
    low = text.lower()
    best = None
    for p in phrases:
        m = re.search(r"\b" + re.escape(p) + r"\b", low)
        if m and (best is None or m.start() < best[1]):
            best = (p, m.start())
    return best


def _token_at(sdoc: Any, char: int) -> Any:
    return next((t for t in sdoc if t.idx <= char < t.idx + len(t.text) + 1), sdoc[0])


def act_types(toks: Iterable[Any]) -> list[str]:
    """PLOVER types the tokens name: hostile nouns and verbs of the vocabulary, the coder's noun table."""
    from truceline.events.coder import load_lexicon, noun_code

    v, lex = vocab(), load_lexicon()
    out: list[str] = []
    for t in toks:
        kind = v.hostile_nouns.get(t.lower_) if t.pos_ in {"NOUN", "PROPN", "ADJ"} else v.hostile_verbs.get(t.lower_)
        if kind is None and t.pos_ == "NOUN" and (cameo := noun_code(t, lex)):
            code = lex.code(cameo)
            kind = code.plover if code and code.plover in {"ASSAULT", "COERCE", "MOBILIZE", "THREATEN"} else None
        if kind and kind not in out:
            out.append(kind)
    if "THREATEN" in out:  # "the slightest threat to its security": the acts that carry a threat out count too
        out += [k for k in ("ASSAULT", "COERCE") if k not in out]
    return out


def coded_types(sent: Sentence, toks: Iterable[Any]) -> list[str]:
    """PLOVER types of the coder's triggers among the tokens (its verb and noun dictionaries)."""
    from truceline.events.coder import find_triggers, load_lexicon

    inside = {t.i for t in toks}
    out: list[str] = []
    for trig in find_triggers(sent.sdoc[:], load_lexicon()):
        if trig.tok.i in inside and trig.code.plover not in out:
            out.append(trig.code.plover)
    return out


@dataclass
class TerritoryRef:
    relation: str
    state: str
    tokens: list[Any]
    why: str
    area: str | None = None  # the disputed area the phrase names, when it names one


def _owner_tokens(w: Any) -> list[Any]:
    out = []
    for c in w.children:
        if c.dep_ in {"poss", "compound", "amod", "nmod"} and c.lower_ not in {"cross", "-"}:
            out += list(c.subtree)
        elif c.dep_ == "prep" and c.lower_ in {"of", "with"}:
            out += [t for g in c.children if g.dep_ == "pobj" for t in g.subtree]
    nxt = w.doc[w.i + 1] if w.i + 1 < len(w.doc) else None
    if not out and nxt is not None and nxt.dep_ == "prep" and nxt.lower_ in {"of", "with"}:
        out += [t for g in nxt.children if g.dep_ == "pobj" for t in g.subtree]  # "positions on the border | with X"
    if w.dep_ == "compound" and w.head.lower_ in vocab().place_words:  # "Finland border areas"
        out += [t for c in w.head.children if c.dep_ in {"poss", "compound", "amod"} and c is not w for t in c.subtree]
    return out


def territory_refs(sent: Sentence, toks: Iterable[Any], reading: Reading, default: str | None) -> list[TerritoryRef]:
    """How the acts of these tokens stand to a state's territory: across its border, on it, near it."""
    v = vocab()
    toks = list(toks)
    inside = {t.i for t in toks}
    out: list[TerritoryRef] = []
    last_state: str | None = None
    for w in sent.sdoc:
        if w.lower_ not in v.territory or w.pos_ not in {"NOUN", "PROPN"}:
            continue
        owner = _owner_tokens(w)
        members = any(t.lower_ in {"member", "members"} for t in owner)
        state = "members" if members else (reading.state_of(sent, owner, None) if owner else None)
        if state is None and not owner and w.lower_ in {"border", "borders", "frontier"}:
            state = last_state  # "approach the Finnish border ... if they approach the border"
        if state is None:
            state = default
        if state is None:
            continue
        area = None
        if state.startswith("area:"):
            from truceline.nlp.territory import area as area_of

            found = area_of(state[5:])
            if found is None or not found.claimants():
                continue
            area, state = found.id, found.de_jure or sorted(found.claimants())[0]
        last_state = state if state != "members" else last_state
        if w.i not in inside:
            continue
        chain, t = [], w
        for _ in range(4):
            if t.head.i == t.i:
                break
            chain.append(t.head)
            t = t.head
        heads = _words(chain)
        near_words = _words(c for c in chain[:2])
        border = w.lower_ in {"border", "borders", "frontier", "frontiers"}
        if border and w.dep_ == "compound" and w.head.lower_ in v.place_words:
            rel = "on_territory_of"
        elif heads & v.cross and not (near_words & v.near):
            rel = "crosses_border_of"
        elif near_words & v.near or (border and near_words & {"on", "at"}):
            rel = "near_border_of"
        elif not border and (heads & v.on or w.dep_ in {"nsubjpass", "nsubj"}):
            rel = "on_territory_of"
        else:
            continue
        phrase = [w, *owner]
        lo, hi = min(t.i for t in phrase + [w.left_edge]), max(t.i for t in phrase)
        out.append(TerritoryRef(rel, state, phrase, f"'{sent.sdoc[lo:hi + 1].text}'", area))
    return out


def _speaker(sent: Sentence, reading: Reading) -> list[ActorRef]:
    """Who says the sentence: its quote's speaker, the claimant of its events, or the speech verb's subject."""
    corpus = reading.corpus
    quotes = corpus.quotes_at(sent.doc.id, sent.start, sent.end)
    for q in quotes:
        if q.speaker_actor_id:
            actor = corpus.actors.get(q.speaker_actor_id)
            if actor and actor.code:
                return [ActorRef(text=q.speaker_text or actor.name, code=actor.code, actor_id=actor.id)]
    for ev in sent.events:
        if ev.claimant and ev.claimant.code:
            return [ev.claimant]
    named = [q.speaker_text for q in quotes if q.speaker_text]
    return [ActorRef(text=named[0])] if named else []


def _subject(head: Any) -> list[Any]:
    """The subject phrase of a clause, climbing xcomp/ccomp/conj/acomp to the verb that has one."""
    t = head
    for _ in range(4):
        subj = [c for c in t.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
        if subj:
            return [x for s in subj for x in s.subtree]
        if t.dep_ in {"xcomp", "acomp", "conj", "ccomp", "advcl"} and t.head.i != t.i:
            t = t.head
        else:
            break
    return []


def _passive(head: Any) -> bool:
    return any(c.dep_ == "nsubjpass" for c in head.children)


def _refs_keys(refs: Iterable[ActorRef]) -> list[str]:
    return sorted({k for r in refs if (k := actor_key(r))})


def _date(sent: Sentence) -> str | None:
    for t in sent.doc.timex:
        sp = t.evidence[0].span
        if sent.start <= sp.start < sent.end and t.type == "DATE" and t.value[:1].isdigit():
            return t.value
    dated = [ev.date for ev in sent.events if ev.date]
    return dated[0] if dated else sent.doc.published


@dataclass
class Draft:
    """A condition as read from one sentence, before merging the same condition across documents."""

    kind: str
    sent: Sentence
    cue: str
    bound: list[ActorRef]
    beneficiary: list[ActorRef]
    condition: EventPattern
    consequence: EventPattern
    basis: ConditionBasis | None = None
    event_ids: list[str] = field(default_factory=list)


Reader = Callable[[Sentence, Reading], "Draft | None"]
READERS: dict[str, Reader] = {}
Basis = Callable[[Draft, Reading], "ConditionBasis | None"]
BASES: dict[str, Basis] = {}


def reader(name: str) -> Callable[[Reader], Reader]:
    def register(fn: Reader) -> Reader:
        READERS[name] = fn
        return fn

    return register


def basis(name: str) -> Callable[[Basis], Basis]:
    def register(fn: Basis) -> Basis:
        BASES[name] = fn
        return fn

    return register


def _bound_state(refs: list[ActorRef]) -> str | None:
    from truceline.nlp.territory import shapes

    return next((k for r in refs if (k := actor_key(r)) and k in shapes()), None)


def _pattern(sent: Sentence, toks: list[Any], reading: Reading, default: str | None, text_toks: list[Any] | None = None,
             types: list[str] | None = None) -> EventPattern:
    refs = territory_refs(sent, toks, reading, default)
    order = ["crosses_border_of", "on_territory_of", "near_border_of"]
    refs.sort(key=lambda r: order.index(r.relation))
    rel = refs[0].relation if refs else None
    territory = sorted({r.state for r in refs if r.relation == rel}) if refs else []
    words = text_toks if text_toks is not None else toks
    lo_hi = sent.offsets(words)
    text = sent.doc.text[lo_hi[0]:lo_hi[1]] if lo_hi else ""
    return EventPattern(plover=types if types is not None else act_types(toks), territory=territory, relation=rel,
                        text=text.strip(" ,.\u201c\u201d\""))


HOSTILE_ACTS = {"ASSAULT", "COERCE", "MOBILIZE", "SANCTION"}
HELP_ACTS = {"AID", "SUPPORT", "COOPERATE", "RETREAT", "CONSULT"}
INTENT_PLOVER = {"033": "AID", "031": "COOPERATE", "035": "RETREAT", "036": "CONSULT", "032": "SUPPORT",
                 "131": "SANCTION", "137": "COERCE", "138": "ASSAULT"}  # the coder's intent codes, turned back


def _promised(sent: Sentence) -> tuple[list[str], list[ActorRef], list[ActorRef], list[str]]:
    """The act a conditional/intended event of the sentence promises: types, source, target, event ids."""
    for ev in sent.events:
        if ev.modality in {"conditional", "intended"} and ev.cameo in INTENT_PLOVER:
            return [INTENT_PLOVER[ev.cameo]], ev.source, ev.target, [ev.id]
    return [], [], [], []


# ----------------------------------------------------------------------------- readers


@reader("plan_trigger")
def read_plan_trigger(sent: Sentence, reading: Reading) -> Draft | None:
    """"the plan ... becomes effective when both sides undertake ...": the plan's trigger."""
    v = vocab()
    hit = _phrase_at(sent.text, v.plan)
    if hit is None:
        return None
    cue_tok = _token_at(sent.sdoc, hit[1])
    verb = cue_tok if cue_tok.pos_ in {"VERB", "AUX"} else cue_tok.head
    clause = next((c for c in verb.subtree if c.dep_ == "advcl" and c.head.i in {verb.i, *(x.i for x in verb.children)}),
                  None)
    if clause is None:
        return None
    toks = list(clause.subtree)
    types = [k for k in ("AGREE",) if _words(toks) & {"undertake", "commit", "committed", "agree", "accept", "sign"}]
    actors = reading.actors_in(sent, toks)
    if not actors and _words(toks) & {"sides", "parties"}:
        from truceline.verify.claims import belligerents

        actors = [ActorRef(text=k, code=k) for k in sorted(belligerents(reading.corpus))]
    pattern = _pattern(sent, toks, reading, None, types=types or ["AGREE"])
    pattern.source = actors
    return Draft("plan_trigger", sent, hit[0], [], actors, pattern,
                 EventPattern(plover=v.consequence_of["plan_trigger"], text=sent.sdoc[verb.i:clause.i].text.strip()))


@reader("red_line")
def read_red_line(sent: Sentence, reading: Reading) -> Draft | None:
    """"X will not tolerate ...", "a decisive response to ...", "... is a red line": what X will not accept."""
    v = vocab()
    hit = _phrase_at(sent.text, v.red_line)
    if hit is None or _condition_clause(sent) is not None:  # "if they approach, a decisive response": a threat
        return None
    cue_tok = _token_at(sent.sdoc, hit[1])
    span = [t for t in sent.sdoc if t.idx >= hit[1]][: len(hit[0].split()) + 1]
    verb = next((t for t in span if t.lemma_.lower() in v.red_verbs), None)
    noun = next((t for t in span if t.lemma_.lower() in v.responses), None)
    toks: list[Any] = []
    if verb is not None:
        toks = [x for c in verb.children if c.dep_ in {"dobj", "obj", "ccomp", "xcomp"} for x in c.subtree]
        if not toks:  # "will not tolerate” endless conflict": the object may hang off the clause after a quote
            toks = [x for t in sent.sdoc if t.i > verb.i and t.dep_ in {"dobj", "obj"} for x in t.subtree]
        head = verb
    elif noun is not None:
        toks = [x for c in noun.children if c.dep_ == "prep" and c.lower_ in {"to", "against"} for x in c.subtree]
        head = noun.head
    else:
        head = cue_tok.head
        toks = [t for t in sent.sdoc if t.i not in {x.i for x in cue_tok.subtree}]
    if not toks:
        return None
    before = [t for t in sent.sdoc if t.i < min(head.i, cue_tok.i) and t.pos_ in {"PROPN", "NOUN", "PRON"}]
    bound = reading.actors_in(sent, _subject(head)) or [r for ev in sent.events for r in ev.source][:1] \
        or reading.actors_in(sent, before)[:1] or _speaker(sent, reading)  # a broken parse may lose the subject
    state = _bound_state(bound)
    condition = _pattern(sent, toks, reading, state)
    if not condition.plover:
        return None
    target = [t for t in toks if t.dep_ == "pobj" and t.head.lower_ in {"against", "to"}]
    if target:
        owner = [x for t in target for x in t.subtree]
        who = reading.state_of(sent, owner, state)
        if who:
            condition.target = [ActorRef(text=who, code=who)]
    consequence = EventPattern(plover=list(v.consequence_of["red_line"]), source=bound, text=hit[0])
    return Draft("red_line", sent, hit[0], bound, [], condition, consequence,
                 ConditionBasis(kind="declared_red_line", name=f"{names(bound)}: {hit[0]}"),
                 [ev.id for ev in sent.events])


def _condition_clause(sent: Sentence) -> tuple[Any, str] | None:
    v = vocab()
    for t in sent.sdoc:
        if t.dep_ == "mark" and t.lower_ in v.marks and t.head.dep_ in {"advcl", "ccomp", "conj"}:
            return t.head, t.lower_
    hit = _phrase_at(sent.text, v.phrases)
    if hit:
        after = [t for t in sent.sdoc if t.idx > hit[1] + len(hit[0]) - 1 and t.pos_ in {"VERB", "AUX"}]
        if after:
            return after[0], hit[0]
    return None


@reader("conditional")
def read_conditional(sent: Sentence, reading: Reading) -> Draft | None:
    """"Y will do B if A": an obligation when B helps, a threat when B harms."""
    v = vocab()
    found = _condition_clause(sent)
    if found is None:
        return None
    clause_head, cue = found
    clause = list(clause_head.subtree)
    inside = {t.i for t in clause}
    main = clause_head.head if clause_head.head.i != clause_head.i else clause_head
    rest = [t for t in sent.sdoc if t.i not in inside]
    words = _words(rest)
    promised, p_source, p_target, event_ids = _promised(sent)
    harm = bool(words & v.harm) or any(p in {"ASSAULT", "COERCE"} for p in promised)
    help_types = [v.help[w] for w in words if w in v.help]
    if harm and not help_types:
        kind = "threat"
    elif help_types or promised:
        kind = "obligation"
    else:
        return None
    subject = _subject(main)
    bound = reading.actors_in(sent, subject)
    alliance = _alliance_of(sent, subject)
    if alliance is not None:
        when = _date(sent)
        members = alliance.members_on(when)
        bound = [ActorRef(text=c, code=c) for c in members]
    passive_target: list[ActorRef] = []
    if kind == "threat" and _passive(main):  # "they will be dealt with": the subject is who is threatened
        passive_target, bound = bound, _speaker(sent, reading)
    bound = bound or p_source or _speaker(sent, reading)
    if not bound and alliance is None:
        return None
    state = _bound_state(bound)
    condition = _pattern(sent, clause, reading, None if kind == "obligation" else state)
    condition.plover = condition.plover or coded_types(sent, clause)
    if not condition.plover and not condition.territory:
        return None
    condition.negated = cue == "unless" or any(t.dep_ == "neg" and t.head.i == clause_head.i for t in clause)
    agents = [t for t in clause if t.dep_ == "pobj" and t.head.dep_ == "agent"]
    condition.source = reading.actors_in(sent, [x for a in agents for x in a.subtree])
    if not condition.source:
        condition.source = passive_target or reading.actors_in(sent, _subject(clause_head))
    condition.source = [r for r in condition.source if actor_key(r) not in {*condition.territory, state}]
    beneficiary = [r for r in p_target] or reading.actors_in(
        sent, [x for c in main.subtree if c.dep_ == "prep" and c.lower_ in {"to", "for"} and c.i not in inside
               for x in c.subtree])
    fits = HOSTILE_ACTS if kind == "threat" else HELP_ACTS
    acts = [t for t in coded_types(sent, rest) if t in fits]
    types = promised or acts or (help_types[:1] if kind == "obligation" else list(v.consequence_of["threat"]))
    consequence = EventPattern(plover=types, source=bound, target=beneficiary if kind == "obligation" else condition.source,
                               text=sent.sdoc[min(t.i for t in rest):max(t.i for t in rest) + 1].text.strip(" ,.\u201c\u201d\""))
    draft = Draft(kind, sent, cue, bound, beneficiary if kind == "obligation" else [], condition, consequence,
                  event_ids=event_ids or [ev.id for ev in sent.events if ev.modality == "conditional"])
    if alliance is not None:
        _apply_alliance(draft, alliance)
    return draft


# ----------------------------------------------------------------------------- bases


def names(refs: Iterable[ActorRef]) -> str:
    return ", ".join(dict.fromkeys(r.text for r in refs)) or "unattributed"


def _alliance_of(sent: Sentence, subject: list[Any]) -> Alliance | None:
    """The alliance a clause speaks for: "other alliance members", "as a member of <alliance>", in a document naming one."""
    v = vocab()
    words = _words(subject) | _words(sent.sdoc)
    if not words & v.alliance_words:
        return None
    text = sent.doc.text
    named = []
    for a in alliances():
        pos = [m.start() for n in a.names for m in re.finditer(r"\b" + re.escape(n) + r"\b", text)]
        if pos:
            before = [p for p in pos if p <= sent.start]
            named.append((-(max(before) if before else -len(text) - min(pos)), a))
    return min(named, key=lambda x: x[0])[1] if named else None


def _apply_alliance(draft: Draft, a: Alliance) -> None:
    members = [c for c in a.members_on(_date(draft.sent))]
    trig = a.trigger
    cond = draft.condition
    cond.plover = cond.plover or list(trig["plover"])
    if trig.get("territory") == "members" and (not cond.territory or cond.territory == ["members"]):
        cond.territory, cond.relation = members, trig.get("relation")
    if trig.get("source_not") == "members":
        cond.source_not = members
        cond.source = [r for r in cond.source if actor_key(r) not in members]
    draft.beneficiary = [ActorRef(text=c, code=c) for c in members]
    draft.consequence.plover = list(a.consequence["plover"])
    draft.consequence.target = []
    draft.basis = ConditionBasis(kind="alliance", name=a.names[0] + (f" ({a.id})" if a.id != a.names[0] else ""),
                                 date=a.treaty_date, citation=f"{a.article} [{a.source}]")


_TREATY_NAME = re.compile(r"\b(?:Treaty|Pact|Accord|Agreement|Convention) (?:of|on) [A-Z][\w\u2019'-]*"
                          r"(?:(?:,| and| of| on| the| for)* [A-Z][\w\u2019'-]*)*")


@basis("treaty")
def treaty_basis(draft: Draft, reading: Reading) -> ConditionBasis | None:
    """"in accordance with the treaty", "under the 1997 treaty": the treaty, named here or earlier in the document."""
    v = vocab()
    low = draft.sent.text.lower()
    if not any(c in low for c in v.treaty_cues) and not (_words(draft.sent.sdoc) & v.treaty_words):
        return None
    doc = draft.sent.doc
    named = [m for m in _TREATY_NAME.finditer(doc.text, 0, draft.sent.end)]
    if named:
        m = named[-1]
        when = next((t.value for t in doc.timex if t.type == "DATE" and t.value[:4].isdigit()
                     and m.end() <= t.evidence[0].span.start <= m.end() + 120), None)
        name = m.group(0)
        ev = [Evidence(span=make_span(doc.id, doc.text, m.start(), m.end()), role="basis")]
        return ConditionBasis(kind="treaty", name=f"{name} ({when[:4]})" if when else name, date=when, evidence=ev)
    year = re.search(r"\b(1[89]\d\d|20\d\d) treaty\b", low)
    return ConditionBasis(kind="treaty", name=f"{year.group(1)} treaty" if year else "treaty (unnamed)",
                          date=year.group(1) if year else None)


@basis("plan")
def plan_basis(draft: Draft, reading: Reading) -> ConditionBasis | None:
    """A plan trigger's plan: the tracked plan of the same document (agreements step), with its proposer."""
    if draft.kind != "plan_trigger":
        return None
    plans = [a for a in reading.plans if draft.sent.doc.id in a.doc_ids]
    if not plans:
        return ConditionBasis(kind="plan", name="plan (untracked)")
    plan = plans[0]
    if plan.proposer and not draft.bound:
        draft.bound = [plan.proposer]
    draft.consequence.source = draft.bound
    return ConditionBasis(kind="plan", name=plan.title or "plan", date=plan.date, record=f"agreement:{plan.id}")


# ----------------------------------------------------------------------------- the records


def _key(d: Draft) -> tuple:
    c = d.condition
    return (d.kind, tuple(_refs_keys(d.bound)), tuple(sorted(c.plover)), tuple(c.territory), c.relation,
            tuple(_refs_keys(c.target)), tuple(_refs_keys(c.source)))


def read_drafts(sentences: Iterable[Sentence], reading: Reading) -> list[Draft]:
    out = []
    for sent in sentences:
        for fn in READERS.values():
            draft = fn(sent, reading)
            if draft is not None:
                if draft.basis is None or draft.basis.kind not in {"alliance", "declared_red_line"}:
                    for b in BASES.values():
                        found = b(draft, reading)
                        if found is not None:
                            draft.basis = found
                            break
                if draft.basis is None:  # said, with nothing under it: the statement itself is the basis
                    kind = "declared_threat" if draft.kind == "threat" else "statement"
                    draft.basis = ConditionBasis(kind=kind, name=f"{names(draft.bound)}: {draft.cue}")
                out.append(draft)
                break
    return out


def _day(value: str | None) -> str:
    from truceline.verify.common import interval

    days = interval(value)
    return days[0].isoformat() if days else (value or "9999")


def conditions_of(drafts: list[Draft]) -> list[Condition]:
    """One :class:`Condition` per distinct condition: the same red line in three reports is one record."""
    groups: dict[tuple, list[Draft]] = {}
    for d in drafts:
        groups.setdefault(_key(d), []).append(d)
    out = []
    for key, group in groups.items():
        first = min(group, key=lambda d: (_day(_date(d.sent)), d.sent.doc.id, d.sent.start))
        evidence = [Evidence(span=d.sent.span(), role="condition", note=f"cue: {d.cue}")
                    for d in sorted(group, key=lambda d: (d.sent.doc.id, d.sent.start))]
        basis_ev = [e for d in group if d.basis for e in d.basis.evidence]
        b = first.basis.model_copy(update={"evidence": list({(e.span.doc_id, e.span.start): e for e in basis_ev}.values())}) \
            if first.basis else None
        out.append(Condition(
            id=stable_id("cnd", *key), kind=first.kind, bound=first.bound, beneficiary=first.beneficiary,
            condition=first.condition, consequence=first.consequence, basis=b, date=_date(first.sent), cue=first.cue,
            event_ids=sorted({e for d in group for e in d.event_ids}), doc_ids=sorted({d.sent.doc.id for d in group}),
            evidence=evidence,
        ))  # fmt: skip
    return sorted(out, key=lambda c: (_day(c.date), c.id))


def extract_conditions(corpus: Any, sentences: list[Sentence] | None = None, plans: list[Any] | None = None
                       ) -> list[Condition]:
    """Every condition the corpus's documents state (see the module docstring)."""
    reading = Reading(corpus, plans)
    if sentences is None:
        sentences = candidate_sentences(corpus)
    return conditions_of(read_drafts(sentences, reading))


# ----------------------------------------------------------------------------- reports of acts on territory


@dataclass
class Report:
    """A sentence that says an act happened on, across or near a state's territory."""

    sent: Sentence
    relation: str
    state: str
    plover: list[str]
    date: str | None
    why: str
    area: str | None = None

    @property
    def event_ids(self) -> list[str]:
        return [e.id for e in self.sent.events]


def _asserted(tok: Any) -> bool:
    """The act is told as having happened: no modal, negation, infinitive or condition above it."""
    v = vocab()
    t = tok
    for _ in range(6):
        if any(c.dep_ in {"aux", "auxpass", "neg"} and (c.lower_ in v.modal or c.dep_ == "neg" or c.lower_ == "to")
               for c in t.children):
            return False
        if t.lemma_.lower() in v.modal or any(c.dep_ == "mark" and c.lower_ in v.marks for c in t.children):
            return False
        if t.head.i == t.i:
            return True
        t = t.head
    return True


def territory_reports(sentences: Iterable[Sentence], reading: Reading, skip: set[tuple[str, int]]) -> list[Report]:
    """Sentences (not ``skip``: those stating conditions) that report an act on a state's territory."""
    v = vocab()
    out = []
    for sent in sentences:
        if (sent.doc.id, sent.start) in skip or _phrase_at(sent.text, v.red_line):
            continue
        refs = territory_refs(sent, list(sent.sdoc), reading, None)
        if not refs:
            continue
        for ref in refs:
            w = ref.tokens[0]
            verb = w
            while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
                verb = verb.head
            scope = list(verb.subtree) if verb.pos_ in {"VERB", "AUX"} else list(sent.sdoc)
            types = act_types([t for t in scope if t.i not in {x.i for x in ref.tokens}])
            if not types or not _asserted(verb):
                continue
            out.append(Report(sent, ref.relation, ref.state, types, _date(sent), f"the text says {ref.why}", ref.area))
    return out


def today_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None
