"""Score the event coder on the PETRARCH2 unit tests (``petr_unittest_fictional.jsonl``).

The records assume PETRARCH2's *validation dictionaries* (openeventdata/petrarch2, MIT):
``PETR.Validate.verbs.txt``, ``PETR.Validate.actors.txt`` and ``PETR.Validate.agents.txt``.
When the verbs file is found, the records are coded by the PETRARCH dictionary coder
(:mod:`truceline.events.petrdict`) with those dictionaries, which is what the unit tests
exercise. The dictionaries are looked for as one set: beside the gold file, then in
``$TRUCELINE_PETR_DICTS`` (a directory), then in the repository's
``eval-data/petrarch2-validation/``; the agents file also in ``reference/petrarch2-dictionaries``
next to the gold tree. Without a verbs file the project's own coder runs, with the fictional
actors passed as ``actor_lookup``. No discard list is used: the validation set has none (the
Phoenix one drops years and sports words the unit tests code). The validation dictionaries
are never used for real documents.

``triple_exact_match``: the share of records whose predicted set of (source, target, CAMEO)
triples equals the gold set (a ``no_events`` record needs an empty prediction). Triples are
made from every event with both a source and a target, as PETRARCH does with
``require_dyad``.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

from truceline.eval.events import jsonl_keys
from truceline.eval.metrics import PRF, rounded
from truceline.model import Actor, Evidence, Mention, make_span

ARTICLES = {"the", "a", "an"}


def matches(path: Path) -> bool:
    """A JSONL file whose first record has ``text``, ``events`` and ``no_events``."""
    return {"text", "events", "no_events"} <= jsonl_keys(path)


def _words(s: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s_]+", s.lower().replace("\u2019", "'")) if w)


def parse_actors(text: str) -> dict[tuple[str, ...], str]:
    """PETRARCH actor dictionary -> {name words: code}. Dated codes: the undated or last one."""
    out: dict[tuple[str, ...], str] = {}
    names: list[tuple[str, ...]] = []
    codes: list[str] = []

    def flush():
        code = next((c for c in codes if c), None)
        if code and not code.startswith(("-", "+", "#")):
            for n in names:
                out.setdefault(n, code.upper())

    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        found = re.findall(r"\[([^\]\s<>]+)[^\]]*\]", line)
        body = re.sub(r"\[[^\]]*\]", "", line).strip()
        if raw[:1] in " \t" and not body:
            codes.extend(found)
            continue
        if body.startswith("+"):
            names.append(_words(body[1:]))
            codes.extend(found)
            continue
        flush()
        names, codes = ([_words(body)] if body else []), list(found)
    flush()
    return {n: c for n, c in out.items() if n}


def parse_agents(text: str) -> dict[tuple[str, ...], str]:
    """PETRARCH agents dictionary -> {phrase words: "~SEC" or "SEC~"}, with plurals."""
    subs: dict[str, list[str]] = {}
    out: dict[tuple[str, ...], str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",")]
            continue
        m = re.match(r"^([^\[{]+?)\s*(\{[^}]*\})?\s*\[\s*([^\]]+)\]", line)
        if not m:
            continue
        phrase, plurals, code = m.group(1).strip(), m.group(2), m.group(3).strip()
        forms = [phrase]
        for k, vs in subs.items():
            if k in phrase:
                forms = [phrase.replace(k, v) for v in vs]
        if plurals and plurals.strip("{} "):
            forms += plurals.strip("{} ").split()
        elif not plurals:
            forms += [f + "S" for f in forms]
        for f in forms:
            out.setdefault(_words(f), code)
    return out


REPO_DICTS = Path(__file__).resolve().parents[2] / "eval-data" / "petrarch2-validation"
VERBS, ACTORS, AGENTS = "PETR.Validate.verbs.txt", "PETR.Validate.actors.txt", "PETR.Validate.agents.txt"


def _reference(base: Path) -> Path:
    return base.parent.parent / "reference" / "petrarch2-dictionaries"


def _find(base: Path, name: str) -> Path | None:
    candidates = [base / name, _reference(base) / name]
    env = os.environ.get("TRUCELINE_PETR_ACTORS")
    if env and name.endswith("actors.txt"):
        candidates.insert(0, Path(env))
    return next((c for c in candidates if c.is_file()), None)


def dictionary_dir(base: Path) -> Path | None:
    """The directory holding the validation verbs file: beside the gold, $TRUCELINE_PETR_DICTS, eval-data/."""
    if (base / ACTORS).is_file() and not (base / VERBS).is_file():
        return None  # the gold brings its own actors and no verbs: not the validation set
    env = os.environ.get("TRUCELINE_PETR_DICTS")
    for d in [base, Path(env) if env else None, REPO_DICTS]:
        if d is not None and (d / VERBS).is_file():
            return d
    return None


def load_petr_coder(gold: Path):
    """A :class:`PetrarchCoder` with the validation dictionaries, or None without a verbs file."""
    from truceline.events.petrdict import PetrarchCoder

    d = dictionary_dir(gold.parent)
    if d is None:
        return None
    actors = d / ACTORS if (d / ACTORS).is_file() else _find(gold.parent, ACTORS)
    if actors is None:
        return None
    agents = d / AGENTS if (d / AGENTS).is_file() else _find(gold.parent, AGENTS)
    return PetrarchCoder.from_files(d / VERBS, actors, agents)


class ValidationLookup:
    """An ``actor_lookup`` for :func:`truceline.events.coder.code_sentences`: fictional actors."""

    def __init__(self, actors: dict[tuple[str, ...], str], agents: dict[tuple[str, ...], str]):
        self.actors, self.agents = actors, agents
        self.max_n = max((len(k) for k in [*actors, *agents]), default=1)

    def _match(self, toks: list[str], i: int, table: dict) -> tuple[int, str] | None:
        for n in range(min(self.max_n, len(toks) - i), 0, -1):
            key = tuple(toks[i:i + n])
            if key in table:
                return n, table[key]
            # PETRARCH names without a trailing "_" match as word prefixes ("ARGENTIN")
            last = next((k for k in table if len(k) == n and k[:-1] == key[:-1] and len(k[-1]) >= 4
                         and key[-1].startswith(k[-1])), None) if n <= 2 else None
            if last:
                return n, table[last]
        return None

    def __call__(self, text: str, sdoc, when: date | None) -> tuple[list[Actor], list[Mention]]:
        toks = [t.lower_.rstrip("'s") if t.lower_ not in {"'s", "’s"} else "" for t in sdoc]
        hits: list[tuple[int, int, str, str]] = []  # token start, end, code, kind
        i = 0
        while i < len(sdoc):
            m = self._match(toks, i, self.actors)
            if m and sdoc[i].text[:1].isupper():
                hits.append((i, i + m[0], m[1], "actor"))
                i += m[0]
                continue
            m = self._match(toks, i, self.agents)
            if m and toks[i] not in ARTICLES:
                hits.append((i, i + m[0], m[1], "agent"))
                i += m[0]
                continue
            i += 1
        actors: dict[str, Actor] = {}
        mentions: list[Mention] = []
        composed: list[tuple[int, int, str, str]] = []
        consumed: set[int] = set()
        for s, e, code, kind in hits:
            if kind == "agent":
                near = self._country_near(hits, s, e, sdoc)
                if near is None:
                    continue
                j, country = near
                consumed.add(j)
                code = country + code.strip("~ ") if code.strip().startswith("~") else code.strip("~ ") + country
            composed.append((s, e, code, kind))
        for n, (s, e, code, kind) in enumerate(composed):
            if kind == "actor" and any(h[0] == s and h[3] == "actor" and i in consumed for i, h in enumerate(hits)):
                continue
            span = make_span("s", text, sdoc[s].idx, sdoc[e - 1].idx + len(sdoc[e - 1].text))
            aid = f"petr:{code}"
            actors.setdefault(aid, Actor(id=aid, name=span.text, type="state", code=code, source="petr-validate"))
            mentions.append(Mention(id=f"s-m{n}", actor_id=aid, code=code, evidence=[Evidence(span=span, role="mention")]))
        mentions = [m for m in mentions if not any(
            o is not m and o.evidence[0].span.start <= m.evidence[0].span.start and m.evidence[0].span.end <= o.evidence[0].span.end
            and (o.evidence[0].span.end - o.evidence[0].span.start) > (m.evidence[0].span.end - m.evidence[0].span.start)
            for o in mentions)]
        return list(actors.values()), mentions

    @staticmethod
    def _country_near(hits, s: int, e: int, sdoc) -> tuple[int, str] | None:
        """(hit index, country) an agent belongs to: in its noun phrase ("Arnor's foreign minister")."""
        head = sdoc[e - 1]
        phrase = {t.i for t in head.subtree}
        for j, (hs, he, code, kind) in enumerate(hits):
            if kind == "actor" and any(t in phrase for t in range(hs, he)) and abs(hs - s) <= 6:
                return j, code[:3]
        return None


def load_lookup(gold: Path) -> ValidationLookup:
    agents_path = _find(gold.parent, "PETR.Validate.agents.txt")
    actors_path = _find(gold.parent, "PETR.Validate.actors.txt")
    agents = parse_agents(agents_path.read_text(encoding="utf-8", errors="replace")) if agents_path else {}
    actors = parse_actors(actors_path.read_text(encoding="utf-8", errors="replace")) if actors_path else {}
    return ValidationLookup(actors, agents)


def triples(events) -> set[tuple[str, str, str]]:
    return {(s.code, t.code, e.cameo) for e in events for s in e.source for t in e.target
            if s.code and t.code and e.cameo}


def predict(path: Path, lookup: ValidationLookup | None = None) -> tuple[list[dict], list, str]:
    """(records, predicted events per record, coder name)."""
    from truceline.events.coder import code_sentences

    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    items = []
    for r in records:
        d = r.get("date")
        when = date(int(d[:4]), int(d[4:6]), int(d[6:8])) if d and len(d) == 8 and d.isdigit() else None
        items.append((r["text"], when))
    petr = None if lookup is not None else load_petr_coder(path)
    if petr is not None:
        return records, petr.code_sentences(items), "petrdict"
    return records, code_sentences(items, actor_lookup=lookup or load_lookup(path)), "coder"


def score(path: Path, lookup: ValidationLookup | None = None) -> dict:
    records, predicted, coder = predict(path, lookup)
    exact, dyads, prf = 0, 0, PRF(0, 0, 0)
    for r, evs in zip(records, predicted, strict=True):
        pred = triples(evs)
        gold = set() if r.get("no_events") else {(e["source"], e["target"], e["cameo"]) for e in r["events"]}
        exact += pred == gold
        dyads += {p[:2] for p in pred} == {g[:2] for g in gold}
        prf = prf + PRF(len(pred & gold), len(pred), len(gold))
    missing = []
    if coder == "coder":
        missing.append("PETR.Validate.verbs.txt not found (eval-data/petrarch2-validation/ or $TRUCELINE_PETR_DICTS): "
                       "scored with the project's own coder, not the validation dictionaries")
        if not (lookup or load_lookup(path)).actors:
            missing.append("PETR.Validate.actors.txt not found beside the gold or in reference/ "
                           "(set TRUCELINE_PETR_ACTORS); fictional actors are unresolved")
    return rounded({"warnings": missing, "coder": coder, "n": len(records), "triple_exact_match": exact / len(records) if records else 0.0,
                    "dyad_exact_match": dyads / len(records) if records else 0.0,
                    "triple_precision": prf.precision, "triple_recall": prf.recall, "triple_f1": prf.f1})
