"""Request dependencies shared by the routers: a store connection, pagination, errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy import Connection

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

    def wrap(self, items: list[Any], request: Request) -> dict:
        """The list envelope every list endpoint returns: the page, the total and the next page's URL."""
        total = len(items)
        page = items[self.offset : self.offset + self.limit]
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
