"""The pipeline's moving parts: a document in flight, the batch stages work on, the stage registry.

Like spaCy's ``nlp.pipeline``, stages are plain functions registered under a name with
:func:`stage`; :data:`truceline.pipeline.PIPELINE` lists the names in order. Each stage
takes the :class:`Batch` and fills its part of each :class:`Doc`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from truceline.ingestion import reuse
from truceline.ingestion.clean import Cleaned
from truceline.ingestion.types import RawArticle


@dataclass
class Doc:
    """A document in flight through the pipeline."""

    id: str
    article: RawArticle
    status: str = "new"  # new | updated | unchanged | recleaned
    outlet_id: str | None = None
    cleaned: Cleaned | None = None
    language: str = "und"
    language_score: float = 0.0
    content_hash: str = ""
    signature: bytes = b""
    reading: Any = None  # truceline.nlp.stage.Reading, filled by the "read" stage


@dataclass
class Batch:
    docs: list[Doc]
    conn: Connection
    run_id: int
    outlets: dict[str, dict] = field(default_factory=dict)
    duplicates: list[tuple[str, str, str, float]] = field(default_factory=list)
    passages: list[reuse.Passage] = field(default_factory=list)
    reuse: list[reuse.ReuseLink] = field(default_factory=list)
    reader: Any = None  # how the read stage parses and reads (truceline.nlp.stage.LocalReader by default)

    @property
    def active(self) -> list[Doc]:
        """Documents whose content or links this run (re)computes."""
        return [d for d in self.docs if d.status != "unchanged"]


Stage = Callable[[Batch], None]
STAGES: dict[str, Stage] = {}


def stage(name: str) -> Callable[[Stage], Stage]:
    def register(fn: Stage) -> Stage:
        STAGES[name] = fn
        return fn

    return register


