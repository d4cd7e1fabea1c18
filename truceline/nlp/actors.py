"""Actor linking: people, organisations and states in a parsed document -> dictionary actors.

The dictionary (``truceline/data/actors.jsonl.gz``, built by ``scripts/build_actors.py`` from
the PETRARCH/Phoenix, NGEC and hand-curated sources) is loaded once per process. Names and
aliases are indexed case- and diacritic-folded, as runs of ``[a-z0-9]`` words, so the same
key is made from a dictionary name and from a run of spaCy tokens.

Resolution, in order, for :func:`link_actors`:

1. dictionary names/aliases/countries/capitals found in the token stream (longest first);
2. agent phrases ("foreign minister", "army", "authorities") composed with a nearby country
   word into a code ("the Russian Foreign Ministry" -> RUSGOV); when a person's name follows
   the role ("Foreign Minister Zarif") the role is folded into that person's mention;
3. spaCy PERSON/ORG entities the dictionary did not cover: full name, then the surname of a
   person already named in this document, then the dictionary's surname index, else a
   provisional actor (never dropped) whose code comes from role/country words around it;
4. capitals and country names that are the subject of a verb -> that country's government
   (``resolved_by="metonymy"``);
5. he/she/they within a paragraph -> the latest compatible actor (``resolved_by="pronoun"``).

Codes in :class:`Mention` are the code in force at the document date (roles carry dates).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from truceline.model import Actor, Evidence, Mention, Role, make_span
from truceline.nlp.runtime import token_attr

MAX_NGRAM = 10
TYPES = {"person", "organization", "state", "group", "other"}
SPEECH_SUBJ = {"nsubj", "nsubjpass", "csubj"}
ORG_HEADS = {
    "ministry", "ministries", "government", "governments", "authorities", "authority", "army", "armies",
    "forces", "force", "police", "council", "parliament", "cabinet", "administration", "military",
    "navy", "office", "department", "agency", "court", "embassy", "mission", "command", "service",
    "services", "guard", "guards", "troops", "regime", "leadership", "state", "committee", "party",
    "legislature", "assembly", "senate", "congress", "kremlin", "presidency", "side", "delegation",
}
GROUP_HEADS = {"troops", "soldiers", "forces", "rebels", "militants", "separatists", "protesters",
               "civilians", "officials", "diplomats", "mercenaries", "fighters", "people", "men", "women"}
PRONOUNS_PERSON = {"he", "him", "his", "she", "her", "hers"}
PRONOUNS_GROUP = {"they", "them", "their", "theirs"}
ARTICLES = {"the", "a", "an"}
TITLE_MODIFIERS = {"deputy", "senior", "vice", "former", "acting", "chief", "top", "first", "then", "assistant",
                   "general", "colonel", "lieutenant", "major", "brigadier", "commander", "special"}


# --------------------------------------------------------------------------- normalisation

@lru_cache(maxsize=1 << 14)  # the common tokens; bounded, so a long ingest's memory stays flat
def fold(s: str) -> str:
    """Case- and accent-folded ``s``; remembered, as the same tokens are folded over and over."""
    if s.isascii():  # most text: NFKD leaves ASCII as it is and there is nothing to strip
        return s.casefold()
    s = unicodedata.normalize("NFKD", s.replace("\u2019", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


_WORDS = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 14)
def _words(s: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(fold(s)))


def words(s: str) -> list[str]:
    """The folded alphanumeric words of ``s`` (remembered per string: tokens repeat)."""
    return list(_words(s))


def key(s: str) -> str:
    return " ".join(words(s))


def skeleton(word: str) -> str:
    """A transliteration-tolerant key: first letter + consonants, doubles collapsed
    (Lukashenka/Lukashenko, Borissov/Borisov, Rajapakse/Rajapaksa)."""
    w = word.replace("kh", "h").replace("ph", "f").replace("ck", "k")
    out = w[:1] + re.sub(r"[aeiouy]", "", w[1:])
    return re.sub(r"(.)\1+", r"\1", out)


def _iso(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


# --------------------------------------------------------------------------- the dictionary

# Verbs whose direct object is someone who acts or is addressed, so a capital there is its government.
AGENT_OBJECT_VERBS = frozenset({
    "accuse", "blame", "urge", "warn", "criticize", "criticise", "condemn", "ask", "tell", "call", "meet",
    "threaten", "pressure", "press", "praise", "thank", "invite", "persuade", "advise", "reassure", "notify",
})


@dataclass
class Dictionary:
    actors: dict[str, dict] = field(default_factory=dict)
    countries: dict[str, dict] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)  # key -> actor ids
    acronyms: set[str] = field(default_factory=set)  # keys that must be upper case in text
    country_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (code, kind)
    surnames: dict[str, list[str]] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)  # agent phrase key -> sector code
    role_titles: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (country, title key) -> ids
    primary_country_keys: set[str] = field(default_factory=set)
    skeletons: dict[str, list[str]] = field(default_factory=dict)  # surname consonant skeleton -> ids
    iso2: dict[str, str] = field(default_factory=dict)  # ISO 3166-1 alpha-2 -> country code
    _starts: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def country_record(self, code: str) -> dict | None:
        return self.countries.get(code)

    def starts(self, *tables: str) -> frozenset[str]:
        """The first words of the keys of the named tables (``"agents"``, ``"names"``...): a run of
        tokens whose first word is not among them can start no key, so the n-gram scans skip it
        without joining a key per length. Built on first use (the dictionary is not changed after
        loading), before the reading pool forks."""
        got = self._starts.get(",".join(tables))
        if got is None:
            got = frozenset(k.split(" ", 1)[0] for t in tables for k in getattr(self, t))
            self._starts[",".join(tables)] = got
        return got


def plural_forms(phrase: str) -> list[str]:
    """Regular English plurals of a phrase's last word (PETRARCH adds these itself at run time)."""
    head, _, last = phrase.rpartition(" ")
    pre = head + " " if head else ""
    if not last.isalpha() or len(last) < 3:
        return []
    if last.endswith("y") and last[-2] not in "aeiou":
        forms = [last[:-1] + "ies"]
    elif last.endswith(("s", "x", "ch", "sh")):
        forms = [last + "es"]
    elif last.endswith("man"):
        forms = [last[:-3] + "men"]
    else:
        forms = [last + "s"]
    return [pre + f for f in forms]


def _data_path():
    return resources.files("truceline.data").joinpath("actors.jsonl.gz")


@cache
def load_dictionary() -> Dictionary:
    """The actor dictionary, loaded once per process."""
    d = Dictionary()
    with gzip.open(_data_path(), "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    priority: dict[str, int] = {}
    for r in records:
        kind = r.get("kind")
        if kind == "agent":
            k = key(r["phrase"])
            if k:
                d.agents.setdefault(k, r["code"])
            continue
        if kind == "country":
            d.countries[r["code"]] = r
            if r.get("iso2"):
                d.iso2[r["iso2"]] = r["code"]
            _add_country_key(d, r["name"], r["code"], "primary")
            for n in r["aliases"]:
                _add_country_key(d, n, r["code"], "name")
            for n in r["demonyms"]:
                _add_country_key(d, n, r["code"], "demonym")
            if r.get("capital"):
                _add_country_key(d, r["capital"], r["code"], "capital")
            for n in r.get("places", []):
                _add_country_key(d, n, r["code"], "place")
            continue
        d.actors[r["id"]] = r
        curated = r.get("source", "").startswith("truceline-curated")
        priority[r["id"]] = 0 if curated else (1 if r.get("source") == "phoenix-countries" else 2)
        for n in [r["name"], *r.get("aliases", [])]:
            k = key(n)
            if not k:
                continue
            d.names.setdefault(k, []).append(r["id"])
            if n.replace(".", "").isupper() and len(k.replace(" ", "")) <= 6:
                d.acronyms.add(k)
        if r.get("type") == "person":
            toks = words(r["name"])
            if len(toks) >= 2:
                d.surnames.setdefault(toks[-1], []).append(r["id"])
                d.skeletons.setdefault(skeleton(toks[-1]), []).append(r["id"])
        if curated and r.get("country"):
            for role in r.get("roles", []):
                for t in _title_keys(role["title"]):
                    d.role_titles.setdefault((role.get("country") or r["country"], t), []).append(r["id"])
    for k, plural in list(d.agents.items()):
        for p in plural_forms(k):
            d.agents.setdefault(p, plural)
    for idx in (d.names, d.surnames, d.skeletons):
        for ids in idx.values():
            ids.sort(key=lambda i: (priority.get(i, 3), i))
    return d


def _title_keys(title: str) -> list[str]:
    t = key(title)
    out = [t]
    if t.startswith("former "):
        return []
    return out


def _add_country_key(d: Dictionary, name: str, code: str, kind: str) -> None:
    k = key(name)
    if not k:
        return
    if kind == "primary":
        d.country_keys[k] = (code, "name")
        d.primary_country_keys.add(k)
        return
    if k in d.primary_country_keys:
        return
    rank = {"name": 0, "demonym": 1, "capital": 2, "place": 3}
    old = d.country_keys.get(k)
    if old is None or rank[kind] < rank[old[1]] or (rank[kind] == rank[old[1]] and len(code) < len(old[0])):
        d.country_keys[k] = (code, kind)
    if name.replace(".", "").isupper() and len(k.replace(" ", "")) <= 4:
        d.acronyms.add(k)


# --------------------------------------------------------------------------- codes and dates

def split_code(code: str | None) -> tuple[str | None, str | None]:
    """``IRNGOVLEG`` -> (``IRN``, ``GOVLEG``); ``IGOUNO`` -> (None, ``IGOUNO``)."""
    if not code:
        return None, None
    d = load_dictionary()
    if code[:3] in {"IGO", "NGO", "IMG", "MNC", "INT"} or code[:3] in _SECTORS:
        return None, code
    if code in d.countries and len(code) > 3:
        return code[:3], code[3:]
    return code[:3], (code[3:] or None)


_SECTORS = {
    "GOV", "MIL", "ELI", "LEG", "JUD", "COP", "SPY", "REB", "OPP", "PTY", "BUS", "MED", "JRN", "NGO", "IGO", "CVL",
    "REL", "EDU", "LAB", "AGR", "REF", "UAF", "CRM", "HLH", "PRE", "SOC", "UNK", "JNK", "NON", "PRM", "BUD",
    "HRI", "ENV", "DEV", "MNC", "SET", "RAD", "MOD", "INS", "CHR", "MOS", "JEW", "SHI", "SUN", "HIN",
}


def code_at(record: dict, when: date | None) -> str | None:
    """The code in force at ``when`` (today when None), from the record's dated roles."""
    w = when or date.today()
    roles = [r for r in record.get("roles", []) if r.get("code")]
    active = []
    for r in roles:
        s, e = _iso(r.get("start")), _iso(r.get("end"))
        if (s or e) and (s is None or s <= w) and (e is None or w <= e):
            active.append((s or date.min, r["code"]))
    if active:
        return max(active)[1]
    undated = [r["code"] for r in roles if not r.get("start") and not r.get("end")]
    if undated:
        return undated[0]
    if roles:
        ended = [(_iso(r.get("end")), r) for r in roles if r.get("end") and _iso(r.get("end")) < w]
        country = record.get("country") or split_code(roles[-1]["code"])[0]
        if ended and country:
            return country + "ELI"  # CAMEO: former officials are elites
        return country or record.get("code")
    return record.get("code")


def compose(country: str | None, sector: str | None) -> str | None:
    if country and sector:
        return country + sector if not sector.startswith(country) else sector
    return country or sector


# --------------------------------------------------------------------------- short strings

def _candidates(d: Dictionary, k: str, when: date | None, country_hint: str | None = None) -> str | None:
    ids = d.names.get(k) or []
    if not ids:
        return None

    def rank(i: str) -> tuple:
        r = d.actors[i]
        pr = 0 if r.get("source", "").startswith("truceline-curated") else 1
        hint = 0 if country_hint and r.get("country") == country_hint else 1
        active = 0 if _active(r, when) else 1
        return (pr, hint, active, 0 if r.get("source") == "phoenix-countries" else 1, i)

    return min(ids, key=rank)


def _active(r: dict, when: date | None) -> bool:
    w = when or date.today()
    for role in r.get("roles", []):
        s, e = _iso(role.get("start")), _iso(role.get("end"))
        if (s or e) and (s is None or s <= w) and (e is None or w <= e):
            return True
    return False


@dataclass
class _Hit:
    start: int  # word index
    end: int
    what: str  # "actor" | "country" | "agent"
    value: Any
    kind: str = ""


def _scan_words(d: Dictionary, ws: list[str], raw: list[str] | None = None) -> list[_Hit]:
    """Greedy longest matches over a word list: actors/countries first, then agents."""
    hits: list[_Hit] = []
    i = 0
    taken = [False] * len(ws)
    while i < len(ws):
        for j in range(min(len(ws), i + MAX_NGRAM), i, -1):
            k = " ".join(ws[i:j])
            if k in d.acronyms and raw is not None and not all(t.isupper() for t in raw[i:j]):
                continue
            if k in d.names:
                hits.append(_Hit(i, j, "actor", k))
                break
            if k in d.country_keys:
                code, kind = d.country_keys[k]
                if kind == "place" and i and ws[i - 1] not in HEAD_BREAK:
                    continue
                hits.append(_Hit(i, j, "country", code, kind))
                break
        else:
            i += 1
            continue
        for t in range(hits[-1].start, hits[-1].end):
            taken[t] = True
        i = hits[-1].end
    i = 0
    while i < len(ws):
        if taken[i]:
            i += 1
            continue
        for j in range(min(len(ws), i + MAX_NGRAM), i, -1):
            if any(taken[i:j]):
                continue
            k = " ".join(ws[i:j])
            if k in d.agents:
                hits.append(_Hit(i, j, "agent", d.agents[k]))
                i = j - 1
                break
        i += 1
    hits.sort(key=lambda h: h.start)
    return hits


HEAD_BREAK = {"of", "at", "in", "for", "from", "with", "on", "to", "by"}
GENERIC_HEADS = {"president", "chairman", "chairwoman", "chair", "head", "leader", "director", "member",
                 "members", "chief", "secretary", "spokesman", "spokeswoman", "spokesperson", "representative"}
FORMER = {"former", "retired", "ex", "onetime", "erstwhile"}
# Words that end organisation/unit names, never a surname ("Northern Fleet").
NON_NAME_WORDS = {"fleet", "flotilla", "brigade", "battalion", "regiment", "division", "corps", "group", "front",
                  "movement", "alliance", "league", "union", "bank", "college", "university", "institute",
                  "company", "corporation", "district", "province", "region", "city", "park", "square"}


def _head_cut(ws: list[str]) -> int:
    return next((i for i, w in enumerate(ws) if w in HEAD_BREAK and i > 0), len(ws))


def _primary_sector(hits: list[_Hit], ws: list[str]) -> str | None:
    """The agent code of the phrase head: agents before the first preposition win, rightmost first.

    A generic leadership head ("president of the ... league", "chairman of the company") takes
    its sector from the organisation after "of" when that names one.
    """
    agents = [h for h in hits if h.what == "agent"]
    if not agents:
        return None
    cut = _head_cut(ws)
    head = [h for h in agents if h.start < cut]
    tail = [h for h in agents if h.start >= cut]
    pick = max(head, key=lambda h: (h.end, h.end - h.start)) if head else agents[0]
    if head and tail and cut < len(ws) and ws[cut] == "of" and " ".join(ws[pick.start:pick.end]) in GENERIC_HEADS:
        pick = max(tail, key=lambda h: (h.end, h.end - h.start))
    code = pick.value
    if any(w in FORMER for w in ws[:pick.start]) and code[:3] in {"GOV", "MIL", "LEG", "JUD", "COP", "SPY"}:
        return "ELI"
    return code


def resolve_actor_string(s: str, when: date | None = None, context: str | None = None) -> dict:
    """Resolve a short actor string ("Iran's foreign minister", "Lavrov", "TEHRAN").

    Returns ``{"country", "sector", "code", "actor_id", "resolved_by"}``; ``country`` is an
    ISO3 code (or ``IGO``/``UNO``/``EUR`` for international bodies), ``sector`` the CAMEO
    sector string after the country (``GOV``, ``GOVMIL`` ...). ``context`` is optional text
    around the string (e.g. "Colombian defense") used when the string itself has no country.
    """
    d = load_dictionary()
    ws = words(s)
    raw = [t for t in re.findall(r"[A-Za-z0-9\u00C0-\u024F]+", s.replace("\u2019", "'"))]
    if len(raw) != len(ws):
        raw = None
    out = {"country": None, "sector": None, "code": None, "actor_id": None, "resolved_by": None}
    while ws and ws[0] in ARTICLES:
        ws, raw = ws[1:], (raw[1:] if raw else raw)
    if not ws:
        return out
    k = " ".join(ws)
    hint = None
    if context:
        ch = [h for h in _scan_words(d, words(context)) if h.what == "country"]
        hint = ch[0].value if ch else None
    hint_sector = _primary_sector(_scan_words(d, words(context)), words(context)) if context else None
    case_ok = k not in d.acronyms or (raw is not None and all(t.isupper() for t in raw))
    aid = _candidates(d, k, when, hint) if case_ok else None
    if aid:
        return _actor_result(d, aid, when, out, "name")
    if k in d.country_keys and case_ok:
        code, kind = d.country_keys[k]
        c, sec = code[:3], code[3:] or None
        if kind == "capital":
            sec = "GOV"
            out["resolved_by"] = "metonymy"
        else:
            out["resolved_by"] = "name"
        out.update(country=c, sector=sec, code=compose(c, sec))
        return out
    hits = _scan_words(d, ws, raw)
    actor_hits = [h for h in hits if h.what == "actor"]
    country_hits = [h for h in hits if h.what == "country"]
    sector = _primary_sector(hits, ws)
    country = None
    if country_hits:
        country = country_hits[0].value
    cut = _head_cut(ws)
    head_agent = any(h.what == "agent" and h.start < cut for h in hits)
    if actor_hits:
        best = max(actor_hits, key=lambda h: h.end - h.start)
        aid = _candidates(d, " ".join(ws[best.start:best.end]), when, country or hint)
        r = d.actors[aid]
        person_like = r.get("type") == "person"
        conflict = country is not None and r.get("country") and r.get("country") != country[:3] and not person_like
        in_tail = best.start >= cut and head_agent
        # A named actor inside the string decides, unless the string names another country or
        # the actor only qualifies the head ("ambassador to the United Nations").
        if not conflict and not in_tail and (best.end - best.start >= 2 or not sector or person_like):
            res = _actor_result(d, aid, when, dict(out), "alias")
            if country and res["country"] is None:
                res["country"] = country
            return res
    if country is None and not actor_hits and not sector and raw and 2 <= len(ws) <= 5 \
            and all(t[:1].isupper() for t in raw):
        guess = _surname_guess(d, ws, when)
        if guess:
            return {**out, **guess}
    if country is None and not actor_hits and raw:
        country = _place_country(d, ws, raw)
        if country and not sector and not hint_sector and len(ws) <= 4 and all(t[:1].isupper() for t in raw):
            sector = None  # a bare place name: a country, no sector
    if country is None and hint:
        country = hint
    if sector is None and hint_sector and not actor_hits:
        sector = hint_sector  # NGEC context: "Colombian defense" -> COL + the sector of "defense"
    if country and len(country) > 3:  # GEOPRE etc.
        country, pre = country[:3], country[3:]
        sector = sector or pre
    if country and not sector and country_hits and country_hits[0].kind == "capital" and len(ws) == 1:
        sector = "GOV"
    out.update(country=country, sector=sector, code=compose(country, sector),
               resolved_by="composed" if (country or sector) else None)
    return out


def _place_country(d: Dictionary, ws: list[str], raw: list[str]) -> str | None:
    """The country of a place named by the string ("Puerto Penasco", "a park in Kabul"), from the
    geoparser's gazetteer: the whole string when it is a capitalised name, else the capitalised
    words after a locative preposition."""
    from truceline.nlp.geo import geocode

    spans = []
    if 1 <= len(ws) <= 4 and all(t[:1].isupper() for t in raw):
        spans.append(raw)
    for i, w in enumerate(ws):
        if w in {"in", "near", "at", "from", "outside"} and i + 1 < len(ws):
            tail = raw[i + 1:]
            while tail and tail[0].lower() in ARTICLES:
                tail = tail[1:]
            if tail and all(t[:1].isupper() for t in tail) and len(tail) <= 4:
                spans.append(tail)
    for sp in spans:
        if len(sp) == 1 and sp[0].isupper():
            continue  # an acronym, not a place
        cand = geocode(" ".join(sp))
        if cand is None or not cand.country or key(cand.name) != key(" ".join(sp)):
            continue  # only the place's own name, not a loose alternate-name match
        code = d.iso2.get(cand.country)
        if code:
            return code[:3]
    return None


def _fuzzy_surname_ok(a: str, b: str) -> bool:
    """Transliteration variants only: the skeleton matched and the spellings are close
    with the same length once doubled letters collapse (Lukashenka/Lukashenko, Borissov/Borisov,
    Rajapakse/Rajapaksa; not Rwasa/Ruwas at 0.8, nor Drian/Darian with an extra vowel)."""
    from difflib import SequenceMatcher

    def collapse(w: str) -> str:
        return re.sub(r"(.)\1+", r"\1", w)

    ca, cb = collapse(a), collapse(b)
    return len(ca) == len(cb) and SequenceMatcher(None, ca, cb).ratio() >= 0.85


def _surname_guess(d: Dictionary, ws: list[str], when: date | None) -> dict | None:
    """A person name not in the dictionary: the people sharing its surname (and first initial)."""
    if ws[-1] in ORG_HEADS or ws[-1] in d.agents or ws[-1] in NON_NAME_WORDS:
        return None
    ids = [i for i in d.surnames.get(ws[-1], []) if d.actors[i].get("type") == "person"]
    if not ids and len(ws[-1]) >= 5:
        ids = [i for i in d.skeletons.get(skeleton(ws[-1]), []) if d.actors[i].get("type") == "person"
               and _fuzzy_surname_ok(ws[-1], words(d.actors[i]["name"])[-1])]
    same_initial = [i for i in ids if words(d.actors[i]["name"])[0][:1] == ws[0][:1]]
    ids = same_initial or ids
    if not ids:
        return None
    countries = {d.actors[i].get("country") for i in ids}
    if len(countries) != 1 or None in countries:
        return None
    if len(same_initial) == 1:
        res = _actor_result(d, same_initial[0], when, {}, "surname")
        return res
    c = countries.pop()
    codes = {split_code(code_at(d.actors[i], when))[1] for i in ids}
    sec = codes.pop() if len(codes) == 1 else None
    return {"country": c, "sector": sec, "code": compose(c, sec), "actor_id": None, "resolved_by": "surname"}


def _actor_result(d: Dictionary, aid: str, when: date | None, out: dict, how: str) -> dict:
    r = d.actors[aid]
    code = code_at(r, when)
    c, sec = split_code(code)
    if c is None and sec:
        c = _igo_country(sec)
    out.update(country=c, sector=sec, code=code, actor_id=aid, resolved_by=how)
    return out


def _igo_country(sec: str) -> str | None:
    if sec.startswith("IGOUNO"):
        return "UNO"
    if sec.startswith("IGOEUREEC") or sec.startswith("IGOEUR") and "EU" in sec[3:6]:
        return "EUR"
    if sec.startswith("IGO"):
        return "IGO"
    return None


# --------------------------------------------------------------------------- documents

@dataclass
class _M:
    start: int  # char offsets
    end: int
    tok_start: int
    tok_end: int
    actor_id: str | None
    kind: str
    resolved_by: str
    code: str | None


MAX_ID = 160  # the store's actors.id is VARCHAR(160), which PostgreSQL enforces


def provisional_id(name: str) -> str:
    """``prov:`` and the name's words; a name too long for the store keeps its first words and a hash of all."""
    aid = "prov:" + "_".join(words(name))
    if len(aid) > MAX_ID:
        aid = aid[: MAX_ID - 17] + "~" + hashlib.sha256(aid.encode("utf-8")).hexdigest()[:16]
    return aid


class _Linker:
    def __init__(self, doc_id: str, text: str, sdoc, when: date | None):
        self.d = load_dictionary()
        self.doc_id, self.text, self.sdoc, self.when = doc_id, text, sdoc, when
        self.actors: dict[str, Actor] = {}
        self.mentions: list[_M] = []
        self.covered = [False] * len(sdoc)
        self.doc_surnames: dict[str, str] = {}
        self.texts: list[str] = token_attr(sdoc, "text")
        self.tok_words = [_words(x) for x in self.texts]  # read-only tuples: no list copied per token
        self._next_start: list[int] | None = None

    # ---- actors
    def actor_from_record(self, aid: str) -> Actor:
        if aid not in self.actors:
            r = self.d.actors[aid]
            roles = [Role(**{k: ro.get(k) for k in ("title", "org", "country", "code", "start", "end")})
                     for ro in r.get("roles", [])]
            self.actors[aid] = Actor(id=aid, name=r["name"], type=r.get("type") if r.get("type") in TYPES else "other",
                                     code=r.get("code"), country=r.get("country"), sector=r.get("sector"),
                                     aliases=list(r.get("aliases", [])), roles=roles, source=r.get("source"))
            if r.get("type") == "person":
                for n in [r["name"], *r.get("aliases", [])]:
                    ws = words(n)
                    if ws:
                        self.doc_surnames.setdefault(ws[-1], aid)
        return self.actors[aid]

    def country_actor(self, code: str) -> Actor:
        aid = f"country:{code}"
        if aid not in self.actors:
            r = self.d.countries[code]
            self.actors[aid] = Actor(id=aid, name=r["name"], type="state", code=code, country=code[:3],
                                     sector=code[3:] or None, aliases=list(r.get("aliases", []))[:20],
                                     source=r.get("source"))
        return self.actors[aid]

    def composed_actor(self, country: str, sector: str, label: str | None = None) -> Actor:
        code = compose(country, sector)
        aid = f"composed:{code}"
        if aid not in self.actors:
            cname = self.d.countries.get(country, {}).get("name", country)
            what = {"GOV": "government", "MIL": "military", "COP": "police", "LEG": "legislature",
                    "JUD": "judiciary", "REB": "rebels", "OPP": "opposition"}.get(sector[:3], sector)
            self.actors[aid] = Actor(id=aid, name=f"{cname} ({what})", type="organization", code=code,
                                     country=country, sector=sector, source="composed")
        return self.actors[aid]

    def provisional(self, name: str, kind: str, code: str | None) -> Actor:
        aid = provisional_id(name)
        if aid not in self.actors:
            c, s = split_code(code) if code else (None, None)
            self.actors[aid] = Actor(id=aid, name=name, type=kind if kind in TYPES else "other", code=code,
                                     country=c, sector=s, provisional=True, source="provisional")
            if kind == "person":
                ws = words(name)
                if len(ws) >= 2:
                    self.doc_surnames.setdefault(ws[-1], aid)
        return self.actors[aid]

    def add(self, i: int, j: int, actor: Actor | None, resolved_by: str, code: str | None, kind: str | None = None):
        a, b = max(i, 0), min(j, len(self.texts))  # as slicing the Doc would clamp them
        if a >= b:
            return
        offsets = token_attr(self.sdoc, "idx")
        start, end = offsets[a], offsets[b - 1] + len(self.texts[b - 1])
        self.mentions.append(_M(start, end, i, j, actor.id if actor else None,
                                kind or (actor.type if actor else "other"), resolved_by, code))
        for t in range(i, j):
            self.covered[t] = True

    # ---- token scanning
    def next_sentence_starts(self) -> list[int]:
        """For each token ``i``, the first token after it that starts a sentence (``len(doc)`` if none):
        an n-gram ``[i, j)`` stays inside one sentence exactly when ``j <= next_start[i]``."""
        if self._next_start is not None:
            return self._next_start  # both scans ask
        n = len(self.sdoc)
        out = [n] * n
        following = n
        starts = token_attr(self.sdoc, "is_sent_start")
        for t in range(n - 1, -1, -1):
            out[t] = following
            if starts[t]:
                following = t
        self._next_start = out
        return out

    def joined_words(self) -> list[str]:
        """Each token's dictionary words joined by spaces (``""`` for none): n-gram keys are these joined."""
        return [" ".join(ws) for ws in self.tok_words]

    def ngram_hits(self) -> list[tuple[int, int, str, Any, str]]:
        """(tok_start, tok_end, what, value, kind) for dictionary names/countries, longest first."""
        sd, out = self.sdoc, []
        n = len(sd)
        texts = self.texts  # token attributes read once: spaCy builds a Token per access
        next_start = self.next_sentence_starts()
        capital = [x[:1].isupper() or x[:1].isdigit() for x in texts]
        starts = self.d.starts("names", "country_keys")
        i = 0
        while i < n:
            if not self.tok_words[i] or not texts[i][:1].isupper() or self.tok_words[i][0] not in starts:
                i += 1
                continue
            found = None
            for j in range(min(n, i + MAX_NGRAM), i, -1):
                if not self.tok_words[j - 1] or next_start[i] < j:
                    continue
                if any(not self.tok_words[t] and texts[t] not in {"-", ".", "'s", "’s", "'"}
                       for t in range(i, j)):
                    continue
                if not capital[j - 1]:
                    continue
                ws = [w for t in range(i, j) for w in self.tok_words[t]]
                k = " ".join(ws)
                if k in self.d.acronyms and not all(texts[t].replace(".", "").isupper()
                                                   for t in range(i, j) if self.tok_words[t]):
                    continue
                if k in self.d.names:
                    found = (i, j, "actor", k, "")
                    break
                if k in self.d.country_keys:
                    code, kind = self.d.country_keys[k]
                    if kind == "place":
                        continue
                    found = (i, j, "country", code, kind)
                    break
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out

    def agent_hits(self) -> list[tuple[int, int, str]]:
        sd, out, n = self.sdoc, [], len(self.sdoc)
        pos = token_attr(sd, "pos_")
        next_start = self.next_sentence_starts()
        joined = self.joined_words()
        starts = self.d.starts("agents")
        i = 0
        while i < n:
            if not self.tok_words[i] or pos[i] in {"DET", "PRON", "VERB", "AUX", "ADP"} \
                    or self.tok_words[i][0] not in starts:  # no agent phrase starts here
                i += 1
                continue
            for j in range(min(n, i + 6, next_start[i]), i, -1):  # never across a sentence start
                k = " ".join(joined[t] for t in range(i, j) if joined[t])
                code = self.d.agents.get(k)
                if code and j - i == 1 and sd[i].lower_ in TITLE_MODIFIERS and j < n and pos[j] in {"NOUN", "PROPN", "ADJ"}:
                    continue
                if code and code[:3] in {"UNK", "JNK", "NON"}:
                    continue
                if code and pos[j - 1] in {"NOUN", "PROPN", "ADJ"}:
                    out.append((i, j, code))
                    i = j - 1
                    break
            i += 1
        return out

    # ---- main
    def run(self) -> tuple[list[Actor], list[Mention]]:
        sd = self.sdoc
        names = self.ngram_hits()
        name_at = {}
        for h in names:
            for t in range(h[0], h[1]):
                name_at[t] = h
        agents = [a for a in self.agent_hits() if not any(t in name_at for t in range(a[0], a[1]))]
        ents = [e for e in sd.ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}]
        ent_at = {}
        for e in ents:
            for t in range(e.start, e.end):
                ent_at[t] = e
        country_hint = self._doc_countries(names)
        used_names: set[tuple] = set()
        used_ents: set[int] = set()

        # Role phrases: [country words] agent [person name] / agent of [country].
        for a in agents:
            ai, aj, sector = a
            lo = ai
            country = None
            k = ai - 1
            while k >= max(sd[ai].sent.start, ai - 5):
                t = sd[k]
                h = name_at.get(k)
                if h and h[2] == "country" and (h[4] in {"name", "demonym"} or h[4] == "capital" and len(h[3]) == 3
                                                and h[1] < len(sd) and sd[h[1]].text in {"'s", "’s"}):
                    country, lo = h[3], h[0]
                    used_names.add(h)
                    k = h[0] - 1
                    continue
                if t.pos_ in {"ADJ", "PROPN", "NOUN", "PART"} or t.text in {"'s", "’s", "-"} or t.lower_ in {"deputy", "senior", "former", "acting", "vice"}:
                    if h or t.i in ent_at and ent_at[t.i].label_ == "PERSON":
                        break
                    k -= 1
                    continue
                if t.pos_ == "DET":
                    lo = k
                break
            k = min(lo, ai) - 1
            while k >= sd[ai].sent.start and sd[k].lower_ in TITLE_MODIFIERS:
                lo = k
                k -= 1
            hi = aj
            if country is None and aj + 1 < len(sd) and sd[aj].lower_ == "of":
                m = aj + 1
                if sd[m].pos_ == "DET":
                    m += 1
                h = name_at.get(m)
                if h and h[2] == "country" and h[4] in {"name", "capital"}:
                    country, hi = h[3], h[1]
                    used_names.add(h)
            # A person named right after the role: "Foreign Minister Zarif".
            person = self._person_after(aj, name_at, ent_at) if sd[aj - 1].tag_ not in {"NNS", "NNPS"} else None
            if person is not None:
                pi, pj, aid, how = person
                code = compose(country, sector)
                if aid is None:
                    actor = self.provisional(sd[pi:pj].text, "person", code)
                    rb, c = "provisional", code
                else:  # a dictionary record, or a provisional person met earlier in this document
                    actor = self.actors[aid] if aid not in self.d.actors else self.actor_from_record(aid)
                    rb = "title" if how in {"surname", "alias1"} else "name"
                    c = self._code_of(aid)
                if (pi, pj) in {(h[0], h[1]) for h in names}:
                    used_names.update(h for h in names if (h[0], h[1]) == (pi, pj))
                if pi in ent_at:
                    used_ents.add(ent_at[pi].start)
                start = lo if sd[lo].pos_ != "DET" else lo + 1
                self.add(start, pj, actor, rb, c, "person")
                continue
            if country is None:
                continue
            span_lo = lo
            if sd[span_lo].pos_ == "DET":
                span_lo += 1
            head_word = sd[aj - 1].lower_
            code = compose(country[:3], sector)
            title_toks = [sd[t].text for t in range(lo, aj) if t >= ai or (sd[t].lower_ in TITLE_MODIFIERS and t not in name_at)]
            holder = self._role_holder(country[:3], " ".join(title_toks)) if sd[aj - 1].tag_ not in {"NNS", "NNPS"} else None
            if holder:
                actor = self.actor_from_record(holder)
                self.add(span_lo, hi, actor, "title", code_at(self.d.actors[holder], self.when), "person")
            elif head_word in ORG_HEADS or sector[:3] in {"GOV", "MIL", "COP", "LEG", "JUD"} and head_word not in GROUP_HEADS and self._is_org_word(head_word):
                actor = self.composed_actor(country[:3], sector)
                self.add(span_lo, hi, actor, "title", code, "organization")
            else:
                kind = "group" if head_word in GROUP_HEADS or head_word.endswith("s") else "person"
                actor = self.provisional(sd[span_lo:hi].text, kind, code)
                self.add(span_lo, hi, actor, "provisional", code, kind)

        # Dictionary names not already used by a role phrase.
        for h in names:
            i, j, what, value, kind = h
            if any(self.covered[t] for t in range(i, j)):
                continue
            if what == "actor":
                aid = _candidates(self.d, value, self.when, country_hint)
                prior = self.doc_surnames.get(value) if len(value.split()) == 1 else None
                if prior:
                    aid = prior
                r = self.d.actors.get(aid)
                actor = self.actors.get(aid) or self.actor_from_record(aid)
                how = "name" if r and key(r["name"]) == value else "alias"
                if len(value.split()) == 1 and actor.type == "person":
                    how = "surname"
                code = code_at(r, self.when) if r else actor.code
                self.add(i, j, actor, how, code)
            else:
                self._country_mention(i, j, value, kind)

        # spaCy entities the dictionary did not cover.
        for e in ents:
            if e.start in used_ents or any(self.covered[t] for t in range(e.start, e.end)):
                continue
            if "\n" in e.text or key(e.text) in self.d.country_keys:
                continue
            if e.label_ not in {"PERSON", "ORG"} or not re.match(r"^[A-ZÀ-Þ]", e.text) or re.search(r"[()\[\]{}@#%|]", e.text):
                continue
            i, j = e.start, e.end
            while i < j and (sd[i].pos_ == "DET" or not self.tok_words[i]):
                i += 1
            while j > i and not self.tok_words[j - 1]:
                j -= 1
            if i >= j:
                continue
            ws = [w for t in range(i, j) for w in self.tok_words[t]]
            k = " ".join(ws)
            if e.label_ == "PERSON":
                sur = self.doc_surnames.get(ws[-1])
                if sur and sur in self.actors:
                    self.add(i, j, self.actors[sur], "surname", self._code_of(sur))
                    continue
                cand = self.d.surnames.get(ws[-1], []) if len(ws) == 1 else []
                cand = [c for c in cand if not country_hint or self.d.actors[c].get("country") in self._doc_country_set]
                if len(cand) == 1:
                    self.add(i, j, self.actor_from_record(cand[0]), "surname", code_at(self.d.actors[cand[0]], self.when))
                    continue
                code = self._context_code(i)
                self.add(i, j, self.provisional(sd[i:j].text, "person", code), "provisional", code)
            else:
                res = resolve_actor_string(sd[i:j].text, self.when)
                if res["actor_id"]:
                    aid = res["actor_id"]
                    self.add(i, j, self.actor_from_record(aid), "alias", res["code"])
                    continue
                code = res["code"] or self._context_code(i)
                self.add(i, j, self.provisional(sd[i:j].text, "organization", code), "provisional", code)

        # Bare surnames of people named earlier that NER missed ("quoted Rudenko").
        pos = token_attr(sd, "pos_")
        for i in range(len(sd)):
            if self.covered[i] or pos[i] != "PROPN" or not self.tok_words[i]:
                continue
            aid = self.doc_surnames.get(" ".join(self.tok_words[i]))
            if aid and aid in self.actors and self.actors[aid].type == "person":
                self.add(i, i + 1, self.actors[aid], "surname", self._code_of(aid))

        self._pronouns()
        return self._finish()

    _doc_country_set: set = set()

    def _doc_countries(self, names) -> str | None:
        codes = [h[3][:3] for h in names if h[2] == "country"]
        self._doc_country_set = set(codes)
        if not codes:
            return None
        return max(set(codes), key=codes.count)

    def _is_org_word(self, w: str) -> bool:
        return w in ORG_HEADS or w.endswith(("ministry", "ment", "ate", "ion", "ncil", "ary", "ces", "ce"))

    def _code_of(self, aid: str) -> str | None:
        r = self.d.actors.get(aid)
        return code_at(r, self.when) if r else self.actors[aid].code

    def _role_holder(self, country: str, title_text: str) -> str | None:
        tk = key(title_text)
        ids = self.d.role_titles.get((country, tk), [])
        live = []
        for aid in ids:
            r = self.d.actors[aid]
            for role in r.get("roles", []):
                if key(role["title"]) == tk and (role.get("country") or r.get("country")) == country:
                    s, e = _iso(role.get("start")), _iso(role.get("end"))
                    w = self.when or date.today()
                    if (s is None or s <= w) and (e is None or w <= e) and (s or e or self.when is None):
                        live.append(aid)
        live = sorted(set(live))
        return live[0] if len(live) == 1 else None

    def _person_after(self, aj: int, name_at, ent_at):
        sd = self.sdoc
        m = aj
        # allow an intervening title word ("General", "Colonel-General") inside the entity
        if m < len(sd) and m in name_at and name_at[m][0] == m and name_at[m][2] == "actor":
            h = name_at[m]
            aid = _candidates(self.d, h[3], self.when)
            if self.d.actors[aid].get("type") == "person":
                prior = self.doc_surnames.get(h[3]) if len(h[3].split()) == 1 else None
                how = "alias1" if len(h[3].split()) == 1 else "name"
                return (h[0], h[1], prior or aid, how)
            return None
        if m < len(sd) and m in ent_at and ent_at[m].label_ == "PERSON" and ent_at[m].start == m:
            e = ent_at[m]
            ws = [w for t in range(e.start, e.end) for w in self.tok_words[t]]
            if not ws:
                return None
            sur = self.doc_surnames.get(ws[-1])
            if sur:
                return (e.start, e.end, sur, "surname")
            aid = _candidates(self.d, " ".join(ws), self.when)
            if aid:
                return (e.start, e.end, aid, "name")
            return (e.start, e.end, None, "provisional")
        return None

    def _context_code(self, i: int) -> str | None:
        """Country/agent words shortly before token ``i`` in its sentence ("Iranian official X")."""
        sd = self.sdoc
        lo = i
        while lo - 1 >= max(sd[i].sent.start, i - 6) and (
                sd[lo - 1].pos_ in {"ADJ", "NOUN", "PROPN", "PART", "NUM"} or sd[lo - 1].text in {"-", "'s", "’s"}):
            lo -= 1
        res = resolve_actor_string(sd[lo:i].text, self.when) if i > lo else None
        if not res or res["actor_id"]:
            return None
        return res["code"]

    def _country_mention(self, i: int, j: int, code: str, kind: str) -> None:
        sd = self.sdoc
        span = sd[i:j]
        root = span.root
        subj = root.dep_ in SPEECH_SUBJ and root.head.pos_ in {"VERB", "AUX"}
        poss = root.dep_ == "poss"
        # "accused Baku of ...", "urged Moscow to ...": the object of a verb whose object is an agent
        addressee = root.dep_ in {"dobj", "dative"} and root.head.lemma_ in AGENT_OBJECT_VERBS
        subj = subj or addressee
        c = code[:3]
        if kind in {"capital", "name"} and (subj or (kind == "capital" and poss)) and len(code) == 3:
            self.add(i, j, self.composed_actor(c, "GOV"), "metonymy", c + "GOV", "organization")
            return
        if kind == "capital":
            return  # a capital that is not acting is a place: the geo stage has it
        actor = self.country_actor(code)
        k = "group" if kind == "demonym" and span.text.endswith("s") and root.pos_ in {"NOUN", "PROPN"} else "state"
        self.add(i, j, actor, "name", code, k)

    def _pronouns(self) -> None:
        sd, text = self.sdoc, self.text
        ms = sorted(self.mentions, key=lambda m: m.start)
        lower, offsets = token_attr(sd, "lower_"), token_attr(sd, "idx")
        for i, low in enumerate(lower):
            if low not in PRONOUNS_PERSON and low not in PRONOUNS_GROUP or self.covered[i]:
                continue
            at = offsets[i]
            para_start = text.rfind("\n", 0, at) + 1
            want_person = low in PRONOUNS_PERSON
            cand = [m for m in ms if m.end <= at and m.start >= para_start and m.actor_id
                    and (m.kind == "person") == want_person]
            if not cand and text[para_start:para_start + 1] in "\"“'‘":
                prev_start = text.rfind("\n", 0, max(para_start - 1, 0))
                while prev_start > 0 and not text[prev_start + 1:para_start].strip():
                    prev_start = text.rfind("\n", 0, prev_start)
                cand = [m for m in ms if m.end <= para_start and m.start > prev_start and m.actor_id
                        and (m.kind == "person") == want_person]
            if not cand:
                continue
            m = max(cand, key=lambda m: m.end)
            self.add(i, i + 1, self.actors[m.actor_id], "pronoun", m.code, m.kind)
            ms.append(self.mentions[-1])

    def _finish(self) -> tuple[list[Actor], list[Mention]]:
        out = []
        self.mentions.sort(key=lambda m: (m.start, m.end))
        for n, m in enumerate(self.mentions, 1):
            span = make_span(self.doc_id, self.text, m.start, m.end)
            out.append(Mention(id=f"{self.doc_id}-m{n}", actor_id=m.actor_id,
                               kind=m.kind if m.kind in TYPES else "other", resolved_by=m.resolved_by,
                               code=m.code, evidence=[Evidence(span=span, role="mention")]))
        used = {m.actor_id for m in out}
        actors = [a for aid, a in sorted(self.actors.items()) if aid in used]
        return actors, out


def link_actors(doc_id: str, text: str, sdoc, when: date | None) -> tuple[list[Actor], list[Mention]]:
    """Every person, organisation and state mention in ``sdoc`` linked to an actor record.

    ``sdoc`` is the spaCy Doc of ``text`` (from the shared pipeline); ``when`` is the
    document date, which picks the role (and so the code) each person held.
    """
    if not text or sdoc is None:
        return [], []
    return _Linker(doc_id, text, sdoc, when).run()
