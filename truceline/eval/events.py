"""``truceline eval events``: recognise which event gold format a file is, and score it.

Four published formats, four scorers (each module has ``matches(path)`` and ``score(path)``):
PLOVER gold-standard records, PETRARCH2 unit tests, ConfliBERT CAMEO pentaclass rows and
CASE 2021 task 2 snippets. The first whose ``matches`` accepts the file scores it.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

FORMATS = {  # name -> module; order matters only when two could claim a file
    "plover": "truceline.eval.events_plover",
    "petrarch": "truceline.eval.events_petr",
    "cameo5": "truceline.eval.events_cameo5",
    "case2021": "truceline.eval.events_case",
}


def first_line(path: Path) -> str | None:
    """The first line of a text file, or None when it cannot be read as UTF-8 (never raises)."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            return fh.readline()
    except (OSError, UnicodeDecodeError):
        return None


def jsonl_keys(path: Path) -> set[str]:
    """Keys of a JSONL file's first record (empty when it is not one): what format sniffing looks at."""
    try:
        first = json.loads(first_line(path) or "")
    except ValueError:
        return set()
    return set(first) if isinstance(first, dict) else set()


def detect(path: Path) -> str:
    for name, module in FORMATS.items():
        if importlib.import_module(module).matches(path):
            return name
    raise ValueError(f"{path}: not a known event gold format ({', '.join(FORMATS)})")


def score(path: Path) -> dict:
    fmt = detect(path)
    return {"format": fmt, **importlib.import_module(FORMATS[fmt]).score(path)}
