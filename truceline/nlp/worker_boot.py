"""Imported by the reading pool's fork server (:mod:`truceline.nlp.pool`), once, before it forks
any worker: loads the model and builds every reading resource, so that each worker starts with
them, shared copy-on-write. Importing it anywhere else costs the same seconds and does no harm.
"""

from truceline.nlp.pool import warm_reading

warm_reading()
