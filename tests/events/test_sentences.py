"""`truceline code`: the sentence interface in and out, bad lines named."""

from __future__ import annotations

import json

from truceline.cli import app


def test_code_reads_sentences_and_prints_events_per_line(runner, tmp_path):
    path = tmp_path / "s.jsonl"
    lines = [
        {"id": "a", "text": "Armenia accused Azerbaijan of shelling Stepanakert on Sunday.", "date": "2020-10-04"},
        {"id": "b", "text": "The weather was mild."},
        "not json",
        {"id": "c", "text": "Russia called for an immediate ceasefire in Nagorno-Karabakh.", "date": "20201002"},
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", "utf-8")
    result = runner.invoke(app, ["code", "--input", str(path)])
    assert result.exit_code == 3 and f"{path}:3:" in result.stderr
    out = [json.loads(l) for l in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    first = out[0]["events"]
    assert first and first[0]["plover"] == "ACCUSE"
    assert {"plover", "mode", "context", "cameo", "source", "target", "location", "modality", "claimant"} <= set(first[0])
    assert first[0]["source"][0]["code"].startswith("ARM") and first[0]["target"][0]["code"].startswith("AZE")
    assert out[1]["events"] == []
    assert out[2]["events"] and out[2]["events"][0]["plover"] == "REQUEST"


def test_code_refuses_a_missing_input(runner, tmp_path):
    assert runner.invoke(app, ["code", "--input", str(tmp_path / "none.jsonl")]).exit_code == 2
