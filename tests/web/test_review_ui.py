"""The analyst review panel: a verdict and an edit with a bearer token, then the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium) "
                              "to drive the dashboard with Playwright"),
]


def _review_api(server):
    import httpx

    r = httpx.get(server.url + "api/v1/reviews")
    if r.status_code != 200 or "items" not in r.json():
        pytest.skip("the review API (GET/POST /api/v1/reviews) is not in this build yet")
    try:
        from truceline.api.security import create_token
    except ImportError:
        pytest.skip("truceline.api.security.create_token is not in this build yet")
    return create_token


def test_review_edit_shows_in_audit_trail(reviewing, review_server):
    import httpx
    from playwright.sync_api import expect

    create_token = _review_api(review_server)
    token = create_token(review_server.db, "alice")
    agreement = next(a for a in httpx.get(review_server.url + "api/v1/agreements").json()["items"] if a["commitments"])
    new_title = "Geneva joint statement <b>reviewed</b>"

    page = reviewing.open(f"agreement/{agreement['id']}", "agreement")
    panel = page.locator("#review-panel")
    assert panel.get_attribute("data-kind") == "agreement"
    # the trail loads after the view is ready: wait for it (Playwright's expect retries) rather than race it
    expect(page.locator("#review-trail")).to_contain_text("No review yet")

    # a wrong token is refused, and says so
    page.fill("#review-token", "tl_not-a-real-token")
    page.click("#review-panel button.v-correct")
    page.click("#review-submit")
    page.wait_for_function("() => document.querySelector('.review-status').classList.contains('bad')")
    assert "401" in page.locator(".review-status").inner_text() or "token" in page.locator(".review-status").inner_text()

    page.fill("#review-token", token)
    page.select_option("#review-field", "title")
    page.fill("#review-value", new_title)
    page.fill("#review-note", "title checked against the statement")
    page.click("#review-submit")
    page.wait_for_function("() => document.querySelector('.review-status').classList.contains('ok')")
    page.wait_for_selector("#review-trail li.trail-item")
    trail = page.locator("#review-trail").inner_text()
    assert "alice" in trail and "title" in trail and new_title in trail and "correct" in trail
    assert page.evaluate("() => sessionStorage.getItem('truceline.review-token')") == token
    reviewing.shot("review-audit-trail")

    # the API agrees, and the edited title is what the record now reads (as text, never markup)
    rows = httpx.get(review_server.url + "api/v1/reviews", params={"kind": "agreement", "record_id": agreement["id"]}).json()
    assert any(r["field"] == "title" and r["after"] == new_title and r["reviewer"] == "alice" for r in rows["items"])
    page.reload()
    page.wait_for_selector('#view[data-ready="agreement"]')
    assert page.locator("h1").inner_text() == new_title
    assert page.locator("#view b").count() == 0
    assert page.locator("#review-token").input_value() == token  # kept for this tab
    expect(page.locator("#review-panel")).to_contain_text("Reviewed by alice")
    assert reviewing.errors == [e for e in reviewing.errors if "401" in e]  # only the refused attempt


def test_review_from_document_view(reviewing, review_server):
    import httpx

    create_token = _review_api(review_server)
    token = create_token(review_server.db, "bob")
    doc_id = httpx.get(review_server.url + "api/v1/documents").json()["items"][0]["id"]
    event = httpx.get(review_server.url + f"api/v1/documents/{doc_id}").json()["events"][0]

    page = reviewing.open(f"document/{doc_id}?record={event['id']}", "document")
    assert page.locator("#review-panel").get_attribute("data-kind") == "event"
    page.fill("#review-token", token)
    page.click("#review-panel button.v-wrong")
    page.fill("#review-note", "not an event: a background sentence")
    page.click("#review-submit")
    page.wait_for_selector("#review-trail li.trail-item")
    assert "marked wrong" in page.locator("#review-trail").inner_text()
    assert "bob" in page.locator("#review-trail").inner_text()
    reviewing.shot("review-document-view")
