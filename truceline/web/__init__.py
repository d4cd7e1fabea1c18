"""The dashboard: static pages and vendored front-end packages, served by :mod:`truceline.api`.

Takes the REST API's JSON; gives the overview, timeline, agreements tracker, claims and
contradictions, actor network, map and document view. Works offline: every script, style and
map outline is in ``static/`` (vendored, pinned, with licences), nothing comes from a CDN.
"""
