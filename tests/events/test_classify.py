"""The shipped event classifiers: plain numpy/JSON files, sensible labels, deterministic."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from truceline.events import classify as C


@pytest.mark.parametrize("name", C.MODELS)
def test_model_files_are_plain_arrays_and_json(name):
    npz = C.MODEL_DIR / f"{name}.npz"
    with zipfile.ZipFile(npz) as z:
        assert all(n.endswith(".npy") for n in z.namelist())
    with np.load(npz, allow_pickle=False) as arrays:  # raises on object arrays
        assert all(arrays[k].dtype != object for k in arrays.files)
    meta = json.loads((C.MODEL_DIR / f"{name}.json").read_text(encoding="utf-8"))
    model = C.load(name)
    assert model.labels == meta["labels"] and len(set(model.labels)) == len(model.labels)
    assert model.coef.shape[0] == len(model.labels)
    assert npz.stat().st_size < 5_000_000
    assert 0 < meta["cv"]["macro_f1"] <= 1


def test_acled30_labels():
    texts = [
        "Fighter jets carried out air strikes on the village, and warplanes bombed houses, killing six civilians.",
        "A suicide bomber blew himself up at a crowded mosque during Friday prayers, killing 20 worshippers.",
        "Thousands of people marched peacefully through the capital demanding higher wages.",
        "A magnitude 6.8 earthquake struck the province, destroying hundreds of houses.",
    ]
    got = [lab for lab, _ in C.classify("acled30", texts)]
    assert got == ["AIR_STRIKE", "SUIC_BOMB", "PEACE_PROTEST", "NATURAL_DISASTER"]


def test_pentaclass_labels_and_scores():
    texts = [
        "Government troops shelled rebel positions and killed twelve fighters on Monday.",
        "The two foreign ministers met in Geneva to discuss cooperation on trade.",
    ]
    out = C.classify("pentaclass", texts)
    assert [lab for lab, _ in out] == ["MATERIAL_CONFLICT", "VERBAL_COOPERATION"]
    assert all(0 < p <= 1 for _, p in out)
    assert {lab for lab, _ in out} <= set(C.PENTACLASS_LABELS)


def test_deterministic_and_batch_independent():
    texts = ["Police arrested ten protesters outside parliament.", "Rebels seized the town after heavy fighting."]
    a = C.classify("acled30", texts)
    b = C.classify("acled30", list(reversed(texts)))[::-1]
    c = [C.classify("acled30", [t])[0] for t in texts]
    assert [lab for lab, _ in a] == [lab for lab, _ in b] == [lab for lab, _ in c]
    assert [s for _, s in a] == pytest.approx([s for _, s in b])
    assert [s for _, s in a] == pytest.approx([s for _, s in c])
    assert C.classify("acled30", texts) == a  # same batch, same bits
    assert C.classify("acled30", []) == []


def test_docs_argument_gives_same_result():
    from truceline.nlp.runtime import get_nlp

    texts = ["Protesters threw stones at police, who fired tear gas."]
    docs = [get_nlp()(t) for t in texts]
    assert C.classify("pentaclass", texts, docs=docs) == C.classify("pentaclass", texts)


def test_plover_mapping_covers_quad_classes():
    m = C.PLOVER_TO_PENTACLASS
    assert m["AGREE"] == "VERBAL_COOPERATION" and m["AID"] == "MATERIAL_COOPERATION"
    assert m["THREATEN"] == "VERBAL_CONFLICT" and m["ASSAULT"] == "MATERIAL_CONFLICT"
    assert m["CONCEDE"] == "MATERIAL_COOPERATION" and m["PROTEST"] == "VERBAL_CONFLICT"
    assert set(m.values()) == set(C.PENTACLASS_LABELS)


def test_numpy_analyzers_match_sklearn():
    text_mod = pytest.importorskip("sklearn.feature_extraction.text")
    docs = ["The  U.S.-led coalition's air-strikes hit Raqqa;   2 killed.", "a b  c", "Élan über naïve x"]
    for d in docs:
        w = text_mod.TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()(d)
        assert C.word_ngrams(d, (1, 2), r"(?u)\b\w\w+\b") == w
        ch = text_mod.TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 6)).build_analyzer()(d)
        assert C.char_wb_ngrams(d, (3, 6)) == ch
