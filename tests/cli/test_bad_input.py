"""Bad input: one clear line naming the file (and line) and the reason; the rest still goes in.

Exit codes: 0 when everything went in, 3 when some inputs were skipped, 2 on a usage error.
Nothing stored earlier is changed by a run with bad inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

from loopback import closed_port
from sqlalchemy import select

from truceline.cli import app
from truceline.store.engine import open_engine
from truceline.store.schema import documents

GOOD = (
    "Ceasefire talks resumed in the capital on Monday after a week of shelling along the front line.\n\n"
    "The mediators said both delegations had agreed to exchange lists of detainees within one week."
)


def _snapshot(db: str) -> dict[str, tuple]:
    engine = open_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(select(documents.c.id, documents.c.clean_text, documents.c.title, documents.c.updated_at))
        snap = {r.id: (r.clean_text, r.title, r.updated_at) for r in rows}
    engine.dispose()
    return snap


def _ingest(runner, db: str, *paths: str | Path, extra: tuple[str, ...] = ()):
    return runner.invoke(app, ["ingest", *map(str, paths), "--db", db, *extra])


def _bad_files(d: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input with a fragment of the reason its error line must give."""
    d.mkdir()
    cases = {}
    (p := d / "empty.txt").write_bytes(b"")
    cases["empty"] = (p, "empty file")
    (p := d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    cases["binary"] = (p, "binary file")
    (p := d / "latin1.txt").write_bytes("Les n\u00e9gociations de cessez-le-feu reprennent \u00e0 Gen\u00e8ve.".encode("latin-1"))
    cases["invalid utf-8"] = (p, "not valid utf-8")
    p = d / "huge.txt"
    with p.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    cases["50 MB"] = (p, "over the 10 MB limit")
    (p := d / "broken.html").write_text("<html><head><title>x</title></head><body><div><p><b></i></div></span>", "utf-8")
    cases["malformed html"] = (p, "no article text found")
    (p := d / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty wire</title>'
        "<link>http://example.org/</link><description>none</description></channel></rss>",
        "utf-8",
    )
    cases["empty feed"] = (p, "feed has no items")
    return cases


def test_each_bad_input_is_named_with_its_reason_and_good_files_still_go_in(runner, tmp_path, db_url):
    cases = _bad_files(tmp_path / "bad")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, "utf-8")
    result = _ingest(runner, db_url, good, *(p for p, _ in cases.values()))
    assert result.exit_code == 3, result.output
    for name, (path, reason) in cases.items():
        lines = [l for l in result.stderr.splitlines() if str(path) in l]
        assert len(lines) == 1, f"{name}: {result.stderr}"
        assert reason.lower() in lines[0].lower(), f"{name}: {lines[0]}"
    assert "Traceback" not in result.output + result.stderr
    assert len(_snapshot(db_url)) == 1


def test_malformed_but_recoverable_html_is_ingested(runner, tmp_path, db_url):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Truce holds | Wire</title><script>alert('x')</script><body><article><p>"
        + GOOD.replace("\n\n", "<p>")
        + "<p>Monitors said the night passed quietly, with no reports of gunfire.</div></i></body>",
        "utf-8",
    )
    result = _ingest(runner, db_url, page)
    assert result.exit_code == 0, result.stderr
    (text,) = [v[0] for v in _snapshot(db_url).values()]
    assert "exchange lists of detainees" in text and "alert" not in text


def test_jsonl_with_a_broken_line_names_the_line_and_keeps_the_others(runner, tmp_path, db_url):
    lines = [
        json.dumps({"text": GOOD, "title": "Talks resume", "outlet": "Wire A", "published": "2020-10-12"}),
        '{"text": "unterminated',
        json.dumps({"text": GOOD.replace("Monday", "Tuesday") + " Shelling stopped.", "outlet": "Wire B"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text here"}),
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = _ingest(runner, db_url, path)
    assert result.exit_code == 3
    assert f"{path}:2: invalid JSON" in result.stderr
    assert f"{path}:4: line is not a JSON object" in result.stderr
    assert f"{path}:5: no 'text' field" in result.stderr
    assert len(_snapshot(db_url)) == 2


def test_unreachable_and_private_urls_are_reported_without_traceback(runner, tmp_path, db_url):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, "utf-8")
    url = f"http://127.0.0.1:{closed_port()}/article"
    refused = _ingest(runner, db_url, good, url, extra=("--allow-private", "--timeout", "2"))
    assert refused.exit_code == 3
    assert url in refused.stderr and "cannot connect" in refused.stderr
    private = _ingest(runner, db_url, url)
    assert private.exit_code == 3 and "private" in private.stderr
    assert "Traceback" not in refused.stderr + private.stderr


def test_bad_inputs_do_not_change_what_was_stored_before(runner, sample_dir, tmp_path, db_url):
    assert _ingest(runner, db_url, sample_dir).exit_code == 0
    before = _snapshot(db_url)
    cases = _bad_files(tmp_path / "bad")
    result = _ingest(runner, db_url, *(p for p, _ in cases.values()))
    assert result.exit_code == 3
    assert _snapshot(db_url) == before


def test_exit_codes_zero_when_all_went_in_and_two_on_usage_error(runner, tmp_path, db_url):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, "utf-8")
    assert _ingest(runner, db_url, good).exit_code == 0
    assert runner.invoke(app, ["ingest"]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(good), "--max-bytes", "lots"]).exit_code == 2
    assert runner.invoke(app, ["extract", str(good), "--format", "xml"]).exit_code == 2
    bad_store = runner.invoke(app, ["ingest", str(good), "--db", "sqlite:////nonexistent/dir/x.db"])
    assert bad_store.exit_code == 2 and "does not exist" in bad_store.stderr


def test_missing_path_is_named(runner, tmp_path, db_url):
    missing = tmp_path / "nope.txt"
    result = _ingest(runner, db_url, missing)
    assert result.exit_code == 3 and f"{missing}: no such file or directory" in result.stderr
