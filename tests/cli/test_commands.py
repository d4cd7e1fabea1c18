"""The CLI's read commands: report, extract, schema; and the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from truceline.cli import app


def test_report_shows_cleaning_authors_and_reused_passages(runner, sample_dir, db_url):
    assert runner.invoke(app, ["ingest", str(sample_dir), "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["report", "--db", db_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "5 documents" in out and "Boilerplate cut" in out and "Re-used passages" in out
    assert "Authors with several documents" in out
    data = json.loads(runner.invoke(app, ["report", "--db", db_url, "--json"]).stdout)
    assert data["totals"]["documents"] == 5
    assert data["totals"]["boilerplate_chars_cut"] > 0
    assert any(len(ids) == 2 for ids in data["authors"].values())
    assert data["reused_passages"] and all(r["text"] and r["other_text"] for r in data["reused_passages"])


def test_report_on_an_empty_store_says_so(runner, db_url):
    result = runner.invoke(app, ["report", "--db", db_url])
    assert result.exit_code == 0 and "0 documents" in result.stdout


def test_extract_prints_one_json_object_per_document_without_a_store(runner, sample_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["extract", str(sample_dir), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert len(lines) == 5 and all(l["text"] for l in lines)
    assert not list(tmp_path.glob("*.db")), "extract must not create a store"
    as_array = json.loads(runner.invoke(app, ["extract", str(sample_dir), "--format", "json"]).stdout)
    assert [d["id"] for d in as_array] == [l["id"] for l in lines]


def test_schema_is_json_with_a_version(runner):
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["version"] and "reused_passages" in schema["properties"]


def test_ingest_json_summary(runner, sample_dir, db_url):
    data = json.loads(runner.invoke(app, ["ingest", str(sample_dir), "--db", db_url, "--json"]).stdout)
    assert data["added"] == 5 and data["status"] == "done" and len(data["doc_ids"]) == 5


def test_installed_console_script_runs(tmp_path, sample_dir):
    exe = Path(sys.executable).parent / "truceline"
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run([str(exe), "ingest", str(sample_dir), "--db", db], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "5 added" in done.stdout


def test_truceline_db_environment_variable_selects_the_store(runner, sample_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'env.db'}"
    result = runner.invoke(app, ["ingest", str(sample_dir)], env={"TRUCELINE_DB": db})
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_eval_command_prints_the_metrics_as_json_and_as_a_table(runner, tmp_path):
    gold = tmp_path / "actors.jsonl"
    gold.write_text(
        json.dumps({"method": "agent_to_code", "args": ["Iranian Foreign Minister"], "expect": {"country": "IRN", "code_1": "GOV"}})
        + "\n",
        "utf-8",
    )
    result = runner.invoke(app, ["eval", "actors", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n"] == 1 and data["country_accuracy"] == 1.0
    table = runner.invoke(app, ["eval", "actors", "--gold", str(gold)])
    assert table.exit_code == 0 and "country_accuracy" in table.stdout


def test_eval_command_refuses_unknown_task_and_missing_gold(runner, tmp_path):
    assert runner.invoke(app, ["eval", "sentiment", "--gold", str(tmp_path)]).exit_code == 2
    missing = runner.invoke(app, ["eval", "timex", "--gold", str(tmp_path / "nope")])
    words = " ".join(missing.stderr.replace("│", " ").split())
    assert missing.exit_code == 2 and "no such file or directory" in words


def test_eval_events_names_a_file_in_no_known_format(runner, tmp_path):
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text('{"hello": "world"}\n', "utf-8")
    result = runner.invoke(app, ["eval", "events", "--gold", str(bogus)])
    assert result.exit_code == 2 and str(bogus) in result.stderr and "Traceback" not in result.stderr


def test_ingest_no_verify_leaves_the_records_stale_until_verify(runner, sample_dir, db_url):
    """A back-fill in many runs rebuilds the corpus-level records once, at the end, and every
    reader meanwhile is told they are stale (report on stderr, ``verification_stale`` in the API)."""
    from fastapi.testclient import TestClient

    from truceline.api import create_app

    assert runner.invoke(app, ["ingest", str(sample_dir), "--db", db_url, "--no-verify"]).exit_code == 0
    result = runner.invoke(app, ["report", "--db", db_url, "--json"])
    data = json.loads(result.stdout)
    assert data["verification"]["stale"] is True and data["verification"]["incidents"] == []
    assert "truceline verify" in runner.invoke(app, ["report", "--db", db_url]).stderr
    api = create_app(db_url)
    with TestClient(api) as client:
        assert client.get("/api/v1/meta").json()["verification_stale"] is True
        assert runner.invoke(app, ["verify", "--db", db_url]).exit_code == 0
        meta = client.get("/api/v1/meta").json()
        assert meta["verification_stale"] is False and meta["incidents"] > 0 and meta["agreements"] > 0
    api.state.engine.dispose()
    data = json.loads(runner.invoke(app, ["report", "--db", db_url, "--json"]).stdout)
    assert data["verification"]["stale"] is False and data["verification"]["incidents"]
    assert "truceline verify" not in runner.invoke(app, ["report", "--db", db_url]).stderr
