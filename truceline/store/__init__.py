"""Store: the corpus and every record extracted from it, in SQLite (default) or PostgreSQL.

Takes the pipeline's batches; gives the stored corpus to the report, the extract contract
and (later) the API. Schema in :mod:`.schema`, migrations under ``migrations/`` (Alembic),
engine set-up in :mod:`.engine`, writes in :mod:`.repo`, read-side views in :mod:`.queries`.
"""
