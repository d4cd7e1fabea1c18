"""The ASGI app: routers, JSON errors, security headers, request size limits, the dashboard.

Read endpoints are open; write endpoints (review, ingest) need a bearer token (see
:mod:`truceline.api.security`). Every response carries a Content-Security-Policy that allows
only the app's own scripts, styles and data: the dashboard loads nothing from elsewhere, and
article text is inserted as text, never as markup.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from truceline.store.engine import open_engine

MAX_BODY_BYTES = 1_000_000
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status_code=status)


class Guard:
    """Security headers on every response; request bodies over :data:`MAX_BODY_BYTES` refused with 413.

    A declared ``content-length`` over the limit is refused before anything is read; a body
    without one (chunked) is read up to the limit and refused as soon as it goes over, then
    handed to the app from memory. Pure ASGI, so static files get the headers too.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                            if k.lower().encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        async def refuse() -> None:
            await _error(413, f"request body over {MAX_BODY_BYTES:,} bytes", "too_large")(scope, receive,
                                                                                        send_with_headers)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await refuse()
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self._run(scope, receive, send_with_headers, lambda: started)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                await refuse()
                return
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._run(scope, replay, send_with_headers, lambda: started)

    async def _run(self, scope, receive, send, started) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:  # answer here so the 500 carries the headers too, then let the server log it
            if not started():
                await _error(500, f"internal error: {exc.__class__.__name__}", "internal")(scope, receive, send)
            raise


def create_app(db: str | None = None) -> FastAPI:
    """The API and dashboard over the store at ``db`` (the default store when None)."""
    from truceline.api import exports, read, review

    app = FastAPI(title="truceline", version="1", description="A verifiable record of a peace process: every "
                  "figure traces back to a sentence in a document.", openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None)  # fmt: skip
    app.state.engine = open_engine(db)
    app.add_middleware(Guard)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), {404: "not_found", 401: "unauthorized", 403: "forbidden",
                                                         405: "method_not_allowed", 413: "too_large",
                                                         422: "invalid"}.get(exc.status_code, "error"))

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(422, f"invalid request: {problems}", "invalid")

    @app.exception_handler(Exception)
    async def server_error(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error: {exc.__class__.__name__}", "internal")

    for module in (read, exports, review):
        app.include_router(module.router)
    static = resources.files("truceline.web").joinpath("static")
    app.mount("/", StaticFiles(directory=str(static), html=True), name="dashboard")
    return app
