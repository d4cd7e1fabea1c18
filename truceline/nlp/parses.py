"""Sentence parses kept for verification, so no sentence is parsed twice.

Verification steps read syntax (an agreement's parties and clauses, a conditional's
antecedent and consequence), but they run over the whole store after every ingest: parsing
their sentences again there would cost a spaCy pass over every matching sentence of the
corpus per run, however few documents the run added. Instead the read stage, which has each
document's parse at hand, keeps the sentences a verification step may ask for, picked by the
cues the steps register here (:func:`cue`), as a spaCy ``DocBin`` stored with the document.
:func:`load` turns them back into ``Doc`` objects (a few hundred microseconds each, no
model run). A sentence without a kept parse (an older store, a corpus built in memory) is
parsed on demand, as before, so the steps never depend on what was kept.

A kept sentence is the document parse's span ``as_doc()``: the annotations it had in its
document, which is what the rest of the reading saw. It is kept only when the span's text is
exactly the sentence's text, so offsets into it stay offsets into the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from truceline.text import sentences

Cue = Callable[[str], bool]
CUES: dict[str, Cue] = {}
# the modules whose import registers a cue: verification steps that read syntax
CUE_MODULES = ("truceline.verify.agreements", "truceline.events.conditions")
Kept = tuple[list[tuple[int, int]], bytes]  # sentence offsets, DocBin bytes (in the same order)


def cue(name: str) -> Callable[[Cue], Cue]:
    """Register ``fn(sentence_text) -> bool``: sentences it accepts are kept parsed."""

    def register(fn: Cue) -> Cue:
        CUES[name] = fn
        return fn

    return register


def _cues() -> Iterable[Cue]:
    for module in CUE_MODULES:
        import_module(module)
    return CUES.values()


def keep(text: str, sdoc: Any) -> Kept | None:
    """The parses of the sentences of ``text`` some cue wants, from the document's parse ``sdoc``."""
    from spacy.tokens import DocBin

    cues = list(_cues())
    spans: list[tuple[int, int]] = []
    box = DocBin(store_user_data=False)
    head = array = None
    for start, end in sentences(text):
        piece = text[start:end]
        if not any(c(piece) for c in cues):
            continue
        span = sdoc.char_span(start, end)
        if span is None or span.text != piece:
            continue  # not on token boundaries: parsed on demand instead
        if array is None:
            # the document's attribute array, built once: as_doc() would build it for every sentence.
            # as_doc() fixes the heads of its own rows in place; sentences do not overlap, so no
            # later sentence reads a fixed row.
            head = sdoc._get_array_attrs()
            array = sdoc.to_array(head)
        box.add(span.as_doc(array_head=head, array=array))
        spans.append((start, end))
    return (spans, box.to_bytes()) if spans else None


def load(spans: Iterable[Iterable[int]], data: bytes) -> dict[tuple[int, int], Any]:
    """The kept parses by ``(start, end)`` of their sentence."""
    from spacy.tokens import DocBin

    from truceline.nlp.runtime import get_nlp

    docs = DocBin().from_bytes(data).get_docs(get_nlp().vocab)
    return {(int(s), int(e)): d for (s, e), d in zip(spans, docs, strict=True)}
