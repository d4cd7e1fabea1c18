"""The ``read`` stage on Ray: Ray Data over an actor pool that holds the model once per worker.

:class:`RayReader` answers ``estimate()`` and ``read()`` exactly as
:class:`truceline.nlp.stage.LocalReader` does. Each call turns its items into a Ray dataset
(``ray.data.from_items``) and maps batches of documents through :class:`ReaderActor`, a callable
class run by a fixed-size actor pool (``ray.data.ActorPoolStrategy(size=workers)``): an actor loads
and verifies the pinned spaCy model once, in ``__init__``, then parses (``nlp.pipe``) and reads
every batch it is given with the same functions the local reader uses (``estimate_text``,
``read_text``), so its records and their ids are those of a local read.

Rows must be Arrow values, so an actor returns, per document, its id and one JSON string (each
record's pydantic ``model_dump``); the driver rebuilds the ``Reading`` objects from it. Nothing
else crosses: the driver keeps the cheap stages and the store.

Without an address a private local Ray is started (``num_cpus=workers``, no dashboard, no usage
statistics) and shut down by :meth:`RayReader.close` (or at exit). With an address the reader
connects to that cluster, whose every node must have the same truceline version and the pinned
model installed: nothing is shipped or downloaded at run time (no ``runtime_env``).
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import json
import logging
import math
import os
import socket
import typing
from typing import Any

from truceline.nlp.stage import Reading, ReadItem

BATCH_SIZE = 4  # documents per actor call: small enough to spread a few documents over every worker


class RayEngineError(RuntimeError):
    """Ray is missing, or the cluster cannot read for us."""


def _reading_fields() -> dict[str, type]:
    """Each record-list field of :class:`Reading` and the pydantic model of its items."""
    hints = typing.get_type_hints(Reading)
    return {f.name: typing.get_args(hints[f.name])[0] for f in dataclasses.fields(Reading)
            if typing.get_origin(hints[f.name]) is list}  # fmt: skip


def reading_to_json(reading: Reading) -> str:
    out: dict[str, Any] = {name: [r.model_dump(mode="json") for r in getattr(reading, name)] for name in _reading_fields()}
    if reading.parses is not None:  # the kept sentence parses: offsets and DocBin bytes
        spans, data = reading.parses
        out["parses"] = {"spans": [list(s) for s in spans], "data": base64.b64encode(data).decode("ascii")}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def reading_from_json(data: str) -> Reading:
    raw = json.loads(data)
    reading = Reading(**{name: [model.model_validate(r) for r in raw.get(name, [])]
                         for name, model in _reading_fields().items()})  # fmt: skip
    if (kept := raw.get("parses")) is not None:
        reading.parses = ([(int(a), int(b)) for a, b in kept["spans"]], base64.b64decode(kept["data"]))
    return reading


class ReaderActor:
    """One worker of the pool: the model loaded once, then batches of documents read with it.

    ``mode`` is ``"estimate"`` (rows ``id, text``; output a JSON ``[iso_date|null, basis]``) or
    ``"read"`` (rows ``id, text, published``; output a JSON reading).
    """

    def __init__(self, mode: str, version: str):
        import truceline
        from truceline.nlp.runtime import get_nlp

        if truceline.__version__ != version:
            raise RayEngineError(f"worker on {socket.gethostname()} has truceline {truceline.__version__}, "
                                 f"the driver {version}: install the same version on every node")
        if mode not in ("estimate", "read"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.nlp = get_nlp()  # loaded and verified once per worker
        from truceline.nlp.pool import warm_reading

        warm_reading()  # the reading resources are built now, outside the memory zones __call__ parses in
        from truceline.scale.allocator import tune_allocator

        tune_allocator()  # a long-lived worker: freed memory goes back to the system (scale/allocator.py)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        from truceline.nlp.runtime import BATCH_SIZE as PIPE_BATCH
        from truceline.nlp.stage import estimate_text, read_text

        ids = [str(i) for i in batch["id"]]
        texts = [str(t) for t in batch["text"]]
        with self.nlp.memory_zone():  # the batch's new words leave the vocabulary with it (see stage._read_one)
            sdocs = self.nlp.pipe(texts, batch_size=PIPE_BATCH)
            if self.mode == "estimate":
                out = [json.dumps(list(estimate_text(t, s)), ensure_ascii=False) for t, s in zip(texts, sdocs, strict=True)]
            else:
                published = [None if p is None else str(p) for p in batch["published"]]
                out = [reading_to_json(read_text(i, t, s, p))
                       for i, t, s, p in zip(ids, texts, sdocs, published, strict=True)]  # fmt: skip
        from truceline.scale.allocator import release

        release(every=8)  # calls of BATCH_SIZE (4) documents: one trim per 32, as in the pool (16 tasks of 2)
        return {"id": ids, "out": out}


class RayReader:
    """Reads on a Ray cluster (``address``, e.g. ``HEAD:6379``) or on a local Ray started for the purpose.

    ``workers`` is the size of the actor pool: that many copies of the model, each using one CPU.
    Ray is started on first use, so building a reader costs nothing.
    """

    def __init__(self, address: str | None = None, workers: int = 1, batch_size: int = BATCH_SIZE,
                 init_kwargs: dict[str, Any] | None = None):
        self.address = address
        self.workers = max(1, workers)
        self.batch_size = max(1, batch_size)
        self.init_kwargs = dict(init_kwargs or {})
        self._owned = False  # whether close() shuts down the Ray connection (it was opened here)
        self._ray = None

    # -- lifecycle ---------------------------------------------------------------------------
    def _start(self):
        if self._ray is not None:
            return self._ray
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise RayEngineError("--engine ray needs Ray: pip install 'truceline[scale]' (make install has it)") from exc
        if not ray.is_initialized():  # else: the caller connected already, and disconnects
            kwargs: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False,
                                      "configure_logging": True}
            if self.address:
                kwargs["address"] = self.address
            else:
                os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves this machine
                kwargs.update(address="local", num_cpus=self.workers, include_dashboard=False)
            kwargs.update(self.init_kwargs)
            auth_log = logging.getLogger("ray._private.authentication.authentication_token_setup")
            level = auth_log.level
            auth_log.setLevel(logging.ERROR)  # not "token authentication is enabled": it is Ray's default
            try:
                ray.init(**kwargs)
            except ConnectionError as exc:
                raise RayEngineError(f"cannot reach the Ray cluster at {self.address}: {exc}") from exc
            finally:
                auth_log.setLevel(level)
            self._owned = True
            atexit.register(self.close)  # the CLI leaves it to the end of the process
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ctx.enable_auto_log_stats = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "progress bars disabled"
        self._ray = ray
        return ray

    def close(self) -> None:
        """Shut down the Ray this reader started (or disconnect from the cluster it connected to)."""
        if self._ray is not None and self._owned:
            atexit.unregister(self.close)
            self._ray.shutdown()
        self._ray, self._owned = None, False

    def __enter__(self) -> RayReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the reader interface ----------------------------------------------------------------
    def _map(self, mode: str, rows: list[dict[str, Any]]) -> dict[str, str]:
        if not rows:
            return {}
        ray = self._start()
        import truceline

        size = min(self.batch_size, math.ceil(len(rows) / self.workers))  # every worker gets some
        batches = math.ceil(len(rows) / size)
        ds = ray.data.from_items(rows, override_num_blocks=batches)
        ds = ds.map_batches(
            ReaderActor,
            fn_constructor_kwargs={"mode": mode, "version": truceline.__version__},
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, batches)),
            batch_size=size,
            batch_format="numpy",
            num_cpus=1,
        )
        out = {r["id"]: r["out"] for r in ds.take_all()}
        missing = {r["id"] for r in rows} - out.keys()
        if missing:
            raise RayEngineError(f"Ray returned no result for {len(missing)} document(s): {sorted(missing)[:3]}")
        return out

    def estimate(self, items: list[tuple[str, str]]) -> dict[str, tuple[str | None, str]]:
        out = self._map("estimate", [{"id": doc_id, "text": text} for doc_id, text in items])
        return {doc_id: tuple(json.loads(v)) for doc_id, v in out.items()}

    def read(self, items: list[ReadItem]) -> dict[str, Reading]:
        out = self._map("read", [{"id": doc_id, "text": text, "published": pub} for doc_id, text, pub in items])
        return {doc_id: reading_from_json(v) for doc_id, v in out.items()}
