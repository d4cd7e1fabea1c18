"""Ingestion stages: outlets, cleaning, metadata, language, fingerprints, duplicates, re-use.

Stages see the stored corpus through the batch's connection, so a document ingested today
is compared with everything ingested before: boilerplate repetition within an outlet,
duplicates and re-used passages are corpus-wide, and the result does not depend on the
order in which files arrive.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable

from truceline.batch import Batch, Doc, stage
from truceline.ingestion import dedup, reuse
from truceline.ingestion.clean import Cleaned, clean, paragraph_keys
from truceline.ingestion.decode import normalize_text
from truceline.ingestion.textmeta import dateline, detect_language, is_plausible_published, normalize_date
from truceline.store import repo, streaming


def document_id(text: str) -> str:
    """Stable id from the received text: the same article ingested twice is the same document."""
    return hashlib.sha256(normalize_text(text).strip().encode("utf-8")).hexdigest()[:16]


def outlet_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:120] or "unknown"


@stage("outlets")
def assign_outlets(batch: Batch) -> None:
    for doc in batch.docs:
        name = doc.article.outlet
        if name:
            doc.outlet_id = outlet_id(name)
            domain = _domain(doc.article.url)
            batch.outlets.setdefault(doc.outlet_id, {"id": doc.outlet_id, "name": name, "domain": domain})


def _domain(url: str | None) -> str | None:
    m = re.match(r"https?://([^/:?#]+)", url or "")
    return m.group(1).lower() if m else None


@stage("clean")
def clean_documents(batch: Batch) -> None:
    """Clean each new document and re-clean stored ones of the same outlets.

    Re-cleaning makes the result order-independent: the second post of a blog reveals the
    first one's footer, whichever was ingested first.
    """
    by_outlet: dict[str, list[Doc]] = defaultdict(list)
    for doc in batch.active:
        if doc.outlet_id:
            by_outlet[doc.outlet_id].append(doc)
        else:
            doc.cleaned = clean(doc.article.text, doc.article.title)
    if not by_outlet:
        return
    in_batch = {d.id for d in batch.docs}
    stored = [r for r in repo.outlet_documents(batch.conn, by_outlet) if r["id"] not in in_batch]
    texts: dict[str, list[str]] = defaultdict(list)
    for row in stored:
        texts[row["outlet_id"]].append(row["received_text"])
    for oid, docs in by_outlet.items():
        texts[oid].extend(d.article.text for d in docs)
    counts = {oid: Counter(k for t in ts for k in paragraph_keys(t)) for oid, ts in texts.items()}
    for oid, docs in by_outlet.items():
        repeated = _repeated(counts[oid])
        for doc in docs:
            doc.cleaned = clean(doc.article.text, doc.article.title, repeated)
    for row in stored:
        recleaned = clean(row["received_text"], row["title"], _repeated(counts[row["outlet_id"]]))
        if recleaned.text != row["clean_text"]:
            batch.docs.append(_restored_doc(row, recleaned, batch))


def _repeated(counter: Counter) -> Callable[[str], bool]:
    return lambda key: counter[key] >= 2


def _restored_doc(row: dict, cleaned: Cleaned, batch: Batch) -> Doc:
    """A stored document whose clean text changed: it goes through the rest of the pipeline again."""
    full = repo.stored_article(batch.conn, row["id"])
    return Doc(id=row["id"], article=full, status="recleaned", outlet_id=row["outlet_id"], cleaned=cleaned)


@stage("metadata")
def fill_metadata(batch: Batch) -> None:
    """Author from a byline, title from a headline line, date from a dateline, all normalized."""
    for doc in batch.active:
        art, cleaned = doc.article, doc.cleaned
        assert cleaned is not None
        art.author = art.author or cleaned.byline_author
        art.title = art.title or cleaned.title_guess
        published = normalize_date(art.published)
        if art.published and not published:
            art.extra["unparsed_published"] = art.published
        if published and not is_plausible_published(published):
            art.extra["implausible_published"] = published
            published = None
        if not published and (found := dateline([p.text for p in cleaned.kept])):
            published, art.published_source = found, "text"
        art.published = published
        if not published:
            art.published_source = "unknown"


@stage("language")
def detect_languages(batch: Batch) -> None:
    for doc in batch.active:
        doc.language, doc.language_score = detect_language(doc.cleaned.text)


@stage("fingerprint")
def fingerprint(batch: Batch) -> None:
    for doc in batch.active:
        doc.content_hash = dedup.content_hash(doc.cleaned.text)
        doc.signature = dedup.doc_signature(doc.cleaned.text)


@stage("duplicates")
def find_duplicates(batch: Batch) -> None:
    active = batch.active
    ids = {d.id for d in active}
    new = [dedup.DocKey(d.id, d.content_hash, d.signature) for d in active]
    # only the stored documents that share an LSH band or the content hash: what the LSH
    # query over the whole store would propose (store/streaming.py keeps the band index)
    existing = [dedup.DocKey(*k) for k in streaming.candidate_documents(batch.conn, new, exclude=ids)]
    batch.duplicates = dedup.find_duplicates(new, existing)


@stage("reuse")
def find_reuse(batch: Batch) -> None:
    active = batch.active
    ids = {d.id for d in active}
    texts = {d.id: d.cleaned.text for d in active}
    for d in active:
        if d.language in ("en", "und"):
            batch.passages.extend(reuse.passages(d.id, d.cleaned.text))
    # stored passages sharing a MinHash position value or the normalized hash with a new one:
    # exactly the stored side of every candidate pair find_reuse would form over the whole store
    stored = streaming.candidate_passages(batch.conn, batch.passages, exclude=ids)
    existing = [reuse.Passage(**{k: v for k, v in r.items() if k != "id"}) for r in stored]

    def texts_of(doc_ids: list[str]) -> dict[str, str]:  # the stored texts of every candidate pair, in one query
        texts.update(repo.clean_texts(batch.conn, [d for d in doc_ids if d not in texts]))
        return texts

    def text_of(doc_id: str) -> str:
        return texts_of([doc_id])[doc_id]

    batch.reuse = reuse.find_reuse(batch.passages, existing, text_of, texts_of=texts_of)


