"""Evaluation: ``truceline eval TASK --gold PATH`` scores a stage on external gold data.

Takes gold files in their published formats (read only to score, never while extracting);
gives the literature's standard metrics as a flat dict. Each task module registers a
scorer in :data:`TASKS` with :func:`task`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Scorer = Callable[[Path], dict]
TASKS: dict[str, str] = {  # task -> module (imported on use: each pulls in its own stack)
    "quotes": "truceline.eval.quotes",
    "timex": "truceline.eval.timex",
    "geo": "truceline.eval.geo",
    "actors": "truceline.eval.actors",
    "events": "truceline.eval.events",
}


def scorer(name: str) -> Scorer:
    """The ``score(path) -> dict`` function of task ``name``."""
    import importlib

    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; choose from {', '.join(sorted(TASKS))}")
    return importlib.import_module(TASKS[name]).score
