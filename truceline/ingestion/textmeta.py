"""Metadata from the text itself: publication date lines and language.

Only explicit signals count here: a dateline ("Published: 3 November 2020", or a line that
is nothing but a full date) near the top. Dates *mentioned* in the story (a photo caption,
"on Tuesday") are evidence for an estimate, which the reading stage makes and labels
``estimated``; they never pass for a publication date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache, lru_cache

DATELINE = re.compile(
    r"^\s*(?:(?:published|posted|updated|first published|date)\s*(?:on|:)?\s*)?(?P<date>[^\n]{6,40}?)\s*$",
    re.IGNORECASE,
)
_HAS_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MONTHY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{4}-\d{2}-\d{2}", re.IGNORECASE)
HEAD_PARAGRAPHS = 4


@cache
def _date_parser():
    import dateparser

    return dateparser


def normalize_date(value: str | None) -> str | None:
    """A publication date as ``YYYY-MM-DD``, or None when ``value`` is not a full date."""
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    if not (_HAS_YEAR.search(value) and _MONTHY.search(value)):
        return None
    parsed = _date_parser().parse(
        value, languages=["en"], settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}
    )
    return parsed.date().isoformat() if parsed else None


def dateline(paragraphs: list[str]) -> str | None:
    """The publication date from a dateline among the first paragraphs, if there is one."""
    for text in paragraphs[:HEAD_PARAGRAPHS]:
        if len(text.split()) > 8:
            continue
        m = DATELINE.match(text)
        if m and (found := normalize_date(m.group("date").strip(" ,|-"))):
            return found
    return None


def is_plausible_published(value: str, today: date | None = None) -> bool:
    """Reject dates in the future or before the web (typos, parser accidents)."""
    d = date.fromisoformat(value)
    return date(1990, 1, 1) <= d <= (today or date.today())


@cache
def _identifier():
    import py3langid.langid as langid

    return langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)


MIN_LETTERS_FOR_LANGUAGE = 40
# English-lexified pidgins and creoles in py3langid's model, confused with short English text
ENGLISH_CREOLES = {"pcm", "tpi", "bi", "jam", "srn", "kri", "wes"}


@lru_cache(maxsize=256)
def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability; ``und`` for text too short to tell.

    Remembered for recent texts: a worker pool's read-ahead detects each text of the next batch
    once before the batch's own turn, which then asks again about the same text.
    """
    if sum(ch.isalpha() for ch in text[:2000]) < MIN_LETTERS_FOR_LANGUAGE:
        return "und", 0.0
    ranked = _identifier().rank(text[:20000])[:3]
    lang, prob = ranked[0]
    if lang in ENGLISH_CREOLES and any(code == "en" for code, _p in ranked):
        # py3langid takes short English news sentences for Nigerian Pidgin and kin; English
        # runner-up plus an English-lexified top guess is English for an English model.
        lang, prob = "en", sum(p for code, p in ranked if code == "en" or code in ENGLISH_CREOLES)
    return lang, round(float(prob), 3)
