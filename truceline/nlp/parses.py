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
    head = array = ents = None
    for start, end in sentences(text):
        piece = text[start:end]
        if not any(c(piece) for c in cues):
            continue
        span = sdoc.char_span(start, end)
        if span is None or span.text != piece:
            continue  # not on token boundaries: parsed on demand instead
        if array is None:
            # the document's attribute array and entities, built once: as_doc() would build both
            # for every sentence. Its fix of the heads is made in place; sentences do not
            # overlap, so no later sentence reads a fixed row.
            head = sdoc._get_array_attrs()
            array = sdoc.to_array(head)
            ents = [(e.start, e.end) for e in sdoc.ents]
        box.add(_as_doc(span, head, array, ents))
        spans.append((start, end))
    return (spans, _to_bytes(box)) if spans else None


def _as_doc(span: Any, head: Any, array: Any, ents: list[tuple[int, int]]) -> Any:
    """``span.as_doc(array_head=head, array=array)`` as far as a ``DocBin`` stores it (no vector,
    tensor, cats or hooks), from the document's entities ``ents`` found once: as_doc() lists the
    document's entities anew for every sentence."""
    from spacy.attrs import ENT_IOB
    from spacy.tokens import Doc

    lo, hi = span.start, span.end
    doc = Doc(span.doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])
    rows = array[lo:hi]
    span._fix_dep_copy(head, rows)
    if len(rows) > 0 and ENT_IOB in head:  # the initial IOB fixed, as as_doc() does
        col = head.index(ENT_IOB)
        if rows[0][col] == 1:
            rows[0][col] = 3
    doc.from_array(head, rows)
    inside = {(s, e) for s, e in ents if s >= lo and e <= hi}
    doc_ents = doc.ents
    if len(doc_ents) > 0:  # partial entities at either end dropped, as as_doc() does
        if (doc_ents[0].start + lo, doc_ents[0].end + lo) not in inside:
            doc.set_ents([], missing=[doc_ents[0]], default="unmodified")
        if (doc_ents[-1].start + lo, doc_ents[-1].end + lo) not in inside:
            doc.set_ents([], missing=[doc_ents[-1]], default="unmodified")
    return doc


def _to_bytes(box: Any) -> bytes:
    """``box.to_bytes()``, without srsly's encoders: building its packer reads every installed
    package's entry points, on every call. The message holds only plain types, which the encoders
    (numpy arrays and the like) never see; any other would raise instead of packing differently."""
    import zlib

    import numpy
    from srsly.msgpack._packer import Packer  # srsly's own, without its encoders

    lengths = [len(tokens) for tokens in box.tokens]
    msg = {
        "version": box.version,
        "attrs": box.attrs,
        "tokens": numpy.vstack(box.tokens).tobytes("C"),
        "spaces": numpy.vstack(box.spaces).tobytes("C"),
        "lengths": numpy.asarray(lengths, dtype="int32").tobytes("C"),
        "strings": sorted(box.strings),
        "cats": box.cats,
        "flags": box.flags,
        "span_groups": box.span_groups,
    }
    return zlib.compress(Packer(use_bin_type=True).pack(msg))


def load(spans: Iterable[Iterable[int]], data: bytes) -> dict[tuple[int, int], Any]:
    """The kept parses by ``(start, end)`` of their sentence."""
    from spacy.tokens import DocBin

    from truceline.nlp.runtime import get_nlp

    docs = DocBin().from_bytes(data).get_docs(get_nlp().vocab)
    return {(int(s), int(e)): d for (s, e), d in zip(spans, docs, strict=True)}
