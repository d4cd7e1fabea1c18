"""The ``read`` stage: parse each English document once and fill its reading records.

Order matters and is fixed here: the publication date first (estimated from the text when
no source gave one, and labelled ``estimated``), because dates, and the roles actors held,
are resolved against it; then timexes, actors, places and quotes; last, each quote's
speaker is linked to the actor of the mention under its speaker span.

Non-English documents are stored and flagged by ingestion but not read: an English model
would produce confident nonsense on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from truceline.batch import Batch, Doc, stage
from truceline.model import Actor, Event, Mention, Place, Quote, Timex
from truceline.nlp.runtime import BATCH_SIZE, get_nlp
from truceline.scale.allocator import release
from truceline.text import known_sentences, paragraphs, sentences

READ_LANGUAGES = {"en"}


@dataclass
class Reading:
    actors: list[Actor] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timex: list[Timex] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    parses: tuple[list[tuple[int, int]], bytes] | None = None  # kept sentence parses (nlp/parses.py)


@stage("read")
def read_documents(batch: Batch) -> None:
    """Parse and read the batch's English documents through the batch's reader (local or Ray).

    Two phases so that dating can use the whole batch: undated documents are first dated
    from their own text (phase 1), then by the documents they share passages with; then every
    document is read against its final date (phase 2).
    """
    docs = [d for d in batch.active if d.language in READ_LANGUAGES]
    if not docs:
        return
    reader = batch.reader or LocalReader()
    undated = [d for d in docs if not d.article.published]
    estimates = reader.estimate([(d.id, d.cleaned.text) for d in undated]) if undated else {}
    for d in undated:
        _apply_estimate(d, *estimates.get(d.id, (None, "")))
    _date_from_reuse(batch, docs)
    docs += _redate_stored(batch)
    readings = reader.read([(d.id, d.cleaned.text, d.article.published) for d in docs])
    for d in docs:
        d.reading = readings[d.id]


def _apply_estimate(doc: Doc, estimate: str | None, basis: str) -> None:
    """An undated document's date estimated from its own dated references, labelled as such."""
    if estimate is None:
        doc.article.published_source = "unknown"
        return
    doc.article.published, doc.article.published_source = estimate, "estimated"
    doc.article.extra["published_estimate_basis"] = basis


ReadItem = tuple[str, str, str | None]  # doc id, clean text, publication date (ISO) or None


def estimate_text(text: str, sdoc) -> tuple[str | None, str]:
    from truceline.nlp.timex import estimate_publication_date

    when, basis = estimate_publication_date(text, sdoc)
    return (when.isoformat() if when else None), basis


def read_text(doc_id: str, text: str, sdoc, published: str | None) -> Reading:
    """All reading records of one parsed text: a pure function of its inputs (any worker may run it)."""
    return read_parsed(doc_id, text, sdoc, date.fromisoformat(published) if published else None)


class LocalReader:
    """Reads on this machine: in this process (``workers=1``) or a pool of worker processes.

    The model is loaded once per process; with a pool each worker parses *and* reads its
    documents, so both scale with the cores, and readings (plain records) come back pickled.
    Parses of phase 1 are kept for phase 2 when reading in this process. With a pool, phase 1
    also reads each document against its estimated date while the parse is at hand, and phase 2
    takes that reading when the date stayed the estimate, so no document is parsed twice.

    With a pool the pipeline also calls :meth:`prefetch` with the *next* batch before it stores
    the current one, so the workers parse batch k+1 while this process cleans, links and writes
    batch k; without it the workers sit idle through every write. A prefetched reading is used
    only when the document's final text and date are the ones it was read with (the pipeline
    cleans the next batch speculatively, before the current one is stored); otherwise it is read
    again, so the records never depend on the prefetch.
    The pool is started on first use and kept for the reader's life (its workers fork from a
    warmed fork server and are replaced every few hundred tasks: :mod:`truceline.nlp.pool`);
    :meth:`close` stops it (the pipeline closes its reader at the end of a run).
    """

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._parsed: dict[str, object] = {}
        # doc id -> (text, date it was read against, estimate or None, reading), from phase 1 or a prefetch
        self._ahead: dict[str, tuple[str, str | None, tuple[str | None, str] | None, Reading]] = {}
        self._pending: dict[str, Any] = {}  # doc id -> AsyncResult of the prefetch chunk holding it
        self._pool: Any = None
        self.prefetched = {"used": 0, "read_again": 0}  # how the prefetch paid off, for tests and benchmarks

    def _pipe(self, texts: list[str]):
        _warm_in_process()
        return get_nlp().pipe(texts, batch_size=BATCH_SIZE)

    def _ensure_pool(self) -> Any:
        if self._pool is None:
            from truceline.nlp.pool import open_pool

            self._pool = open_pool(self.workers)
        return self._pool

    def _map(self, fn, items: list) -> list:
        if not items:
            return []
        return self._ensure_pool().map(fn, items, chunksize=1)

    def close(self) -> None:
        self._pending.clear()
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __del__(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.terminate()

    def prefetch(self, items: list[ReadItem]) -> None:
        """Start reading ``items`` (id, clean text, date or None) in the pool; a no-op in-process."""
        if self.workers <= 1 or not items:
            return
        pool = self._ensure_pool()
        size = prefetch_chunk(len(items), self.workers)
        for i in range(0, len(items), size):
            chunk = items[i : i + size]
            # the sentence split, which passages and the stored row need here anyway (and remember),
            # goes with each text: the worker's kept parses need it too
            result = pool.apply_async(_prefetch_many, (chunk, [sentences(t) for _i, t, _p in chunk]))
            for doc_id, _t, _p in chunk:
                self._pending[doc_id] = result

    def _collect(self, ids: Iterable[str]) -> None:
        """Wait for the prefetch chunks holding ``ids`` (only those: later batches keep running)."""
        for doc_id in ids:
            result = self._pending.get(doc_id)
            if result is None:
                continue
            for got_id, *rest in result.get():
                self._pending.pop(got_id, None)
                self._ahead[got_id] = tuple(rest)  # type: ignore[assignment]

    def estimate(self, items: list[tuple[str, str]]) -> dict[str, tuple[str | None, str]]:
        out = {}
        if self.workers > 1:
            self._collect(doc_id for doc_id, _t in items)
            todo = []
            for doc_id, text in items:
                got = self._ahead.get(doc_id)
                if got is not None and got[0] == text and got[2] is not None:
                    out[doc_id] = got[2]
                else:
                    todo.append((doc_id, text))
            # phase 1 in the workers: each undated document estimated and read against its estimate
            for chunk in self._map(_prefetch_many, [[(doc_id, text, None)] for doc_id, text in todo]):
                for doc_id, text, when, est, reading in chunk:
                    out[doc_id] = est
                    self._ahead[doc_id] = (text, when, est, reading)
            return out
        for (doc_id, text), sdoc in zip(items, self._pipe([t for _i, t in items]), strict=True):
            self._parsed[doc_id] = sdoc
            out[doc_id] = estimate_text(text, sdoc)
        return out

    def read(self, items: list[ReadItem]) -> dict[str, Reading]:
        if self.workers > 1:
            self._collect(doc_id for doc_id, _t, _p in items)
            out = {}
            for doc_id, text, pub in items:
                got = self._ahead.pop(doc_id, None)
                if got is not None and got[:2] == (text, pub):
                    out[doc_id] = got[3]
                    self.prefetched["used"] += 1
                elif got is not None:
                    self.prefetched["read_again"] += 1
            out.update(self._map(_read_one, [it for it in items if it[0] not in out]))
            # readings of documents the pipeline did not read after all (found stored, re-dated):
            # whatever is not pending for a later batch is dropped, so the cache stays one batch
            self._ahead = {k: v for k, v in self._ahead.items() if k in self._pending}
            return {doc_id: out[doc_id] for doc_id, _t, _p in items}
        todo = [it for it in items if it[0] not in self._parsed]
        parsed = dict(zip((i for i, _t, _p in todo), self._pipe([t for _i, t, _p in todo]), strict=True))
        parsed.update(self._parsed)
        self._parsed = {}
        return {doc_id: read_text(doc_id, text, parsed[doc_id], pub) for doc_id, text, pub in items}


@cache
def _warm_in_process() -> None:
    """Build the reading resources and freeze them out of the garbage collector's walks
    (:func:`truceline.nlp.pool.freeze_resources`), once, before this process reads in-process."""
    from truceline.nlp.pool import warm_reading

    warm_reading()


PREFETCH_CHUNK = 8  # most documents per pool task (a batch of 32 over 2 workers: 4 tasks)


def prefetch_chunk(n: int, workers: int) -> int:
    """Documents per prefetch task: as many as spread ``n`` over two tasks a worker, at most
    :data:`PREFETCH_CHUNK`.

    Why: a task's documents are parsed in one ``nlp.pipe`` batch, and spaCy's models run
    markedly slower per word on batches of 2 documents than of 8 or more (the per-batch work
    of every layer is paid per call); two tasks a worker still spread a small batch over all
    of them, and the next batch, already queued, fills the gaps of an uneven one.
    """
    return max(1, min(PREFETCH_CHUNK, -(-n // (2 * workers))))


def _prefetch_many(chunk: list[ReadItem], splits: list[list[tuple[int, int]]] | None = None,
                   ) -> list[tuple[str, str, str | None, tuple[str | None, str] | None, Reading]]:
    """A prefetch task: parse the chunk in one ``nlp.pipe`` and read each document; an undated one
    is estimated and read against its estimate, as phase 1 would. ``splits``, when given, are
    the texts' :func:`~truceline.text.sentences`, made by the ingesting process."""
    out = []
    nlp = get_nlp()
    with nlp.memory_zone():  # see _read_one
        for k, ((doc_id, text, pub), sdoc) in enumerate(zip(chunk, nlp.pipe([t for _i, t, _p in chunk]), strict=True)):
            with known_sentences(text, splits[k]) if splits is not None else nullcontext():
                est = estimate_text(text, sdoc) if pub is None else None
                when = est[0] if est is not None else pub
                out.append((doc_id, text, when, est, read_text(doc_id, text, sdoc, when)))
    release()
    return out


def _read_one(item: ReadItem) -> tuple[str, Reading]:
    """A pool task. Parsed in a spaCy memory zone: the strings and lexemes the text adds to the
    vocabulary are freed when it is read (only plain records and parse bytes leave), so a worker's
    memory does not grow with every new word of a long ingest (about 20 strings a news article).
    The reading resources were built by the pool's fork server, outside any zone."""
    doc_id, text, published = item
    nlp = get_nlp()
    with nlp.memory_zone():
        out = doc_id, read_text(doc_id, text, nlp(text), published)
    release()  # every few tasks, the heap's free pages go back (a no-op outside a tuned worker)
    return out


def _date_from_reuse(batch: Batch, docs: list[Doc]) -> None:
    """Date an undated document by the documents it shares re-used passages with.

    Documents that carry the same quote or sentence report the same news, so they are
    contemporaneous: a copy is a far better date estimate than a document's own latest
    dated reference, which may be a decades-old treaty. The estimate taken is the latest
    date among the linked documents that have a date of their own (from the source or from
    their own text), and only when it is not earlier than the document's own lower bound.
    """
    from sqlalchemy import select

    from truceline.store.schema import documents

    own = {d.id: d for d in batch.docs}
    linked: dict[str, set[str]] = {}
    for link in batch.reuse:
        linked.setdefault(link.doc_id, set()).add(link.other_doc)
        linked.setdefault(link.other_doc, set()).add(link.doc_id)
    stored_ids = {o for d in docs for o in linked.get(d.id, ()) if o not in own}
    stored: dict[str, str] = {}
    if stored_ids:
        rows = batch.conn.execute(select(documents.c.id, documents.c.published, documents.c.published_source)
                                  .where(documents.c.id.in_(sorted(stored_ids))))
        stored = {r.id: r.published for r in rows if r.published}

    def date_of(doc_id: str) -> str | None:
        return own[doc_id].article.published if doc_id in own else stored.get(doc_id)

    for doc in docs:
        art = doc.article
        if art.published and art.published_source != "estimated":
            continue
        candidates = sorted((d, o) for o in linked.get(doc.id, ()) if (d := date_of(o)))
        if not candidates or (art.published and candidates[-1][0] <= art.published):
            continue
        when, other = candidates[-1]
        art.published, art.published_source = when, "estimated"
        art.extra["published_estimate_basis"] = (f"shares re-used passages with document {other} ({when}); "
                                                 "copies of the same report are contemporaneous")


def _redate_stored(batch: Batch) -> list[Doc]:
    """Stored documents without a source date that this batch's re-used passages date later.

    Dating by re-used passages must not depend on which batch a copy arrives in: an undated
    document stored by an earlier batch takes the latest date of the documents it shares
    passages with, now including this batch's, exactly as if they had come together. Such a
    document is read again against its new date (status ``redated``: its text, passages and
    links stay as stored).
    """
    from sqlalchemy import or_, select

    from truceline.store import repo
    from truceline.store.schema import documents, reuse_links

    own = {d.id: d for d in batch.docs}
    targets = sorted({o for link in batch.reuse for o in (link.doc_id, link.other_doc) if o not in own})
    if not targets:
        return []
    rows = {r.id: r for r in batch.conn.execute(
        select(documents.c.id, documents.c.published, documents.c.published_source, documents.c.language,
               documents.c.clean_text, documents.c.outlet_id)
        .where(documents.c.id.in_(targets)))}  # fmt: skip
    targets = [t for t in targets if t in rows and rows[t].published_source in ("estimated", "unknown")
               and rows[t].language in READ_LANGUAGES]  # fmt: skip
    if not targets:
        return []
    linked: dict[str, set[str]] = {t: set() for t in targets}
    for link in batch.reuse:
        for a, b in ((link.doc_id, link.other_doc), (link.other_doc, link.doc_id)):
            if a in linked:
                linked[a].add(b)
    for r in batch.conn.execute(select(reuse_links.c.doc_id, reuse_links.c.other_doc).where(
            or_(reuse_links.c.doc_id.in_(targets), reuse_links.c.other_doc.in_(targets)))):  # fmt: skip
        for a, b in ((r.doc_id, r.other_doc), (r.other_doc, r.doc_id)):
            if a in linked:
                linked[a].add(b)
    others = sorted({o for os in linked.values() for o in os if o not in own})
    dates = {r.id: r.published for r in batch.conn.execute(
        select(documents.c.id, documents.c.published).where(documents.c.id.in_(others))) if r.published}  # fmt: skip

    def date_of(doc_id: str) -> str | None:
        return own[doc_id].article.published if doc_id in own else dates.get(doc_id)

    out: list[Doc] = []
    for t in targets:
        candidates = sorted((d, o) for o in linked[t] if (d := date_of(o)))
        if not candidates or candidates[-1][1] not in own:
            continue  # nothing of this batch makes it later
        when, other = candidates[-1]
        if rows[t].published and when <= rows[t].published:
            continue
        art = repo.stored_article(batch.conn, t)
        art.published, art.published_source = when, "estimated"
        art.extra["published_estimate_basis"] = (f"shares re-used passages with document {other} ({when}); "
                                                 "copies of the same report are contemporaneous")
        doc = Doc(id=t, article=art, status="redated", outlet_id=rows[t].outlet_id, language=rows[t].language)
        doc.cleaned = _StoredText(rows[t].clean_text)
        batch.docs.append(doc)
        out.append(doc)
    return out


@dataclass
class _StoredText:
    """The stored clean text of a document that is only read again (see :func:`_redate_stored`)."""

    text: str


def read_parsed(doc_id: str, text: str, sdoc, dct: date | None) -> Reading:
    """All reading records of one parsed text, with stable per-document ids."""
    from truceline.events.coder import code_events
    from truceline.nlp.actors import link_actors
    from truceline.nlp.geo import extract_places
    from truceline.nlp.parses import keep as keep_parses
    from truceline.nlp.quotes import extract_quotes
    from truceline.nlp.timex import extract_timex

    reading = Reading()
    reading.timex = extract_timex(doc_id, text, sdoc, dct)
    reading.actors, reading.mentions = link_actors(doc_id, text, sdoc, dct)
    reading.places = extract_places(doc_id, text, sdoc)
    reading.quotes = extract_quotes(doc_id, text, sdoc)
    _link_speakers(reading, text, sdoc)
    reading.events = code_events(doc_id, text, sdoc, dct, reading.mentions, reading.actors, timex=reading.timex)
    _renumber(doc_id, reading)
    _place_events(reading)
    reading.parses = keep_parses(text, sdoc)
    return reading


def _place_events(reading: Reading) -> None:
    """Link each event's place as written (``location``) to the geocoded place at that spot.

    The coder names the place governed by in/at/near in the event's sentence; the place
    records say where those words are and where that is. An event with no such phrase stays
    unplaced: a country named elsewhere in the sentence is not where the event happened.
    """
    for ev in reading.events:
        if not ev.location or ev.place_id:
            continue
        span = ev.evidence[0].span
        for place in reading.places:
            hits = [e.span for e in place.evidence if span.start <= e.span.start and e.span.end <= span.end]
            if hits and any(h.text == ev.location or h.text in ev.location or ev.location in h.text for h in hits):
                if place.lat is not None:
                    ev.place_id = place.id
                    break


PERSONAL_PRONOUNS = {"he", "she", "him", "her"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}


def _link_speakers(reading: Reading, text: str, sdoc) -> None:
    """Link each quote's speaker to an actor.

    A named speaker is the actor of the mention under (or inside) its span. A personal
    pronoun speaker goes to the most recent *person* actor that was the subject of a clause
    in the same or the previous paragraph: the dictionary knows who is a person even where
    the NER model took a surname for an organisation.
    """
    mentions = sorted((m for m in reading.mentions if m.actor_id), key=lambda m: m.evidence[0].span.start)
    persons = {a.id for a in reading.actors if a.type == "person"}
    paras = paragraphs(text)  # once per document, not per pronoun
    for q in reading.quotes:
        if q.speaker is None or q.speaker_actor_id:
            continue
        s, e = q.speaker.start, q.speaker.end
        if q.speaker.text.lower() in PERSONAL_PRONOUNS:
            antecedent = _subject_antecedent(mentions, persons, paras, sdoc, s)
            if antecedent is not None:
                q.speaker_actor_id, q.speaker_text = antecedent.actor_id, antecedent.evidence[0].span.text
                continue
        inside = [(m.evidence[0].span.end - m.evidence[0].span.start, m.actor_id) for m in mentions
                  if m.evidence[0].span.start < e and s < m.evidence[0].span.end]  # fmt: skip
        if inside:
            q.speaker_actor_id = max(inside)[1]  # the longest mention: "Foreign Minister Zarif" over "Zarif"
        elif q.speaker_text and q.speaker_text != q.speaker.text:
            named = [m for m in mentions if m.evidence[0].span.start < s and m.evidence[0].span.text in q.speaker_text]
            if named:
                q.speaker_actor_id = named[-1].actor_id


def _subject_antecedent(mentions, persons: set[str], paras: list[tuple[int, int]], sdoc, pos: int):
    """The last person mention before ``pos`` in this or the previous paragraph that is a clause subject."""
    index = next((i for i, (a, b) in enumerate(paras) if a <= pos < b), 0)
    lo = paras[max(0, index - 1)][0] if paras else 0
    for m in reversed(mentions):
        span = m.evidence[0].span
        if span.start >= pos or span.start < lo or m.actor_id not in persons:
            continue
        if span.text.lower() in PERSONAL_PRONOUNS:
            continue
        chars = sdoc.char_span(span.start, span.end, alignment_mode="expand")
        if chars is not None and (chars.root.dep_ in SUBJECT_DEPS or chars.root.head.dep_ in SUBJECT_DEPS):
            return m
    return None


def _renumber(doc_id: str, reading: Reading) -> None:
    """Ids that are stable for the same text and unique across the store."""
    for prefix, records in (("m", reading.mentions), ("q", reading.quotes), ("t", reading.timex), ("p", reading.places), ("e", reading.events)):
        records.sort(key=lambda r: (r.evidence[0].span.start, r.evidence[0].span.end) if r.evidence else (0, 0))
        for i, record in enumerate(records, 1):
            record.id = f"{doc_id}-{prefix}{i}"
