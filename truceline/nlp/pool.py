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
