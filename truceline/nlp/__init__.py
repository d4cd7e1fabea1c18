"""Reading: stored clean text -> actors, mentions, quotes with speakers, TIMEX3 dates, geocoded places.

Takes documents from ingestion; gives :mod:`truceline.model` records whose spans point into
the clean text. One spaCy pipeline per process (:mod:`.runtime`), pinned and verified.
"""
