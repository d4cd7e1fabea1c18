"""What verification works on: the stored documents with their reading, and what it gives.

:class:`Corpus` is built from :class:`~truceline.model.ExtractedDocument` records (the same
objects ``truceline extract`` prints), so verification can run on a store or on documents
held in memory, and tests can build one from a few sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from truceline.model import (
    Actor,
    Agreement,
    Claim,
    Condition,
    Contradiction,
    Event,
    ExtractedDocument,
    Incident,
    Place,
    Quote,
    Timex,
)


@dataclass
class Corpus:
    """Documents by id, outlet reliability (A-F) by outlet name, and the date it is judged at."""

    docs: dict[str, ExtractedDocument]
    reliability: dict[str, str] = field(default_factory=dict)
    today: date | None = None  # "as of": default the latest publication date in the corpus
    memo: dict = field(default_factory=dict, repr=False)  # per-corpus caches of the steps
    # the store's kept sentence parses (truceline.nlp.parses): doc ids -> {(start, end): spaCy Doc};
    # None for a corpus built in memory, whose sentences are parsed on demand
    kept_parses: Callable[[list[str]], dict[str, dict[tuple[int, int], Any]]] | None = field(default=None, repr=False)
    # sentence offsets split at ingestion (documents.sentences), by document id; a document
    # without them (older stores, in-memory corpora) is split on demand
    stored_sentences: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    # analysts' conditions (truceline.review): {"added": [Condition], "edits": {id: {field: value}}}
    condition_reviews: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, docs: Iterable[ExtractedDocument], reliability: dict[str, str] | None = None,
           today: date | None = None) -> Corpus:
        return cls({d.id: d for d in docs}, dict(reliability or {}), today)

    @cached_property
    def as_of(self) -> date | None:
        """The date statuses are judged at: ``today`` if given, else the newest document's date."""
        if self.today:
            return self.today
        dates = [published(d) for d in self.docs.values()]
        return max((d for d in dates if d), default=None)

    @cached_property
    def actors(self) -> dict[str, Actor]:
        return {a.id: a for d in self.docs.values() for a in d.actors}

    def events(self) -> Iterable[tuple[ExtractedDocument, Event]]:
        for d in self.docs.values():
            for e in d.events:
                yield d, e

    @cached_property
    def event_index(self) -> dict[str, tuple[ExtractedDocument, Event]]:
        return {e.id: (d, e) for d, e in self.events()}

    @cached_property
    def places(self) -> dict[str, Place]:
        return {p.id: p for d in self.docs.values() for p in d.places}

    def parses_of(self, doc_ids: Iterable[str]) -> dict[str, dict[tuple[int, int], Any]]:
        """The kept parses of these documents' sentences, by document and sentence offsets.

        Each document's parses are read and deserialized once per corpus: the agreements and
        conditions steps ask for mostly the same documents, and turning the stored bytes back
        into spaCy ``Doc`` objects was most of what either paid for them.
        """
        if self.kept_parses is None:
            return {}
        loaded: dict[str, dict[tuple[int, int], Any] | None] = self.memo.setdefault("kept_parses", {})
        wanted = sorted(set(doc_ids))
        missing = [d for d in wanted if d not in loaded]
        if missing:
            found = self.kept_parses(missing)
            loaded.update((d, found.get(d)) for d in missing)  # None: the store kept none for it
        return {d: got for d in wanted if (got := loaded[d]) is not None}

    def sentences_of(self, doc: ExtractedDocument) -> list[tuple[int, int]]:
        """The sentence offsets of a document's text: as stored at ingestion when the store has
        them (re-splitting a large corpus at every verification costs more than the steps), else
        :func:`truceline.text.sentences` now. Both are the same function of the same text."""
        got = self.stored_sentences.get(doc.id)
        if got is not None:
            return got
        from truceline.text import sentences

        return sentences(doc.text) if doc.text else []

    def quotes_at(self, doc_id: str, start: int, end: int) -> list[Quote]:
        """Quotes of a document whose content overlaps ``[start, end)``."""
        return [q for q, spans in self._quote_spans(doc_id) if any(a < end and start < b for a, b in spans)]

    def timex_in(self, doc_id: str, start: int, end: int) -> list[Timex]:
        return [t for a, b, t in self._timex_spans(doc_id) if start <= a and b <= end]

    def _quote_spans(self, doc_id: str) -> list[tuple[Quote, list[tuple[int, int]]]]:
        """A document's quotes with their content offsets, read off the records once per corpus:
        every mention asks who it quotes, and walking the records each time was most of that."""
        memo = self.memo.setdefault("quote_spans", {})
        if doc_id not in memo:
            memo[doc_id] = [(q, [(ev.span.start, ev.span.end) for ev in q.evidence]) for q in self.docs[doc_id].quotes]
        return memo[doc_id]

    def _timex_spans(self, doc_id: str) -> list[tuple[int, int, Timex]]:
        """A document's timexes with their offsets, once per corpus (see :meth:`_quote_spans`)."""
        memo = self.memo.setdefault("timex_spans", {})
        if doc_id not in memo:
            memo[doc_id] = [(t.evidence[0].span.start, t.evidence[0].span.end, t) for t in self.docs[doc_id].timex]
        return memo[doc_id]


def published(doc: ExtractedDocument) -> date | None:
    try:
        return date.fromisoformat(doc.published) if doc.published else None
    except ValueError:
        return None


@dataclass
class Verification:
    """The corpus-level records, filled step by step."""

    incidents: list[Incident] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)  # each with its trigger watch
    # event id -> incident id, filled by the incidents step for later steps
    incident_of: dict[str, str] = field(default_factory=dict)
