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
        """The kept parses of these documents' sentences, by document and sentence offsets."""
        if self.kept_parses is None:
            return {}
        return self.kept_parses(sorted(set(doc_ids)))

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
        return [q for q in self.docs[doc_id].quotes
                if any(ev.span.start < end and start < ev.span.end for ev in q.evidence)]

    def timex_in(self, doc_id: str, start: int, end: int) -> list[Timex]:
        return [t for t in self.docs[doc_id].timex if start <= t.evidence[0].span.start and t.evidence[0].span.end <= end]


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
