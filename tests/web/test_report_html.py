"""The static HTML report: one offline file with the agreements, contradictions and timeline, all text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from truceline import api_python
from truceline.web.report import render_html, write_html

HOSTILE = ("Armenia and Azerbaijan agreed to a humanitarian ceasefire in Moscow on Saturday, the Russian Foreign Ministry "
           "said. <script>alert(1)</script> Azerbaijan accused Armenia of violating the ceasefire. "
           "<img src=x onerror=alert(2)> The sides will exchange prisoners within one week.")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(text)
    return parser.tags


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[str, Path]:
    from truceline.pipeline import ingest
    from truceline.store.engine import open_engine

    root = tmp_path_factory.mktemp("report")
    url = f"sqlite:///{root / 'store.db'}"
    engine = open_engine(url)
    ingest([Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"], engine=engine)
    engine.dispose()
    out = root / "report.html"
    write_html(url, out)
    return url, out


def test_file_written_and_offline(sample_report):
    _url, out = sample_report
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    tags = _tags(text)
    for tag, attrs in tags:
        for key in ("src", "href", "action", "srcset", "data"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {key}={value!r}> reaches outside the file"
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*https?://", text, re.I)
    assert not re.search(r"@import|url\(", text)  # no CSS fetches either
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in tags)


def test_contains_agreements_commitments_contradictions(sample_report):
    url, out = sample_report
    text = out.read_text(encoding="utf-8")
    verification = api_python.report(url)["verification"]
    import html

    for agreement in verification["agreements"]:
        assert html.escape(agreement["title"]) in text
        for c in agreement["commitments"]:
            assert html.escape(c["action"]) in text
            for ev in c["evidence"]:
                assert html.escape(ev["span"]["text"]) in text
    assert verification["agreements"] and any(a["commitments"] for a in verification["agreements"])
    assert "due in 3 days" in text  # the one deadline, counted from the corpus's as-of date (2020-11-03 -> 11-06)
    for con in verification["contradictions"]:
        for side in con["sides"]:
            assert html.escape(side["statement"]) in text
    assert 'id="timeline"' in text and text.count('class="tl-date"') == len(api_python.timeline(url))


def test_escapes_markup_in_articles(tmp_path):
    from truceline.pipeline import ingest
    from truceline.store.engine import open_engine

    src = tmp_path / "hostile.jsonl"
    import json

    src.write_text(json.dumps({"title": "Truce <script>alert(1)</script>", "outlet": "Wire <b>X</b>",
                               "published": "2020-10-18", "text": HOSTILE}) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_engine(url)
    ingest([src], engine=engine)
    engine.dispose()
    out = tmp_path / "report.html"
    write_html(url, out)
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "<img" not in text.lower() and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "&lt;img src=x onerror=alert(2)&gt;" in text
    assert not any(tag in ("script", "img", "b") for tag, _ in _tags(text))


def test_render_escapes_every_field():
    """Unit check on render_html: markup in any string field comes out as text."""
    evil = "<script>alert('x')</script>"
    span = {"doc_id": "d1", "start": 0, "end": len(evil), "text": evil}
    rep = {
        "totals": {"documents": 1, "outlets": 1, "date_range": ["2020-10-01", "2020-10-02"]},
        "by_outlet": {evil: [{"id": "d1", "title": evil}]},
        "verification": {
            "as_of": "2020-10-02",
            "agreements": [{"id": "a1", "kind": "ceasefire", "title": evil, "parties": [{"text": evil, "code": evil}],
                            "mediators": [], "proposer": None, "date": evil, "location": evil, "status": "breached",
                            "breached": True, "history": [{"status": "breached", "date": evil, "note": evil,
                                                           "evidence": [{"span": span, "role": evil}]}],
                            "commitments": [{"id": "c1", "obligors": [{"text": evil}], "action": evil, "recipients": [],
                                             "negative": True, "deadline": "2020-10-01", "deadline_expression": evil,
                                             "status": "overdue", "evidence": [{"span": span, "role": "clause"}]}],
                            "doc_ids": ["d1"], "independent_sources": 1}],
            "contradictions": [{"id": "x", "kind": "number", "subject": evil, "sides": [
                {"statement": evil, "value": evil, "claimants": [{"text": evil}], "doc_ids": ["d1"], "origins": [evil],
                 "evidence": [{"span": span}]}], "reasons": [evil]}],
        },
    }
    lines = [{"date": evil, "kind": "incident", "title": evil, "status": evil, "grade": evil, "record": "incident:i",
              "sources": [evil], "doc_ids": ["d1"], "evidence": [{"span": span}]}]
    text = render_html(rep, lines)
    assert "<script" not in text
    assert text.count("&lt;script&gt;") >= 15
    assert "overdue by 1 day" in text
