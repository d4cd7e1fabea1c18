"""``truceline export`` and ``GET /api/v1/export/{format}``: the same files, from the command line and the API."""

from __future__ import annotations

import csv
import io
import json
import warnings

import pytest

from truceline.cli import app
from truceline.export import COLUMNS, FORMATS


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_cli_writes_each_format_to_a_file(runner, small_db, tmp_path, fmt):
    out = tmp_path / f"events{FORMATS[fmt].extension}"
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(out), "--db", small_db])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0
    assert f"records as {fmt}" in result.stderr
    assert not list(tmp_path.glob("*.part"))


def test_cli_prints_text_formats_to_stdout(runner, small_db, tmp_path):
    out = tmp_path / "events.csv"
    assert runner.invoke(app, ["export", "--format", "csv", "-o", str(out), "--db", small_db]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "csv", "--db", small_db])
    assert result.exit_code == 0
    assert result.stdout_bytes == out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert rows and set(rows[0]) == set(COLUMNS)
    result = runner.invoke(app, ["export", "--format", "plover", "--db", small_db])
    assert all(json.loads(line)["event"] for line in result.stdout.splitlines())


def test_cli_refuses_parquet_to_stdout_and_unknown_formats(runner, small_db):
    result = runner.invoke(app, ["export", "--format", "parquet", "--db", small_db])
    assert result.exit_code == 2 and "binary" in result.output and not result.stdout_bytes.startswith(b"PAR1")
    result = runner.invoke(app, ["export", "--format", "xml", "--db", small_db])
    assert result.exit_code == 2 and "unknown format" in result.output


@pytest.fixture(scope="module")
def api(small_db):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from truceline.api import create_app

    return TestClient(create_app(small_db))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_api_streams_each_format_with_media_type_and_file_name(api, small_db, tmp_path, fmt):
    from truceline.export import export

    spec = FORMATS[fmt]
    response = api.get(f"/api/v1/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == spec.media_type.split(";")[0]
    assert response.headers["content-disposition"] == f'attachment; filename="{spec.filename}"'
    out = tmp_path / f"cli{spec.extension}"
    n = export(fmt, small_db, out)
    assert int(response.headers["x-truceline-records"]) == n
    if spec.binary:
        import pyarrow.parquet as pq

        assert response.content.startswith(b"PAR1")
        assert pq.read_table(io.BytesIO(response.content)).to_pylist() == pq.read_table(out).to_pylist()
    else:
        assert response.content == out.read_bytes()  # the same bytes as the command line
    assert response.headers["content-security-policy"]  # the app's headers still apply


def test_api_geojson_parses(api):
    fc = api.get("/api/v1/export/geojson").json()
    assert fc["type"] == "FeatureCollection" and "truceline:skipped" in fc


def test_api_unknown_format_is_a_json_404(api):
    response = api.get("/api/v1/export/xml")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and "csv" in error["message"]


def test_api_export_is_in_the_openapi_document(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/export/{fmt}" in paths
