"""The "Conditions & red lines" view in a real browser (Chromium via Playwright) over the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium) "
                              "to drive the dashboard with Playwright"),
]


def _red_line(server):
    import httpx

    items = httpx.get(server.url + "api/v1/conditions", params={"territory": "IRN", "kind": "red_line"}).json()["items"]
    return next(c for c in items if c["condition"]["relation"] == "crosses_border_of")


def test_the_list_shows_each_condition_with_its_status_and_claimant(watched, server):
    import httpx

    total = httpx.get(server.url + "api/v1/conditions").json()["total"]
    page = watched.open("conditions")
    cards = page.locator("#condition-list article.cond")
    assert cards.count() == total and total >= 3
    assert page.locator("#nav a.active").inner_text().startswith("Conditions")
    red = _red_line(server)
    card = page.locator(f'article.cond[data-id="{red["id"]}"]')
    assert card.locator(".watch-status").inner_text().strip().lower() == "claimed triggered"
    assert card.locator("dd.claimants").inner_text() == ", ".join(r["text"] for r in red["watch"]["claimants"])
    # nothing bound to Armenia's own territory shows as triggered
    for c in httpx.get(server.url + "api/v1/conditions", params={"territory": "ARM"}).json()["items"]:
        badge = page.locator(f'article.cond[data-id="{c["id"]}"] .watch-status').inner_text().strip().lower()
        assert badge in {"not triggered", "nearly met"}
    watched.shot("page-conditions", full_page=True)
    # the status filter hides what it leaves out
    page.locator('input[name=status][value="claimed_triggered"]').uncheck()
    assert page.locator(f'article.cond[data-id="{red["id"]}"]').count() == 0
    assert watched.errors == []


def test_a_condition_opens_with_its_watch_and_its_evidence_highlighted_in_the_document(watched, server):
    red = _red_line(server)
    page = watched.open(f"condition/{red['id']}", "condition")
    matches = page.locator("#matches li.match")
    assert matches.count() == len(red["watch"]["matches"]) >= 1
    assert "crossed the Iranian border" in page.locator("#matches").inner_text()
    watched.shot("condition-detail", full_page=True)
    page.locator("#matches a.ev-link").first.click()
    page.wait_for_selector('#view[data-ready="document"]')
    focused = "".join(page.locator("#doctext .hl.focus").all_inner_texts())  # one span, cut by its places
    assert "crossed the Iranian border" in focused
    assert page.locator("#doctext .hl.bg-conditions").count() >= 1 or page.locator('[data-kinds~="conditions"]').count() >= 1
    watched.shot("condition-evidence-highlighted")
    assert watched.errors == []
