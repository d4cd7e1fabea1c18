"""Exports: takes the store, gives files in the formats event-data tools and analysts load.

:data:`FORMATS` names each format (``csv``, ``jsonl``, ``parquet``, ``plover``, ``cameo-tsv``,
``geojson``) with its media type, file extension and writer; :func:`export` writes one to a file
or stdout (``truceline export``) and the API streams the same bytes (``GET /api/v1/export/{format}``).
Every record carries the sentence it rests on (or the document id and offsets of it), so each value
in a file can be traced back. Format details and mapping choices: :mod:`truceline.export.formats`,
:mod:`truceline.export.plover`, :mod:`truceline.export.cameo`.
"""

from truceline.export.formats import COLUMNS, FORMATS, Format, Output, export, render

__all__ = ["FORMATS", "Format", "Output", "export", "render", "COLUMNS"]
