"""CASE 2021 and ConfliBERT pentaclass scorers on tiny hand-computable files (classifier stubbed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from truceline.eval import events_cameo5, events_case
from truceline.events import classify as C


def stub(monkeypatch, mapping: dict[str, str]) -> None:
    monkeypatch.setattr(C, "classify", lambda name, texts, docs=None: [(mapping[t], 0.9) for t in texts])


def write_case(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    p = tmp_path / "case.tsv"
    p.write_text("id\tEventSnippet\tSubType\n" + "".join(f"{i}\t{t}\t{y}\n" for i, (t, y) in enumerate(rows)),
                 encoding="utf-8")
    return p


def test_case_metrics_hand_computed(tmp_path, monkeypatch):
    # gold A A B C, predicted A B B A:
    # F1(A) = 0.5 (P 1/2, R 1/2); F1(B) = 2/3 (P 1/2, R 1); F1(C) = 0
    rows = [("s1", "A"), ("s2", "A"), ("s3", "B"), ("s4", "C")]
    stub(monkeypatch, {"s1": "A", "s2": "B", "s3": "B", "s4": "A"})
    p = write_case(tmp_path, rows)
    assert events_case.matches(p)
    r = events_case.score(p)
    assert r["n"] == 4
    assert r["accuracy"] == 0.5 and r["micro_f1"] == 0.5
    assert r["macro_f1"] == round((0.5 + 2 / 3 + 0) / 3, 4)
    assert r["weighted_f1"] == round((0.5 * 2 + 2 / 3) / 4, 4)
    assert r["trained_on_this_file"] is False
    assert 0 < r["cv_weighted_f1"] <= 1  # the held-out estimate always travels with the score


def test_case_perfect_and_in_sample_flag(tmp_path, monkeypatch):
    p = write_case(tmp_path, [("x", "AIR_STRIKE"), ("y", "ARREST")])
    stub(monkeypatch, {"x": "AIR_STRIKE", "y": "ARREST"})
    meta = {"training": {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "file": "case.tsv"},
            "cv": {"folds": 5, "weighted_f1": 0.7, "macro_f1": 0.6}}
    monkeypatch.setattr(C, "load", lambda name: SimpleNamespace(meta=meta))
    r = events_case.score(p)
    assert r["weighted_f1"] == r["macro_f1"] == r["micro_f1"] == 1.0
    assert r["trained_on_this_file"] is True and "in-sample" in r["note"]
    assert r["cv_weighted_f1"] == 0.7


def test_cameo5_metrics_hand_computed(tmp_path, monkeypatch):
    rows = [
        {"id": "1", "text": "t1", "pentaclass": "MATERIAL_CONFLICT", "actor_spans": []},
        {"id": "2", "text": "t2", "pentaclass": "MATERIAL_CONFLICT", "actor_spans": []},
        {"id": "3", "text": "t3", "pentaclass": "VERBAL_COOPERATION", "actor_spans": None},
        {"id": "4", "text": "t4", "pentaclass": None, "actor_spans": [{"role": "source", "text": "x"}]},
    ]
    p = tmp_path / "c.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    # predicted: MC, VC, VC -> F1(MC) = 2/3 (P 1, R 1/2); F1(VC) = 2/3 (P 1/2, R 1)
    stub(monkeypatch, {"t1": "MATERIAL_CONFLICT", "t2": "VERBAL_COOPERATION", "t3": "VERBAL_COOPERATION"})
    assert events_cameo5.matches(p) and not events_case.matches(p)
    r = events_cameo5.score(p)
    assert r["n"] == 3 and r["n_unlabelled_skipped"] == 1
    assert r["pentaclass_accuracy"] == round(2 / 3, 4)
    assert r["pentaclass_macro_f1"] == round(2 / 3, 4)
    assert r["trained_on_this_file"] is False and "cv_pentaclass_macro_f1" in r


def test_matches_rejects_other_formats(tmp_path):
    other = tmp_path / "o.jsonl"
    other.write_text(json.dumps({"text": "x", "event": "ASSAULT", "source": "A"}) + "\n", encoding="utf-8")
    assert not events_cameo5.matches(other) and not events_case.matches(other)
    tsv = tmp_path / "o.tsv"
    tsv.write_text("id\ttext\tlabel\n1\tx\ty\n", encoding="utf-8")
    assert not events_case.matches(tsv)
    assert not events_case.matches(tmp_path / "missing.tsv")


@pytest.mark.parametrize("gold,pred", [(["A"], ["A", "B"])])
def test_length_mismatch_raises(gold, pred):
    with pytest.raises(ValueError):
        events_case.classification_metrics(gold, pred)
