"""The REST API and the dashboard: a store URL in, an ASGI app out (FastAPI, OpenAPI at /api/openapi.json).

Routers, one job each: :mod:`truceline.api.read` (documents, actors, quotes, events, incidents,
claims, contradictions, agreements, commitments, timeline, network, places),
:mod:`truceline.api.exports` (the export formats), :mod:`truceline.api.review` (analyst review,
token-protected). :mod:`truceline.api.app` assembles them with the security middleware and
serves the dashboard from :mod:`truceline.web`.
"""

from truceline.api.app import create_app

__all__ = ["create_app"]
