"""The dashboard in a real browser (Chromium via Playwright) against the real server on loopback.

Each test saves a screenshot to tests/screenshots/<name>.png (git-ignored) for a person to look at.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium) "
                              "to drive the dashboard with Playwright"),
]

PAGES = [
    ("overview", "overview", "#view h1"),
    ("timeline", "timeline", "li.tl-line"),
    ("agreements", "agreements", "#agreement-list article.agr"),
    ("claims", "claims", "article.contradiction .side"),
    ("network", "network", "#network svg g.node"),
    ("map", "map", "#map svg path.land"),
    ("documents", "documents", "#documents-table tbody tr"),
]


@pytest.mark.parametrize(("route", "ready", "selector"), PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_without_errors(watched, route, ready, selector):
    page = watched.open(route, ready)
    assert page.locator(selector).count() > 0, f"{route}: nothing matches {selector}"
    assert page.locator("#nav a.active").inner_text().lower().startswith(route[:4])
    page.wait_for_timeout(200)  # late console errors (d3 ticks, images) have time to show
    watched.shot(f"page-{route}")
    assert watched.errors == []


def test_every_document_and_agreement_opens(watched, server):
    """Every document view and every agreement view renders on the sample corpus without errors."""
    import httpx

    docs = httpx.get(server.url + "api/v1/documents").json()["items"]
    agreements = httpx.get(server.url + "api/v1/agreements").json()["items"]
    assert docs and agreements
    for d in docs:
        page = watched.open(f"document/{d['id']}", "document")
        assert page.locator("#doctext .hl").count() > 0
        assert page.locator("#doctext").inner_text().strip()[:40] in page.locator("#doctext").inner_text()
    for a in agreements:
        page = watched.open(f"agreement/{a['id']}", "agreement")
        assert page.locator("h1").inner_text() == (a["title"] or a["kind"])
    watched.shot("document-view")
    assert watched.errors == []


def test_document_text_is_the_stored_text(watched, server):
    """The document view shows the clean text exactly, spans and all: nothing added, nothing lost."""
    import httpx

    doc_id = httpx.get(server.url + "api/v1/documents").json()["items"][0]["id"]
    doc = httpx.get(server.url + f"api/v1/documents/{doc_id}").json()
    page = watched.open(f"document/{doc_id}", "document")
    shown = page.evaluate("() => document.getElementById('doctext').textContent")
    assert shown == doc["text"]
    kinds = set(page.evaluate("() => [...document.querySelectorAll('#doctext .hl')].flatMap(e => e.dataset.kinds.split(' '))"))
    assert {"mentions", "places", "events", "quotes", "timex"} <= kinds
    assert kinds & {"incidents", "claims", "agreements"}
    assert watched.errors == []


def test_timeline_filter_shows_fewer_lines(watched):
    page = watched.open("timeline")
    before = page.locator("li.tl-line").count()
    assert before > 3
    # keep only agreements and ceasefires
    for box in page.locator("#timeline-filters input[name=kind]").all():
        if box.get_attribute("value") not in ("agreement", "ceasefire"):
            box.uncheck()
    page.click("#timeline-filters button[type=submit]")
    page.wait_for_selector('#view[data-ready="timeline"]')
    page.wait_for_function(f"() => document.querySelectorAll('li.tl-line').length < {before}")
    after = page.locator("li.tl-line").count()
    assert 0 < after < before
    kinds = set(page.eval_on_selector_all("li.tl-line", "els => els.map(e => e.dataset.kind)"))
    assert kinds <= {"agreement", "ceasefire"}
    assert "kind=agreement" in page.url and "kind=ceasefire" in page.url
    watched.shot("timeline-filtered-kind")

    # and a date range narrows it further (URL-driven, so it can be shared)
    watched.open("timeline?since=2020-10-01&until=2020-10-31")
    dates = page.eval_on_selector_all("li.tl-line", "els => els.map(e => e.dataset.date)")
    assert dates and len(dates) < before
    assert all("2020-10-01" <= d[:10] <= "2020-10-31" for d in dates)
    watched.shot("timeline-filtered-dates")
    assert watched.errors == []


def test_agreement_evidence_link_highlights_in_document(watched, server):
    import httpx

    agreements = httpx.get(server.url + "api/v1/agreements").json()["items"]
    with_commitments = next(a for a in agreements if any(c["deadline"] for c in a["commitments"]))
    commitment = next(c for c in with_commitments["commitments"] if c["deadline"])
    evidence = commitment["evidence"][0]["span"]

    page = watched.open("agreements")
    page.click(f"#agreement-list article[data-id='{with_commitments['id']}'] a.agr-link")
    page.wait_for_selector('#view[data-ready="agreement"]')
    rows = page.locator("#commitments tr.cmt")
    assert rows.count() == len(with_commitments["commitments"])
    row = page.locator(f"#commitments tr[data-id='{commitment['id']}']")
    assert row.locator(".cmt-status .badge").inner_text().lower() == commitment["status"]
    # the countdown / overdue flag, relative to the corpus's as-of date
    as_of = httpx.get(server.url + "api/v1/meta").json()["as_of"]
    days = (date.fromisoformat(commitment["deadline"]) - date.fromisoformat(as_of)).days
    expected = "met" if commitment["status"] == "met" else (
        f"overdue by {-days} day" if days < 0 else "due today" if days == 0 else f"due in {days} day")
    assert row.locator(".cd").inner_text().startswith(expected)
    watched.shot("agreement-detail", full_page=True)

    row.locator("a.ev-link").first.click()
    page.wait_for_selector('#view[data-ready="document"]')
    assert f"#/document/{evidence['doc_id']}" in page.url
    highlighted = page.evaluate("() => [...document.querySelectorAll('#doctext .hl.focus')].map(e => e.textContent).join('')")
    assert highlighted == evidence["text"]
    assert page.locator("#focus-text").inner_text().endswith(evidence["text"][-20:])
    # the focused passage is on screen (scrolled to)
    assert page.locator("#doctext .hl.focus").first.is_visible()
    box = page.locator("#doctext .hl.focus").first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900
    # the side panel names the commitment it supports
    assert commitment["id"] in page.locator("#docpanel").inner_text()
    watched.shot("document-evidence-highlighted")
    assert watched.errors == []


def test_record_parameter_selects_a_record(watched, server):
    import httpx

    doc_id = httpx.get(server.url + "api/v1/documents").json()["items"][0]["id"]
    doc = httpx.get(server.url + f"api/v1/documents/{doc_id}").json()
    event = doc["events"][0]
    page = watched.open(f"document/{doc_id}?record={event['id']}", "document")
    selected = page.evaluate("() => [...document.querySelectorAll('#doctext .hl.sel')].map(e => e.textContent).join('')")
    assert event["evidence"][0]["span"]["text"] in selected or selected in event["evidence"][0]["span"]["text"]
    assert event["id"] in page.locator("#docpanel").inner_text()
    # clicking another passage shows what it supports
    page.locator("#doctext .hl.ul-mentions").first.click()
    assert "Mention" in page.locator("#docpanel").inner_text()
    assert watched.errors == []


def test_highlight_kind_toggle(watched, server):
    import httpx

    doc_id = httpx.get(server.url + "api/v1/documents").json()["items"][0]["id"]
    page = watched.open(f"document/{doc_id}", "document")
    assert page.locator("#doctext .ul-mentions").count() > 0
    page.locator("#doc-legend input[value=mentions]").uncheck()
    assert page.locator("#doctext [data-kinds~=mentions]").count() == 0
    assert watched.errors == []


def test_contradiction_sides_side_by_side(watched):
    page = watched.open("claims")
    agency = page.locator("article.contradiction", has=page.locator(".ck-agency"))
    assert agency.count() >= 1
    sides = agency.first.locator(".side")
    assert sides.count() == 2
    a, b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert abs(a["y"] - b["y"]) < 2 and a["x"] < b["x"]  # next to each other, not stacked
    assert "independent source" in agency.first.inner_text()
    assert page.locator("#claims-table tbody tr").count() > 10
    watched.shot("contradictions", full_page=False)
    assert watched.errors == []


def test_overview_says_when_the_records_predate_the_documents(reviewing, review_server):
    """After an ingest with --no-verify the overview warns that the verification records are stale."""
    from playwright.sync_api import expect

    from truceline.store.engine import open_engine
    from truceline.store.streaming import STALE, set_state

    page = reviewing.open("overview")
    assert page.locator(".stale-banner").count() == 0
    engine = open_engine(review_server.db)
    with engine.begin() as conn:
        set_state(conn, STALE, "1")
    engine.dispose()
    page.reload()
    page.wait_for_selector('#view[data-ready="overview"]')
    expect(page.locator(".stale-banner")).to_contain_text("truceline verify")
    reviewing.shot("overview-stale")
    assert reviewing.errors == []
