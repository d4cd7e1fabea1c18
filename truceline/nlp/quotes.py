"""Quotation extraction: who said what, with every span pointing back into the clean text.

A rule-based extractor over the shared spaCy parse (NOTES.md section 4a explains why not
textacy). It works in three passes over one document:

1. **Cue-driven.** Every reporting cue (``truceline/data/reporting_verbs.txt``) outside
   quotation marks that governs a clause (``ccomp``: "Rudenko says Moscow is mulling…",
   "“…,” he said") or a phrase ("called for …", "warned against …", "expressed concern
   over …", "urged X to …", "according to X, …") gives a content span. Content made of
   quoted text is a *direct* quote (evidence = the quotation with its marks, PolNeAR
   style), content mixing quoted and unquoted text is *mixed*, anything else *indirect*.
2. **Quote-driven.** Quotations no cue claimed look for a cue in their frame: the words
   after the quote up to the end of its sentence (“…,” said X) or the words before it in
   its sentence (X said: “…”; …, adding, “…”). A quote that directly follows an attributed
   quote of the same paragraph (“A,” X said. “B.”), or a paragraph made only of a quote
   after a paragraph that ended with an attributed quote or a colon ("adding:"), continues
   that quote: same speaker, one more evidence span.
3. **Speakers.** The subject of the cue (climbing from "adding"/"saying" to the verb they
   hang on, from a relative "who" to its noun), the object of "according to", or the
   agent of a passive. A pronoun speaker stays the literal ``speaker`` span, and
   ``speaker_text`` gets the most recent compatible named speaker or PERSON/ORG subject
   of the same or the previous paragraph.

Quotation marks are paired by :func:`truceline.text.quoted_spans` (curly possessives such
as "Nations’ resolutions" are not closers; unclosed marks are dropped per paragraph).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from truceline.model import Evidence, Quote, make_span
from truceline.nlp.runtime import doc_ents, token_attr
from truceline.text import paragraphs, quoted_spans

_OPEN_MARKS = "\"“„‘«"
_CLOSE_MARKS = "\"”’»"
_EDGE_PUNCT = " \t\n\r,;:—–-"
_PRONOUNS = {
    "he": "person", "she": "person", "him": "person", "her": "person",
    "they": "any", "it": "org", "we": "any", "i": "skip", "you": "skip",
}
_SUBJ = ("nsubj", "nsubjpass")
_CLIMB = ("advcl", "xcomp", "conj", "acl", "pcomp", "prep", "relcl")
_SPEAKER_CUT = ("relcl", "acl", "appos", "punct", "parataxis", "advcl", "ccomp", "cc")
_EXPRESS_OBJECTS = {
    "concern", "support", "hope", "regret", "condolence", "condolences", "satisfaction",
    "disappointment", "gratitude", "solidarity", "opposition", "confidence", "doubt", "doubts",
    "readiness", "willingness", "alarm", "outrage", "sympathy", "dismay", "displeasure",
    "anger", "frustration", "optimism", "appreciation", "interest", "objection", "protest",
}
_PHRASE_PREPS: dict[str, tuple[str, ...]] = {"call": ("for", "on"), "warn": ("against", "of"), "urge": ()}
_OBJECT_CUES = {"urge", "call", "ask", "tell", "accuse", "blame", "warn", "deny", "describe", "criticize",
                "criticise", "condemn", "denounce", "express"}
_TWITTER = re.compile(r"\b(twitter|tweet(?:ed|s|ing)?)\b", re.I)
_MIN_FRAMED_WORDS = 3
_MAX_GAP_WORDS = 40  # “A,” X said <up to this many words>. “B.” continues A
_FRAME_WINDOW = 14  # tokens after a quote in which its "said X" frame must start


@cache
def reporting_cues() -> dict[str, str]:
    """Cue lemma (or multi-word cue) -> class (speech / belief / other), from the data file."""
    cues: dict[str, str] = {}
    text = resources.files("truceline.data").joinpath("reporting_verbs.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lemma, _, cls = line.partition("\t")
        cues.setdefault(lemma.strip().lower(), (cls.strip() or "speech"))
    return cues


@dataclass
class _Draft:
    kind: str
    spans: list[tuple[int, int]]
    cue: Any  # the cue token (or None)
    cue_lemma: str | None
    cue_span: tuple[int, int] | None
    speaker: tuple[int, int] | None
    speaker_head: Any = None
    channel: str | None = None
    quote_ids: set[int] = field(default_factory=set)
    speaker_text: str | None = None

    @property
    def start(self) -> int:
        return self.spans[0][0]


class _Ctx:
    """Per-document lookups: quotation spans with their marks, paragraphs, sentences."""

    def __init__(self, text: str, sdoc: Any) -> None:
        self.text = text
        self.doc = sdoc
        self.quotes = _outer_quotes(text)
        self.q_starts = [s for s, _ in self.quotes]
        # paragraphs, further cut at single line breaks (many outlets put one paragraph a line)
        self.paras = [ln for ps, pe in paragraphs(text) for ln in _lines(text, ps, pe)]
        self.p_starts = [s for s, _ in self.paras]

    def quote_at(self, i: int) -> int | None:
        k = bisect.bisect_right(self.q_starts, i) - 1
        if k >= 0 and self.quotes[k][0] <= i < self.quotes[k][1]:
            return k
        return None

    def bounds(self, i: int) -> tuple[int, int]:
        return self.paras[self.para_of(i)] if self.paras else (0, len(self.text))

    def para_of(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.p_starts, i) - 1)


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in re.finditer(r"\n", text[start:end]):
        out.append((pos, start + m.start()))
        pos = start + m.end()
    out.append((pos, end))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def _outer_quotes(text: str) -> list[tuple[int, int]]:
    """Quotations with their marks, outermost only (a ‘…’ inside “…” is part of it)."""
    spans = []
    for s, e in quoted_spans(text):
        a = s - 1
        while a > 0 and text[a].isspace():
            a -= 1
        b = e
        while b < len(text) and text[b].isspace():
            b += 1
        if a >= 0 and text[a] in _OPEN_MARKS and b < len(text) and text[b] in _CLOSE_MARKS:
            spans.append((a, b + 1))
        else:
            spans.append((s, e))
    spans.sort(key=lambda t: (t[0], -t[1]))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            continue  # nested or crossing: keep the outer / earlier one
        out.append((s, e))
    return out


# --- cues -------------------------------------------------------------------------------


def _cue_of(tok: Any) -> tuple[str, list[Any]] | None:
    """(cue lemma, extra tokens of a multi-word cue) when ``tok`` heads a reporting cue."""
    cues = reporting_cues()
    low = tok.lower_
    if low == "according":
        to = [c for c in tok.children if c.lower_ == "to"]
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if to or (nxt is not None and nxt.lower_ == "to"):
            return "according to", to or [nxt]
        return None
    if tok.pos_ not in ("VERB", "AUX") or tok.pos_ == "AUX" and tok.lemma_ != "say":
        return None
    lemma = tok.lemma_.lower()
    if lemma not in cues:
        return None
    if lemma == "express":
        objs = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in _EXPRESS_OBJECTS]
        return ("express", objs) if objs else None
    # With two cue prepositions on the verb, a dated one is the time ("called on Friday for a
    # ceasefire", "called for funding on Thursday"), and of the others the nearest makes the
    # cue ("called on residents for patience"). A choice by set order made it depend on
    # PYTHONHASHSEED, so two runs could read one text differently.
    preps = _PHRASE_PREPS.get(lemma, ())
    hits = [c for c in tok.children if c.dep_ in ("prep", "prt") and c.lower_ in preps]
    if hits:
        undated = [c for c in hits if not any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children)]
        prep = min(undated or hits, key=lambda c: abs(c.i - tok.i)).lower_
        return f"{lemma} {prep}", [c for c in hits if c.lower_ == prep]
    if lemma == "point":
        out = [c for c in tok.children if c.dep_ == "prt" and c.lower_ == "out"]
        return ("point out", out) if out else None
    if lemma == "call":
        # "called it a mistake", "calling for": only with a clause or a predicate
        if not any(c.dep_ in ("ccomp", "oprd", "xcomp") for c in tok.children):
            return None
    return lemma, []


def _subtree_span(tok: Any, bounds: tuple[int, int] | None = None) -> tuple[int, int]:
    """Character range of ``tok``'s subtree, clipped to ``bounds`` (its paragraph).

    A whole-document parse sometimes attaches words across a paragraph break; only the
    part of the subtree inside the paragraph of ``tok`` counts.
    """
    toks = list(tok.subtree)
    if bounds is not None:
        toks = [t for t in toks if bounds[0] <= t.idx < bounds[1]] or [tok]
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _trim_content(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _EDGE_PUNCT:
        s += 1
    while e > s and text[e - 1] in _EDGE_PUNCT:
        e -= 1
    if e > s and text[e - 1] in ".!?" and not (e < len(text) and text[e] in _CLOSE_MARKS):
        # an indirect clause does not own the sentence's full stop
        e -= 1
        while e > s and text[e - 1] in _EDGE_PUNCT:
            e -= 1
    return s, e


def _content_of(cue: Any, lemma: str, extra: list[Any], ctx: _Ctx) -> tuple[int, int] | None:
    """The content a cue governs, as a character range, or None."""
    if lemma == "according to":
        return _according_content(cue, extra, ctx)
    b = ctx.bounds(cue.idx)
    kids = [c for c in cue.children if b[0] <= c.idx < b[1]]
    if lemma in ("express", "call for", "warn against", "warn of", "call on"):
        if lemma == "express":
            obj = extra[0]
            return _subtree_span(obj, b)
        prep = extra[0]
        objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp") and b[0] <= c.idx < b[1]]
        if lemma == "call on":
            xc = [c for c in kids if c.dep_ in ("xcomp", "ccomp")]
            if objs and xc:
                return objs[0].left_edge.idx, _subtree_span(xc[0], b)[1]
        if objs:
            return _subtree_span(objs[0], b)
        return None
    ccomps = [c for c in kids if c.dep_ == "ccomp"]
    if ccomps:
        spans = [_subtree_span(c, b) for c in ccomps]
        return min(s for s, _ in spans), max(e for _, e in spans)
    if lemma in ("urge", "ask", "tell", "warn", "call", "accuse", "blame"):
        xc = [c for c in kids if c.dep_ in ("xcomp", "oprd") or (c.dep_ == "prep" and c.lower_ in ("of", "for"))]
        objs = [c for c in kids if c.dep_ == "dobj" and c.i > cue.i]
        if xc:
            s, e = _subtree_span(xc[-1], b)
            if objs and lemma not in ("tell", "ask"):
                s = min(s, objs[0].left_edge.idx)
            return s, e
    return None


def _according_content(acc: Any, extra: list[Any], ctx: _Ctx) -> tuple[int, int] | None:
    """"According to X, A." / "A, according to X.": the clause minus the according phrase."""
    head = acc.head if acc.dep_ != "ROOT" else acc
    sent = acc.sent
    b = ctx.bounds(acc.idx)
    a_s, a_e = _subtree_span(acc, b)
    s, e = max(sent.start_char, b[0]), min(sent.end_char, b[1])
    if head is not acc:
        hs, he = _subtree_span(head, b)
        s, e = max(s, hs), min(e, he)
    left = _trim_content(ctx.text, s, a_s)
    right = _trim_content(ctx.text, a_e, e)
    best = max((left, right), key=lambda t: t[1] - t[0])
    return best if best[1] - best[0] > 3 else None


# --- speakers ---------------------------------------------------------------------------


def _speaker_of(cue: Any, lemma: str, extra: list[Any], ctx: _Ctx) -> Any:
    """The token heading the speaker mention of a cue, or None."""
    if lemma == "according to":
        to = extra[0] if extra else None
        objs = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
        if not objs:
            objs = [c for c in cue.subtree if c.dep_ == "pobj"]
        return objs[0] if objs else None
    b = ctx.bounds(cue.idx)

    def ok(c: Any) -> bool:
        return b[0] <= c.idx < b[1] and ctx.quote_at(c.idx) is None

    tok = cue
    for _ in range(4):
        subj = sorted((c for c in tok.children if c.dep_ in _SUBJ and ok(c)), key=lambda c: abs(c.i - tok.i))
        if tok.lemma_ in ("quote", "cite") and any(c.dep_ == "nsubjpass" for c in tok.children):
            subj = [c for c in tok.children if c.dep_ == "nsubjpass" and ok(c)]
        if subj:
            s = subj[0]
            if s.dep_ == "nsubjpass" and tok.lemma_ not in ("quote", "cite"):
                agent = [c for c in tok.children if c.dep_ == "agent"]
                objs = [g for a in agent for g in a.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
                if tok is cue:
                    return None  # "he was told that ...": the subject is the hearer
            if s.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                return tok.head
            return s
        if tok.dep_ in _CLIMB and tok.head is not tok and ok(tok.head):
            if tok.dep_ == "relcl":
                return tok.head
            tok = tok.head
            continue
        break
    return None


def _mention_span(head: Any) -> tuple[int, int]:
    """The speaker mention around its head: modifiers, compounds, possessives, conjuncts."""
    keep = [head]
    stack = [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in _SPEAKER_CUT and not (c.dep_ == "cc" and t is not head):
                continue
            keep.append(c)
            stack.append(c)
    idx = sorted(t.i for t in keep)
    # keep the contiguous run around the head
    lo = hi = head.i
    pos = set(idx)
    while lo - 1 in pos:
        lo -= 1
    while hi + 1 in pos:
        hi += 1
    doc = head.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].dep_ == "cc"):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi])


# --- main -------------------------------------------------------------------------------


def _classify(ctx: _Ctx, s: int, e: int) -> tuple[str, list[tuple[int, int]], set[int]]:
    """direct / mixed / indirect for a content range, with its evidence spans and quote ids."""
    text = ctx.text
    ids = [k for k, (qs, qe) in enumerate(ctx.quotes) if qs < e and qe > s]
    if not ids:
        return "indirect", [(s, e)], set()
    outside = 0
    pos = s
    if re.match(r"that\b", text[s:e]):
        pos = s + 4  # "said that “…”" is still a direct quote
    for k in ids:
        qs, qe = ctx.quotes[k]
        outside += sum(ch.isalnum() for ch in text[pos:qs]) if pos < qs else 0
        pos = max(pos, qe)
    outside += sum(ch.isalnum() for ch in text[pos:e]) if pos < e else 0
    if outside == 0:  # nothing but "that" outside the marks
        return "direct", [ctx.quotes[k] for k in ids], set(ids)
    s = min(s, ctx.quotes[ids[0]][0])
    e = max(e, ctx.quotes[ids[-1]][1])
    return "mixed", [(s, e)], set(ids)


def _sentence_end(doc: Any, i: int, ctx: _Ctx) -> int:
    """Index of the first token at or after ``i`` that ends a sentence outside quotes."""
    for j in range(i, len(doc)):
        t = doc[j]
        if t.text in (".", "!", "?") and ctx.quote_at(t.idx) is None:
            return j
        if "\n" in t.text_with_ws and j > i:
            return j
    return len(doc) - 1


def _frame_cue(doc: Any, lo: int, hi: int, ctx: _Ctx) -> tuple[Any, str, list[Any]] | None:
    """The first reporting cue among tokens ``lo..hi`` (inclusive), outside quotations."""
    for j in range(max(lo, 0), min(hi, len(doc) - 1) + 1):
        t = doc[j]
        if ctx.quote_at(t.idx) is not None:
            continue
        got = _cue_of(t)
        if got is not None:
            return t, got[0], got[1]
    return None


def extract_quotes(doc_id: str, text: str, sdoc: Any = None) -> list[Quote]:
    """Direct, mixed and indirect quotes of ``text`` with cue and speaker.

    ``sdoc`` is the spaCy Doc of ``text`` from the shared pipeline
    (:func:`truceline.nlp.runtime.get_nlp`); it is parsed here when missing or when it is
    not a parse of ``text``.
    """
    if sdoc is None or sdoc.text != text:
        from truceline.nlp.runtime import get_nlp

        sdoc = get_nlp()(text)
    ctx = _Ctx(text, sdoc)
    drafts: list[_Draft] = []
    claimed: dict[int, _Draft] = {}
    by_cue: dict[int, _Draft] = {}

    # pass 1: cues with the content they govern
    offsets, pos, lower = token_attr(sdoc, "idx"), token_attr(sdoc, "pos_"), token_attr(sdoc, "lower_")
    for i, at in enumerate(offsets):
        if pos[i] not in ("VERB", "AUX") and lower[i] != "according":
            continue  # no cue (see _cue_of): the token is never made
        if ctx.quote_at(at) is not None:
            continue
        tok = sdoc[i]
        got = _cue_of(tok)
        if got is None:
            continue
        lemma, extra = got
        rng = _content_of(tok, lemma, extra, ctx)
        if rng is None:
            continue
        s, e = _trim_content(text, *rng)
        if e - s < 2 or (s <= tok.idx < e):
            continue
        kind, spans, qids = _classify(ctx, s, e)
        if any(k in claimed for k in qids):
            continue
        d = _draft(ctx, tok, lemma, extra, kind, spans, qids)
        drafts.append(d)
        by_cue[tok.i] = d
        for k in qids:
            claimed[k] = d

    # pass 2: quotations nobody claimed, by their frame or as continuations
    starts = offsets
    for k, (qs, qe) in enumerate(ctx.quotes):
        if k in claimed:
            continue
        first = bisect.bisect_left(starts, qs)
        last = bisect.bisect_left(starts, qe) - 1
        if first >= len(sdoc) or last < first:
            continue
        para = ctx.para_of(qs)
        pstart, pend = ctx.paras[para]
        d = _continuation(ctx, k, claimed, para, drafts)
        if d is None:
            d = _attach_by_frame(ctx, k, first, last, pstart, pend, claimed, by_cue, drafts)
        if d is not None:
            claimed[k] = d

    drafts.sort(key=lambda d: d.start)
    return _finish(doc_id, ctx, drafts)


def _draft(ctx: _Ctx, tok: Any, lemma: str, extra: list[Any], kind: str,
           spans: list[tuple[int, int]], qids: set[int]) -> _Draft:
    cue_toks = [tok, *[t for t in extra if lemma != "express"]]
    cue_span = (min(t.idx for t in cue_toks), max(t.idx + len(t) for t in cue_toks))
    head = _speaker_of(tok, lemma, extra, ctx)
    speaker = _mention_span(head) if head is not None else None
    if speaker is not None and ctx.quote_at(speaker[0]) is not None:
        speaker, head = None, None
    sent = tok.sent
    channel = "twitter" if lemma == "tweet" or _TWITTER.search(sent.text) else None
    return _Draft(kind, list(spans), tok, lemma, cue_span, speaker, head, channel, set(qids))


def _attach_by_frame(ctx: _Ctx, k: int, first: int, last: int, pstart: int, pend: int,
                     claimed: dict[int, _Draft], by_cue: dict[int, _Draft], drafts: list[_Draft]) -> _Draft | None:
    doc, text = ctx.doc, ctx.text
    qs, qe = ctx.quotes[k]
    # a quote right after an attributed quote of the same paragraph continues it
    if k > 0 and (k - 1) in claimed and ctx.quotes[k - 1][1] >= pstart:
        prev = claimed[k - 1]
        gap = text[ctx.quotes[k - 1][1]:qs]
        gap_words = len(re.findall(r"\w+", gap))
        if prev.kind == "direct" and prev.cue is not None and gap_words <= _MAX_GAP_WORDS and "\n" not in gap:
            cue_between = ctx.quotes[k - 1][1] <= prev.cue.idx < qs
            if gap_words == 0 or cue_between:
                prev.spans.append((qs, qe))
                prev.quote_ids.add(k)
                return prev
    if _is_fragment(ctx, k):
        return None  # a quoted phrase inside the writer's own sentence, not a quotation
    # "…,” said X." / "…,” X said in a statement."
    end = min(_sentence_end(doc, last + 1, ctx), last + _FRAME_WINDOW)
    nxt_quote = ctx.quotes[k + 1][0] if k + 1 < len(ctx.quotes) else len(text)
    hit = _frame_cue(doc, last + 1, end, ctx)
    if hit is not None and (hit[0].idx >= nxt_quote or hit[0].idx >= pend):
        hit = None
    if hit is None and text[qs:qe].rstrip(_CLOSE_MARKS + " ")[-1:] in ",!?":
        # “…,” Trump shot back. — any verb with a subject right after a comma-closed quote
        hit = _bare_frame_verb(doc, last + 1, min(end, last + 6), ctx)
    if hit is None:
        # "X said: “…”" / "…, adding, “…”": a cue before the quote in its sentence
        lo = first - 1
        while lo >= 0 and doc[lo].idx >= pstart:
            t = doc[lo]
            if t.text in (".", "!", "?") and ctx.quote_at(t.idx) is None:
                break
            if ctx.quote_at(t.idx) is not None and ctx.quote_at(t.idx) != k:
                break
            lo -= 1
        cands = []
        for j in range(first - 1, lo, -1):
            if ctx.quote_at(doc[j].idx) is not None:
                continue
            got = _cue_of(doc[j])
            if got is not None:
                cands.append((doc[j], *got))
                break
        hit = cands[0] if cands else None
    if hit is None:
        return _colon_frame(ctx, k, first, pstart, drafts)
    tok, lemma, extra = hit
    if tok.i in by_cue:
        d = by_cue[tok.i]
        if d.kind == "direct" and abs(d.spans[-1][1] - qs) < 400:
            d.spans.append((qs, qe))
            d.spans.sort()
            d.quote_ids.add(k)
            return d
    if len(re.findall(r"\w+", text[qs:qe])) < _MIN_FRAMED_WORDS:
        return None  # a scare quote or a title, not reported speech
    d = _draft(ctx, tok, lemma, extra, "direct", [(qs, qe)], {k})
    drafts.append(d)
    by_cue.setdefault(tok.i, d)
    return d


def _is_fragment(ctx: _Ctx, k: int) -> bool:
    """A lowercase quoted phrase not closed by sentence punctuation and not opened by ":" or ","."""
    text = ctx.text
    qs, qe = ctx.quotes[k]
    inner = text[qs:qe].strip(_OPEN_MARKS + _CLOSE_MARKS + " ")
    if not inner or not inner[0].islower() or inner[-1] in ".!?":
        return False
    before = text[max(0, qs - 3):qs].rstrip()
    return not before.endswith((":", ","))


def _bare_frame_verb(doc: Any, lo: int, hi: int, ctx: _Ctx) -> tuple[Any, str, list[Any]] | None:
    for j in range(lo, min(hi, len(doc) - 1) + 1):
        t = doc[j]
        if ctx.quote_at(t.idx) is not None or t.text in (".", "!", "?", ";"):
            return None
        if t.pos_ == "VERB" and any(c.dep_ == "nsubj" and lo <= c.i <= hi + 6 for c in t.children):
            return t, t.lemma_.lower(), []
    return None


def _colon_frame(ctx: _Ctx, k: int, first: int, pstart: int, drafts: list[_Draft]) -> _Draft | None:
    """"Pew Research: “…”" — a noun phrase and a colon introduce the quote (cue ":")."""
    doc, text = ctx.doc, ctx.text
    qs, qe = ctx.quotes[k]
    j = first - 1
    if j < 1 or doc[j].text != ":" or len(re.findall(r"\w+", text[qs:qe])) < _MIN_FRAMED_WORDS:
        return None
    head = doc[j - 1]
    if head.idx < pstart - 2 or head.pos_ not in ("PROPN", "NOUN", "PRON"):
        # the colon may end the previous line: "Here’s Clinton in 1992:\n“…”"
        return None
    while head.dep_ in ("compound", "flat", "amod", "poss") and head.head.i > head.i and head.head.i < j:
        head = head.head
    colon = doc[j]
    d = _Draft("direct", [(qs, qe)], colon, ":", (colon.idx, colon.idx + 1), _mention_span(head), head)
    d.quote_ids.add(k)
    drafts.append(d)
    return d


def _continuation(ctx: _Ctx, k: int, claimed: dict[int, _Draft], para: int,
                  drafts: list[_Draft]) -> _Draft | None:
    """A paragraph that opens with a quote after an attributed quote or an "adding:" colon."""
    text = ctx.text
    qs, qe = ctx.quotes[k]
    pstart, pend = ctx.paras[para]
    if qs != pstart or para == 0:
        return None
    ppstart, ppend = ctx.paras[para - 1]
    prev_text = text[ppstart:ppend].rstrip()
    # the previous paragraph's last attributed quote
    prev_ids = [j for j in range(k) if ctx.quotes[j][0] >= ppstart and j in claimed]
    if prev_text.endswith(":"):
        # "…, adding:" — the cue nearest the colon speaks the next paragraph
        doc = ctx.doc
        cands = [t for t in doc if ppstart <= t.idx < ppend and ctx.quote_at(t.idx) is None and _cue_of(t)]
        if cands:
            tok = cands[-1]
            lemma, extra = _cue_of(tok)
            d = _draft(ctx, tok, lemma, extra, "direct", [(qs, qe)], {k})
            if d.speaker is None and prev_ids:
                src = claimed[prev_ids[-1]]
                d.speaker, d.speaker_head = src.speaker, src.speaker_head
            drafts.append(d)
            return d
        if prev_ids:
            src = claimed[prev_ids[-1]]
            src.spans.append((qs, qe))
            src.quote_ids.add(k)
            return src
        return None
    if prev_ids:
        src = claimed[prev_ids[-1]]
        last_q = ctx.quotes[prev_ids[-1]]
        tail = text[last_q[1]:ppend]
        para_is_quote = sum(ch.isalnum() for ch in text[qe:pend]) <= 3
        if len(re.findall(r"\w+", tail)) <= 12 and para_is_quote:
            src.spans.append((qs, qe))
            src.quote_ids.add(k)
            return src
    return None


def _finish(doc_id: str, ctx: _Ctx, drafts: list[_Draft]) -> list[Quote]:
    text = ctx.text
    drafts.sort(key=lambda d: d.start)
    # drop drafts whose content is inside another's (an inner cue of a long clause)
    kept: list[_Draft] = []
    seen: set[int] = set()
    for d in drafts:
        if id(d) in seen:
            continue
        seen.add(id(d))
        kept.append(d)
    out: list[Quote] = []
    names: list[tuple[int, str, str]] = []  # (position, kind person/org, text)
    persons = _subject_entities(ctx)
    for n, d in enumerate(kept):
        d.spans = sorted(set(d.spans))
        if d.speaker is None and d.cue_lemma != "according to":
            _inherit_speaker(ctx, d, kept[:n])
        sp = d.speaker
        speaker_text = None
        if sp is not None:
            literal = text[sp[0]:sp[1]]
            low = literal.lower()
            if low in _PRONOUNS:
                speaker_text = _resolve(ctx, sp[0], _PRONOUNS[low], names, persons)
                if speaker_text is not None:
                    names.append((sp[0], _kind_of_name(speaker_text, names), speaker_text))
            else:
                speaker_text = literal
                names.append((sp[0], _kind_of(ctx, sp, d.speaker_head), literal))
        d.speaker_text = speaker_text
        out.append(
            Quote(
                id=f"{doc_id}:q{n}",
                kind=d.kind,
                cue=d.cue_lemma,
                cue_span=make_span(doc_id, text, *d.cue_span) if d.cue_span else None,
                speaker=make_span(doc_id, text, *sp) if sp else None,
                speaker_text=d.speaker_text,
                channel=d.channel,
                evidence=[Evidence(span=make_span(doc_id, text, s, e), role="content") for s, e in d.spans],
            )
        )
    return out


def _inherit_speaker(ctx: _Ctx, d: _Draft, before: list[_Draft]) -> None:
    """A subjectless cue ("…,” adding:") speaks for the last speaker of its paragraph or the one before."""
    para = ctx.para_of(d.cue_span[0] if d.cue_span else d.start)
    lo = ctx.paras[max(0, para - 1)][0] if ctx.paras else 0
    for prev in reversed(before):
        if prev.speaker is not None and lo <= prev.start < d.start:
            d.speaker, d.speaker_head = prev.speaker, prev.speaker_head
            return


def _kind_of_name(name: str, names: list[tuple[int, str, str]]) -> str:
    for _, kind, text in reversed(names):
        if text == name:
            return kind
    return "other"


def _kind_of(ctx: _Ctx, sp: tuple[int, int], head: Any = None) -> str:
    """person / org / other for a speaker mention, by its head's entity type first."""
    label = getattr(head, "ent_type_", "") if head is not None else ""
    if label == "PERSON":
        return "person"
    if label in ("ORG", "GPE", "NORP"):
        return "org"
    labels = {e.label_ for e in doc_ents(ctx.doc) if e.start_char < sp[1] and e.end_char > sp[0]}
    if "PERSON" in labels:
        return "person"
    if labels & {"ORG", "GPE", "NORP"}:
        return "org"
    return "other"


def _subject_entities(ctx: _Ctx) -> list[tuple[int, str, str]]:
    """PERSON / ORG entities that are subjects (a pronoun's likely antecedents)."""
    out = []
    for ent in ctx.doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        if ent.root.dep_ in _SUBJ or ent.root.head.dep_ in _SUBJ:
            out.append((ent.start_char, "person" if ent.label_ == "PERSON" else "org", ent.text))
    return out


def _resolve(ctx: _Ctx, pos: int, want: str, names: list, persons: list) -> str | None:
    if want == "skip":
        return None
    para = ctx.para_of(pos)
    lo = ctx.paras[max(0, para - 1)][0]
    def fits(kind: str, name: str) -> bool:
        return want == "any" or kind == want or (kind == "other" and (want == "org" or name[:1].isupper()))

    cands = sorted((c for c in names + persons if lo <= c[0] < pos), key=lambda c: c[0])
    for _, kind, name in reversed(cands):
        if fits(kind, name):
            return name
    # beyond the previous paragraph, only an earlier quote's speaker (the article's running speaker)
    far = ctx.paras[max(0, para - 3)][0]
    for p, kind, name in reversed(sorted(names)):
        if far <= p < pos and fits(kind, name):
            return name
    return None
