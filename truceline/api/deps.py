"""Request dependencies shared by the routers: a store connection, pagination, errors, caching."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, func, select

MAX_LIMIT = 500


def get_conn(request: Request) -> Iterator[Connection]:
    """One read connection per request, from the app's engine."""
    with request.app.state.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(get_conn)]


@dataclass
class Page:
    limit: int
    offset: int

    @property
    def sql_offset(self) -> int:
        """The offset as SQL takes it (a 64-bit integer; past every row anyway)."""
        return min(self.offset, 2**62)

    def wrap(self, items: list[Any], request: Request) -> dict:
        """The list envelope every list endpoint returns: the page, the total and the next page's URL."""
        return self.envelope(items[self.offset : self.offset + self.limit], len(items), request)

    def envelope(self, page: list[Any], total: int, request: Request) -> dict:
        """The envelope around a page already cut (in SQL) from ``total`` items."""
        nxt = None
        if self.offset + self.limit < total:
            nxt = str(request.url.include_query_params(offset=self.offset + self.limit, limit=self.limit))
        return {"items": page, "total": total, "limit": self.limit, "offset": self.offset, "next": nxt}


def page(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
         offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0) -> Page:
    return Page(limit, offset)


Paging = Annotated[Page, Depends(page)]


def not_found(kind: str, ident: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {kind} with id {ident!r}")


# --- caching --------------------------------------------------------------------------------------
# The store changes only through runs (ingest, reprocess), reviews (append-only) and outlet
# reliability (which re-grades): together they are the store's *generation*. Responses and parsed
# records are cached in-process under (what was asked, generation); every request reads the
# generation (two small indexed queries), so an ingest, a review or a re-grade is seen by the next
# request. Responses carry a strong ETag and ``Cache-Control: no-cache``: a client revalidates
# every time and gets a 304 while nothing changed.


class LRU:
    """A small thread-safe LRU map (uvicorn runs sync endpoints in a thread pool)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> Any:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def generation(conn: Connection) -> str:
    """The store's generation: the latest finished run, the latest review, the configured reliabilities,
    and the store's own counters (document writes, the generation verification was built at, whether
    it is stale), so that ``truceline verify`` rebuilding the records without a run is seen too."""
    from truceline.store.retry import GENERATION, VERIFIED
    from truceline.store.schema import outlets, reviews, runs, store_state
    from truceline.store.streaming import STALE

    run_id, review_id, *counters = conn.execute(select(
        select(func.max(runs.c.id)).where(runs.c.finished_at.is_not(None)).scalar_subquery(),
        select(func.max(reviews.c.id)).scalar_subquery(),
        *(select(store_state.c.value).where(store_state.c.key == k).scalar_subquery()
          for k in (GENERATION, VERIFIED, STALE)))).one()  # one round trip, as before the counters  # fmt: skip
    graded = conn.execute(select(outlets.c.id, outlets.c.reliability).where(outlets.c.reliability.is_not(None))
                          .order_by(outlets.c.id)).all()  # fmt: skip
    grades = hashlib.sha1(repr(graded).encode(), usedforsecurity=False).hexdigest()[:12] if graded else "-"  # a cache key
    state = ".".join(c if c is not None else "-" for c in counters)
    return f"{run_id or 0}.{review_id or 0}.{grades}.{state}"


def caches(request: Request) -> tuple[LRU, LRU]:
    """The app's response cache and record cache (made on first use)."""
    state = request.app.state
    if not hasattr(state, "response_cache"):
        state.response_cache = LRU(1024)
        state.record_cache = LRU(64)
    return state.response_cache, state.record_cache


def request_generation(request: Request, conn: Connection) -> str:
    """The generation, read once per request."""
    gen = getattr(request.state, "generation", None)
    if gen is None:
        gen = request.state.generation = generation(conn)
    return gen


def cached_records(request: Request, conn: Connection, name: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per generation (parsed records shared by every request of that generation)."""
    _, records = caches(request)
    key = (name, request_generation(request, conn))
    found = records.get(key)
    return found if found is not None else records.put(key, build())


def cached_response(request: Request, conn: Connection, build: Callable[[], Any]) -> Response:
    """The JSON response of ``build()``, from the cache when this request was answered in this generation.

    Keyed by the URL (host, path and the query in a canonical order: ``next`` links are absolute)
    and the generation; ``If-None-Match`` with the current ETag gets a 304 without a body.
    """
    responses, _ = caches(request)
    gen = request_generation(request, conn)
    query = tuple(sorted(request.query_params.multi_items()))
    key = (str(request.base_url), request.url.path, query, gen)
    entry = responses.get(key)
    if entry is None:
        body = JSONResponse(build()).body
        etag = '"' + hashlib.sha256(gen.encode() + b"\0" + body).hexdigest()[:32] + '"'
        entry = responses.put(key, (body, etag))
    body, etag = entry
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = request.headers.get("if-none-match")
    if wanted and (wanted.strip() == "*" or etag in {t.strip().removeprefix("W/") for t in wanted.split(",")}):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
