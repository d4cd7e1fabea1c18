"""A pool of forked worker processes for reading, each holding the model once.

The model is loaded in the parent before the fork, so workers share its memory pages
(copy-on-write) and start at once; results are plain records, pickled back in input order.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable
from typing import Any


def map_pool(fn: Callable[[Any], Any], items: Iterable[Any], workers: int, chunksize: int = 4) -> list[Any]:
    from truceline.nlp.runtime import get_nlp

    items = list(items)
    if not items:
        return []
    get_nlp()  # load before forking: every worker inherits it
    ctx = mp.get_context("fork")
    with ctx.Pool(processes=workers) as pool:
        return pool.map(fn, items, chunksize=chunksize)


# Any sentence that touches every reading resource (actors, places, dates, quotes, events) will do.
WARM_TEXT = ("Chile and Peru agreed to a ceasefire in Lima on Friday, the Brazilian foreign minister "
             "said. \"We call on both sides to respect it,\" he added.")


def warm_reading() -> None:
    """Load the model and build every reading resource (actor dictionary, gazetteer, event
    models: built on first use) by reading one document: before a fork, so workers share them,
    and before any memory zone, so they are built with permanent strings."""
    from datetime import date

    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import read_parsed

    nlp = get_nlp()
    read_parsed("warm", WARM_TEXT, nlp(WARM_TEXT), date(2020, 10, 10))


def open_pool(workers: int):
    """A pool kept across batches, forked after the model *and* the reading resources are loaded
    (:func:`warm_reading`), shared copy-on-write. Each worker tunes its C allocator to give
    freed memory back (:mod:`truceline.scale.allocator`): it lives for the whole ingest."""
    from truceline.scale.allocator import tune_allocator

    warm_reading()
    return mp.get_context("fork").Pool(processes=workers, initializer=tune_allocator)
