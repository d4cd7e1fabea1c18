"""Scale-out of the ``read`` stage over a Ray cluster (``truceline ingest --engine ray``).

The stage takes what :class:`truceline.nlp.stage.LocalReader` takes and gives what it gives:

- ``estimate(items)``: ``items`` is a list of ``(doc_id, clean_text)`` for undated English
  documents; the answer is ``{doc_id: (iso_date or None, basis)}``, each document dated from
  its own dated references;
- ``read(items)``: ``items`` is a list of ``(doc_id, clean_text, published_iso or None)``; the
  answer is ``{doc_id: Reading}`` (actors, mentions, quotes, timexes, places, events), the same
  records, with the same ids, as a local read of the same text.

Only this expensive part (spaCy parse and every reader) runs on the cluster, in an actor pool
that loads the pinned model once per worker. The driver, the process that runs ``truceline
ingest``, keeps everything else: reading inputs, cleaning, duplicates, re-use, dating from
re-use, verification, and every write to the store. Workers never touch the store; on a
cluster the driver's ``--db`` is usually a PostgreSQL URL so that several machines can query it.

Ray is an optional dependency (``pip install 'truceline[scale]'``; ``make install`` has it, pinned in
``requirements.lock``); nothing here is imported unless ``--engine ray`` is asked for.
"""
