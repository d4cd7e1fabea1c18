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

import bisect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from truceline.model import Actor, ActorRef, Event, Evidence, Mention, make_span
from truceline.nlp.runtime import doc_ents, span_ents, token_attr
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
NOUN_OF = {"exchange": ({"fire", "gunfire", "shelling", "artillery", "blow", "strike"}, "190")}
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
# unions asked for every child of every candidate token: built once, not per test
_ROLE_DEPS = OBJ_DEPS | {"prep", "prt", "agent", "acomp"}
_ANY_SUBJ = SUBJ | {"nsubjpass"}
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
WARRING = {"warring", "opposing", "belligerent", "conflicting", "fighting"}  # "the warring sides": the belligerents
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "us", "our", "i", "me",
            "my", "you", "your"}


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
    if lemma in NOUN_OF and any(g.lemma_.lower() in NOUN_OF[lemma][0] for p in tok.children
                                if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"):
        return NOUN_OF[lemma][1]  # "an exchange of fire" is fighting, not a prisoner exchange
    return cameo


def _pattern_code(tok, key: tuple[str, str | None], lex: Lexicon) -> str | None:
    """The most specific CAMEO pattern of the verb's blocks that its objects satisfy."""
    blocks = lex.blocks.get(key) or lex.blocks.get((key[0], None)) or []
    if not blocks:
        return None
    preps = {c.lower_ for c in tok.children if c.dep_ in {"prep", "prt", "agent"}}
    words = {t.lemma_.lower() for c in tok.children if c.dep_ in _ROLE_DEPS
             for t in _phrase(c)}
    # a word of a pattern matches an object word, or (4+ letters) is a stem of one: every stem of
    # 4+ letters of every object word, in one set, so each pattern word is one lookup
    stems = words | {x[:k] for x in words for k in range(4, len(x))}
    best, best_n = None, 0
    for b in blocks:
        for prep, ws, code in lex.patterns.get(b, ()):
            if prep and prep not in preps:
                continue
            if not all(w in stems for w in ws):
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
    for tok in _tokens_with_pos(sent, "VERB"):
        lemma = tok.lemma_.lower()
        if (lemma in SPEECH or lemma in DENY) and any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children):
            continue  # a frame, not an event
        if tok.text.isupper() and len(tok.text) > 2:
            continue  # "VISIT MY WEBSITE": page furniture, not news
        if tok.dep_ == "amod" and tok.tag_ == "VBN":
            continue  # "banned weapons", "disputed region": a participle used as an adjective
        if lemma in AIM_VERBS and (any(_noun_lemma(o) in SITUATION_NOUNS for o in _object_nouns(tok)) or any(
                c.dep_ in {"dobj", "obj", "xcomp"} and c.pos_ == "VERB" and c.lemma_.lower() in SITUATION_VERBS
                for c in tok.children)):
            continue  # "to end the conflict", "trying to halt fighting": an aim, not an act
        if lemma in SITUATION_VERBS and tok.dep_ in {"dobj", "obj", "xcomp", "pcomp"} and \
                tok.head.lemma_.lower() in AIM_VERBS:
            continue  # the fighting someone wants halted is not reported as happening here
        if tok.dep_ in {"prep", "mark"}:
            continue  # "Given that ...": a participle used as a conjunction
        if _stative_passive(tok):
            continue  # "Russia is connected with ...", "Karabakh is recognized as ...": a state, not an act
        if lemma in BREACH_VERBS and any(c.dep_ in SUBJ and c.pos_ == "NOUN" and not noun_code(c, lex)
                                         for c in tok.children):
            continue  # "efforts by X to end the conflict failed": no agreement broken, nobody acting
        if lemma in NON_TRIGGER and any(c.dep_ in _ANY_SUBJ and c.pos_ == "NOUN" and noun_code(c, lex)
                                        for c in tok.children):
            continue  # "the clashes started again": the noun carries the event
        if _aim_clause(tok):
            continue  # "work to get both sides to agree", "the threat of groups to engage": an aim
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
    for tok in _tokens_with_pos(sent, "NOUN"):
        if tok.i in used_nouns:
            continue
        cameo = noun_code(tok, lex)
        if not cameo:
            continue
        if tok.dep_ == "compound" and tok.head.i in used_nouns:
            continue
        lemma = _noun_lemma(tok)
        subject_of = tok.head if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.pos_ == "VERB" \
            and not _stative_passive(tok.head) else None  # not "the plan is aimed at ..."
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


def _tokens_with_pos(sent, pos: str) -> list:
    """The tokens of ``sent`` tagged ``pos``, in order: the other tokens are never made (spaCy
    builds a ``Token`` per access, and most of a sentence is neither verb nor noun)."""
    doc, tags = sent.doc, token_attr(sent.doc, "pos_")
    return [doc[i] for i in range(sent.start, sent.end) if tags[i] == pos]


# Verbs naming the situation an aim verb would end ("to halt fighting").
SITUATION_VERBS = {"fight", "clash", "shell", "battle", "attack"}
PRESENT = {"VBZ", "VBP"}


def _aim_clause(tok) -> bool:
    """A verb inside an infinitive that modifies a noun ("efforts to halt ...", "work to get both
    sides to agree", "the worst to plague the region"): what is aimed at or characterised, not done."""
    t, steps = tok, 0
    while t.head.i != t.i and steps < 4:
        if t.dep_ == "acl" and t.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) \
                and t.head.pos_ in {"NOUN", "ADJ", "PRON"}:
            return True
        if t.dep_ not in {"xcomp", "ccomp", "conj"}:
            return False
        t, steps = t.head, steps + 1
    return False


def _stative_passive(tok) -> bool:
    """A present-tense passive with no agent ("is connected with", "is recognized as", "are
    disconnected from", "is aimed at"): it describes a state of affairs, not something done. Hostile
    verbs are left to the coder ("Ganja is shelled daily" still reports attacks)."""
    if tok.tag_ != "VBN" or any(c.dep_ == "agent" and any(g.ent_type_ for g in c.subtree) for c in tok.children):
        return False
    aux = [c for c in tok.children if c.dep_ in {"auxpass", "aux"}]
    if not any(c.dep_ == "auxpass" and c.tag_ in PRESENT for c in aux) or any(c.tag_ == "MD" for c in aux):
        return False
    lemma = tok.lemma_.lower()
    return lemma not in HOSTILE_LEMMAS and lemma not in COMMIT_LEMMAS


COMMIT_LEMMAS = {"commit", "oblige", "obligate", "bind", "pledge", "authorize", "authorise", "ban", "forbid", "prohibit"}
HOSTILE_LEMMAS = {"shell", "attack", "bomb", "kill", "fire", "strike", "target", "hit", "shoot", "arrest",
                  "detain", "occupy", "invade", "besiege", "threaten", "accuse", "violate", "breach"}


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
            if not code and _event_word(span.text):
                continue  # "Ceasefires agreed to by ...": an unknown "actor" that names an event
            self.items.append((span.start, span.end, ActorRef(text=span.text, code=code, actor_id=m.actor_id)))
        self.items.sort(key=lambda x: (x[0], x[1]))
        self.starts = [s for s, _e, _r in self.items]
        self.longest = max((e - s for s, e, _r in self.items), default=0)

    def in_tokens(self, toks: Iterable) -> list[ActorRef]:
        """Actors whose mention overlaps the given tokens, outermost mention per place, in text order."""
        toks = sorted(toks, key=lambda t: t.i)
        if not toks or not self.items:
            return []
        spans = [(t.idx, t.idx + len(t.text)) for t in toks]
        lo, hi = spans[0][0], max(b for _a, b in spans)
        first = bisect.bisect_left(self.starts, lo - self.longest)  # no mention starting earlier can reach lo
        last = bisect.bisect_left(self.starts, hi)
        out: list[ActorRef] = []
        seen: set[tuple] = set()
        for s, e, ref in self.items[first:last]:
            if e > lo and any(s < b and a < e for a, b in spans):
                k = (ref.actor_id, ref.code)
                if k not in seen:
                    seen.add(k)
                    out.append(ref)
        return out


def _event_word(text: str) -> bool:
    """A one-word text that is an event noun of the lexicon ("Ceasefires", "Talks")."""
    w = text.lower().strip()
    if " " in w:
        return False
    lex = load_lexicon()
    return any(x in lex.nouns or x in BARE_NOUNS for x in (w, w[:-1] if w.endswith("s") else w))


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
            if c.dep_ in _ANY_SUBJ:
                return c
        absolute = _with_absolute(tok)
        if absolute is not None:
            return absolute
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


def _with_absolute(tok):
    """ "... with Armenia and Azerbaijan accusing one another": the noun phrase right after
    "with" is the subject of the verb that follows it, however the parser attached the verb."""
    if tok.i == 0:
        return None
    prev = tok.doc[tok.i - 1]
    head = prev
    while head.dep_ == "conj" and head.head.i < head.i:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ == "with" and head.pos_ in {"PROPN", "NOUN", "PRON"} \
            and tok.tag_ in {"VBG", "VBD", "VBN"}:
        return head
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
        any(c.dep_ in {"aux", "auxpass"} for c in tok.children) and not any(c.dep_ in _ANY_SUBJ
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
    xcomp = next((c.i for c in tok.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None)
    for c in tok.children:
        if c.dep_ == "agent" or (reduced and c.dep_ == "prep" and c.lower_ == "by"):
            src += [t for g in c.children if g.dep_ == "pobj" for t in _phrase(g)]
        elif c.dep_ in {"dobj", "dative", "obj"}:
            if xcomp is not None and c.i > xcomp:
                continue  # "threatened to deliver blows to X, a weekly reports": a trailing clause misattached
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


# Prepositions that name the other party of an event noun: "war with X", "war against X", "truce with X".
PARTY_PREPS = {"with", "against", "on", "upon", "to", "toward", "towards", "between", "into"}


def _event_noun(tok, lex: Lexicon) -> bool:
    lemma = _noun_lemma(tok)
    return tok.pos_ == "NOUN" and (lemma in lex.nouns or lemma in BARE_NOUNS or lemma in SITUATION_NOUNS)


def _deep_targets(tok, lex: Lexicon, noun: bool, depth: int = 3) -> list:
    """The other party of an event noun a few phrases down from the trigger, when nearer
    constructions name none: "mobilized reservists for a possible war against X", "threatened to
    launch an offensive in its war with X", "demanded a truce with X". Only event/situation nouns
    pass their party on, and the walk never enters a clause with a subject of its own."""
    out: list = []
    frontier = [tok]
    if not noun:
        frontier += [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    seen = {t.i for t in frontier}
    for _ in range(depth):
        nxt = []
        for h in frontier:
            kids = [c for c in h.children if c.dep_ in {"dobj", "obj"} and c.pos_ == "NOUN"]
            kids += [g for c in h.children if c.dep_ == "prep" for g in c.children
                     if g.dep_ == "pobj" and g.pos_ == "NOUN"]
            for k in kids:
                if k.i in seen:
                    continue
                seen.add(k.i)
                nxt.append(k)
                if _event_noun(k, lex):
                    out += [t for p in k.children if p.dep_ == "prep" and p.lower_ in PARTY_PREPS
                            for g in p.children if g.dep_ == "pobj" and g.ent_type_ not in TIME_ENTS
                            for t in _phrase(g)]
        frontier = nxt
    return out


def _condition_subjects(tok) -> list:
    """Subjects of the if/unless clauses of a threat (or of the action it threatens): the party
    whose conduct the threat is meant to change."""
    heads = [tok] + [c for c in tok.children if c.dep_ == "xcomp"]
    found = [t for h in heads for c in h.children if _is_condition(c)
             for s in c.children if s.dep_ in SUBJ for t in _phrase(s)]
    if found:
        return found
    # "threatened to stop negotiations to reduce arms if X goes ahead": the condition hung lower down
    return [t for h in heads[1:] for c in h.subtree if _is_condition(c) and c is not h
            and not any(a.dep_ in {"ccomp", "relcl", "parataxis"} for a in c.ancestors if a.i != h.i and h in a.ancestors)
            for s in c.children if s.dep_ in SUBJ for t in _phrase(s)]


def _purpose_targets(trig: Trigger) -> list:
    """Targets of the purpose clause of a protest ("staged demonstrations to demand reforms by X",
    "blocked roads to press their demands from X"): whom the protest is aimed at."""
    head = _clause_head(trig.tok) if trig.noun else trig.tok
    for c in head.subtree:
        if c.dep_ in {"advcl", "relcl", "acl"} and c.pos_ == "VERB" and \
                any(a.lower_ == "to" for a in c.children if a.dep_ == "aux") \
                and not any(a.dep_ in {"ccomp", "relcl", "parataxis"} for a in c.ancestors
                            if a.i != head.i and head in a.ancestors):
            return verb_roles(c)[1] + [t for p in c.children if p.dep_ == "prep" and p.lower_ == "by"
                                       for g in p.children if g.dep_ == "pobj" for t in _phrase(g)]
    return []


def _demanded_agents(tok) -> list:
    """"demanded an admission by Moscow", "demanded reforms by X's government": in the active voice
    a "by" phrase of the demand (or of what is demanded) names who is to act, the demand's target."""
    if any(c.dep_ in {"nsubjpass", "auxpass", "agent"} for c in tok.children):
        return []
    heads = [tok] + [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
    return [t for h in heads for p in h.children if p.dep_ == "prep" and p.lower_ == "by"
            for g in p.children if g.dep_ == "pobj" and g.ent_type_ not in TIME_ENTS for t in _phrase(g)]


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
    if tok.dep_ == "nsubjpass" and tok.head.pos_ == "VERB":  # "the proposal was made by X": X proposed
        src += [t for c in tok.head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
                for t in _phrase(g)]
    named = any(t.ent_type_ or t.pos_ in {"PROPN", "PRON"} for t in src)  # not "mass demonstrations"
    if not named and tok.dep_ in OBJ_DEPS | {"pobj"}:
        gov = tok.head.head if tok.dep_ == "pobj" else tok.head
        if gov.pos_ == "VERB":  # "X launched an attack on Y": X is the attacker
            s, _ = verb_roles(gov)
            src = s or src
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


# Marks of adverbial clauses that tell when or why, not what was agreed or asked:
# "agreed on since Azeris attacked ..." reports the attack as its own event.
BACKGROUND_MARKS = {"since", "after", "before", "when", "while", "as", "until", "because", "although", "though"}


def _background_clause(tok, dep: str) -> bool:
    return dep == "advcl" and any(m.dep_ == "mark" and m.lower_ in BACKGROUND_MARKS for m in tok.children)


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
            if gov.code.plover in SWALLOW and not (steps == 1 and (dep == "conj" or _misparsed_main(prev))) \
                    and not _background_clause(prev, dep):
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


def _characterisation(tok, sent) -> bool:
    """A simple-present verb with an abstract object and nobody it is done to ("they abhor world
    peace", "Turkey supports the policy"): a description of attitudes, not a reported act. Headlines
    (no closing punctuation) use the present for past acts and are left alone."""
    if tok.tag_ not in PRESENT or any(c.dep_ in {"aux", "auxpass"} for c in tok.children):
        return False
    last = next((t for t in reversed(list(sent)) if not t.is_space and t.text not in {'"', "\u201d", "'", "\u2019", ")"}),
                None)
    if last is None or last.text not in {".", "!", "?"}:
        return False
    if any(c.dep_ == "prep" and any(g.ent_type_ for g in c.subtree) for c in tok.children):
        return False  # "return to Geneva": a movement somewhere is an act
    objs = [c for c in tok.children if c.dep_ in {"dobj", "obj", "attr"}]
    return bool(objs) and all(0 < o.i - tok.i <= 4 for o in objs) and all(o.pos_ == "NOUN" and not any(g.ent_type_ in {"GPE", "NORP", "ORG", "PERSON", "FAC"}
                                                          for g in o.subtree) for o in objs)


def _is_condition(tok) -> bool:
    return tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in tok.children)


def _rank(trig: Trigger, triggers: dict[int, Trigger]) -> tuple[int, int, int]:
    """Fewer dominating triggers first, then shallower, then earlier."""
    # "staged demonstrations to demand reforms": the verb that carries a noun trigger as its object
    # dominates its own clauses like a verb trigger would
    carriers = {tr.tok.head.i for tr in triggers.values() if tr.noun and tr.tok.dep_ in {"dobj", "obj"}
                and tr.tok.head.i not in triggers}
    n, depth, t = 0, 0, trig.tok
    while t.head.i != t.i:
        if _is_condition(t):
            n += 1  # "if war starts": a condition, not the sentence's event
        prev, t = t, t.head
        depth += 1
        if t.i in triggers and not (not triggers[t.i].noun and _misparsed_main(prev)):
            n += 1
        elif t.i in carriers and not (trig.noun and prev is trig.tok) and prev.dep_ in {"advcl", "xcomp", "conj"}:
            n += 1
    if not trig.noun and _reduced_passive(trig.tok):
        n += 1  # "ceasefires agreed to by the sides were breached": the breach is the event
    return (n, depth + (1 if trig.noun else 0), trig.tok.i)


def _conditional_threats(sent, triggers: dict[int, Trigger], lex: Lexicon) -> list[Trigger]:
    """"If they approach the border, they will be dealt with": a future harm under a condition."""
    out = []
    for tok in _tokens_with_pos(sent, "VERB"):
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
    doc = sent.doc
    for i in range(sent.start, sent.end):
        ent = ents_by_tok.get(i)
        if ent is None:
            continue
        tok = doc[i]
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
    mutual: list[str | None] = []  # per event: which role is "one another" / "each other"
    states: frozenset[str] | None = None
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
                    found = [t for s in c.children if s.dep_ in _ANY_SUBJ for t in _phrase(s)]
                elif c.dep_ == "xcomp" and code.plover in SWALLOW:
                    found = verb_roles(c)[1]
                if actors.in_tokens(found):
                    tgt_t = found
                    break
        if not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _nested_targets(trig.tok, code.plover, trig.noun)
        if not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _deep_targets(trig.tok, lex, trig.noun)
        if not actors.in_tokens(tgt_t):  # "hosted the Japanese leader, Hashimoto": the apposition names him
            tgt_t = tgt_t + [t for a in tgt_t for c in a.children if c.dep_ == "appos" for t in _phrase(c)]
        if code.plover == "THREATEN" and not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _condition_subjects(trig.tok)  # "threatened to ... unless Baghdad accepted"
        if code.plover == "PROTEST" and not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _purpose_targets(trig)  # "went on hunger strike to demand the resignation of X"
        if code.plover == "REQUEST" and not trig.noun and not actors.in_tokens(tgt_t):
            tgt_t = tgt_t + _demanded_agents(trig.tok)  # "demanded an admission by Moscow"
        if trig.obj is not None:
            tgt_t += [t for p in trig.obj.children if p.dep_ == "prep" and p.lower_ in TARGET_PREPS
                      for g in p.children if g.dep_ == "pobj" for t in _phrase(g)]
        if f.accused and (not src_t or (f.claimant is not None and f.claimant in src_t)):
            src_t = [t for a in f.accused for t in _phrase(a)]  # "X accused Y of shelling ...": Y shelled
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
        if states is None:  # the same for every trigger of the sentence
            states = _sentence_states(sent, actors)
        if not target and source and code.plover not in {"CONSULT", "RETREAT"}:  # not a venue or a destination
            # "would blockade Paris", "fired at targets in Jericho", "a curfew in Algiers": the town's people
            cands = tgt_t + (_in_places(trig.tok, lo, hi) if code.plover in HOSTILE | {"THREATEN"} else [])
            target = _place_targets(cands, actors, source, states)
        source, target = _countried(source, sent, actors), _countried(target, sent, actors)
        source = _context_countried(source, [], states)
        target = _context_countried(target, source, states, hostile=code.plover in {"ASSAULT", "MOBILIZE", "THREATEN"})
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
        if not target and not trig.noun and _characterisation(trig.tok, sent):
            continue  # "both wings of the party abhor world peace": an opinion of what they are like
        if side_roles and sides is not None:
            warring = any(c.lower_ in WARRING for t in _side_tokens(src_t + tgt_t) for c in t.children)
            sides[f"{doc_id}-e{start_n + len(events)}"] = [side_roles, reciprocal, sent.start_char, warring]
        kept_trigs.append(trig)
        mutual.append("target" if _reciprocal(tgt_t) else "source" if _reciprocal(src_t) else None)
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
    if any(mutual):
        events = _split_mutual(doc_id, events, mutual, start_n, sides)
    for ev in events:
        if ev.plover == "REQUEST" and ev.modality == "asserted":
            ev.modality = "requested"  # what was asked for has not happened
    return events


RECIPROCAL = ({"one", "another"}, {"each", "other"})


def _reciprocal(toks) -> bool:
    words = {t.lower_ for t in toks}
    return any(r <= words for r in RECIPROCAL)


def _split_mutual(doc_id: str, events: list[Event], mutual: list[str | None], start_n: int,
                  sides: dict | None) -> list[Event]:
    """ "A and B accused one another of X": A accuses B and B accuses A, and the act X is two
    claims, each side's about the other. Ids are renumbered (and "the sides" records re-keyed)."""
    pair = next((ev.source[:2] for ev, m in zip(events, mutual, strict=True) if m == "target" and len(ev.source) >= 2),
                None)
    if pair is None:
        return events
    a, b = pair
    out: list[tuple[Event, str]] = []
    for ev, m in zip(events, mutual, strict=True):
        if m == "target" and len(ev.source) >= 2:
            out += [(ev.model_copy(update={"source": [a], "target": [b]}), ""),
                    (ev.model_copy(update={"source": [b], "target": [a]}), "")]
        elif m == "source" and ev.modality == "alleged":
            out += [(ev.model_copy(update={"source": [b], "claimant": a}), ""),
                    (ev.model_copy(update={"source": [a], "claimant": b}), "")]
        else:
            out.append((ev, ev.id))
    renamed = []
    for n, (ev, old) in enumerate(out):
        ev.id = f"{doc_id}-e{start_n + n}"
        if sides is not None and old in sides and old != ev.id:
            sides[ev.id] = sides.pop(old)
        renamed.append(ev)
    return renamed


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
        head = _last_token_in(sent, [(s, e) for s, e, r in actors.items if r is ref])
        while head is not None and head.dep_ in {"compound", "amod", "flat", "nmod"} and head.head.i != head.i:
            head = head.head
        country = next((r for r in actors.in_tokens(_phrase(head)) if _state(r) and _state(r) not in GENERIC), None) \
            if head is not None else None
        if country is None:
            out.append(ref)
        elif not any(r.code and r.code[:3] == _state(country) for r in refs):  # type: ignore[index]
            out.append(ref.model_copy(update={"code": _state(country) + code[:3]}))
    return out


def _last_token_in(sent, ranges: list[tuple[int, int]]):
    """The last token of ``sent`` starting inside one of the character ``ranges`` (None if none):
    the ranges are a mention's, so only its few tokens are looked at, never every token of the
    sentence against every mention of the document."""
    if not ranges:
        return None
    doc, idx = sent.doc, token_attr(sent.doc, "idx")
    for i in range(sent.end - 1, sent.start - 1, -1):
        if any(s <= idx[i] < e for s, e in ranges):
            return doc[i]
    return None


def _in_places(tok, lo: int, hi: int) -> list:
    """Places governed by "in"/"into" in the trigger's own clauses ("a curfew in Algiers")."""
    return [g for g in tok.subtree if g.dep_ == "pobj" and g.head.lower_ in {"in", "into"} and g.ent_type_ == "GPE"
            and lo <= g.i < hi and not any(n.dep_ in {"ccomp", "relcl", "advcl", "parataxis"} for n in g.ancestors
                                           if tok.i != n.i and tok in n.ancestors)]


@lru_cache(maxsize=1 << 13)  # bounded: keyed by every place name a long ingest meets
def _place_state(name: str, context: frozenset[str] = frozenset()) -> str | None:
    """The CAMEO country of a town or city named exactly so in the gazetteer (never a region or
    country), homonyms resolved by the CAMEO country codes in ``context``."""
    from truceline.nlp.actors import key, load_dictionary
    from truceline.nlp.geo import geocode

    iso2 = load_dictionary().iso2
    ctx = frozenset(i for i, c in iso2.items() if c[:3] in context)
    cand = geocode(name, ctx)
    if cand is None or not cand.country or cand.feature not in {"city", "other"}:
        return None
    if key(cand.name) != key(name) and cand.source != "gazetteer":
        return None  # a loose alternate-name match
    code = iso2.get(cand.country)
    return code[:3] if code else None


def _place_targets(toks, actors: Actors, source: list[ActorRef], states: frozenset[str] = frozenset()) -> list[ActorRef]:
    """Towns named among the target tokens that no actor mention covers, as their country's civilians
    (``PSECVL`` for Jericho). A town of the source's own country is where it acts, not whom."""
    covered = {t.i for t in toks if actors.in_tokens([t])}
    own = {_country(r) for r in source}
    out: list[ActorRef] = []
    seen: set[int] = set()
    for t in sorted(toks, key=lambda t: t.i):
        if t.ent_type_ != "GPE" or t.i in covered or t.i in seen:
            continue
        ent = next((e for e in doc_ents(t.doc) if e.start <= t.i < e.end), None)
        if ent is None or ent.label_ != "GPE" or any(i in covered for i in range(ent.start, ent.end)):
            continue
        seen.update(range(ent.start, ent.end))
        text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
        state = _place_state(text, states)
        if state and state not in own and not any(r.code and r.code.startswith(state) for r in out):
            out.append(ActorRef(text=text, code=state + "CVL"))
    return out[:2]


@cache
def _country_codes() -> frozenset[str]:
    from truceline.nlp.actors import load_dictionary

    return frozenset(c[:3] for c in load_dictionary().iso2.values())


def _country(ref: ActorRef) -> str | None:
    """The country of an actor code (``ZWE`` of ``ZWEOPP``), None for sector-only and IGO codes."""
    c = (ref.code or "")[:3]
    return c if c in _country_codes() else None


def _sentence_states(sent, actors: Actors) -> frozenset[str]:
    """The countries named in a sentence: its state actors and its towns."""
    named = frozenset(c for r in actors.in_tokens(sent) if (c := _country(r)))
    out = set(named)
    for ent in span_ents(sent):
        if ent.label_ == "GPE" and not actors.in_tokens(ent):
            text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
            c = _place_state(text, named)
            if c:
                out.add(c)
    return frozenset(out)


def _context_countried(refs: list[ActorRef], source: list[ActorRef], states: frozenset[str],
                       hostile: bool = False) -> list[ActorRef]:
    """A sector-only actor with no country in its own phrase ("President Mugabe" -> ``GOV``) takes
    the country of the event's source when that is one state ("Opposition groups in Zimbabwe are
    demanding that President Mugabe ..."), else the sentence's only country. The target of a hostile
    act takes only a country other than the source's ("Armenian forces shelled villagers" is no
    Armenian target); bare civilians (``CVL``) and pronouns are left alone."""
    src_states = {c for r in source if (c := _country(r))}
    if hostile:
        rest = states - src_states
        country = next(iter(rest)) if len(rest) == 1 else None
    else:
        country = next(iter(src_states)) if len(src_states) == 1 else next(iter(states)) if len(states) == 1 \
            else None
    if country is None:
        return refs
    out: list[ActorRef] = []
    for ref in refs:
        code = ref.code or ""
        if code[:3] not in GENERIC or code == "CVL" or ref.text.lower() in PRONOUNS:
            out.append(ref)
            continue
        if any(_country(r) == country for r in refs if r is not ref):
            continue  # the country is already a party of this role
        sector = code[3:] if code[:3] in {"CVL", "INT"} and len(code) > 3 else code
        out.append(ref.model_copy(update={"code": country + sector}))
    return out


def _side_tokens(toks) -> list:
    """Tokens naming the parties generically: "the sides", "both sides", "each side", "the other"."""
    out = []
    for t in toks:
        lower = t.lower_
        mods = {c.lower_ for c in t.children if c.dep_ in {"det", "amod", "nummod", "predet"}}
        if (lower in SIDE_NOUNS or t.lemma_.lower() in SIDE_NOUNS) and mods & SIDE_MODS:
            if any(c.dep_ in {"compound", "poss"} for c in t.children):
                continue  # "the US war party", "Iran's side": a named party, not "the sides"
            if lower in {"side", "party"} and not mods & (SIDE_MODS - {"the", "two", "both"}):
                continue  # "the party" alone is no side of the conflict
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


def _belligerents(events: list[Event], skip: set[str]) -> list[ActorRef]:
    """The two states most often attacking or accusing each other in the document's events."""
    pairs: dict[frozenset, int] = {}
    first: dict[str, ActorRef] = {}
    for ev in events:
        if ev.id in skip or ev.plover not in {"ASSAULT", "ACCUSE"}:
            continue
        for a in ev.source:
            for b in ev.target:
                ca, cb = _country(a), _country(b)
                if ca and cb and ca != cb:
                    k = frozenset((ca, cb))
                    pairs[k] = pairs.get(k, 0) + 1
                    first.setdefault(ca, a)
                    first.setdefault(cb, b)
    if not pairs:
        return []
    best = max(pairs, key=lambda k: pairs[k])  # first counted wins a tie (dicts keep insertion order)
    return sorted((first[c] for c in best), key=lambda r: r.code or "")


def _parties(offset: int, sdoc, index: Actors, paras, events: list[Event], skip: set[str],
             warring: bool = False) -> list[ActorRef]:
    """The two parties "the sides" refers to at ``offset``: for "the warring sides" the belligerents
    (:func:`_belligerents`); else state actors conjoined ("Armenia and Azerbaijan", "Armenian and
    Azeri ministers") in this or the previous paragraph, else the belligerents, else a pair conjoined
    a few paragraphs back (a statement's quoted clauses), else the two state actors most often
    source/target of the document's ASSAULT/ACCUSE events."""
    belligerents = _belligerents(events, skip)
    if warring and belligerents:
        return belligerents
    n = _para_index(offset, paras)
    for lo_p in range(n, n - 6, -1):  # a statement's quoted clauses run over several paragraphs
        if lo_p == n - 2 and belligerents:
            return belligerents
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
    # sentences where each side accuses the other: the acts they accuse each other of are two claims
    mutual = {sides[e.id][2] for e in events if e.id in sides and sides[e.id][1]}
    for ev in events:
        if ev.id not in sides:
            out.append(ev)
            continue
        roles, reciprocal, offset, warring = sides[ev.id]
        pair = _parties(offset, sdoc, index, paras, events, set(sides), warring)
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

        if offset in mutual and ev.modality == "alleged" and "source" in roles and ev.plover != "ACCUSE":
            # "each side blamed the other for breaching it": A says B breached it, B says A did
            for accused, accuser in ((a, b), (b, a)):
                out.append(ev.model_copy(update={"source": [accused], "target": keep(ev.target), "claimant": accuser}))
            continue

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
    dated = [t for t in timex if t.type == "DATE" and t.value[:1].isdigit()]  # all _date can take, in order
    ents_by_tok = {t: e for e in sdoc.ents if e.label_ in LOC_LABELS for t in range(e.start, e.end)}
    events: list[Event] = []
    paras = paragraphs(text)
    pieces = [piece for sent in sdoc.sents for piece in split_at_paragraphs(sent, paras)]
    sides: dict[str, list] = {}
    explicit: set[int] = set()  # id() of actor-less events kept for an explicit act
    for piece in pieces:
        evs = code_sentence_span(doc_id, text, piece, dct, index, dated, ents_by_tok, len(events) + 1, sides,
                                 explicit)
        events += evs
    if sides:
        events = _resolve_sides(doc_id, events, sides, sdoc, index, paras)
    kept, bare = [], set()
    for ev in events:
        if _has_actor(ev):
            kept.append(ev)
        elif id(ev) in explicit and (ev.evidence[0].span.start, ev.plover) not in bare:
            bare.add((ev.evidence[0].span.start, ev.plover))  # "were killed or wounded": one act, not two
            kept.append(ev)
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
    if modality != "conditional" and any(c.tag_ == "MD" for c in verb.children if c.dep_ in {"aux", "auxpass"}):
        return False  # "should have been resolved": not reported as done (a conditional threat still is one)
    if verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children):
        return False  # "civilians caught in the crossfire", "a picture released": a participle modifier
    return verb.pos_ == "VERB" and verb.tag_ in {"VBD", "VBN"} and \
        modality in {"asserted", "alleged", "denied", "conditional"} and \
        plover in HOSTILE | COOPERATIVE | {"AGREE", "CONCEDE", "THREATEN"}


def split_at_paragraphs(sent, paras: list[tuple[int, int]]) -> list:
    """The pieces of a parsed sentence, cut where it runs across a blank-line paragraph break."""
    doc = sent.doc
    idx, space = token_attr(doc, "idx"), token_attr(doc, "is_space")
    ends = [e for _, e in paras]
    # a piece starts at each token that is the first at or past a paragraph end inside the sentence
    # (the paragraph of a token changes there): found by bisection, not by testing every token
    first_end = bisect.bisect_right(ends, idx[sent.start])
    last_end = bisect.bisect_right(ends, idx[sent.end - 1])
    cuts = sorted({bisect.bisect_left(idx, e, sent.start + 1, sent.end) for e in ends[first_end:last_end]})
    trimmed = []
    for a, b in zip([sent.start, *cuts], [*cuts, sent.end], strict=True):
        while a < b and space[a]:
            a += 1
        while b > a and space[b - 1]:
            b -= 1
        if a < b:
            trimmed.append(doc[a:b])  # no blank-line whitespace in evidence
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
