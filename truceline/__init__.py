"""truceline: a verifiable record of peace processes from news reports and official statements.

The Python API mirrors the command line::

    import truceline
    run = truceline.ingest(["examples/karabakh-2020"], db="sqlite:///truceline.db")
    docs = truceline.extract(["article.html"])          # no database needed
    summary = truceline.report(db="sqlite:///truceline.db")
    lines = truceline.timeline(db="sqlite:///truceline.db")  # the peace process in order
"""

from truceline.api_python import extract, report, set_reliability, timeline
from truceline.ingestion.types import InputError, ReadOptions
from truceline.model import SCHEMA_VERSION, json_schema
from truceline.pipeline import RunSummary, ingest

__version__ = "0.1.0"
__all__ = ["ingest", "extract", "report", "timeline", "set_reliability", "json_schema", "ReadOptions", "InputError", "RunSummary", "SCHEMA_VERSION"]
