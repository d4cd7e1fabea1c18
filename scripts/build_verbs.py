"""Build ``truceline/data/event_verbs.jsonl``: the event coder's trigger dictionary.

Sources (see ``truceline/data/EVENT-VERBS-SOURCES.md``):

* PETRARCH2 ``CAMEO.2.0.txt`` (MIT): verb synonym blocks and their ``* OBJECT`` patterns.
  We keep only what a dependency-pattern coder can use: the verb lemma (with its particle
  for phrasal verbs), and patterns whose words all come *after* the verb (object noun,
  preposition + noun). Patterns constraining the subject side, synset references
  (``&WEAPON``) and actor placeholders (``$ + ^``) are dropped.
* PLOVER ``CAMEO2PLOVER-2021.txt`` (CC BY-SA): CAMEO code -> PLOVER event, mode, context.
* A small curated table (this file) of peace-process vocabulary: noun triggers, light
  verbs and verbs whose CAMEO default is too coarse; curated rows win over CAMEO rows.

Run: ``.venv/bin/python scripts/build_verbs.py [REFERENCE_DIR]``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REF = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/reference")
OUT = Path(__file__).resolve().parents[1] / "truceline" / "data" / "event_verbs.jsonl"
PREPS = {"of", "to", "for", "with", "against", "on", "in", "into", "from", "at", "by", "over", "about",
         "up", "down", "out", "off", "back", "away"}

# CAMEO 01 (public statements) has no PLOVER event; CAMEO 02 (appeals) is "all requests".
EXTRA_CODES = {
    "02": ("REQUEST", "", []), "020": ("REQUEST", "", []), "021": ("REQUEST", "assist", []),
    "022": ("REQUEST", "assist", ["diplomatic"]), "023": ("REQUEST", "assist", []),
    "024": ("REQUEST", "change", []), "025": ("REQUEST", "yield", []), "026": ("REQUEST", "meet", ["diplomatic"]),
    "027": ("REQUEST", "meet", ["diplomatic"]), "028": ("REQUEST", "meet", ["diplomatic"]),
}
# Codebook corrections (NGEC structured codebook, PLOVER 2021 text) over the 2021 CAMEO table:
# a declared (not implemented) ceasefire is CONCEDE; signing/finalising an agreement is AGREE
# in this project (the record of a peace process needs "agreement reached" as AGREE).
OVERRIDES = {"0871": ("CONCEDE", "ceasefire", ["military"]), "057": ("AGREE", "", ["diplomatic"]),
             # imposing sanctions/embargo is a reduction of relations (PLOVER GSR codes it SANCTION)
             "163": ("SANCTION", "restrict", ["economic"]),
             # property destruction and abduction are coercion in this project (the 2018 PLOVER
             # COERCE definition: "seize, destroy property, abduct"); physical violence stays ASSAULT
             "1712": ("COERCE", "destroy", ["human_security"]), "181": ("COERCE", "abduct", []),
             # occupying / seizing territory (codebook THREATEN/COERCE mode "territory")
             "192": ("COERCE", "seize", ["military"]),
             # air strikes: the codebook's "aerial" mode, not heavy weapons
             "195": ("ASSAULT", "aerial", ["military"])}

# Curated verbs: lemma -> CAMEO code (wins over CAMEO.2.0 defaults). "particle" is a prt/prep child.
CURATED_VERBS: list[tuple[str, str | None, str]] = [
    ("agree", None, "030"), ("offer", None, "030"), ("promise", None, "030"), ("pledge", None, "030"),
    ("vow", None, "030"), ("commit", None, "030"),
    ("meet", None, "040"), ("visit", None, "042"), ("host", None, "043"), ("negotiate", None, "046"),
    ("mediate", None, "045"), ("discuss", None, "040"), ("confer", None, "040"), ("consult", None, "040"),
    ("talk", None, "040"), ("phone", None, "041"), ("call", None, "041"),
    # considering a proposal is consultation (CAMEO 040), not a decision
    ("look", "at", "040"), ("mull", "over", "040"), ("mull", None, "040"), ("weigh", None, "040"),
    ("consider", None, "040"),
    ("praise", None, "051"), ("welcome", None, "051"), ("support", None, "051"), ("endorse", None, "051"),
    ("back", None, "051"), ("defend", None, "052"), ("commend", None, "051"), ("forgive", None, "056"),
    ("apologize", None, "055"), ("apologise", None, "055"), ("recognize", None, "054"),
    ("sign", None, "057"), ("ratify", None, "057"), ("cooperate", None, "060"), ("share", None, "064"),
    ("give", None, "070"), ("provide", None, "070"), ("donate", None, "071"), ("supply", None, "070"),
    ("deliver", None, "070"), ("send", None, "070"),
    ("release", None, "0841"), ("free", None, "0841"), ("return", None, "084"), ("hand", "over", "0841"),
    ("exchange", None, "0841"), ("swap", None, "0841"),
    ("withdraw", None, "0872"), ("pull", "out", "0872"), ("retreat", None, "0874"), ("surrender", None, "0874"),
    ("resign", None, "0874"), ("lift", None, "081"), ("ease", None, "081"), ("allow", None, "080"),
    ("investigate", None, "090"), ("probe", None, "090"),
    ("request", None, "100"), ("demand", None, "100"), ("urge", None, "100"), ("ask", None, "100"),
    ("appeal", None, "100"), ("call", "for", "100"), ("call", "on", "100"), ("call", "upon", "100"),
    ("press", None, "100"), ("insist", None, "100"),
    ("accuse", None, "112"), ("blame", None, "112"), ("condemn", None, "111"), ("criticize", None, "111"),
    ("criticise", None, "111"), ("denounce", None, "111"), ("deplore", None, "111"), ("protest", None, "140"),
    ("complain", None, "114"), ("sue", None, "115"), ("charge", None, "112"),
    ("reject", None, "120"), ("accept", None, "080"), ("refuse", None, "120"), ("decline", None, "120"), ("dismiss", None, "120"),
    ("veto", None, "129"), ("rebuff", None, "120"), ("renege", None, "120"), ("violate", None, "196"),
    ("breach", None, "196"), ("break", None, "196"),
    ("threaten", None, "130"), ("warn", None, "130"), ("vow", None, "030"),
    ("demonstrate", None, "141"), ("rally", None, "141"), ("march", None, "141"), ("riot", None, "145"),
    ("strike", None, "143"), ("boycott", None, "143"), ("block", None, "144"), ("blockade", None, "191"),
    ("mobilize", None, "154"), ("mobilise", None, "154"), ("deploy", None, "154"), ("mass", None, "154"),
    ("expel", None, "166"), ("suspend", None, "160"), ("sever", None, "161"), ("cut", None, "162"),
    ("halt", None, "160"), ("sanction", None, "163"), ("impose", None, "163"),
    ("arrest", None, "173"), ("detain", None, "173"), ("deport", None, "174"), ("seize", None, "171"),
    ("confiscate", None, "1711"), ("demolish", None, "1712"), ("occupy", None, "192"), ("capture", None, "192"),
    ("kidnap", None, "181"), ("abduct", None, "181"), ("torture", None, "1822"), ("beat", None, "182"),
    ("beat", "up", "182"), ("bulldoze", None, "1712"), ("raze", None, "1712"),
    ("assassinate", None, "186"),
    ("attack", None, "190"), ("shell", None, "194"), ("bomb", None, "195"), ("fire", None, "190"),
    ("fire", "on", "190"), ("fire", "at", "190"), ("shoot", None, "193"), ("kill", None, "190"),
    ("strike", "at", "190"), ("invade", None, "190"), ("raid", None, "190"), ("hit", None, "190"),
    ("target", None, "190"), ("destroy", None, "1712"), ("wound", None, "190"), ("fight", None, "190"),
    ("clash", None, "190"), ("bombard", None, "194"), ("pound", None, "194"), ("blow", "up", "1712"),
    ("massacre", None, "202"), ("storm", None, "190"),
]
# Noun triggers: lemma -> CAMEO code. They code when they are the object of a light verb
# ("declare a ceasefire", "launch an attack") or stand as events of their own.
CURATED_NOUNS: list[tuple[str, str]] = [
    ("ceasefire", "0871"), ("cease-fire", "0871"), ("truce", "0871"), ("armistice", "0871"),
    ("talks", "046"), ("talk", "046"), ("negotiation", "046"), ("meeting", "040"), ("summit", "040"),
    ("visit", "042"), ("consultation", "040"), ("mediation", "045"), ("conference", "040"),
    ("agreement", "057"), ("accord", "057"), ("deal", "057"), ("treaty", "057"), ("pact", "057"),
    ("statement", "057"), ("declaration", "057"), ("memorandum", "057"),
    ("plan", "036"), ("proposal", "036"), ("initiative", "036"), ("offer", "030"), ("invitation", "036"),
    ("sanction", "163"), ("embargo", "163"), ("blockade", "191"), ("curfew", "1723"),
    ("shelling", "194"), ("bombardment", "194"), ("attack", "190"), ("airstrike", "195"),
    ("strike", "190"), ("offensive", "190"), ("assault", "190"), ("invasion", "190"), ("raid", "190"),
    ("bombing", "183"), ("fire", "190"), ("fighting", "190"), ("clash", "190"), ("hostility", "190"),
    ("violation", "196"), ("breach", "196"), ("war", "190"), ("massacre", "202"),
    ("accusation", "112"), ("allegation", "112"), ("complaint", "114"), ("condemnation", "111"),
    ("investigation", "090"), ("hearing", "090"), ("inquiry", "090"), ("probe", "090"),
    ("demand", "100"), ("call", "100"), ("appeal", "100"), ("request", "100"),
    ("threat", "130"), ("warning", "130"), ("ultimatum", "139"),
    ("aid", "070"), ("assistance", "070"), ("asylum", "075"), ("exercise", "062"), ("war game", "062"),
    ("demonstration", "141"), ("protest", "141"), ("rally", "141"), ("riot", "145"), ("hunger strike", "142"),
    ("withdrawal", "0872"), ("release", "0841"), ("exchange", "0841"), ("swap", "0841"),
    ("suspension", "160"), ("expulsion", "166"), ("arrest", "173"), ("mobilization", "154"),
    ("mobilisation", "154"), ("deployment", "154"), ("rejection", "120"), ("refusal", "120"),
    ("support", "051"), ("praise", "051"), ("cooperation", "060"), ("relief", "073"),
]
# Light verbs: their own meaning is carried by a noun object ("sign an agreement", "declare a
# ceasefire", "hold talks"). Value: CAMEO code overriding the noun's when the pair is fixed.
LIGHT_VERBS: dict[str, dict[str, str]] = {
    "sign": {}, "declare": {}, "announce": {}, "launch": {}, "hold": {}, "conduct": {}, "carry": {},
    "stage": {}, "mount": {}, "begin": {}, "start": {}, "continue": {}, "resume": {}, "make": {},
    "issue": {}, "reach": {}, "conclude": {}, "adopt": {}, "agree": {}, "accept": {"plan": "036"},
    "impose": {}, "lodge": {"protest": "114", "complaint": "114"}, "file": {}, "level": {}, "open": {"fire": "190", "investigation": "090"},
    "put": {}, "present": {}, "propose": {}, "unveil": {}, "submit": {}, "put forward": {}, "initiate": {},
    "establish": {"tie": "050", "relation": "050"}, "restore": {"tie": "050", "relation": "050"},
    "deliver": {"blow": "138"}, "observe": {"ceasefire": "0871"}, "respect": {"ceasefire": "0871"},
    "end": {"mediation": "165", "talks": "164"},  # (violate, breach, break: their own code, 196)
    "give": {"aid": "070", "asylum": "075"}, "grant": {"asylum": "075"},
}


def cameo_to_plover(path: Path) -> dict[str, tuple[str, str, list[str]]]:
    table: dict[str, tuple[str, str, list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*,([^,#]*),?([^#]*)", line)
        if not m:
            continue
        code, event, mode, ctx = m.group(1), m.group(2), m.group(3).strip(), m.group(4).strip()
        contexts = [c.strip() for c in ctx.split(";") if c.strip()]
        table.setdefault(code, (event, mode, contexts))
    for code, row in EXTRA_CODES.items():
        table.setdefault(code, row)
    table.update(OVERRIDES)
    return table


def _word(tok: str) -> str | None:
    tok = tok.strip("(){}")
    if not tok or tok[0] in "&$+^%" or not re.fullmatch(r"[A-Z][A-Z\-']*_?", tok):
        return None
    return tok.rstrip("_").lower()


def parse_cameo_verbs(path: Path) -> tuple[list[dict], list[dict]]:
    """Verb rows and post-verb patterns from a PETRARCH verb dictionary."""
    verbs, patterns = [], []
    block, block_code = None, None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        head = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---", line)
        if head:
            block, block_code = head.group(1), head.group(2)
            continue
        if block is None or not line.strip():
            continue
        if line.startswith("-"):
            m = re.match(r"^-\s*(.*?)\s*\*\s*(.*?)\s*\[([0-9:]+|---)\]", line)
            if not m or m.group(3) == "---":
                continue
            pre, post, code = m.group(1), m.group(2), m.group(3).split(":")[0]
            if pre.strip():
                continue
            toks = post.split()
            if not toks or len(toks) > 3:
                continue
            ws = [_word(t) for t in toks]
            if any(w is None for w in ws):
                continue
            prep = ws[0] if ws[0] in PREPS else None
            content = [w for w in (ws[1:] if prep else ws) if w not in {"the", "a", "an"}]
            if not content and not prep:
                continue
            patterns.append({"kind": "pattern", "block": block, "prep": prep, "words": content, "cameo": code})
            continue
        if line[0] in "&":
            continue
        m = re.match(r"^(\+?[A-Z][A-Z_\-']*)\s*(\{[^}]*\})?\s*(\[([0-9]+|---)\])?", line.strip())
        if not m:
            continue
        phrase = m.group(1).lstrip("+").strip("_").lower().split("_")
        code = m.group(4) or block_code
        if not phrase[0] or len(phrase) > 2:
            continue
        verbs.append({"kind": "verb", "lemma": phrase[0], "particle": phrase[1] if len(phrase) > 1 else None,
                      "cameo": None if code == "---" else code, "block": block, "src": "cameo2.0"})
    return verbs, patterns


def main() -> None:
    table = cameo_to_plover(REF / "plover" / "CAMEO2PLOVER-2021.txt")
    verbs, patterns = parse_cameo_verbs(REF / "petrarch2-dictionaries" / "CAMEO.2.0.txt")
    rows: list[dict] = [{"kind": "code", "cameo": c, "plover": e, "mode": m or None, "context": ctx}
                        for c, (e, m, ctx) in sorted(table.items())]
    seen: set[tuple] = set()
    for lemma, particle, code in CURATED_VERBS:
        rows.append({"kind": "verb", "lemma": lemma, "particle": particle, "cameo": code, "block": None, "src": "curated"})
        seen.add((lemma, particle))
    for v in verbs:
        k = (v["lemma"], v["particle"])
        if k in seen:
            # keep the CAMEO block for its patterns, under the curated default
            rows.append({**v, "cameo": None, "src": "cameo2.0-patterns"})
            continue
        seen.add(k)
        rows.append(v)
    blocks = {v["block"] for v in verbs}
    uniq = {(p["block"], p["prep"], tuple(p["words"]), p["cameo"]) for p in patterns if p["block"] in blocks}
    rows += [{"kind": "pattern", "block": b, "prep": pr, "words": list(w), "cameo": c} for b, pr, w, c in sorted(uniq, key=str)]
    rows += [{"kind": "noun", "lemma": n, "cameo": c, "src": "curated"} for n, c in CURATED_NOUNS]
    rows += [{"kind": "light", "lemma": v, "fixed": fixed} for v, fixed in LIGHT_VERBS.items()]
    OUT.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows), encoding="utf-8")
    print(f"{OUT}: {len(rows)} rows ({sum(r['kind'] == 'verb' for r in rows)} verbs, "
          f"{len(uniq)} patterns, {len(CURATED_NOUNS)} nouns)")


if __name__ == "__main__":
    main()
