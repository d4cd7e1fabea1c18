"""Dependency-pattern event coder: parsed sentences + linked actors -> PLOVER events.

Why a dictionary coder and not a model: every event must trace to a sentence and a trigger
a reviewer can see, and the CAMEO/PLOVER dictionaries (``truceline/data/event_verbs.jsonl``,
built by ``scripts/build_verbs.py``) are the field's published coding rules.

How one sentence is coded:

1. *Triggers*: verbs found by lemma (+ particle/preposition) in the verb table, refined by
   the CAMEO ``* OBJECT`` patterns of their synonym block; light verbs ("sign", "declare",
   "launch", "hold") take the code of their noun object ("sign an agreement"); other
   nouns in the noun table ("the shelling of Stepanakert") are triggers of their own.
2. *Frames* (registries below) change what a trigger means: speech verbs make the events
   they report *alleged* with the speaker as claimant; "deny" makes them *denied*;
   request/threat/rejection/promise verbs swallow the action they govern (a called-for
   ceasefire is a REQUEST, not a ceasefire); will/would -> *intended*, could/might ->
   *hypothetical*, an if/unless clause -> *conditional*; "not" -> ``negated``.
3. PLOVER conventions: an intended cooperative action is AGREE ("will provide aid"), an
   intended hostile one THREATEN ("would boycott"), an intended cooperative action refused
   ("will not accept") REJECT.
4. Actors: the mentions inside the subject / object subtrees (several when conjoined);
   passive voice swaps them; xcomp/conj clauses inherit the governing subject.

Events of one sentence come primary-first: the trigger dominated by the fewest other
triggers, so ``events[0]`` is the sentence's main event (what single-event gold scores).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from truceline.model import Actor, ActorRef, Event, Evidence, Mention, make_span
from truceline.text import paragraphs

# ----------------------------------------------------------------------------- registries

SPEECH = {"say", "tell", "announce", "state", "claim", "report", "add", "note", "declare", "insist", "allege",
          "confirm", "assert", "stress", "reiterate", "write", "tweet", "explain", "argue", "maintain",
          "acknowledge", "admit", "indicate", "suggest", "reveal", "believe", "think", "contend", "quote"}
DENY = {"deny", "refute", "dismiss", "rebut", "disprove"}
ALLEGE_NOUNS = {"claim", "allegation", "report", "accusation", "statement"}
INTENT_ADJ = {"willing", "ready", "prepared", "able", "determined", "committed", "eager"}
INTENT_VERB = {"plan", "intend", "aim", "seek", "prepare", "want", "hope", "expect", "decide", "schedule", "mean"}
OBLIGATION_AUX = {"must", "should"}  # "X said Y must ...": a demand by X on Y
# Nouns that are events only with a modifier ("joint statement"), or change code with one.
NOUN_NEEDS = {"statement": {"joint"}, "declaration": {"joint"}}
NOUN_WITH = {("strike", "hunger"): "142", ("strike", "air"): "195", ("strike", "missile"): "195",
             ("strike", "drone"): "195", ("strike", "general"): "143"}
FUTURE_AUX = {"will", "would", "shall", "'ll", "wo"}
HYPO_AUX = {"could", "might", "may", "can"}
CONDITION_MARKS = {"if", "unless", "should"}
NEGATIONS = {"not", "n't", "never", "no"}
# Frames whose own event stands for the action they govern (the action did not happen).
SWALLOW = {"REQUEST", "THREATEN", "REJECT", "AGREE", "CONCEDE"}
COOPERATIVE = {"AID", "COOPERATE", "RETREAT", "CONSULT", "SUPPORT"}
HOSTILE = {"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST"}
INTENT_CAMEO = {"AID": "033", "COOPERATE": "031", "RETREAT": "035", "CONSULT": "036", "SUPPORT": "032",
                "SANCTION": "131", "COERCE": "137", "ASSAULT": "138", "MOBILIZE": "138", "PROTEST": "133"}
HARM_VERBS = {"deal", "respond", "retaliate", "punish", "destroy", "strike", "pay", "face", "crush", "answer",
              "suffer", "regret", "eliminate", "neutralize", "neutralise"}
# Curated verbs whose own meaning fixes the event type (request, coercion, violence): a CAMEO
# object pattern of their synonym block may refine the code but not change the PLOVER type.
TYPE_FIXED = {"REQUEST", "COERCE", "ASSAULT", "ACCUSE", "PROTEST", "REJECT"}
# PLOVER modes from trigger/argument words (NGEC structured codebook mode definitions), most
# specific first; a cue overrides the CAMEO table's mode for that event type.
MODE_CUES: dict[str, list[tuple[str, set[str]]]] = {
    "ASSAULT": [("suicide-attack", {"suicide", "self-immolation"}),
                ("unconventional", {"chemical", "biological", "nuclear", "nerve", "sarin", "anthrax"}),
                ("massacre", {"massacre", "slaughter", "genocide"}),
                ("cleansing", {"cleansing"}),
                ("assassinate", {"assassinate", "assassination", "assassin"}),
                ("torture", {"torture"}), ("sexual", {"rape", "sexual"}),
                ("execute", {"execute", "execution"}),
                ("crowd-control", {"tear", "teargas", "cannon", "baton", "truncheon", "rubber"}),
                ("drone", {"drone", "uav", "predator", "reaper", "unmanned"}),
                ("aerial", {"airstrike", "air", "aircraft", "warplane", "jet", "helicopter", "gunship", "bomber",
                            "plane", "aerial"}),
                ("explosives", {"bomb", "bombing", "explosive", "explosion", "mine", "minefield", "landmine", "ied",
                                "grenade", "blast", "detonate", "booby"}),
                ("heavy-weapons", {"artillery", "shell", "shelling", "mortar", "rocket", "tank", "howitzer", "missile",
                                   "launcher", "armored", "armoured", "cannon", "bombard", "bombardment", "invasion",
                                   "invade"}),
                ("primitive", {"machete", "knife", "axe", "stone", "rock", "spear", "arrow", "club", "arson",
                               "torch", "sword"}),
                ("firearms", {"gun", "gunman", "gunmen", "gunfire", "rifle", "pistol", "shoot", "shot", "sniper",
                              "machine-gun", "fire"}),
                ("beat", {"beat", "beating", "punch", "kick"})],
    "PROTEST": [("hunger", {"hunger"}), ("riot", {"riot", "rioter", "rioting"}),
                ("strike", {"strike", "walkout", "stoppage"}), ("boycott", {"boycott"}),
                ("obstruct", {"blockade", "barricade", "block", "sit-in", "occupy"}),
                ("demo", {"demonstration", "demonstrate", "demonstrator", "rally", "march", "protest", "protester"})],
    "COERCE": [("curfew", {"curfew", "emergency", "martial"}), ("censor", {"censor", "censorship", "publication",
                                                                         "newspaper", "broadcast"}),
               ("cyber", {"hack", "hacker", "cyber", "cyberattack"}),
               ("arrest", {"arrest", "detain", "detention", "imprison", "jail"}),
               ("deport", {"deport", "deportation", "expel"}),
               ("destroy", {"demolish", "destroy", "bulldoze", "raze", "blow"}),
               ("seize", {"seize", "confiscate", "raid", "search"})],
    "MOBILIZE": [("police", {"police", "policeman", "gendarme"}), ("militia", {"militia", "militiaman"}),
                 ("weapons", {"weapon", "missile", "test", "alert", "readiness"}),
                 ("troops", {"troop", "soldier", "army", "force", "reservist", "unit"})],
    "CONSULT": [("phone", {"phone", "telephone", "call", "videoconference"}), ("visit", {"visit", "trip", "tour"}),
                ("third-party", {"host", "mediate", "mediation", "mediator"})],
    "THREATEN": [("curfew", {"curfew"}), ("relations", {"relations", "ties", "negotiation", "talk", "talks"}),
                 ("restrict", {"blockade", "boycott", "strike", "embargo"}), ("arrest", {"arrest", "detain"}),
                 ("expel", {"expel"}), ("territory", {"occupy", "annex", "seize"}),
                 ("violence", {"attack", "blow", "offensive", "strike", "war", "fight", "kill", "bomb", "invade",
                               "retaliate", "destroy", "crush", "force"})],
}
SUBJ = {"nsubj", "csubj"}
OBJ_DEPS = {"dobj", "dative", "obj", "attr", "oprd"}
TARGET_PREPS = {"with", "against", "on", "at", "to", "into", "upon", "toward", "towards", "between", "of", "from"}
NESTED = {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos"}
LOC_PREPS = {"in", "at", "near", "outside", "inside", "around"}
LOC_LABELS = {"GPE", "LOC", "FAC"}
TIME_ENTS = {"DATE", "TIME"}  # "on Tuesday", "at dawn": never a target
# Verbs whose CAMEO dictionary entries fire on light, aspectual or aim uses ("are involved in",
# "can help solve", "becomes policy", "continues", "seeks an end to"): never triggers by themselves.
NON_TRIGGER = {"involve", "help", "become", "go", "lead", "connect", "relate", "continue", "start", "begin",
               "seek", "aim", "remain", "get", "leave", "serve", "result", "bear",
               "work", "make", "find", "play", "concern", "have", "include"}
# Nouns naming a situation rather than an act: an event only as the subject of a predicate saying
# something happened to them ("fighting continued", "the ceasefire collapsed"), never a mere mention.
BARE_NOUNS = {"fighting", "fight", "violence", "war", "conflict", "escalation", "effort", "policy", "plan",
              "hostility", "hostilities", "clash", "tension", "crisis", "dispute", "confrontation", "initiative",
              "proposal", "cooperation", "fire", "offensive", "statement", "declaration", "deal", "agreement",
              "ceasefire", "cease-fire", "truce", "accord", "talk", "talks", "negotiation", "support", "threat",
              "attack", "exchange", "release", "relief", "aid", "assistance", "mediation", "call", "demand"}
# Nouns that stay events with an actor of their own ("Iran's plan", "the shelling of Tartar").
OWNED_OK = {"plan", "initiative", "proposal", "statement", "declaration", "deal", "agreement", "ceasefire",
            "cease-fire", "truce", "accord", "talk", "talks", "negotiation", "support", "threat", "attack",
            "demand", "call", "mediation", "aid", "assistance", "release", "exchange", "offensive", "cooperation"}
# Aims, not acts: "to resolve/settle/end the conflict", "to halt fighting".
AIM_VERBS = {"resolve", "solve", "settle", "end", "halt", "stop", "cease", "finish"}
SITUATION_NOUNS = {"conflict", "war", "fighting", "hostility", "hostilities", "dispute", "crisis", "violence",
                   "confrontation", "difference", "issue", "problem", "situation", "occupation", "clash", "tension"}
# A situation noun as subject of these says what happened to an agreement: the breach.
BREACH_VERBS = {"collapse", "fail", "break", "unravel", "crumble"}
# "the sides", "both sides", "the other (side)", "the parties", "the warring sides".
SIDE_NOUNS = {"side", "sides", "party", "parties"}
SIDE_MODS = {"the", "both", "each", "two", "warring", "either", "other", "opposing"}


@dataclass(frozen=True)
class Code:
    cameo: str
    plover: str
    mode: str | None
    context: tuple[str, ...]


@dataclass
class Lexicon:
    """The trigger dictionary, indexed for the coder."""

    codes: dict[str, tuple[str, str | None, tuple[str, ...]]] = field(default_factory=dict)
    verbs: dict[tuple[str, str | None], str | None] = field(default_factory=dict)  # (lemma, particle) -> CAMEO
    blocks: dict[tuple[str, str | None], list[str]] = field(default_factory=dict)
    patterns: dict[str, list[tuple[str | None, tuple[str, ...], str]]] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    light: dict[str, dict[str, str]] = field(default_factory=dict)
    particles: dict[str, set[str]] = field(default_factory=dict)
    curated: set[tuple[str, str | None]] = field(default_factory=set)  # hand-checked verb defaults

    def code(self, cameo: str | None) -> Code | None:
        """CAMEO -> PLOVER, falling back to the parent code ("0311" -> "031" -> "03")."""
        if not cameo:
            return None
        for n in range(len(cameo), 1, -1):
            row = self.codes.get(cameo[:n])
            if row:
                return Code(cameo, row[0], row[1], row[2])
        return None


@cache
def load_lexicon() -> Lexicon:
    """The trigger dictionary, loaded once per process."""
    lex = Lexicon()
    path = resources.files("truceline.data").joinpath("event_verbs.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        kind = r["kind"]
        if kind == "code":
            lex.codes[r["cameo"]] = (r["plover"], r["mode"], tuple(r["context"]))
        elif kind == "verb":
            k = (r["lemma"], r["particle"])
            if r["cameo"] and (k not in lex.verbs or not lex.verbs[k]):
                lex.verbs[k] = r["cameo"]
            lex.verbs.setdefault(k, None)
            if r.get("src") == "curated":
                lex.curated.add(k)
            if r.get("block"):
                lex.blocks.setdefault(k, []).append(r["block"])
            if r["particle"]:
                lex.particles.setdefault(r["lemma"], set()).add(r["particle"])
        elif kind == "pattern":
            lex.patterns.setdefault(r["block"], []).append((r["prep"], tuple(r["words"]), r["cameo"]))
        elif kind == "noun":
            lex.nouns[r["lemma"]] = r["cameo"]
        elif kind == "light":
            lex.light[r["lemma"]] = r["fixed"]
    return lex


# ----------------------------------------------------------------------------- triggers


@dataclass
class Trigger:
    tok: Any  # the spaCy token
    code: Code
    noun: bool = False
    obj: Any = None  # the noun object that gave a light verb its code
    swallowed: bool = False
    rank: int = 0


def _particle(tok, lex: Lexicon) -> str | None:
    wanted = lex.particles.get(tok.lemma_.lower())
    if not wanted:
        return None
    for c in tok.children:
        if c.dep_ in {"prt", "prep"} and c.lower_ in wanted:
            return c.lower_
    return None


def _object_nouns(tok) -> list:
    """Noun objects of a verb: direct objects and the objects of its prepositions/particles."""
    out = []
    for c in tok.children:
        if c.dep_ in OBJ_DEPS and c.pos_ in {"NOUN", "PROPN"}:
            out.append(c)
        elif c.dep_ in {"prep", "agent"}:
            out += [g for g in c.children if g.dep_ == "pobj" and g.pos_ in {"NOUN", "PROPN"}]
    for o in list(out):
        out += [c for c in o.children if c.dep_ in {"conj", "compound"} and c.pos_ == "NOUN"]
    return out


def _noun_lemma(tok) -> str:
    lemma = tok.lemma_.lower()
    if tok.lower_ in {"talks", "hostilities", "sanctions"}:
        return {"hostilities": "hostility", "sanctions": "sanction"}.get(tok.lower_, tok.lower_)
    return lemma


def noun_code(tok, lex: Lexicon, fixed: dict[str, str] | None = None) -> str | None:
    """CAMEO code of a noun trigger, with its modifiers ("hunger strike", "joint statement")."""
    lemma = _noun_lemma(tok)
    if fixed and lemma in fixed:
        return fixed[lemma]
    mods = {c.lower_ for c in tok.children if c.dep_ in {"amod", "compound"}}
    cameo = next((NOUN_WITH[(lemma, m)] for m in mods if (lemma, m) in NOUN_WITH), lex.nouns.get(lemma))
    if lemma in NOUN_NEEDS and not mods & NOUN_NEEDS[lemma]:
        return None
    return cameo


def _pattern_code(tok, key: tuple[str, str | None], lex: Lexicon) -> str | None:
    """The most specific CAMEO pattern of the verb's blocks that its objects satisfy."""
    blocks = lex.blocks.get(key) or lex.blocks.get((key[0], None)) or []
    if not blocks:
        return None
    preps = {c.lower_ for c in tok.children if c.dep_ in {"prep", "prt", "agent"}}
    words = {t.lemma_.lower() for c in tok.children if c.dep_ in OBJ_DEPS | {"prep", "prt", "agent", "acomp"}
             for t in _phrase(c)}
    best, best_n = None, 0
    for b in blocks:
        for prep, ws, code in lex.patterns.get(b, ()):
            if prep and prep not in preps:
                continue
            if not all(any(w == x or (len(w) >= 4 and x.startswith(w)) for x in words) for w in ws):
                continue
            n = len(ws) + (1 if prep else 0)
            if n > best_n:
                best, best_n = code, n
    return best


def _plover(lex: Lexicon, cameo: str | None) -> str | None:
    code = lex.code(cameo)
    return code.plover if code else None


def find_triggers(sent, lex: Lexicon) -> list[Trigger]:
    """Every event trigger of one sentence (verbs, light verb + noun, nouns)."""
    out: list[Trigger] = []
    used_nouns: set[int] = set()
    for tok in sent:
        if tok.pos_ != "VERB":
            continue
        lemma = tok.lemma_.lower()
        if lemma in SPEECH | DENY and any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children):
            continue  # a frame, not an event
        if tok.text.isupper() and len(tok.text) > 2:
            continue  # "VISIT MY WEBSITE": page furniture, not news
        if tok.dep_ == "amod" and tok.tag_ == "VBN":
            continue  # "banned weapons", "disputed region": a participle used as an adjective
        if lemma in AIM_VERBS and any(_noun_lemma(o) in SITUATION_NOUNS for o in _object_nouns(tok)):
            continue  # "to end the conflict": an aim, not an act
        if lemma in lex.light:
            fixed = lex.light[lemma]
            hit = next(((o, noun_code(o, lex, fixed)) for o in _object_nouns(tok) if noun_code(o, lex, fixed)), None)
            if hit:
                code = lex.code(hit[1])
                if code:
                    out.append(Trigger(tok, code, obj=hit[0]))
                    used_nouns.add(hit[0].i)
                    continue
        part = _particle(tok, lex)
        key = (lemma, part)
        pattern = _pattern_code(tok, key, lex)
        if lemma in NON_TRIGGER and not pattern and not part:
            continue  # a light or aspectual verb, unless a CAMEO pattern gives it a meaning
        default = lex.verbs.get(key) or (lex.verbs.get((lemma, None)) if part else None)
        if pattern and default and _plover(lex, default) in TYPE_FIXED and _plover(lex, pattern) != _plover(lex, default) \
                and (key in lex.curated or (lemma, None) in lex.curated):
            pattern = None  # "demanded that ...", "arrested in a sweep": a pattern refines, never retypes
        cameo = pattern or default
        code = lex.code(cameo)
        if code is None or code.cameo.startswith("01"):
            continue
        if lemma in BREACH_VERBS and any(c.dep_ in {"nsubj", "nsubjpass"} and noun_code(c, lex) for c in tok.children):
            continue  # "the ceasefire collapsed": the noun carries the event
        out.append(Trigger(tok, code))
    for tok in sent:
        if tok.pos_ != "NOUN" or tok.i in used_nouns:
            continue
        cameo = noun_code(tok, lex)
        if not cameo:
            continue
        if tok.dep_ == "compound" and tok.head.i in used_nouns:
            continue
        lemma = _noun_lemma(tok)
        subject_of = tok.head if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.pos_ == "VERB" else None
        if lemma in BARE_NOUNS and subject_of is None and not (lemma in OWNED_OK and _owned(tok)):
            continue  # a mere mention ("the Nagorno-Karabakh conflict")
        if tok.dep_ == "compound":
            continue  # "ceasefire agreements", "conflict resolution": the head noun decides
        code = lex.code(cameo)
        if subject_of is not None and subject_of.lemma_.lower() in BREACH_VERBS and code and \
                code.plover in {"AGREE", "CONCEDE"}:
            code = lex.code("196")  # "the ceasefire collapsed": the breach
        if code:
            out.append(Trigger(tok, code, noun=True))
    return out


def _owned(tok) -> bool:
    """A nominal trigger with an actor of its own: "Iran's plan", "the plan by Iran", "Russia-brokered truce"."""
    for c in tok.children:
        if c.dep_ == "poss" and c.pos_ in {"PROPN", "NOUN"} and c.lower_ not in {"country", "government"}:
            return True
        if c.dep_ in {"amod", "compound", "npadvmod"} and (c.ent_type_ in {"GPE", "NORP", "ORG"} or
                                                          any(g.ent_type_ in {"GPE", "NORP", "ORG"} for g in c.subtree)):
            return True
        if c.dep_ == "prep" and c.lower_ == "by":
            return True
    return False


# ----------------------------------------------------------------------------- actors


class Actors:
    """Mentions of one document indexed by character offset, as :class:`ActorRef`."""

    def __init__(self, mentions: list[Mention], actors: list[Actor]):
        by_id = {a.id: a for a in actors}
        self.items = []
        for m in mentions:
            span = m.evidence[0].span
            a = by_id.get(m.actor_id) if m.actor_id else None
            code = m.code or (a.code if a else None)
            if not code and not m.actor_id:
                continue
            self.items.append((span.start, span.end, ActorRef(text=span.text, code=code, actor_id=m.actor_id)))
        self.items.sort(key=lambda x: (x[0], x[1]))

    def in_tokens(self, toks: Iterable) -> list[ActorRef]:
        """Actors whose mention overlaps the given tokens, outermost mention per place, in text order."""
        toks = sorted(toks, key=lambda t: t.i)
        spans = [(t.idx, t.idx + len(t.text)) for t in toks]
        out: list[ActorRef] = []
        seen: set[tuple] = set()
        for s, e, ref in self.items:
            if any(s < b and a < e for a, b in spans):
                k = (ref.actor_id, ref.code)
                if k not in seen:
                    seen.add(k)
                    out.append(ref)
        return out


def _phrase(tok) -> list:
    """A noun phrase's tokens, without its nested clauses (relative clauses, appositions)."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack += [c for c in t.children if c.dep_ not in NESTED]
    return out


def _subject(tok):
    """The subject of a verb, inherited through xcomp/conj/advcl chains ("offered to hand over")."""
    seen = 0
    while tok is not None and seen < 6:
        for c in tok.children:
            if c.dep_ in SUBJ | {"nsubjpass"}:
                return c
        if (tok.dep_ in {"xcomp", "conj", "advcl", "pcomp"} or _misparsed_main(tok)) and tok.head.i != tok.i:
            tok = tok.head
            if tok.pos_ == "ADP":
                tok = tok.head
        elif tok.dep_ == "acomp":
            tok = tok.head
        else:
            return None
        seen += 1
    return None


def _reduced_passive(tok) -> bool:
    """A bare past participle with a "by" agent ("ceasefires agreed to by the sides"): a passive
    modifier of the noun before it, however the parser attached it."""
    return tok.tag_ in {"VBN", "VBD"} and not any(c.dep_ in {"aux", "auxpass"} for c in tok.children) and \
        any(c.dep_ in {"agent", "prep"} and c.lower_ == "by" and
            any(g.dep_ == "pobj" and g.ent_type_ not in TIME_ENTS for g in c.children) for c in tok.children)


def _misparsed_main(tok) -> bool:
    """A finite clause hung under a reduced passive ("ceasefires agreed to by the sides were
    breached", parsed with "agreed" as root): the clause is the sentence's main predicate."""
    return tok.dep_ in {"conj", "ccomp"} and tok.head.i != tok.i and _reduced_passive(tok.head) and \
        any(c.dep_ in {"aux", "auxpass"} for c in tok.children) and not any(c.dep_ in SUBJ | {"nsubjpass"}
                                                                          for c in tok.children)


def verb_roles(tok) -> tuple[list, list]:
    """(source tokens, target tokens) for a verb trigger."""
    src, tgt = [], []
    subj = _subject(tok)
    reduced = _reduced_passive(tok)
    passive = reduced or any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)
    if subj is not None:
        inherited = (tok.dep_ == "conj" or _misparsed_main(tok)) and subj.head.i != tok.i  # "X agreed ... and were breached": own voice
        (tgt if passive and (subj.dep_ == "nsubjpass" or inherited or reduced) else src).extend(_phrase(subj))
    for c in tok.children:
        if c.dep_ == "agent" or (reduced and c.dep_ == "prep" and c.lower_ == "by"):
            src += [t for g in c.children if g.dep_ == "pobj" for t in _phrase(g)]
        elif c.dep_ in {"dobj", "dative", "obj"}:
            tgt += _phrase(c)
        elif c.dep_ in {"prep", "prt"} and c.lower_ in TARGET_PREPS:
            tgt += [t for g in c.children if g.dep_ == "pobj" and g.ent_type_ not in TIME_ENTS for t in _phrase(g)]
    return src, tgt


def _noun_objects(tok) -> list:
    """Targets of an event noun: "attack on X", "talks with X", "sanctions against X"."""
    return [t for p in tok.children if p.dep_ == "prep" and p.lower_ in TARGET_PREPS - {"of", "from"}
            for g in p.children if g.dep_ == "pobj" and g.ent_type_ not in TIME_ENTS for t in _phrase(g)]


def _nested_targets(tok, plover: str, noun: bool) -> list:
    """Targets one construction down when the trigger has none of its own: the object of the
    xcomp verb it governs ("threatened to launch an offensive against X", "agreed to send troops
    to X") and the objects of its (or that verb's) noun object ("deliver blows to X")."""
    out: list = []
    heads = [tok]
    if not noun:
        heads += [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        heads += [g for h in heads[1:] for g in h.children if g.dep_ == "xcomp" and g.pos_ == "VERB"]
    for h in heads:
        if h is not tok:
            out += verb_roles(h)[1]
        for o in ([h] if noun and h is tok else [c for c in h.children if c.dep_ in {"dobj", "obj"}]):
            out += _noun_objects(o)
    return out


def _condition_subjects(tok) -> list:
    """Subjects of the if/unless clauses of a threat (or of the action it threatens): the party
    whose conduct the threat is meant to change."""
    heads = [tok] + [c for c in tok.children if c.dep_ == "xcomp"]
    return [t for h in heads for c in h.children if _is_condition(c)
            for s in c.children if s.dep_ in SUBJ for t in _phrase(s)]


def noun_roles(tok) -> tuple[list, list]:
    """(source, target) tokens for a nominal trigger: "Iran's plan", "the shelling of Tartar"."""
    src, tgt = [], []
    for c in tok.children:
        if c.dep_ in {"poss", "amod", "compound", "nmod"}:
            src += _phrase(c)
        elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
            tgt += [t for g in c.children if g.dep_ == "pobj" for t in _phrase(g)]
        elif c.dep_ == "prep" and c.lower_ == "by":
            src += [t for g in c.children if g.dep_ == "pobj" for t in _phrase(g)]
    if not src and tok.dep_ in OBJ_DEPS | {"pobj"}:
        gov = tok.head.head if tok.dep_ == "pobj" else tok.head
        if gov.pos_ == "VERB":  # "X launched an attack on Y": X is the attacker
            s, _ = verb_roles(gov)
            src = s
    return src, tgt


# ----------------------------------------------------------------------------- frames


@dataclass
class Frame:
    modality: str = "asserted"
    claimant: Any = None  # subject token of the speech verb
    negated: bool = False
    conditional: bool = False
    intended: bool = False
    hypothetical: bool = False
    swallowed_by: Any = None  # the trigger whose frame swallows this one
    accused: list = field(default_factory=list)
    obligation: bool = False  # "must"/"should"
    unless: bool = False  # "accused X of ...": X is the alleged source


def _aux(tok) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}


def _clause_head(tok):
    """The verb whose clause a nominal trigger sits in ("called for a ceasefire" -> called)."""
    t = tok
    while t.pos_ not in {"VERB", "AUX", "ADJ"} and t.head.i != t.i:
        t = t.head
    return t


def frame_of(trig: Trigger, triggers: dict[int, Trigger], bounds: tuple[int, int] | None = None) -> Frame:
    """Walk up from the trigger collecting modality cues until the sentence root (or the piece's edge)."""
    f = Frame()
    lo, hi = bounds or (0, len(trig.tok.doc))
    tok = trig.tok
    clause = trig.obj.head if trig.obj is not None else tok
    clause = tok if not trig.noun else _clause_head(tok)
    if not lo <= clause.i < hi:
        clause = tok
    if trig.noun and clause is not tok and clause.i in triggers:
        f.swallowed_by = triggers[clause.i]
    # own clause cues
    cues = [tok] if not trig.noun else [clause]
    for t in cues:
        aux = _aux(t)
        if any(c.dep_ == "neg" and c.lower_ in NEGATIONS for c in t.children):
            f.negated = True
        if aux & FUTURE_AUX or any(c.lower_ == "going" for c in t.children if c.dep_ == "aux"):
            f.intended = True
        if aux & HYPO_AUX:
            f.hypothetical = True
        if aux & OBLIGATION_AUX:
            f.obligation = True
        for c in t.children:
            if _is_condition(c):
                f.conditional = True
                f.unless = f.unless or any(m.lower_ == "unless" for m in c.children if m.dep_ == "mark")
    if trig.noun and any(c.dep_ == "neg" or c.lower_ == "no" for c in tok.children if c.dep_ == "det"):
        f.negated = True
    # climb
    t, steps = clause, 0
    while t.head.i != t.i and steps < 8 and lo <= t.head.i < hi:
        prev = t
        dep, t = t.dep_, t.head
        steps += 1
        lemma = t.lemma_.lower()
        if t.i in triggers and f.swallowed_by is None and triggers[t.i] is not trig:
            gov = triggers[t.i]
            if gov.code.plover in SWALLOW and not (steps == 1 and (dep == "conj" or _misparsed_main(prev))):
                f.swallowed_by = gov  # a conjoined clause ("agreed ... and were breached") is its own event
            elif gov.code.plover == "ACCUSE" and f.claimant is None:
                f.modality, f.claimant = "alleged", _subject(t)
                f.accused = [c for c in t.children if c.dep_ in {"dobj", "obj"}]
        if dep == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in prev.children):
            f.conditional = True
        if dep in {"xcomp", "acomp"} and (lemma in INTENT_VERB or lemma in INTENT_ADJ):
            f.intended = True
        if t.pos_ == "ADJ" and lemma in INTENT_ADJ:
            f.intended = True
        if lemma in DENY and f.claimant is None:
            f.modality, f.claimant = "denied", _subject(t)
        elif lemma in SPEECH and dep in {"ccomp", "xcomp", "parataxis"} and f.claimant is None:
            f.modality, f.claimant = "alleged", _subject(t)
        elif dep == "parataxis" and f.claimant is None and lemma in SPEECH:
            f.modality, f.claimant = "alleged", _subject(t)
    # "..., X said." parses with the speech verb as root and our clause as ccomp: handled above.
    return f


def mode_of(plover: str, trig: Trigger, default: str | None) -> str | None:
    """The PLOVER mode of an event from the words of its trigger's clause (``MODE_CUES``)."""
    cues = MODE_CUES.get(plover)
    if not cues:
        return default
    head = _clause_head(trig.tok) if trig.noun else trig.tok
    words = {t.lemma_.lower() for t in head.subtree} | {t.lower_ for t in head.subtree}
    if trig.noun:
        words |= {t.lemma_.lower() for t in trig.tok.subtree}
    for mode, ws in cues:
        if words & ws:
            return mode
    return default


def apply_conventions(code: Code, f: Frame, lex: Lexicon) -> tuple[Code, str]:
    """PLOVER conventions for intended/negated actions; returns the code and the modality."""
    modality = f.modality
    if f.obligation and f.claimant is not None:
        return lex.code("100") or code, "requested"
    if f.intended and f.unless and code.plover not in {"THREATEN"}:
        return lex.code("130") or code, "conditional"
    if f.intended and f.negated and code.plover in COOPERATIVE | {"AGREE", "CONCEDE"}:
        return lex.code("120") or code, "asserted"
    if f.intended and f.negated and not f.conditional and code.plover in HOSTILE:
        # "the sides will not target civilians": a commitment to refrain, not a warning
        return lex.code("030") or code, "intended"
    if f.intended and code.plover in COOPERATIVE:
        code = lex.code(INTENT_CAMEO[code.plover]) or code
    elif (f.intended or f.conditional) and code.plover in HOSTILE:
        code = lex.code(INTENT_CAMEO[code.plover]) or code
    if modality == "asserted" or modality == "alleged":
        if f.conditional:
            modality = "conditional"
        elif f.intended:
            modality = "intended"
        elif f.hypothetical:
            modality = "hypothetical"
    return code, modality


# ----------------------------------------------------------------------------- sentences


def _is_condition(tok) -> bool:
    return tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in tok.children)


def _rank(trig: Trigger, triggers: dict[int, Trigger]) -> tuple[int, int, int]:
    """Fewer dominating triggers first, then shallower, then earlier."""
    n, depth, t = 0, 0, trig.tok
    while t.head.i != t.i:
        if _is_condition(t):
            n += 1  # "if war starts": a condition, not the sentence's event
        prev, t = t, t.head
        depth += 1
        if t.i in triggers and not (not triggers[t.i].noun and _misparsed_main(prev)):
            n += 1
    if not trig.noun and _reduced_passive(trig.tok):
        n += 1  # "ceasefires agreed to by the sides were breached": the breach is the event
    return (n, depth + (1 if trig.noun else 0), trig.tok.i)


def _conditional_threats(sent, triggers: dict[int, Trigger], lex: Lexicon) -> list[Trigger]:
    """"If they approach the border, they will be dealt with": a future harm under a condition."""
    out = []
    for tok in sent:
        if tok.pos_ != "VERB":
            continue
        if not (_aux(tok) & FUTURE_AUX) or tok.lemma_.lower() not in HARM_VERBS:
            continue
        cond = any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children)
                   for c in tok.children)
        if cond:
            code = lex.code("138")
            if code:
                out.append(Trigger(tok, code))
    return out


def _location(sent, ents_by_tok: dict[int, Any]) -> str | None:
    """A place named in the sentence, preferring one governed by in/at/near."""
    best = None
    for tok in sent:
        ent = ents_by_tok.get(tok.i)
        if ent is None:
            continue
        if tok.head.lower_ in LOC_PREPS and tok.dep_ == "pobj":
            return ent.text
    return best


def _date(sent, timex, dct: date | None) -> str | None:
    s, e = sent.start_char, sent.end_char
    for t in timex:
        span = t.evidence[0].span
        if s <= span.start < e and t.type == "DATE" and t.value[:1].isdigit():
            return t.value
    return dct.isoformat() if dct else None


def code_sentence_span(doc_id: str, text: str, sent, dct: date | None, actors: Actors, timex, ents_by_tok,
                       start_n: int = 1, sides: dict | None = None, explicit: set | None = None) -> list[Event]:
    """The events of one parsed sentence (or paragraph piece of one), primary first.

    ``sides`` collects, per event id, the roles filled by "the sides"/"each side ... the other",
    resolved to the two parties once the whole document is coded (:func:`_resolve_sides`).
    """
    lex = load_lexicon()
    lo, hi = sent.start, sent.end
    trigs = find_triggers(sent, lex)
    by_tok = {t.tok.i: t for t in trigs}
    threats = {t.tok.i: t for t in _conditional_threats(sent, by_tok, lex)}
    trigs = [t for t in trigs if t.tok.i not in threats] + list(threats.values())
    by_tok = {t.tok.i: t for t in trigs}
    frames = {t.tok.i: frame_of(t, by_tok, (lo, hi)) for t in trigs}
    trigs.sort(key=lambda t: _rank(t, by_tok))
    span = make_span(doc_id, text, sent.start_char, sent.end_char)
    when = _date(sent, timex, dct)
    where = _location(sent, ents_by_tok)
    events: list[Event] = []
    kept_trigs: list[Trigger] = []
    for trig in trigs:
        f = frames[trig.tok.i]
        if f.swallowed_by is not None:
            continue
        code, modality = apply_conventions(trig.code, f, lex)
        src_t, tgt_t = noun_roles(trig.tok) if trig.noun else verb_roles(trig.tok)
        if code.cameo == "100" and f.obligation and f.claimant is not None:
            src_t, tgt_t = _phrase(f.claimant), src_t  # "X said Y must ...": X demands of Y
        if not trig.noun and not actors.in_tokens(tgt_t):
            for c in trig.tok.children:  # "demanded that the US cancel ...", "offered to hand over to X"
                found = []
                if c.dep_ == "ccomp" and code.plover in SWALLOW | {"ACCUSE"}:
                    found = [t for s in c.children if s.dep_ in SUBJ | {"nsubjpass"} for t in _phrase(s)]
                elif c.dep_ == "xcomp" and code.plover in SWALLOW:
                    found = verb_roles(c)[1]
                if actors.in_tokens(found):
                    tgt_t = found
                    break
        if not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _nested_targets(trig.tok, code.plover, trig.noun)
        if not actors.in_tokens(tgt_t):  # "hosted the Japanese leader, Hashimoto": the apposition names him
            tgt_t = tgt_t + [t for a in tgt_t for c in a.children if c.dep_ == "appos" for t in _phrase(c)]
        if code.plover == "THREATEN" and not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _condition_subjects(trig.tok)  # "threatened to ... unless Baghdad accepted"
        if trig.obj is not None:
            tgt_t += [t for p in trig.obj.children if p.dep_ == "prep" and p.lower_ in TARGET_PREPS
                      for g in p.children if g.dep_ == "pobj" for t in _phrase(g)]
        if not src_t and f.accused:
            src_t = [t for a in f.accused for t in _phrase(a)]
        if code.plover == "THREATEN" and f.intended and not f.conditional and trig.code.plover in HOSTILE \
                and _side_tokens(src_t):
            code = lex.code("030") or code  # "the sides will ...": a commitment between the parties
        src_t = [t for t in src_t if lo <= t.i < hi]  # never an actor from another paragraph
        tgt_t = [t for t in tgt_t if lo <= t.i < hi]
        side_roles = {role for role, toks in (("source", src_t), ("target", tgt_t)) if _side_tokens(toks)}
        reciprocal = "source" in side_roles and "target" in side_roles and any(
            t.lower_ == "each" for t in src_t) and any(t.lower_ == "other" for t in tgt_t)
        source, target = actors.in_tokens(src_t), actors.in_tokens(tgt_t)
        if not target and code.plover in HOSTILE and not trig.noun:
            # "rioted at a jail in northern Israel", "fired at targets in Jericho": the place attacked
            places = [g for g in trig.tok.subtree if g.dep_ == "pobj" and g.head.lower_ == "in"
                      and g.ent_type_ == "GPE" and lo <= g.i < hi and not any(n.dep_ in NESTED for n in g.ancestors
                                                                              if n.i > trig.tok.i and n.i < g.i)]
            src_keys = {(r.actor_id, r.code) for r in source}
            target = [r for r in actors.in_tokens(places[:1]) if (r.actor_id, r.code) not in src_keys]
        source, target = _countried(source, sent, actors), _countried(target, sent, actors)
        claimant = actors.in_tokens(_phrase(f.claimant)) if f.claimant is not None else []
        if claimant and (not source or all(t.pos_ == "PRON" for t in src_t if not t.is_punct)):
            if not source:
                source = claimant[:1] if modality in {"intended", "conditional", "hypothetical", "asserted", "denied"} or \
                    code.plover not in {"ASSAULT", "COERCE"} else []
        if code.plover in {"ASSAULT", "COERCE"} and claimant and not target and any(
                t.lower_ in {"its", "their", "our", "we", "us"} for t in tgt_t + src_t):
            target = claimant[:1]  # "Azerbaijan said its positions had been fired on"
        target = [t for t in target if (t.actor_id, t.code) not in {(s.actor_id, s.code) for s in source}] or (
            target if code.plover in {"AGREE", "CONSULT", "COOPERATE"} else [])
        if side_roles and sides is not None:
            sides[f"{doc_id}-e{start_n + len(events)}"] = [side_roles, reciprocal, sent.start_char]
        kept_trigs.append(trig)
        events.append(Event(
            id=f"{doc_id}-e{start_n + len(events)}", plover=code.plover, mode=mode_of(code.plover, trig, code.mode), context=list(code.context),
            cameo=code.cameo, source=source, target=target, date=when, location=where,
            modality=modality if modality in _MODALITIES else "asserted",
            claimant=claimant[0] if claimant and modality in {"alleged", "denied"} else None,
            negated=f.negated and not (code.cameo == "120" and f.intended),
            evidence=[Evidence(span=span, role="event", note=f"trigger: {trig.tok.text}")],
        ))
    if explicit is not None:
        explicit.update(id(ev) for ev, trig in zip(events, kept_trigs, strict=True)
                        if _explicit_act(trig.tok, ev.plover, ev.modality))
    for ev in events:
        if ev.plover == "REQUEST" and ev.modality == "asserted":
            ev.modality = "requested"  # what was asked for has not happened
    return events


GENERIC = {"GOV", "CVL", "LEG", "ELI", "MIL", "COP", "REB", "OPP", "JUD", "MED", "BUS", "LAB", "EDU", "REF",
           "SPY", "UAF", "AGR", "REL", "HLH", "CRM", "MEA", "INT"}


def _countried(refs: list[ActorRef], sent, actors: Actors) -> list[ActorRef]:
    """A sector-only actor ("the government", "opposition leader") takes the country named in its
    own noun phrase ("the Turkish government", "opposition groups in Zimbabwe"); a country actor of
    the same phrase already listed absorbs it."""
    out: list[ActorRef] = []
    for ref in refs:
        code = ref.code or ""
        if code[:3] not in GENERIC:
            out.append(ref)
            continue
        toks = [t for t in sent if any(s <= t.idx < e and r is ref for s, e, r in actors.items)]
        head = toks[-1] if toks else None
        while head is not None and head.dep_ in {"compound", "amod", "flat", "nmod"} and head.head.i != head.i:
            head = head.head
        country = next((r for r in actors.in_tokens(_phrase(head)) if _state(r) and _state(r) not in GENERIC), None) \
            if head is not None else None
        if country is None:
            out.append(ref)
        elif not any(r.code and r.code[:3] == _state(country) for r in refs):  # type: ignore[index]
            out.append(ref.model_copy(update={"code": _state(country) + code[:3]}))
    return out


def _side_tokens(toks) -> list:
    """Tokens naming the parties generically: "the sides", "both sides", "each side", "the other"."""
    out = []
    for t in toks:
        lower = t.lower_
        mods = {c.lower_ for c in t.children if c.dep_ in {"det", "amod", "nummod", "predet"}}
        if (lower in SIDE_NOUNS or t.lemma_.lower() in SIDE_NOUNS) and mods & SIDE_MODS:
            out.append(t)
        elif lower == "other" and t.pos_ in {"NOUN", "PRON", "ADJ"} and t.dep_ != "amod" and "the" in mods:
            out.append(t)
        elif lower == "each" and t.dep_ in SUBJ:
            out.append(t)
    return out


_NON_STATE = {"IGO", "NGO", "MNC", "UNO", "INT", "REB", "IMG", "CVL", "MED", "BUS"}


def _state(ref: ActorRef) -> str | None:
    code = (ref.code or "")[:3]
    return code if len(code) == 3 and code.isalpha() and code.isupper() and code not in _NON_STATE else None


def _parties(offset: int, sdoc, index: Actors, paras, events: list[Event], skip: set[str]) -> list[ActorRef]:
    """The two parties "the sides" refers to at ``offset``: state actors conjoined ("Armenia and
    Azerbaijan", "Armenian and Azeri ministers") earlier in this or the previous paragraph, else the
    two state actors most often source/target of the document's ASSAULT/ACCUSE events."""
    n = _para_index(offset, paras)
    for lo_p in range(n, n - 6, -1):  # a statement's quoted clauses run over several paragraphs
        if lo_p < 0 or lo_p >= len(paras):
            continue
        ps, pe = paras[lo_p]
        pe = min(pe, offset)
        pair = None
        for tok in sdoc:
            if not ps <= tok.idx < pe:
                continue
            if tok.dep_ == "conj":
                other = tok.head
            elif any(c.dep_ == "cc" for c in tok.children):  # "Armenian and Azeri ministers": sibling amods
                other = next((c for c in tok.head.children if c.i > tok.i and c.dep_ == tok.dep_), None)
                if other is None:
                    continue
            else:
                continue
            a, b = index.in_tokens([other]), index.in_tokens([tok])
            ca = next((r for r in a if _state(r)), None)
            cb = next((r for r in b if _state(r)), None)
            if ca and cb and _state(ca) != _state(cb):
                pair = [ca, cb]  # the last pair before the mention
        if pair:
            return pair
    counts: dict[str, int] = {}
    first: dict[str, ActorRef] = {}
    for ev in events:
        if ev.id in skip or ev.plover not in {"ASSAULT", "ACCUSE"}:
            continue
        for r in ev.source + ev.target:
            c = _state(r)
            if c:
                counts[c] = counts.get(c, 0) + 1
                first.setdefault(c, r)
    top = sorted(counts, key=lambda c: -counts[c])[:2]
    return [first[c] for c in top] if len(top) == 2 else []


def _resolve_sides(doc_id: str, events: list[Event], sides: dict, sdoc, index: Actors, paras) -> list[Event]:
    """Fill "the sides" roles with the two parties; "each side blamed the other" becomes two
    events, A -> B and B -> A. Event ids are renumbered in document order."""
    out: list[Event] = []
    for ev in events:
        if ev.id not in sides:
            out.append(ev)
            continue
        roles, reciprocal, offset = sides[ev.id]
        pair = _parties(offset, sdoc, index, paras, events, set(sides))
        if len(pair) != 2:
            out.append(ev)
            continue
        a, b = pair
        if reciprocal:
            out.append(ev.model_copy(update={"source": [a], "target": [b]}))
            out.append(ev.model_copy(update={"source": [b], "target": [a]}))
            continue
        pair_states = {_state(a), _state(b)}

        def keep(refs, pair_states=pair_states):
            return [r for r in refs if _state(r) not in pair_states]

        if "source" in roles:
            ev.source = [a, b] + keep(ev.source)
        if "target" in roles:
            ev.target = ([a, b] if "source" not in roles or ev.plover in {"AGREE", "CONSULT", "COOPERATE"}
                         else []) + keep(ev.target)
        out.append(ev)
    for n, ev in enumerate(out, 1):
        ev.id = f"{doc_id}-e{n}"
    return out


_MODALITIES = {"asserted", "alleged", "denied", "negated", "intended", "conditional", "requested", "hypothetical"}


def code_events(doc_id: str, text: str, sdoc, dct: date | None, mentions: list[Mention], actors: list[Actor],
                timex: list | None = None) -> list[Event]:
    """Every event in a parsed document (the read stage's parse, mentions and actors).

    ``timex`` are the document's :class:`~truceline.model.Timex` records (computed here
    when not given) so an event takes the date written in its sentence.
    """
    if not text or sdoc is None:
        return []
    if timex is None:
        from truceline.nlp.timex import extract_timex

        timex = extract_timex(doc_id, text, sdoc, dct)
    index = Actors(mentions, actors)
    ents_by_tok = {t: e for e in sdoc.ents if e.label_ in LOC_LABELS for t in range(e.start, e.end)}
    events: list[Event] = []
    paras = paragraphs(text)
    pieces = [piece for sent in sdoc.sents for piece in split_at_paragraphs(sent, paras)]
    sides: dict[str, list] = {}
    explicit: set[int] = set()  # id() of actor-less events kept for an explicit act
    for piece in pieces:
        evs = code_sentence_span(doc_id, text, piece, dct, index, timex, ents_by_tok, len(events) + 1, sides,
                                 explicit)
        events += evs
    if sides:
        events = _resolve_sides(doc_id, events, sides, sdoc, index, paras)
    kept = [ev for ev in events if _has_actor(ev) or id(ev) in explicit]
    if len(kept) != len(events):
        for n, ev in enumerate(kept, 1):
            ev.id = f"{doc_id}-e{n}"
    return kept


def _has_actor(ev: Event) -> bool:
    return bool(ev.source or ev.target or ev.claimant)


def _explicit_act(tok, plover: str, modality: str) -> bool:
    """A verb that reports a hostile or cooperative act as done ("were shelled", "clashed"):
    an event even when no actor of it is named."""
    verb = tok.head if tok.dep_ in {"nsubj", "nsubjpass", "dobj", "obj"} else tok  # "fighting continued", "staged a strike"
    return verb.pos_ == "VERB" and verb.tag_ in {"VBD", "VBN"} and \
        modality in {"asserted", "alleged", "denied", "conditional"} and \
        plover in HOSTILE | COOPERATIVE | {"AGREE", "CONCEDE", "THREATEN"}


def split_at_paragraphs(sent, paras: list[tuple[int, int]]) -> list:
    """The pieces of a parsed sentence, cut where it runs across a blank-line paragraph break."""
    doc = sent.doc
    out, start = [], sent.start
    for i in range(sent.start + 1, sent.end):
        if _para_index(doc[i].idx, paras) != _para_index(doc[i - 1].idx, paras):
            out.append(doc[start:i])
            start = i
    out.append(doc[start:sent.end])
    trimmed = []
    for p in out:
        words = [t.i for t in p if not t.is_space]
        if words:
            trimmed.append(doc[words[0]:words[-1] + 1])  # no blank-line whitespace in evidence
    return trimmed


def _para_index(offset: int, paras: list[tuple[int, int]]) -> int:
    for n, (_, e) in enumerate(paras):
        if offset < e:
            return n
    return len(paras)


# ----------------------------------------------------------------------------- single sentences

ActorLookup = Callable[[str, Any, date | None], tuple[list[Actor], list[Mention]]]


def _link(doc_id: str, text: str, sdoc, when: date | None, actor_lookup: ActorLookup | None):
    if actor_lookup is not None:
        return actor_lookup(text, sdoc, when)
    from truceline.nlp.actors import link_actors

    return link_actors(doc_id, text, sdoc, when)


def code_sentence(text: str, when: date | None = None, actor_lookup: ActorLookup | None = None) -> list[Event]:
    """Events of one sentence (parsed with the shared pipeline, actors linked by the dictionary).

    ``actor_lookup(text, sdoc, when) -> (actors, mentions)`` replaces the actor dictionary,
    e.g. with the fictional PETRARCH validation actors; it is never used for real documents.
    """
    from truceline.nlp.runtime import get_nlp

    sdoc = get_nlp()(text)
    actors, mentions = _link("s", text, sdoc, when, actor_lookup)
    return code_events("s", text, sdoc, when, mentions, actors)


def code_sentences(items: list[tuple[str, date | None]], actor_lookup: ActorLookup | None = None,
                   batch_size: int = 64) -> list[list[Event]]:
    """Batch :func:`code_sentence` over ``nlp.pipe``."""
    from truceline.nlp.runtime import get_nlp

    out = []
    docs = get_nlp().pipe((t for t, _ in items), batch_size=batch_size)
    for (text, when), sdoc in zip(items, docs, strict=True):
        actors, mentions = _link("s", text, sdoc, when, actor_lookup)
        out.append(code_events("s", text, sdoc, when, mentions, actors))
    return out
