"""Score actor resolution against NGEC-format test cases (JSONL).

Each line is one NGEC test case: ``method`` (``agent_to_code``, ``search_nat``,
``short_text_to_agent``, ``query_wiki``, ``trf_agent_match``), ``args`` (the actor text, then
optionally context text and a date), optional ``kwargs`` (``query_date``) and ``expect``.

Scored: cases whose ``expect`` carries a country (``country``, or ``cc`` for ``search_nat``)
and/or a primary sector (``code_1``). The system (:func:`truceline.nlp.actors.resolve_actor_string`)
sees only the inputs, never the expected values. Conventions:

* an expected country of ``""`` means "no country": correct when the system gives none;
* an expected ``code_1`` of ``""`` or ``"UNK"`` means "no specific sector": correct when the
  system gives none (or UNK); otherwise the first three letters of the system's sector must
  equal ``code_1``; ``"????"`` (undecided in NGEC itself) is not scored;
* ``code_2`` is scored separately (as ``secondary_sector_accuracy``) when present.

Skipped (counted in ``n_skipped`` with the reason in ``skipped``): cases with nothing to score
(``query_wiki`` expects a Wikipedia title, ``trf_agent_match`` and name-only cases only
assert that *something* is returned; ``expect_not`` constraints alone).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path


def _when(case: dict) -> date | None:
    raw = (case.get("kwargs") or {}).get("query_date")
    args = case.get("args") or []
    if raw is None and len(args) > 2:
        raw = args[2]
    if not raw or str(raw).strip().lower() == "today":
        return None
    try:
        from dateutil import parser

        return parser.parse(str(raw), default=parser.parse("2000-01-01")).date()
    except (ValueError, OverflowError, ImportError):
        return None


def _norm_sector(s: str | None) -> str | None:
    s = (s or "").strip().upper()
    if not s or s == "UNK":
        return None
    return s[:3]


def score(path: Path, *, errors: int = 0) -> dict:
    """Country and sector accuracy of the system on the NGEC-format cases in ``path``.

    Returns ``country_accuracy``, ``sector_accuracy``, ``n`` (cases scored on anything),
    ``n_country``, ``n_sector``, ``by_method``, ``n_skipped`` and ``skipped`` (reasons);
    with ``errors > 0`` also up to that many wrong cases under ``errors``.
    """
    from truceline.nlp.actors import resolve_actor_string

    per = defaultdict(lambda: {"n_country": 0, "country_correct": 0, "n_sector": 0, "sector_correct": 0})
    skipped: Counter = Counter()
    wrong: list[dict] = []
    n = n2 = c2 = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        method = case.get("method", "?")
        exp = case.get("expect") or {}
        args = case.get("args") or []
        exp_country = exp.get("cc", exp.get("country")) if method == "search_nat" else exp.get("country")
        exp_sector = exp.get("code_1")
        if exp_sector == "????":
            exp_sector = None
            if exp_country is None:
                skipped["sector undecided (????) and no country"] += 1
                continue
        if exp_country is None and exp_sector is None:
            skipped[f"{method}: no expected country or sector"] += 1
            continue
        if not args or not isinstance(args[0], str):
            skipped[f"{method}: no input text"] += 1
            continue
        context = args[1] if len(args) > 1 and isinstance(args[1], str) and args[1] else None
        got = resolve_actor_string(args[0], _when(case), context=context)
        n += 1
        m = per[method]
        bad = {}
        if exp_country is not None:
            m["n_country"] += 1
            ok = (got["country"] or "") == exp_country
            m["country_correct"] += ok
            if not ok:
                bad["country"] = (exp_country, got["country"])
        if exp_sector is not None:
            m["n_sector"] += 1
            ok = _norm_sector(got["sector"]) == _norm_sector(exp_sector)
            m["sector_correct"] += ok
            if not ok:
                bad["sector"] = (exp_sector, got["sector"])
        if exp.get("code_2"):
            n2 += 1
            c2 += exp["code_2"] in (got["sector"] or "")[3:] or exp["code_2"] == _norm_sector(got["sector"])
        if bad and len(wrong) < errors:
            wrong.append({"method": method, "args": args, "got": got["code"], "actor_id": got["actor_id"], **bad})

    def acc(c: int, t: int) -> float | None:
        return round(c / t, 4) if t else None

    nc = sum(m["n_country"] for m in per.values())
    ns = sum(m["n_sector"] for m in per.values())
    out = {
        "n": n,
        "n_country": nc,
        "n_sector": ns,
        "country_accuracy": acc(sum(m["country_correct"] for m in per.values()), nc),
        "sector_accuracy": acc(sum(m["sector_correct"] for m in per.values()), ns),
        "secondary_sector_accuracy": acc(c2, n2),
        "n_secondary": n2,
        "by_method": {
            k: {"n_country": m["n_country"], "country_accuracy": acc(m["country_correct"], m["n_country"]),
                "n_sector": m["n_sector"], "sector_accuracy": acc(m["sector_correct"], m["n_sector"])}
            for k, m in sorted(per.items())
        },
        "n_skipped": sum(skipped.values()),
        "skipped": dict(skipped),
    }
    if errors:
        out["errors"] = wrong
    return out
