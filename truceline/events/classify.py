"""Sentence/snippet event classifiers: TF-IDF word + character n-grams and spaCy vectors -> linear model.

Two shipped models (trained by ``scripts/train_event_classifiers.py``; data, licences and
cross-validated scores in ``truceline/data/event_models/README.md``):

- ``acled30``: the 30 fine-grained ACLED-style types of CASE 2021 task 2 (AIR_STRIKE, ARMED_CLASH,
  PEACE_PROTEST, AGREEMENT, ...);
- ``pentaclass``: the Multi-CoPED/CAMEO quad class plus statement (MAKE_STATEMENT,
  VERBAL_COOPERATION, MATERIAL_COOPERATION, VERBAL_CONFLICT, MATERIAL_CONFLICT).

Each model is a ``.npz`` (linear weights and idf vectors, plain numpy arrays, loaded with
``allow_pickle=False``) and a ``.json`` (labels, n-gram vocabularies, feature settings, training
provenance, cross-validated metrics). Features are computed here with numpy only; they reproduce
scikit-learn's ``TfidfVectorizer`` (the training script checks the two agree), so inference needs
neither scikit-learn nor pickle.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "event_models"
MODELS = ("acled30", "pentaclass")

# PLOVER event type -> Multi-CoPED pentaclass, following the CAMEO/PLOVER quad-class convention
# (PLOVER codebook: verbal/material x cooperation/conflict). Anything that is not an event, or a
# neutral comment, is MAKE_STATEMENT.
PENTACLASS_LABELS = (
    "MAKE_STATEMENT",
    "VERBAL_COOPERATION",
    "MATERIAL_COOPERATION",
    "VERBAL_CONFLICT",
    "MATERIAL_CONFLICT",
)
PLOVER_TO_PENTACLASS: dict[str, str] = {
    # verbal cooperation
    "AGREE": "VERBAL_COOPERATION",
    "CONSULT": "VERBAL_COOPERATION",
    "SUPPORT": "VERBAL_COOPERATION",
    "REQUEST": "VERBAL_COOPERATION",
    # material cooperation
    "AID": "MATERIAL_COOPERATION",
    "COOPERATE": "MATERIAL_COOPERATION",
    "CONCEDE": "MATERIAL_COOPERATION",
    "RETREAT": "MATERIAL_COOPERATION",
    # verbal conflict
    "ACCUSE": "VERBAL_CONFLICT",
    "REJECT": "VERBAL_CONFLICT",
    "THREATEN": "VERBAL_CONFLICT",
    "PROTEST": "VERBAL_CONFLICT",
    # material conflict
    "SANCTION": "MATERIAL_CONFLICT",
    "MOBILIZE": "MATERIAL_CONFLICT",
    "COERCE": "MATERIAL_CONFLICT",
    "ASSAULT": "MATERIAL_CONFLICT",
    # no event / neutral
    "OTHER": "MAKE_STATEMENT",
    "STATEMENT": "MAKE_STATEMENT",
    "NONE": "MAKE_STATEMENT",
}

_WHITE_SPACES = re.compile(r"\s\s+")


# ---------------------------------------------------------------- analyzers (sklearn-compatible)


def word_ngrams(text: str, ngram_range: Sequence[int], token_pattern: str, lowercase: bool = True) -> list[str]:
    """sklearn ``analyzer="word"`` (no accent stripping, no stop words)."""
    if lowercase:
        text = text.lower()
    tokens = re.findall(token_pattern, text)
    lo, hi = ngram_range
    out: list[str] = list(tokens) if lo == 1 else []
    start = max(lo, 2)
    n_tok = len(tokens)
    for n in range(start, min(hi + 1, n_tok + 1)):
        for i in range(n_tok - n + 1):
            out.append(" ".join(tokens[i : i + n]))
    return out


def char_wb_ngrams(text: str, ngram_range: Sequence[int], lowercase: bool = True) -> list[str]:
    """sklearn ``analyzer="char_wb"``: character n-grams inside space-padded words."""
    if lowercase:
        text = text.lower()
    text = _WHITE_SPACES.sub(" ", text)
    lo, hi = ngram_range
    out: list[str] = []
    for w in text.split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            out.append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:
                break
    return out


@dataclass
class TfidfBlock:
    kind: str  # "word" | "char_wb"
    ngram_range: tuple[int, int]
    lowercase: bool
    sublinear_tf: bool
    token_pattern: str
    weight: float
    index: dict[str, int]
    idf: np.ndarray

    def analyze(self, text: str) -> list[str]:
        if self.kind == "word":
            return word_ngrams(text, self.ngram_range, self.token_pattern, self.lowercase)
        if self.kind == "char_wb":
            return char_wb_ngrams(text, self.ngram_range, self.lowercase)
        raise ValueError(f"unknown analyzer {self.kind!r}")

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Dense (n, |vocab|) TF-IDF, l2-normalised per row, times ``weight``."""
        X = np.zeros((len(texts), len(self.index)), dtype=np.float64)
        for r, text in enumerate(texts):
            counts = Counter(t for t in self.analyze(text) if t in self.index)
            if not counts:
                continue
            cols = np.fromiter((self.index[t] for t in counts), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if self.sublinear_tf:
                tf = np.log(tf) + 1.0
            X[r, cols] = tf * self.idf[cols]
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return X / norms * self.weight


@dataclass
class Model:
    name: str
    labels: list[str]
    blocks: list[TfidfBlock]
    vector_weight: float  # weight of the l2-normalised spaCy doc vector (0: not used)
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    output: str  # "softmax" (logistic regression probabilities) | "softmax_margin" (SVM scores)
    meta: dict[str, Any]

    def features(self, texts: Sequence[str], vectors: np.ndarray | None) -> np.ndarray:
        parts = [b.transform(texts) for b in self.blocks]
        if self.vector_weight:
            if vectors is None:
                raise ValueError("this model needs document vectors")
            parts.append(normalize_rows(np.asarray(vectors, dtype=np.float64)) * self.vector_weight)
        return np.hstack(parts) if parts else np.zeros((len(texts), 0))

    def decision(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef.T.astype(np.float64) + self.intercept.astype(np.float64)


def normalize_rows(V: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return V / norms


def softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- loading

_lock = threading.Lock()


def load_from(npz_path: Path, json_path: Path) -> Model:
    """Read a model from explicit paths (numpy arrays + JSON; no pickle)."""
    meta = json.loads(Path(json_path).read_text(encoding="utf-8"))
    with np.load(npz_path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    blocks = []
    for i, spec in enumerate(meta["features"]["tfidf"]):
        vocab = spec["vocabulary"]
        idf = arrays[f"idf_{i}"].astype(np.float64)
        if len(vocab) != len(idf):
            raise ValueError(f"{json_path}: block {i} has {len(vocab)} terms but {len(idf)} idf values")
        blocks.append(
            TfidfBlock(
                kind=spec["analyzer"],
                ngram_range=tuple(spec["ngram_range"]),
                lowercase=spec["lowercase"],
                sublinear_tf=spec["sublinear_tf"],
                token_pattern=spec.get("token_pattern", r"(?u)\b\w\w+\b"),
                weight=float(spec["weight"]),
                index={t: j for j, t in enumerate(vocab)},
                idf=idf,
            )
        )
    model = Model(
        name=meta["name"],
        labels=list(meta["labels"]),
        blocks=blocks,
        vector_weight=float(meta["features"].get("doc_vector_weight", 0.0)),
        coef=arrays["coef"],
        intercept=arrays["intercept"],
        output=meta["model"]["output"],
        meta=meta,
    )
    n_feat = sum(len(b.index) for b in blocks) + (int(meta["features"]["doc_vector_dim"]) if model.vector_weight else 0)
    if model.coef.shape != (len(model.labels), n_feat):
        raise ValueError(f"{npz_path}: coef shape {model.coef.shape} != ({len(model.labels)}, {n_feat})")
    return model


@cache
def _load(name: str) -> Model:
    if name not in MODELS:
        raise KeyError(f"unknown event model {name!r}; choose from {', '.join(MODELS)}")
    return load_from(MODEL_DIR / f"{name}.npz", MODEL_DIR / f"{name}.json")


def load(name: str) -> Model:
    """The shipped model ``name`` (``acled30`` or ``pentaclass``), loaded once per process."""
    with _lock:
        return _load(name)


# ---------------------------------------------------------------- inference


def doc_vectors(texts: Sequence[str], docs: Sequence[Any] | None = None) -> np.ndarray:
    """spaCy en_core_web_md document vectors (mean of token vectors, OOV tokens count as zero).

    Given parsed ``docs`` their ``.vector`` is used; otherwise the texts are only tokenised
    (``nlp.make_doc``), which gives the same vector as the full pipeline at a fraction of the cost.
    """
    if docs is not None:
        if len(docs) != len(texts):
            raise ValueError("docs and texts differ in length")
        return np.vstack([np.asarray(d.vector, dtype=np.float64) for d in docs]) if docs else np.zeros((0, 300))
    from truceline.nlp.runtime import get_nlp

    nlp = get_nlp()
    if not texts:
        return np.zeros((0, nlp.vocab.vectors_length))
    return np.vstack([np.asarray(nlp.make_doc(t).vector, dtype=np.float64) for t in texts])


def predict_proba(model: Model, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
    """(n, n_classes) probabilities (logistic regression) or softmaxed margins (SVM)."""
    if model.vector_weight and vectors is None:
        vectors = doc_vectors(texts)
    return softmax(model.decision(model.features(texts, vectors)))


def classify(name: str, texts: list[str], docs: Sequence[Any] | None = None) -> list[tuple[str, float]]:
    """``(label, score)`` for each text with model ``name`` (``acled30`` or ``pentaclass``).

    ``score`` is the predicted class's probability for logistic-regression models, or the
    softmax of the SVM margins otherwise (the model json's ``model.output`` says which).
    ``docs``: optional spaCy docs of the same texts (their vectors are reused).
    """
    texts = list(texts)
    if not texts:
        return []
    model = load(name)
    vectors = doc_vectors(texts, docs) if model.vector_weight else None
    P = predict_proba(model, texts, vectors)
    best = P.argmax(axis=1)
    return [(model.labels[i], float(P[r, i])) for r, i in enumerate(best)]
