"""Score the event coder on PLOVER gold-standard records (``plover_gsr_dev.jsonl``).

Each record is one sentence with one gold event. The coder sees the text only; its first
event (the sentence's primary event, see :mod:`truceline.events.coder`) is compared with
the gold ``event`` after mapping the 2018-era PLOVER labels in the gold onto the 16 types
the coder uses (DEMAND -> REQUEST, DISAPPROVE/INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT).

Actor codes are scored as *country* codes (the first three letters, e.g. ``HUN`` of
``HUN``+``GOV``): ``source_code_f1`` / ``target_code_f1`` micro P/R/F1 over records of the
sets of countries; ``*_fullcode_f1`` adds the first sector (``HUNGOV``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from truceline.eval.events import jsonl_keys
from truceline.eval.metrics import PRF, rounded

LEGACY = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def matches(path: Path) -> bool:
    """A JSONL file whose first record has ``text``, ``event`` and ``source`` (PLOVER GSR)."""
    return {"text", "event", "source"} <= jsonl_keys(path)


def _gold_codes(actors, full: bool) -> set[str]:
    out = set()
    for a in actors or []:
        if isinstance(a, str):
            code, sector = a[:3], a[3:6]
        else:
            code, sector = (a.get("code") or "")[:3], (a.get("sector") or "")[:3]
        if code:
            out.add(code + (sector if full and sector.isupper() else ""))
    return out


def _pred_codes(refs, full: bool) -> set[str]:
    return {(r.code[:6] if full else r.code[:3]) for r in refs if r.code}


def _f1_sets(pairs: list[tuple[set[str], set[str]]]) -> PRF:
    total = PRF(0, 0, 0)
    for pred, gold in pairs:
        total = total + PRF(len(pred & gold), len(pred), len(gold))
    return total


def score(path: Path) -> dict:
    from truceline.events.coder import code_sentences

    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    t0 = time.perf_counter()
    predicted = code_sentences([(r["text"], None) for r in records])
    elapsed = time.perf_counter() - t0
    gold_types = [LEGACY.get(r["event"], r["event"]) for r in records]
    pred_types = [evs[0].plover if evs else "NONE" for evs in predicted]
    correct = sum(p == g for p, g in zip(pred_types, gold_types, strict=True))
    f1s = []
    for t in sorted(set(gold_types)):
        tp = sum(p == g == t for p, g in zip(pred_types, gold_types, strict=True))
        f1s.append(PRF(tp, pred_types.count(t), gold_types.count(t)).f1)
    out: dict = {"n": len(records), "event_accuracy": correct / len(records) if records else 0.0,
                 "event_macro_f1": sum(f1s) / len(f1s) if f1s else 0.0}
    for role in ("source", "target"):
        for full, name in ((False, f"{role}_code"), (True, f"{role}_fullcode")):
            prf = _f1_sets([(_pred_codes(getattr(evs[0], role), full) if evs else set(), _gold_codes(r[role], full))
                            for evs, r in zip(predicted, records, strict=True)])
            out[f"{name}_precision"], out[f"{name}_recall"], out[f"{name}_f1"] = prf.precision, prf.recall, prf.f1
    moded = [(evs[0].mode if evs else None, r["mode"]) for evs, r in zip(predicted, records, strict=True) if r.get("mode")]
    out["mode_n"] = len(moded)
    out["mode_accuracy"] = sum(p == g for p, g in moded) / len(moded) if moded else 0.0
    out["no_event"] = pred_types.count("NONE")
    out["seconds"] = elapsed
    out["confusions"] = ", ".join(f"{g}->{p}:{n}" for (g, p), n in
                                  Counter((g, p) for g, p in zip(gold_types, pred_types, strict=True) if g != p).most_common(8))
    return rounded(out)
