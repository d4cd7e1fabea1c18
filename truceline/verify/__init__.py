"""Verification: the stored corpus's events -> incidents, claims, contradictions, agreements.

Takes every stored document with its reading (events, quotes, timexes, places, mentions) and
the links between documents (re-used passages, duplicates, shared authors and outlets); gives
corpus-level records: :class:`~truceline.model.Incident` (mentions of one real-world event
merged across documents, with independent corroboration and an Admiralty grade),
:class:`~truceline.model.Claim` (who asserts or denies each incident),
:class:`~truceline.model.Contradiction` (agency, numbers, dates, internal) and
:class:`~truceline.model.Agreement` with its :class:`~truceline.model.Commitment` records, and
:class:`~truceline.model.Condition` records (conditional obligations, threats, red lines, plan
triggers) each with the :class:`~truceline.model.TriggerWatch` of what has met it.

Like the ingest stages, the steps are plain functions registered by name in :data:`STEPS`
and run in the order of :data:`ORDER` over one :class:`Verification`; each step may read what
earlier steps filled. Everything is recomputed from the store, so the records never depend
on the order in which documents arrived.
"""

from __future__ import annotations

from collections.abc import Callable

from truceline.verify.corpus import Corpus, Verification

Step = Callable[[Corpus, Verification], None]
STEPS: dict[str, Step] = {}
ORDER = ["incidents", "claims", "agreements", "agreement_sources", "contradictions", "conditions"]


def step(name: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        STEPS[name] = fn
        return fn

    return register


def verify(corpus: Corpus) -> Verification:
    """Run every verification step over ``corpus``."""
    from truceline.verify import agreements, claims, conditions, contradictions, incidents  # noqa: F401  (register steps)
    from truceline.verify.common import paused_gc

    result = Verification()
    with paused_gc():  # the steps build many small records over a large live corpus
        for name in ORDER:
            STEPS[name](corpus, result)
    return result


__all__ = ["Corpus", "Verification", "verify", "step", "STEPS", "ORDER"]
