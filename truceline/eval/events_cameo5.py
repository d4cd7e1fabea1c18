"""Score the ``pentaclass`` classifier on ConfliBERT/Multi-CoPED JSONL (``text``, ``pentaclass``).

Rows without a ``pentaclass`` (actor-span-only rows) are not scored for the class. Metric: macro
F1 over the five classes (plus accuracy). Like :mod:`truceline.eval.events_case`, the result
says whether the shipped model was trained on this very file and carries its cross-validated
scores (``cv_pentaclass_*``). Actor spans are not scored here (no actor-span model ships yet).
"""

from __future__ import annotations

import json
from pathlib import Path

from truceline.eval.events import jsonl_keys
from truceline.eval.events_case import classification_metrics, provenance

MODEL = "pentaclass"


def matches(path: Path) -> bool:
    """A JSONL file whose first record has ``text`` and a ``pentaclass`` key."""
    return {"text", "pentaclass"} <= jsonl_keys(path)


def read(path: Path) -> tuple[list[str], list[str], int]:
    texts, labels, skipped = [], [], 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("pentaclass") and (row.get("text") or "").strip():
            texts.append(row["text"])
            labels.append(row["pentaclass"])
        else:
            skipped += 1
    return texts, labels, skipped


def score(path: Path) -> dict:
    """Classify every labelled sentence in ``path`` with the shipped model and score it."""
    from truceline.events import classify as C

    texts, gold, skipped = read(path)
    pred = [lab for lab, _ in C.classify(MODEL, texts)] if texts else []
    m = classification_metrics(gold, pred)
    result = {
        "pentaclass_macro_f1": m["macro_f1"],
        "pentaclass_accuracy": m["accuracy"],
        "pentaclass_weighted_f1": m["weighted_f1"],
        "n": m["n"],
        "n_unlabelled_skipped": skipped,
        "per_class_f1": m.get("per_class_f1", {}),
    }
    result.update(provenance(path, MODEL, prefix="pentaclass_"))
    if result["trained_on_this_file"]:
        result["note"] = "in-sample: the model was trained on this file; cv_* are the held-out estimates"
    return result
