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


def open_pool(workers: int):
    """A pool kept across batches, forked after the model *and* the reading resources are loaded.

    One document is read in the parent first, so the actor dictionary, gazetteer and event
    models (loaded on first use) are in memory before the fork and shared copy-on-write.
    """
    from datetime import date

    from truceline.nlp.runtime import get_nlp
    from truceline.nlp.stage import read_parsed

    nlp = get_nlp()
    read_parsed("warm", WARM_TEXT, nlp(WARM_TEXT), date(2020, 10, 10))
    return mp.get_context("fork").Pool(processes=workers)
