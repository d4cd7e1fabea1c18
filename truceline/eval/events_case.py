"""Score the ``acled30`` classifier on CASE 2021 task 2 files (TSV: id, EventSnippet, SubType).

Metrics are the shared task's: micro, macro and weighted F1 over the gold label set (plus
accuracy). The shipped model was trained on the CASE 2021 dev split, so scoring that very file
is in-sample: the result says ``trained_on_this_file`` (sha256 of the file vs the one recorded
in the model) and always carries the model's cross-validated scores (``cv_*``), which are the
honest estimate for that file.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path

MODEL = "acled30"
TEXT_COL, LABEL_COL = "EventSnippet", "SubType"


def matches(path: Path) -> bool:
    """A tab-separated file whose header has ``EventSnippet`` and ``SubType``."""
    from truceline.eval.events import first_line

    header = (first_line(path) or "").rstrip("\r\n").split("\t")
    return TEXT_COL in header and LABEL_COL in header


def read(path: Path) -> tuple[list[str], list[str]]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = [r for r in rows if (r.get(TEXT_COL) or "").strip() and (r.get(LABEL_COL) or "").strip()]
    return [r[TEXT_COL] for r in rows], [r[LABEL_COL].strip() for r in rows]


def classification_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Micro/macro/weighted F1 and accuracy; macro and weighted average over the *gold* labels
    (sklearn's ``f1_score(..., labels=gold labels)``; a predicted label absent from gold counts
    as a false positive for micro F1 only)."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    n = len(gold)
    if not n:
        return {"micro_f1": 0.0, "macro_f1": 0.0, "weighted_f1": 0.0, "accuracy": 0.0, "n": 0}
    labels = sorted(set(gold))
    per, support = {}, {}
    tp_all = 0
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        per[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        support[lab] = n_gold
        tp_all += tp
    correct = sum(1 for g, p in zip(gold, pred, strict=True) if g == p)
    # single-label: micro precision = tp / all predictions, micro recall = tp / all gold = accuracy
    micro = correct / n
    return {
        "micro_f1": round(micro, 4),
        "macro_f1": round(sum(per.values()) / len(labels), 4),
        "weighted_f1": round(sum(per[lab] * support[lab] for lab in labels) / n, 4),
        "accuracy": round(correct / n, 4),
        "n": n,
        "per_class_f1": {lab: round(v, 4) for lab, v in per.items()},
    }


def provenance(path: Path, model_name: str, prefix: str = "") -> dict:
    """``trained_on_this_file`` and the model's cross-validated scores (``cv_*``)."""
    from truceline.events.classify import load

    meta = load(model_name).meta
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    cv = meta.get("cv", {})
    out = {
        "model": model_name,
        "trained_on_this_file": digest == meta["training"]["sha256"],
        "trained_on": meta["training"]["file"],
        "cv_folds": cv.get("folds"),
    }
    for k in ("weighted_f1", "macro_f1", "micro_f1", "accuracy"):
        if k in cv:
            out[f"cv_{prefix}{k}"] = cv[k]
    return out


def score(path: Path) -> dict:
    """Classify every snippet in ``path`` with the shipped ``acled30`` model and score it."""
    from truceline.events import classify as C

    texts, gold = read(path)
    pred = [lab for lab, _ in C.classify(MODEL, texts)] if texts else []
    result = classification_metrics(gold, pred)
    result.update(provenance(path, MODEL))
    if result["trained_on_this_file"]:
        result["note"] = "in-sample: the model was trained on this file; cv_* are the held-out estimates"
    return result
