"""Sidecar metadata: ``metadata.jsonl`` files that describe the articles beside them.

Each line names a file (``"file"``, relative to the sidecar) or a URL (``"url"``) and may
give title, outlet, author, published and url. A sidecar is curated by a person, so its
non-null values win over what markup or text suggest; fields we do not know are kept in
the document's ``extra`` rather than dropped (e.g. an annotator's ``published_estimate``
stays there as a note; it never becomes the publication date).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from truceline.ingestion.decode import json_text_problem
from truceline.ingestion.types import InputError, RawArticle

SIDECAR_NAME = "metadata.jsonl"
FIELDS = ("title", "outlet", "author", "published", "url")


@dataclass
class MetadataIndex:
    by_path: dict[Path, dict] = field(default_factory=dict)
    by_url: dict[str, dict] = field(default_factory=dict)
    loaded: set[Path] = field(default_factory=set)
    errors: list[InputError] = field(default_factory=list)

    def load(self, sidecar: Path) -> None:
        """Read one sidecar once; broken lines become errors, the rest still load."""
        sidecar = sidecar.resolve()
        if sidecar in self.loaded:
            return
        self.loaded.add(sidecar)
        try:
            lines = sidecar.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(InputError(str(sidecar), f"cannot read metadata ({exc.__class__.__name__})"))
            return
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except RecursionError:
                self.errors.append(InputError(str(sidecar), "invalid metadata line (nested too deeply)", n))
                continue
            except ValueError as exc:
                self.errors.append(InputError(str(sidecar), f"invalid metadata line ({exc})", n))
                continue
            if problem := _record_problem(rec):
                self.errors.append(InputError(str(sidecar), f"invalid metadata line ({problem})", n))
                continue
            if rec.get("file"):
                self.by_path[(sidecar.parent / rec["file"]).resolve()] = rec
            if rec.get("url"):
                self.by_url[rec["url"]] = rec

    def load_beside(self, path: Path) -> None:
        sidecar = path.parent / SIDECAR_NAME
        if sidecar.is_file():
            self.load(sidecar)

    def lookup(self, article: RawArticle) -> dict | None:
        if article.url and article.url in self.by_url:
            return self.by_url[article.url]
        if "://" not in article.source:
            return self.by_path.get(Path(article.source).resolve())
        return None


def _record_problem(rec: dict) -> str | None:
    """Why a sidecar record cannot be used: keys of the wrong type, or text that cannot be stored."""
    for name in ("file", "url"):
        if rec.get(name) and not isinstance(rec[name], str):
            return f"{name!r} must be a string, not {type(rec[name]).__name__}"
    if problem := json_text_problem(rec, ("file", *FIELDS)):
        return problem
    return None


def apply(article: RawArticle, rec: dict | None) -> RawArticle:
    """Overlay a sidecar record on an article: its non-null values win."""
    if not rec:
        return article
    for name in FIELDS:
        value = rec.get(name)
        if value:
            setattr(article, name, str(value))
    if rec.get("published"):
        article.published_source = "metadata"
    extra = {k: v for k, v in rec.items() if k not in FIELDS and k != "file" and v is not None}
    if extra:
        article.extra.setdefault("metadata", {}).update(extra)
    return article
