"""``truceline eval events``: recognise which event gold format a file is, and score it.

Four published formats, four scorers (each module has ``matches(path)`` and ``score(path)``):
PLOVER gold-standard records, PETRARCH2 unit tests, ConfliBERT CAMEO pentaclass rows and
CASE 2021 task 2 snippets. The first whose ``matches`` accepts the file scores it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

FORMATS = {  # name -> module; order matters only when two could claim a file
    "plover": "truceline.eval.events_plover",
    "petrarch": "truceline.eval.events_petr",
    "cameo5": "truceline.eval.events_cameo5",
    "case2021": "truceline.eval.events_case",
}


def detect(path: Path) -> str:
    for name, module in FORMATS.items():
        if importlib.import_module(module).matches(path):
            return name
    raise ValueError(f"{path}: not a known event gold format ({', '.join(FORMATS)})")


def score(path: Path) -> dict:
    fmt = detect(path)
    return {"format": fmt, **importlib.import_module(FORMATS[fmt]).score(path)}
