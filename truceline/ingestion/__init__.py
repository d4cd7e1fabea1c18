"""Ingest: files, directories, JSONL, HTML, RSS/Atom feeds and URL lists -> stored documents.

Takes paths and URLs; gives :class:`~truceline.ingestion.types.RawArticle` values with
provenance (source, line, url, outlet, author, date), a clean text with a report of the
boilerplate cut, document duplicates and re-used passages. Readers never raise on bad
input: they yield :class:`~truceline.ingestion.types.InputError` values naming the input.
"""
