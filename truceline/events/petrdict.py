"""A PETRARCH-compatible dictionary coder: code sentences with your own PETRARCH dictionaries.

PETRARCH (and TABARI before it) code events from three dictionaries: *verbs* (verb families
with CAMEO codes and the patterns that refine them), *actors* (names -> country/organisation
codes, possibly dated) and *agents* (role nouns -> sector codes such as ``~GOV``). This module
reads those formats and applies them on the project's spaCy parses, so event-data users can
run the dictionaries they maintain. It is written from PETRARCH's documented conventions; it
shares no code with PETRARCH.

Verb dictionary (``--- FAMILY [code] ---`` blocks):

* synonyms: one verb a line, ``+`` marking the inflected word of a phrase (``WIRE_+TAP``),
  ``{FORMS}`` listing irregular forms (otherwise the regular -S/-ED/-ING forms are made),
  an optional own ``[code]``;
* patterns: ``- PRE * POST [code]``. Words must occur in that order before/after the verb;
  words joined by ``_`` must be adjacent, a space allows intervening words. ``&SYNSET``
  matches any member of a synset (members may name other synsets), ``$`` is the source and
  ``+`` the target actor at that point, ``%`` a compound actor (the members code events with
  one another), ``^`` skips one noun phrase. The pattern matching most words wins (the
  first in the file on a tie); with none, the verb's code applies;
* codes: ``[032:033]`` is a paired code (source->target 032 and target->source 033);
  ``[---]`` is a null code: nothing is coded (how dictionaries say "not this sense", e.g.
  ``- NOT * [---]``). Codes that are not CAMEO-shaped (``[+++]``) make their pattern inert.

Actors: a name line (``ARNOR_``; ``_`` joins words, a trailing ``_`` asks for the exact word,
otherwise the last word may be a prefix), ``+ALIAS`` lines, codes in brackets, possibly dated
(``[HOB < 950601]``, ``[HOBGOV 19950601 - 19990815]``, ``[HOBREB > 990816]``: the first that
holds on the sentence date wins, the undated one otherwise), ``A/B`` for several actors.
Agents: ``PHRASE {PLURALS} [~SEC]`` (``~SEC`` is appended to the country, ``SEC~`` put before
it), ``!SUB! = A, B`` substitution sets; an agent without a country codes as ``---SEC``.

Events need a source and a target (PETRARCH's ``require_dyad``); the source is the verb's
subject (passive voice with a ``by`` agent swaps the roles), inherited through ``xcomp``,
``conj`` and participle clauses; the target is the first actor after the verb in its
clause, with its conjuncts. Compound subjects and objects give one event per pair.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from truceline.model import ActorRef, Event, Evidence, make_span

CODE_RE = re.compile(r"^\d{2,4}[A-Za-z]?$")
NULL = "---"
DETS = {"the", "a", "an"}
SUBJ = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
INHERIT = {"xcomp", "conj", "advcl", "ccomp", "pcomp"}
NP_INNER = {"compound", "poss", "amod", "det", "nmod", "nummod", "case", "flat", "quantmod", "predet", "neg",
            "advmod", "cc", "conj", "punct", "appos"}
PP_COUNTRY = {"of", "in", "from", "at"}


class DictionaryError(ValueError):
    """A dictionary file that cannot be read as one, with the file, the line and the reason.

    Real dictionaries carry oddities (a 9-digit date, an unbalanced bracket) that PETRARCH
    reads past, and so do we; what cannot be read at all (a date that is not digits, a synset
    without a name, a file with no entries of its kind) is this error, never a traceback.
    """

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source, self.reason, self.line = source, reason, line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


# ----------------------------------------------------------------------------- text helpers

def _words(s: str) -> list[str]:
    return [w for w in re.split(r"[\s_]+", s.strip().lower()) if w]


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _codes(text: str) -> tuple[str | None, str | None, bool]:
    """``"032:033"`` -> (code, paired code, valid). ``---`` is a valid null code."""
    parts = [p.strip() for p in text.split(":")]
    if all(p == NULL for p in parts):
        return None, None, True
    if not all(CODE_RE.match(p) for p in parts):
        return None, None, False
    return parts[0], (parts[1] if len(parts) > 1 else None), True


def verb_forms(word: str) -> set[str]:
    """Regular inflections of a verb (lower case): -S, -ED, -ING, with doubled final consonants."""
    w = word.lower()
    forms = {w}
    vowels = "aeiou"
    if re.search(r"(s|x|z|ch|sh)$", w):
        forms.add(w + "es")
    elif w.endswith("y") and len(w) > 1 and w[-2] not in vowels:
        forms.add(w[:-1] + "ies")
    else:
        forms.add(w + "s")
    if w.endswith("e"):
        forms.add(w + "d")
        forms.add(w[:-2] + "ying" if w.endswith("ie") else (w + "ing" if w.endswith("ee") else w[:-1] + "ing"))
    elif w.endswith("y") and len(w) > 1 and w[-2] not in vowels:
        forms |= {w[:-1] + "ied", w + "ing"}
    else:
        forms |= {w + "ed", w + "ing"}
        if len(w) >= 3 and w[-1] not in vowels + "wxy" and w[-2] in vowels and w[-3] not in vowels:
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return forms


def _plural(word: str) -> str:
    w = word
    if re.search(r"(S|X|Z|CH|SH)$", w, re.I):
        return w + "ES"
    if re.search(r"[^AEIOU]Y$", w, re.I):
        return w[:-1] + "IES"
    return w + "S"


# ----------------------------------------------------------------------------- verb dictionary

@dataclass
class Elem:
    kind: str  # word | syn | src | tgt | comp | skip
    value: str = ""
    adjacent: bool = False  # joined by "_" to the element before it (towards the verb side: see _side)


@dataclass
class Pattern:
    pre: list[Elem]
    post: list[Elem]
    code: str | None
    code2: str | None
    order: int
    text: str
    first_post_adjacent: bool = False  # "*_OUT"
    last_pre_adjacent: bool = False  # "IN_*"


@dataclass
class Verb:
    words: tuple[str, ...]  # phrase words, lower case
    head: int  # index of the inflected word
    forms: set[str]  # surface forms of the head word
    code: str | None
    code2: str | None
    family: str


@dataclass
class Family:
    name: str
    code: str | None
    code2: str | None
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class VerbDictionary:
    families: dict[str, Family]
    synsets: dict[str, list[tuple[str, ...]]]
    by_form: dict[str, list[Verb]]


def _parse_pattern(body: str, order: int, synsets_seen: set[str]) -> tuple[list[Elem], list[Elem], bool, bool] | None:
    """``PRE * POST`` -> element lists. ``adjacent`` on an element: joined by ``_`` to the previous one."""
    if "*" not in body:
        return None
    elems: list[Elem] = []
    star_at = -1
    adj_next = False
    for chunk in body.split():
        pieces = chunk.split("_")
        for k, piece in enumerate(pieces):
            joined = (k > 0) or adj_next
            adj_next = False
            if piece == "":
                if k == len(pieces) - 1 and k > 0:
                    adj_next = True  # trailing "_": joined to what follows
                continue
            if piece == "*":
                star_at = len(elems)
                elems.append(Elem("verb", adjacent=joined))
                continue
            kind = {"$": "src", "+": "tgt", "%": "comp", "^": "skip"}.get(piece)
            if kind:
                elems.append(Elem(kind, adjacent=joined))
            elif piece.startswith("&"):
                elems.append(Elem("syn", piece[1:].rstrip("_").upper(), adjacent=joined))
            else:
                elems.append(Elem("word", piece.lower(), adjacent=joined))
    if star_at < 0:
        return None
    pre, post = elems[:star_at], elems[star_at + 1:]
    last_pre_adjacent = elems[star_at].adjacent
    first_post_adjacent = bool(post) and post[0].adjacent
    return pre, post, last_pre_adjacent, first_post_adjacent


def _parse_verb_entry(text: str, family: Family) -> list[Verb]:
    m = re.match(r"^(.*?)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?\s*$", text)
    if not m:
        return []
    phrase, forms_txt, code_txt = m.group(1).strip(), m.group(2), m.group(3)
    if not phrase:
        return []
    code, code2 = family.code, family.code2
    if code_txt:
        c, c2, ok = _codes(code_txt.strip("[] "))
        if ok:
            code, code2 = c, c2

    def split(p: str) -> tuple[tuple[str, ...], int]:
        raw = [w for w in re.split(r"[\s_]+", p) if w]
        head = next((i for i, w in enumerate(raw) if w.startswith("+")), 0)
        return tuple(w.lstrip("+").lower() for w in raw), head

    words, head = split(phrase)
    if not words:
        return []
    out = []
    if forms_txt is not None:
        heads = {words[head]}
        for f in forms_txt.strip("{} ").split():
            fw, fh = split(f)
            if len(fw) == len(words):
                heads.add(fw[fh])
            elif fw:
                out.append(Verb(fw, fh, {fw[fh]}, code, code2, family.name))
        out.append(Verb(words, head, heads, code, code2, family.name))
    else:
        out.append(Verb(words, head, verb_forms(words[head]), code, code2, family.name))
    return out


def parse_verbs(text: str, source: str = "<verbs>") -> VerbDictionary:
    families: dict[str, Family] = {}
    synsets: dict[str, list[tuple[str, ...]]] = {}
    raw_syn: dict[str, list[str]] = {}
    verbs: list[Verb] = []
    state: str | None = None  # "syn" | "family"
    syn_name = ""
    family: Family | None = None
    order = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        s = line.strip()
        if not s or s.startswith("<"):
            if not s and state == "syn":
                state = "family" if family else None
            continue
        head = re.match(r"^---\s+(.+?)\s+\[([^\]]*)\]", s)
        if head:
            name = head.group(1).strip().upper()
            code, code2, ok = _codes(head.group(2).strip())
            if not ok:
                code = code2 = None
            family = families.get(name)
            if family is None:
                family = families[name] = Family(name, code, code2)
            state = "family"
            continue
        if s.startswith("&"):
            if not s[1:].split() or not s[1:].split()[0].rstrip("_"):
                raise DictionaryError(source, f"a synset line needs a name after '&': {s[:60]!r}", n)
            syn_name = s[1:].split()[0].rstrip("_").upper()
            raw_syn.setdefault(syn_name, [])
            state = "syn"
            continue
        if state == "syn":
            if s.startswith("+"):
                raw_syn[syn_name].append(s[1:].strip())
            continue
        if family is None:
            continue
        if s.startswith("-"):
            body = s[1:]
            m = re.match(r"^(.*?)\[([^\]]*)\]", body)
            if not m:
                continue
            code, code2, ok = _codes(m.group(2).strip())
            if not ok:
                continue
            parsed = _parse_pattern(m.group(1), order, set())
            if parsed is None:
                continue
            pre, post, lpa, fpa = parsed
            family.patterns.append(Pattern(pre, post, code, code2, order, s, fpa, lpa))
            order += 1
            continue
        verbs.extend(_parse_verb_entry(s, family))

    def expand(name: str, seen: frozenset[str]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        for member in raw_syn.get(name, []):
            if member.startswith("&"):
                ref = (member[1:].split() or [""])[0].rstrip("_").upper()
                if ref not in seen:
                    out.extend(expand(ref, seen | {ref}))
            else:
                ws = tuple(_words(member))
                if ws:
                    out.append(ws)
        # longest members first, so "austrian gold florin" is tried before shorter ones
        return sorted(set(out), key=lambda m: -len(m))

    for name in raw_syn:
        synsets[name] = expand(name, frozenset({name}))
    by_form: dict[str, list[Verb]] = {}
    for v in verbs:
        for f in v.forms:
            by_form.setdefault(f, []).append(v)
    return VerbDictionary(families, synsets, by_form)


# ----------------------------------------------------------------------------- actors and agents

def _date_key(s: str) -> int:
    s = s.strip()
    if not s.isdigit() or len(s) > 12:  # 6 or 8 digits; real dictionaries hold some 9- and 10-digit slips
        raise ValueError(f"bad date {s[:20]!r} (expected YYMMDD or YYYYMMDD)")
    if len(s) == 6:  # YYMMDD (TABARI): 19xx from 30 on
        yy = int(s[:2])
        return (1900 + yy if yy >= 30 else 2000 + yy) * 10000 + int(s[2:])
    return int(s)


@dataclass
class DatedCode:
    code: str
    lo: int | None = None  # inclusive bounds, None = open
    hi: int | None = None
    dated: bool = False


@dataclass
class ActorEntry:
    words: tuple[str, ...]
    exact_last: bool
    codes: list[DatedCode]

    def code_on(self, when: date | None) -> list[str]:
        key = int(when.strftime("%Y%m%d")) if when else None
        chosen = None
        if key is not None:
            chosen = next((c for c in self.codes if c.dated and (c.lo is None or key >= c.lo)
                           and (c.hi is None or key <= c.hi)), None)
        if chosen is None:
            chosen = next((c for c in self.codes if not c.dated), None)
        if chosen is None and key is None:
            chosen = self.codes[-1] if self.codes else None
        if chosen is None or chosen.code == NULL:
            return []
        return [c for c in chosen.code.upper().split("/") if c and c != NULL]


def _dated_code(text: str) -> DatedCode | None:
    text = text.strip()
    m = re.match(r"^([^\s<>\d-][^\s<>]*|---)?\s*(.*)$", text)
    if not m or not m.group(1):
        return None
    code, rest = m.group(1), m.group(2).strip()
    if not rest:
        return DatedCode(code)
    if rest.startswith("<"):
        return DatedCode(code, None, _date_key(rest[1:]) - 1, True)
    if rest.startswith(">"):
        return DatedCode(code, _date_key(rest[1:]) + 1, None, True)
    r = re.match(r"^(\d{6,8})\s*-\s*(\d{6,8})$", rest)
    if r:
        return DatedCode(code, _date_key(r.group(1)), _date_key(r.group(2)), True)
    return None


def parse_actor_dict(text: str, source: str = "<actors>") -> list[ActorEntry]:
    """PETRARCH actor dictionary -> entries (every name and alias with the block's codes)."""
    entries: list[ActorEntry] = []
    names: list[str] = []
    codes: list[DatedCode] = []

    def flush():
        usable = [c for c in codes if not c.code.startswith(("+", "#"))]
        if usable:
            for n in names:
                ws = tuple(_words(n))
                if ws:
                    entries.append(ActorEntry(ws, n.rstrip().endswith("_"), usable))

    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        try:
            found = [d for d in (_dated_code(c) for c in re.findall(r"\[([^\]]*)\]", line)) if d]
        except ValueError as exc:
            raise DictionaryError(source, f"{exc} in {line.strip()[:60]!r}", n) from None
        body = re.sub(r"\[[^\]]*\]", "", line).strip()
        if raw[:1] in " \t" and not body:
            codes.extend(found)
            continue
        if body.startswith("+"):
            names.append(body[1:].strip())
            codes.extend(found)
            continue
        flush()
        names, codes = ([body] if body else []), list(found)
    flush()
    return entries


@dataclass
class AgentEntry:
    words: tuple[str, ...]
    code: str  # "~GOV" or "NGO~"


def parse_agent_dict(text: str, source: str = "<agents>") -> list[AgentEntry]:
    subs: dict[str, list[str]] = {}
    out: list[AgentEntry] = []
    for raw in text.splitlines():
        line = _strip_comment(raw).strip()
        if not line or line.startswith("<"):
            continue
        m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"^([^\[{]+?)\s*(\{[^}]*\})?\s*\[\s*([^\]]+?)\s*\]", line)
        if not m:
            continue
        phrase, plurals, code = m.group(1).strip(), m.group(2), m.group(3).replace(" ", "")
        forms = [phrase]
        for k, vs in subs.items():
            if k in phrase:
                forms = [f.replace(k, "_" + v + "_") for f in forms for v in vs]
        if plurals is not None:
            forms += [p for p in plurals.strip("{} ").split() if p]
        else:
            forms += [re.sub(r"(\w+)$", lambda mm: _plural(mm.group(1)), f) for f in forms]
        for f in forms:
            ws = tuple(_words(f))
            if ws:
                out.append(AgentEntry(ws, code.upper()))
    return out


def parse_discards(text: str, source: str = "<discards>") -> list[tuple[str, ...]]:
    out = []
    for raw in text.splitlines():
        line = _strip_comment(raw).strip().lstrip("+").strip()
        if line and not line.startswith("<"):
            ws = tuple(_words(line))
            if ws:
                out.append(ws)
    return out


# ----------------------------------------------------------------------------- the coder

@dataclass
class Match:
    start: int  # word indices [start, end)
    end: int
    kind: str  # actor | agent
    entry: Any


@dataclass
class Group:
    """Actors at one place in the sentence: an entity and its conjuncts."""

    members: list[tuple[str, str]]  # (code, text)
    tokens: set[int]


class Sentence:
    """Word list over a spaCy sentence (tokens split at "_"), with dictionary matches."""

    def __init__(self, sdoc, coder: PetrarchCoder, when: date | None):
        self.doc = sdoc
        self.when = when
        self.words: list[str] = []
        self.tok_of: list[int] = []
        self.first_word: dict[int, int] = {}
        self.last_word: dict[int, int] = {}
        for t in sdoc:
            self.first_word[t.i] = len(self.words)
            parts = [p for p in t.lower_.replace("\u2019", "'").split("_") if p] or [t.lower_]
            for p in parts:
                self.words.append(p)
                self.tok_of.append(t.i)
            self.last_word[t.i] = len(self.words) - 1
        self.matches: list[Match] = []
        self.word_match: dict[int, Match] = {}
        self._find(coder)

    def _find(self, coder: PetrarchCoder) -> None:
        i, n = 0, len(self.words)
        while i < n:
            m = coder.match_actor(self, i) or coder.match_agent(self, i)
            if m:
                self.matches.append(m)
                for k in range(m.start, m.end):
                    self.word_match[k] = m
                i = m.end
            else:
                i += 1

    def token_matches(self, tok) -> list[Match]:
        out = []
        for k, ti in enumerate(self.tok_of):
            if ti == tok.i and k in self.word_match and self.word_match[k] not in out:
                out.append(self.word_match[k])
        return out


def _np_head(tok):
    """The head noun whose noun phrase ``tok`` is inside (up through compound/poss/amod...)."""
    while tok.dep_ in NP_INNER - {"conj", "cc", "appos"} and tok.head is not tok:
        tok = tok.head
    return tok


def _np_tokens(head) -> list:
    """The noun phrase of ``head`` without its PPs, clauses and conjuncts."""
    out = [head]
    for c in head.children:
        if c.dep_ in NP_INNER - {"conj", "cc", "punct", "appos"} or (c.dep_ == "compound"):
            out.extend(c.subtree)
        elif c.dep_ == "case":
            out.append(c)
    return sorted(out, key=lambda t: t.i)


def _conjuncts(head) -> list:
    out, todo = [], [head]
    while todo:
        h = todo.pop(0)
        out.append(h)
        todo.extend(c for c in h.children if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN", "PRON", "ADJ", "NUM", "X"})
    return out


class PetrarchCoder:
    """Code sentences with PETRARCH verb, actor and agent dictionaries."""

    def __init__(self, verbs: VerbDictionary, actors: list[ActorEntry], agents: list[AgentEntry] | None = None,
                 discards: list[tuple[str, ...]] | None = None):
        self.verbs = verbs
        self.actors: dict[tuple[str, ...], ActorEntry] = {}
        self.actor_prefix: dict[tuple[str, ...], list[ActorEntry]] = {}
        for a in actors:
            self.actors.setdefault(a.words, a)
            if any("-" in w for w in a.words):  # "BARAD-DUR": spaCy reads "barad - dur"
                split = tuple(p for w in a.words for p in re.split(r"(-)", w) if p)
                self.actors.setdefault(split, ActorEntry(split, a.exact_last, a.codes))
            if not a.exact_last and len(a.words[-1]) >= 4:
                self.actor_prefix.setdefault(a.words[:-1], []).append(a)
        self.agents: dict[tuple[str, ...], AgentEntry] = {}
        for g in agents or []:
            self.agents.setdefault(g.words, g)
        self.discards = set(discards or [])
        self.max_n = max((len(k) for k in [*self.actors, *self.agents, *self.discards]), default=1)

    @classmethod
    def from_files(cls, verbs: Path, actors: Path, agents: Path | None = None, discards: Path | None = None) -> PetrarchCoder:
        """The coder for dictionary files, or :class:`DictionaryError` naming the file that is not one."""
        verb_dict = parse_verbs(_read_dictionary(verbs), str(verbs))
        if not verb_dict.families:
            raise DictionaryError(str(verbs), "no verb families ('--- NAME [code] ---' lines): not a PETRARCH verb dictionary")
        actor_entries = parse_actor_dict(_read_dictionary(actors), str(actors))
        if not actor_entries:
            raise DictionaryError(str(actors), "no actor with a [code]: not a PETRARCH actor dictionary")
        agent_entries = None
        if agents:
            agent_entries = parse_agent_dict(_read_dictionary(agents), str(agents))
            if not agent_entries:
                raise DictionaryError(str(agents), "no agent with a [code]: not a PETRARCH agent dictionary")
        return cls(verb_dict, actor_entries, agent_entries,
                   parse_discards(_read_dictionary(discards), str(discards)) if discards else None)

    # ------------------------------------------------------------------ dictionary lookups
    def match_actor(self, s: Sentence, i: int) -> Match | None:
        words = s.words
        first_tok = s.doc[s.tok_of[i]]
        for n in range(min(self.max_n, len(words) - i), 0, -1):
            key = tuple(words[i:i + n])
            entry = self.actors.get(key)
            if entry is None and n >= 1:
                cands = self.actor_prefix.get(key[:-1], [])
                entry = next((a for a in cands if len(a.words) == n and key[-1].startswith(a.words[-1])), None)
            if entry is None:
                continue
            # a name is a proper noun: its first word capitalised ("the" of "THE_AU" aside)
            lead = next((s.doc[s.tok_of[k]] for k in range(i, i + n) if words[k] not in DETS), first_tok)
            if lead.text[:1].isupper() or not lead.text[:1].isalpha():
                return Match(i, i + n, "actor", entry)
        return None

    def match_agent(self, s: Sentence, i: int) -> Match | None:
        words = s.words
        if words[i] in DETS:
            return None
        for n in range(min(self.max_n, len(words) - i), 0, -1):
            entry = self.agents.get(tuple(words[i:i + n]))
            if entry is not None:
                return Match(i, i + n, "agent", entry)
        return None

    def discarded(self, s: Sentence) -> bool:
        if not self.discards:
            return False
        w = s.words
        return any(tuple(w[i:i + n]) in self.discards for i in range(len(w)) for n in range(1, min(self.max_n, len(w) - i) + 1))

    # ------------------------------------------------------------------ actors in the parse
    # A noun phrase is split into *segments* at coordinators that follow an actor or agent
    # ("Eriadori and Calenardhon leaders", not "Ithilen's awful and evil minister"); each
    # segment codes as its first actor with the segment's agents; coordinated phrases whose
    # parse joins them without a verb in between are one group ("Mordor, Rohan and Bree").
    COORD = {",", "and", "or", "nor", "&"}

    def _chunks(self, s: Sentence) -> dict[int, tuple[int, int]]:
        if getattr(s, "_chunk_of", None) is None:
            s._chunk_of = {}
            for ch in s.doc.noun_chunks:
                for t in ch:
                    s._chunk_of[t.i] = (ch.start, ch.end)
        return s._chunk_of

    def _segments(self, s: Sentence, lo: int, hi: int) -> list[tuple[int, int]]:
        """Token ranges of the segments of tokens [lo, hi)."""
        ends = {s.tok_of[m.end - 1] for m in s.matches}
        segs, cur = [], lo
        i = lo
        while i < hi:
            tok = s.doc[i]
            if tok.lower_ in self.COORD:
                j = i - 1
                while j >= cur and s.doc[j].lower_ == ",":
                    j -= 1
                if j >= cur and j in ends:
                    segs.append((cur, j + 1))
                    k = i
                    while k < hi and s.doc[k].lower_ in self.COORD:
                        k += 1
                    cur = i = k
                    continue
            i += 1
        if cur < hi:
            segs.append((cur, hi))
        return segs

    def _segment_of(self, s: Sentence, tok) -> tuple[int, int]:
        lo, hi = self._chunks(s).get(tok.i, (None, None))
        if lo is None:
            m = next(iter(s.token_matches(tok)), None)
            lo, hi = (s.tok_of[m.start], s.tok_of[m.end - 1] + 1) if m else (tok.i, tok.i + 1)
        return next(((a, b) for a, b in self._segments(s, lo, hi) if a <= tok.i < b), (lo, hi))

    def _seg_matches(self, s: Sentence, a: int, b: int) -> list[Match]:
        return [m for m in s.matches if a <= s.tok_of[m.start] < b]

    def segment_codes(self, s: Sentence, a: int, b: int, inherit: str | None = None, depth: int = 0,
                      shared: list[str] | None = None) -> list[str]:
        """Codes of the segment [a, b): its country actor with its agents."""
        matches = self._seg_matches(s, a, b)
        actors = [m for m in matches if m.kind == "actor"]
        agents = [m for m in matches if m.kind == "agent"]
        if actors:
            countries = actors[0].entry.code_on(s.when)
            if not countries:
                return []
        elif not agents:
            return []
        else:
            countries = self._pp_countries(s, a, b, depth) or shared or ([inherit] if inherit else [NULL])
        out = []
        for country in countries:
            pre = "".join(g.entry.code.rstrip("~") for g in agents if g.entry.code.endswith("~"))
            code = country
            for g in agents:
                c = g.entry.code
                if c.startswith("~") and c[1:] and c[1:] not in code[3:]:
                    code += c[1:]
            out.append(pre + code if pre and not code.startswith(pre) else code)
        return out

    def _pp_countries(self, s: Sentence, a: int, b: int, depth: int) -> list[str]:
        """Countries of an agent phrase from its "of/in/from" phrase ("soldiers from Gondor")."""
        if depth > 2:
            return []
        heads = [t for t in s.doc[a:b] if not (a <= t.head.i < b) or t.head is t]
        todo = list(heads)
        for h in heads:
            todo += [c for c in h.children if c.dep_ == "conj"]
        for h in todo:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in PP_COUNTRY:
                    for pobj in (x for x in c.children if x.dep_ == "pobj"):
                        g = self.group_at(s, pobj, depth + 1, actors_only=True)
                        if g:
                            return [code for code, _ in g.members]
        return []

    def _joined(self, s: Sentence, x: int, y: int) -> bool:
        """Whether tokens x and y are in one phrase: their common ancestor is not a verb."""
        ax = [s.doc[x]] + list(s.doc[x].ancestors)
        ids = {t.i for t in ax}
        common = next((t for t in [s.doc[y]] + list(s.doc[y].ancestors) if t.i in ids), None)
        if common is None:
            return False
        path = [t for t in ax if t.i != common.i and t.i in {u.i for u in ax[:ax.index(common)]}] if common in ax else []
        return common.pos_ not in {"VERB", "AUX"} and not any(t.pos_ in {"VERB", "AUX"} for t in path)

    def group_at(self, s: Sentence, tok, depth: int = 0, actors_only: bool = False) -> Group | None:
        """The actors of the phrase ``tok`` is in, with the actors coordinated with it."""
        seg = self._segment_of(s, tok)
        segs = [seg]
        # coordinated segments inside the same chunk, then chunks coordinated with this one
        lo, hi = self._chunks(s).get(tok.i, seg)
        inside = self._segments(s, lo, hi)
        segs = inside if len(inside) > 1 else segs
        first, last = segs[0][0], segs[-1][1]
        # to the right
        k = last
        while True:
            j = k
            while j < len(s.doc) and s.doc[j].lower_ in self.COORD:
                j += 1
            if j == k or j >= len(s.doc):
                break
            nlo, nhi = self._chunks(s).get(j, (None, None))
            if nlo is None or not self._seg_matches(s, nlo, nhi) or not self._joined(s, seg[0], nlo):
                break
            segs += self._segments(s, nlo, nhi)
            k = nhi
        # to the left
        k = first
        while k > 0:
            j = k
            while j > 0 and s.doc[j - 1].lower_ in self.COORD:
                j -= 1
            if j == k or j == 0:
                break
            plo, phi = self._chunks(s).get(j - 1, (None, None))
            if plo is None or not self._seg_matches(s, plo, phi) or not self._joined(s, seg[0], plo):
                break
            segs = self._segments(s, plo, phi) + segs
            k = plo
        members: list[tuple[str, str]] = []
        tokens: set[int] = set()
        inherit = None
        shared = next((c for a, b in segs if not any(m.kind == "actor" for m in self._seg_matches(s, a, b))
                       for c in [self._pp_countries(s, a, b, depth)] if c), None)
        for a, b in segs:
            if actors_only and not any(m.kind == "actor" for m in self._seg_matches(s, a, b)):
                continue
            codes = self.segment_codes(s, a, b, inherit, depth, shared)
            if not codes:
                continue
            text = s.doc[a:b].text
            tokens |= set(range(a, b))
            for c in codes:
                if (c, text) not in members:
                    members.append((c, text))
            matches = self._seg_matches(s, a, b)
            last_agent = next((m for m in reversed(matches) if m.kind == "agent"), None)
            if codes and codes[0] != NULL and any(m.kind == "actor" for m in matches):
                inherit = codes[0][:-len(last_agent.entry.code.strip("~"))] if last_agent and \
                    last_agent.entry.code.startswith("~") and codes[0].endswith(last_agent.entry.code[1:]) else codes[0]
            for h in s.doc[a:b]:
                for c in h.children:
                    if c.dep_ == "prep" and c.lower_ in PP_COUNTRY and not any(m.kind == "actor" for m in matches):
                        tokens |= {t.i for t in c.subtree}
        return Group(members, tokens) if members else None

    def first_group(self, s: Sentence, toks: Iterable, skip: set[int] = frozenset()) -> Group | None:
        for t in sorted(toks, key=lambda t: t.i):
            if t.i in skip:
                continue
            if s.token_matches(t):
                g = self.group_at(s, t)
                if g:
                    return g
        return None

    # ------------------------------------------------------------------ verbs
    def find_verbs(self, s: Sentence) -> list[tuple[list[int], Verb]]:
        """(word indices of the verb phrase, verb) for every verb token that is in the dictionary."""
        out = []
        used: set[int] = set()
        for k, w in enumerate(s.words):
            tok = s.doc[s.tok_of[k]]
            if not tok.tag_.startswith("VB") or k in used:
                continue
            best = None
            for v in self.verbs.by_form.get(w, []):
                lo, hi = k - v.head, k - v.head + len(v.words)
                if lo < 0 or hi > len(s.words):
                    continue
                if all(s.words[lo + j] == v.words[j] for j in range(len(v.words)) if j != v.head):
                    if best is None or len(v.words) > len(best[1].words):
                        best = (list(range(lo, hi)), v)
            if best:
                out.append(best)
                used.update(best[0])
        return out

    def _anchor(self, s: Sentence, idx: list[int]):
        toks = [s.doc[s.tok_of[k]] for k in idx]
        verbs = [t for t in toks if t.tag_.startswith("VB")] or toks
        return min(verbs, key=lambda t: len(list(t.ancestors)))

    def _subject_tok(self, tok):
        """(subject token, passive?, agent tokens) of the clause of ``tok``, climbing through xcomp/conj."""
        cur = tok
        for _ in range(8):
            subj = [c for c in cur.children if c.dep_ in SUBJ]
            passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in cur.children)
            agent = [c for c in cur.children if c.dep_ == "agent"]
            if subj or agent:
                return cur, subj, passive, agent
            if cur.dep_ == "acl" and cur.tag_ in {"VBN", "VBG"}:
                return cur, [cur.head], cur.tag_ == "VBN", agent
            if cur.dep_ in INHERIT or cur.dep_ in {"acomp", "prep", "relcl"} or (cur.head.pos_ in {"ADJ", "ADP"} and cur.dep_ != "ROOT"):
                if cur.head is cur:
                    break
                cur = cur.head
                continue
            break
        return cur, [], False, []

    def default_roles(self, s: Sentence, anchor, exclude: set[int]) -> tuple[Group | None, Group | None, set[int]]:
        """(source group, target group, subject tokens) by the parse."""
        clause, subj, passive, agent = self._subject_tok(anchor)
        subj_tokens: set[int] = set()
        for sj in subj:
            subj_tokens |= {t.i for t in sj.subtree}
        agent_tokens: set[int] = set()
        for a in agent:
            agent_tokens |= {t.i for t in a.subtree}
        src = None
        cur = clause
        # a pronoun subject (or one the pattern already used) takes the governing clause's subject
        for _ in range(6):
            c_clause, c_subj, c_passive, c_agent = self._subject_tok(cur)
            if c_agent and c_passive:
                src = self.first_group(s, [t for a in c_agent for t in a.subtree], exclude)
            if src is None and c_subj:
                toks = [t for sj in c_subj for t in sj.subtree]
                src = self.first_group(s, toks, exclude)
                if src is None and not all(sj.pos_ == "PRON" or (sj.i in exclude) for sj in c_subj) and not any(
                        t.i in exclude for t in toks):
                    break
            if src is not None or c_clause.head is c_clause:
                break
            cur = c_clause.head
        # the target: the first actor after the verb in its clause
        scope = self._scope(anchor, subj_tokens)
        tgt = None
        if passive and agent:
            tgt = self.first_group(s, [t for sj in subj for t in sj.subtree], exclude)
        if tgt is None:
            after = [t for t in scope if t.i > anchor.i and t.i not in agent_tokens]
            tgt = self.first_group(s, after, exclude | (src.tokens if src else set()))
        return src, tgt, subj_tokens

    def _scope(self, anchor, subj_tokens: set[int]) -> list:
        """The verb's clause: its subtree minus the subject and coordinated clauses."""
        cut: set[int] = set(subj_tokens)
        for c in anchor.children:
            if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}:
                cut |= {t.i for t in c.subtree}
        return [t for t in anchor.subtree if t.i not in cut]

    # ------------------------------------------------------------------ patterns
    def _match_seq(self, s: Sentence, elems: list[Elem], pos: int, step: int, limit: int,
                   adjacent: bool, roles: dict, chunks: dict) -> int | None:
        """Match ``elems`` from word ``pos`` going ``step`` (+1 after the verb, -1 before, with the
        pre-verb elements reversed); the number of words matched, or None. ``adjacent``: the first
        element must start at ``pos``. ``roles`` receives the token index of each actor slot."""
        if not elems:
            return 0
        e, rest = elems[0], elems[1:]
        # after the verb an element carries its own "_" flag (joined to the one before it);
        # before the verb, reversed, the flag of the element just matched joins it to the next
        nxt_adj = (rest[0].adjacent if rest else False) if step > 0 else e.adjacent
        positions = [pos] if adjacent else range(pos, limit, step)
        for p in positions:
            for end, score, role in self._match_elem(s, e, p, step, limit, chunks):
                trial = dict(roles)
                if role is not None:
                    trial.setdefault(role[0], role[1])
                sub = self._match_seq(s, rest, end, step, limit, nxt_adj, trial, chunks)
                if sub is not None:
                    roles.clear()
                    roles.update(trial)
                    return score + sub
        return None

    def _match_elem(self, s: Sentence, e: Elem, p: int, step: int, limit: int, chunks) -> Iterator[tuple[int, int, tuple | None]]:
        n = len(s.words)
        if not (0 <= p < n) or (step > 0 and p >= limit) or (step < 0 and p <= limit):
            return
        w = s.words
        if e.kind == "word":
            if w[p] == e.value:
                yield p + step, 1, None
        elif e.kind == "syn":
            for member in self.verbs.synsets.get(e.value, []):
                seq = member if step > 0 else member[::-1]
                if all(0 <= p + step * j < n and w[p + step * j] == seq[j] for j in range(len(seq))):
                    yield p + step * len(seq), len(seq), None
        elif e.kind in {"src", "tgt", "comp"}:
            q = p
            while 0 <= q < n and w[q] in DETS and step > 0:
                q += step
            m = s.word_match.get(q) if 0 <= q < n else None
            if m is None:
                return
            tok = s.doc[s.tok_of[q]]
            end = (m.end if step > 0 else m.start - 1)
            yield end, 1, (e.kind, tok.i)
        elif e.kind == "skip":
            tok = s.doc[s.tok_of[p]]
            chunk = chunks.get(tok.i)
            if chunk is None:
                q = p
                # skip words up to the next noun phrase, then the phrase
                while 0 <= q < n and (q < limit if step > 0 else q > limit) and chunks.get(s.tok_of[q]) is None:
                    q += step
                if not (0 <= q < n) or chunks.get(s.tok_of[q]) is None:
                    yield p + step, 0, None
                    return
                chunk = chunks[s.tok_of[q]]
            lo, hi = chunk
            yield (s.last_word[hi] + 1 if step > 0 else s.first_word[lo] - 1), 0, None

    def best_pattern(self, s: Sentence, verb: Verb, idx: list[int], anchor, subj_tokens: set[int]):
        fam = self.verbs.families.get(verb.family)
        if fam is None:
            return None, {}
        chunks: dict[int, tuple[int, int]] = {}
        for ch in s.doc.noun_chunks:
            for t in ch:
                chunks[t.i] = (ch.start, ch.end - 1)
        scope = self._scope(anchor, set())
        last = max((t.i for t in scope), default=anchor.i)
        post_limit = s.last_word[last] + 1
        best, best_score, best_roles = None, -1, {}
        for pat in fam.patterns:
            roles: dict = {}
            pre = list(reversed(pat.pre))
            sp = self._match_seq(s, pre, idx[0] - 1, -1, -1, pat.last_pre_adjacent, roles, chunks) if pre else 0
            if sp is None:
                continue
            spo = self._match_seq(s, pat.post, idx[-1] + 1, 1, post_limit, pat.first_post_adjacent, roles, chunks) if pat.post else 0
            if spo is None:
                continue
            score = sp + spo + sum(1 for e in pat.pre + pat.post if e.kind in {"src", "tgt", "comp"})
            if score > best_score:
                best, best_score, best_roles = pat, score, roles
        return best, best_roles

    # ------------------------------------------------------------------ events
    def code_parsed(self, text: str, sdoc, when: date | None = None, doc_id: str = "s") -> list[Event]:
        s = Sentence(sdoc, self, when)
        if self.discarded(s):
            return []
        events: list[Event] = []
        seen: set[tuple[str, str, str]] = set()
        found = [(idx, verb, self._anchor(s, idx)) for idx, verb in self.find_verbs(s)]
        found.sort(key=lambda f: len(list(f[2].ancestors)))
        coded: set[int] = set()
        for idx, verb, anchor in found:
            if self._governed(anchor, coded):
                continue
            pat, roles = self.best_pattern(s, verb, idx, anchor, set())
            code, code2 = (pat.code, pat.code2) if pat else (verb.code, verb.code2)
            if code is None:
                continue  # a null code: this sense of the verb is not an event
            role_groups = {k: self.group_at(s, s.doc[i]) for k, i in roles.items()}
            exclude: set[int] = set()
            for g in role_groups.values():
                if g:
                    exclude |= g.tokens
            src, tgt, _ = self.default_roles(s, anchor, exclude)
            pairs: list[tuple[tuple[str, str], tuple[str, str], str, str | None]] = []
            comp = role_groups.get("comp")
            if "comp" in roles:
                if comp is None:
                    continue
                comp_before = roles["comp"] < anchor.i
                if comp_before:
                    ms = comp.members
                    for a in range(len(ms)):
                        for b in range(a + 1, len(ms)):
                            pairs.append((ms[a], ms[b], code, code2 or code))
                    if len(ms) < 2:
                        continue
                else:
                    source = role_groups.get("src") or src
                    for sm in (source.members if source else []):
                        for tm in comp.members:
                            pairs.append((sm, tm, code, code2))
            else:
                source = role_groups.get("src") if "src" in roles else src
                target = role_groups.get("tgt") if "tgt" in roles else tgt
                if "tgt" in roles and "src" not in roles and src is not None and target is not None and src.tokens & target.tokens:
                    # the target was the subject ("NOTED + *"): the source is the clause above
                    src2, _, _ = self.default_roles(s, anchor.head if anchor.head is not anchor else anchor, target.tokens)
                    source = src2
                if "src" in roles and "tgt" not in roles and source is not None and tgt is not None and tgt.tokens & source.tokens:
                    target = None
                if "src" in roles and "tgt" not in roles and target is None and src is not None and source is not None \
                        and not (src.tokens & source.tokens):
                    target = src
                if source is None or target is None:
                    continue
                for sm in source.members:
                    for tm in target.members:
                        if sm == tm:
                            continue
                        pairs.append((sm, tm, code, code2))
            negated = any(c.dep_ == "neg" for c in anchor.children)
            if pairs:
                coded.add(anchor.i)
            for sm, tm, c1, c2 in pairs:
                for a, b, c in ((sm, tm, c1), (tm, sm, c2)):
                    if c is None or (a[0], b[0], c) in seen:
                        continue
                    seen.add((a[0], b[0], c))
                    events.append(self._event(doc_id, text, sdoc, s, idx, a, b, c, negated, when, len(events)))
        return events

    @staticmethod
    def _governed(anchor, coded: set[int]) -> bool:
        """Whether ``anchor`` has no subject of its own and hangs (xcomp, "efforts to", "after
        leaving") under a verb that was coded: PETRARCH codes the governing verb only."""
        cur = anchor
        for _ in range(6):
            if any(c.dep_ in SUBJ for c in cur.children) or cur.head is cur:
                return False
            if cur.dep_ not in {"xcomp", "acl", "advcl", "pcomp", "pobj", "prep", "dobj", "ccomp"}:
                return False
            cur = cur.head
            if cur.i in coded:
                return True
        return False

    def _event(self, doc_id, text, sdoc, s: Sentence, idx, a, b, code, negated, when, n) -> Event:
        toks = [sdoc[s.tok_of[k]] for k in idx]
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        plover, mode, context = plover_of(code)
        return Event(id=f"{doc_id}-p{n}", plover=plover, mode=mode, context=context, cameo=code,
                     source=[ActorRef(text=a[1], code=a[0])], target=[ActorRef(text=b[1], code=b[0])],
                     date=when.isoformat() if when else None, negated=negated,
                     modality="negated" if negated else "asserted",
                     evidence=[Evidence(span=make_span(doc_id, text, start, end), role="trigger",
                                        note="petrarch dictionary")])

    def code_sentences(self, items: list[tuple[str, date | None]], batch_size: int = 64) -> list[list[Event]]:
        from truceline.nlp.runtime import get_nlp

        docs = get_nlp().pipe((t for t, _ in items), batch_size=batch_size)
        return [self.code_parsed(text, sdoc, when) for (text, when), sdoc in zip(items, docs, strict=True)]


def _read_dictionary(path: Path) -> str:
    """A dictionary file's text. Undecodable bytes become U+FFFD, as PETRARCH's files hold a few
    stray ones; a binary file (NUL bytes) or one that cannot be read is a :class:`DictionaryError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DictionaryError(str(path), f"cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise DictionaryError(str(path), "binary file, not a dictionary (NUL bytes found)")
    return data.decode("utf-8", errors="replace")


@cache
def _plover_table() -> dict[str, tuple[str, str | None, list[str]]]:
    table: dict[str, tuple[str, str | None, list[str]]] = {}
    path = resources.files("truceline.data").joinpath("event_verbs.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("kind") == "code":
            table[row["cameo"]] = (row["plover"], row.get("mode"), row.get("context") or [])
    return table


def plover_of(cameo: str) -> tuple[str, str | None, list[str]]:
    """PLOVER event for a CAMEO code (its root when the code is not in the table); ``OTHER`` when none."""
    table = _plover_table()
    for k in (cameo, cameo[:3], cameo[:2]):
        if k in table:
            return table[k]
    return "OTHER", None, []


def code_jsonl(path: Path, out: TextIO, coder: PetrarchCoder) -> list[str]:
    """The sentence interface (``{"id","text","date"?}`` lines) coded with PETRARCH dictionaries."""
    from truceline.events.sentences import BATCH, event_json, read_lines

    errors: list[str] = []

    def flush(pending):
        results = coder.code_sentences([(t, w) for _, t, w in pending])
        for (sid, _, _), events in zip(pending, results, strict=True):
            out.write(json.dumps({"id": sid, "events": [event_json(e) for e in events]}, ensure_ascii=False) + "\n")
        pending.clear()

    try:
        pending: list = []
        for item in read_lines(path, errors):
            pending.append(item)
            if len(pending) >= BATCH:
                flush(pending)
        if pending:
            flush(pending)
    except UnicodeDecodeError as exc:
        errors.append(f"{path}: not valid UTF-8 (byte offset {exc.start})")
    return errors
