"""The ``truceline`` command: thin Typer wrappers over the Python API, rendered with Rich.

Exit codes are part of the interface: 0 when every input went in, 3 when some inputs were
skipped (each named on stderr with its reason), 2 on a usage error (bad option, bad store
URL). Bad input never prints a traceback; set ``TRUCELINE_DEBUG=1`` to see one for a bug.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from truceline.ingestion.types import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_S, ReadOptions
from truceline.store.engine import ENV_VAR, StoreError

app = typer.Typer(
    help="truceline: turn conflict news and official statements into a verifiable record of a peace process.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
if not out.is_terminal and "COLUMNS" not in os.environ:
    out = Console(width=160)  # logs and pipes: wide tables rather than 80-column wrapping
err = Console(stderr=True, soft_wrap=True)

DbOpt = Annotated[str | None, typer.Option("--db", envvar=ENV_VAR, help="SQLAlchemy URL or SQLite path [default: sqlite:///truceline.db]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
Inputs = Annotated[list[str], typer.Argument(help="Files, directories, feed or article URLs.", show_default=False)]
MetadataOpt = Annotated[Path | None, typer.Option("--metadata", help="Sidecar metadata.jsonl (one object per file).")]
AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow fetching private and loopback addresses.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Largest article file or response accepted.")]
Timeout = Annotated[float, typer.Option("--timeout", help="Seconds to wait for a URL.")]
Encoding = Annotated[str | None, typer.Option("--encoding", help="Decode files with this encoding instead of UTF-8.")]
FollowLinks = Annotated[bool, typer.Option("--follow-links", help="Fetch the article page of feed items that carry no text.")]


def _options(max_bytes: int, timeout: float, allow_private: bool, encoding: str | None, follow_links: bool) -> ReadOptions:
    return ReadOptions(max_bytes=max_bytes, timeout_s=timeout, allow_private=allow_private, encoding=encoding,
                       follow_links=follow_links)  # fmt: skip


@contextmanager
def _progress(label: str) -> Iterator:
    """A progress display on stderr; Rich shows it only on a terminal, so pipes stay clean."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} done"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)

        def update(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"{label}: {stage}", completed=done, total=total)

        yield update


class _DocsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} docs/s" if speed else "- docs/s")


@contextmanager
def _documents_progress(label: str) -> Iterator:
    """Documents done/total (when the inputs say), docs/s and ETA on stderr, only on a terminal."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.fields[of]}"), _DocsPerSecond(), TimeRemainingColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:  # fmt: skip
        task = bar.add_task(label, total=None, of="?")

        def update(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"{label}: {stage}", completed=done, total=total,
                       of=str(total) if total is not None else "?")  # fmt: skip

        yield update


@contextmanager
def _friendly_errors() -> Iterator[None]:
    try:
        yield
    except (typer.Exit, typer.Abort, click.ClickException):
        raise
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("interrupted: the batches committed so far are stored; run it again to resume")
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("TRUCELINE_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {exc.__class__.__name__}: {exc} (TRUCELINE_DEBUG=1 shows the traceback)")
        raise typer.Exit(1) from None


def _print_errors(errors: list[str]) -> None:
    for line in errors:
        err.print(f"[yellow]skipped[/yellow] {line}", highlight=False, markup=True)


@app.command()
def ingest(
    inputs: Inputs,
    db: DbOpt = None,
    metadata: MetadataOpt = None,
    allow_private: AllowPrivate = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    timeout: Timeout = DEFAULT_TIMEOUT_S,
    encoding: Encoding = None,
    follow_links: FollowLinks = False,
    workers: Annotated[int, typer.Option("--workers", help="Processes that parse and read (default 1).", min=1, max=64)] = 1,
    engine: Annotated[str, typer.Option("--engine", help="local (this machine) or ray (a Ray cluster).")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address (with --engine ray; default: start a local Ray).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Documents per batch; each batch is one transaction (default 32).", min=1, max=10_000)] = 32,
    no_verify: Annotated[bool, typer.Option("--no-verify", help="Leave the corpus-level records (incidents, claims, agreements ...) marked stale instead of rebuilding them at the end; run `truceline verify` after the last of many back-fill runs.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Read articles into the store (idempotent: the same content is stored once)."""
    from truceline.pipeline import ingest as run_ingest

    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"unknown engine {engine!r}; use local or ray", param_hint="--engine")
    options = _options(max_bytes, timeout, allow_private, encoding, follow_links)
    with _friendly_errors(), _documents_progress("ingest") as progress:
        reader = None
        if engine == "ray":
            from truceline.scale.ray_engine import RayReader

            reader = RayReader(address=address, workers=workers)
        try:
            summary = run_ingest(inputs, db=db, metadata=metadata, options=options, progress=progress,
                                 workers=workers, reader=reader, batch_size=batch_size, verify=not no_verify)
        finally:
            if reader is not None:
                reader.close()  # stops the Ray this run started (a cluster it joined keeps running)
    _print_errors(summary.errors)
    if as_json:
        out.print_json(data=summary.as_dict())
    else:
        out.print(
            f"run {summary.run_id}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.skipped} skipped  ->  {summary.db}",
            highlight=False,
        )
    raise typer.Exit(summary.exit_code)


@app.command()
def extract(
    inputs: Inputs,
    fmt: Annotated[str, typer.Option("--format", help="jsonl (one document per line) or json (one array).")] = "jsonl",
    metadata: MetadataOpt = None,
    allow_private: AllowPrivate = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    timeout: Timeout = DEFAULT_TIMEOUT_S,
    encoding: Encoding = None,
    follow_links: FollowLinks = False,
) -> None:
    """Print what truceline extracts from the inputs, without any database (the output contract)."""
    from truceline.api_python import extract as run_extract

    if fmt not in ("jsonl", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use jsonl or json", param_hint="--format")
    options = _options(max_bytes, timeout, allow_private, encoding, follow_links)
    with _friendly_errors(), _progress("extract") as progress:
        docs, summary = run_extract(inputs, metadata=metadata, options=options, progress=progress)
    _print_errors(summary.errors)
    if fmt == "jsonl":
        for doc in docs:
            sys.stdout.write(doc.model_dump_json() + "\n")
    else:
        sys.stdout.write(json.dumps([d.model_dump(mode="json") for d in docs], ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(summary.exit_code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the extraction output (versioned)."""
    from truceline.model import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


@app.command()
def report(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    full: Annotated[bool, typer.Option("--full", help="List every cut and passage.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write one self-contained offline HTML report to this file.")] = None,
) -> None:
    """Show what the store holds: documents, cleaning, re-use, reading, and the verification record."""
    from truceline.api_python import report as build_report
    from truceline.reporting import render_report

    with _friendly_errors():
        data = build_report(db)
        if data["verification"].get("stale"):
            err.print("[yellow]note:[/yellow] documents changed since the verification records were built "
                      "(an ingest with --no-verify, or one that stopped): run `truceline verify`", highlight=False)
        if html is not None:
            from truceline.web.report import write_html

            write_html(db, html)
            err.print(f"wrote {html}", highlight=False)
    if as_json:
        out.print_json(data=data)
    else:
        render_report(out, data, full=full)


@app.command()
def timeline(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only these kinds (repeatable): proposal, agreement, ceasefire, status, deadline, incident, accusation, threat, contradiction.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date (inclusive prefix).")] = None,
) -> None:
    """Show the peace process in order: proposals, agreements, ceasefires, breaches, accusations, deadlines."""
    from truceline.api_python import timeline as build_timeline
    from truceline.reporting import render_timeline
    from truceline.verify.timeline import ORDER

    bad = sorted(set(kind or ()) - set(ORDER))
    if bad:
        raise typer.BadParameter(f"unknown kind {', '.join(bad)}; choose from {', '.join(ORDER)}", param_hint="--kind")
    with _friendly_errors():
        items = build_timeline(db, set(kind) if kind else None, since, until)
    if as_json:
        out.print_json(data=[e.model_dump(mode="json") for e in items])
    else:
        render_timeline(out, items)


@app.command()
def reliability(
    outlet: Annotated[str, typer.Argument(help="Outlet name (as in `truceline report`) or id.")],
    grade: Annotated[str, typer.Argument(help="Admiralty source reliability A-F, or 'none' to clear.")],
    db: DbOpt = None,
) -> None:
    """Set how reliable an outlet is (A completely reliable ... F cannot be judged); incidents are re-graded."""
    from truceline.api_python import set_reliability

    letter = None if grade.lower() == "none" else grade.upper()
    if letter is not None and (len(letter) != 1 or letter not in "ABCDEF"):
        raise typer.BadParameter(f"{grade!r} is not a reliability grade; use one letter A-F or 'none'", param_hint="GRADE")
    with _friendly_errors():
        changed = set_reliability(outlet, letter, db)
    if not changed:
        err.print(f"[red]error:[/red] no outlet named {outlet!r} in the store (see `truceline report`)", highlight=False)
        raise typer.Exit(2)
    out.print(f"{outlet}: reliability {letter or 'cleared'}; incidents re-graded", highlight=False)


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default; use 0.0.0.0 deliberately).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/openapi.json) and the dashboard (/)."""
    import uvicorn

    from truceline.api import create_app

    with _friendly_errors():
        app = create_app(db)
    err.print(f"truceline: dashboard at http://{host}:{port}/  API at http://{host}:{port}/api/docs", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="csv | jsonl | parquet | plover | cameo-tsv | geojson")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (stdout when omitted; parquet needs a file).")] = None,
    db: DbOpt = None,
) -> None:
    """Export events (and incidents for GeoJSON) in the formats event-data tools load."""
    from truceline.export import FORMATS, export

    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}", param_hint="--format")
    if output is None and FORMATS[fmt].binary:
        raise typer.BadParameter(f"{fmt} is binary: give --output FILE", param_hint="--output")
    with _friendly_errors():
        n = export(fmt, db, output)
    err.print(f"{n} records as {fmt}" + (f" -> {output}" if output else ""), highlight=False)


token_app = typer.Typer(help="API tokens for the write endpoints (review, ingest).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(name: Annotated[str, typer.Argument(help="Who the token is for (shown in the audit trail).")], db: DbOpt = None) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    from truceline.api.security import create_token

    with _friendly_errors():
        secret = create_token(db, name)
    out.print(secret, highlight=False)


@token_app.command("list")
def token_list(db: DbOpt = None) -> None:
    """List token names and when they were created (never the secrets)."""
    from truceline.api.security import list_tokens

    with _friendly_errors():
        for t in list_tokens(db):
            out.print(f"{t['name']}\t{t['created_at']}\t{'revoked' if t['revoked'] else 'active'}", highlight=False)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="Token name.")], db: DbOpt = None) -> None:
    """Revoke every token with this name."""
    from truceline.api.security import revoke_token

    with _friendly_errors():
        n = revoke_token(db, name)
    if not n:
        err.print(f"[red]error:[/red] no active token named {name!r}", highlight=False)
        raise typer.Exit(2)
    out.print(f"revoked {n} token(s) named {name}", highlight=False)


conditions_app = typer.Typer(help="Conditional obligations, threats, red lines and plan triggers, with their trigger "
                             "watch; analysts add and correct them (kept in the review audit trail).", no_args_is_help=True)
app.add_typer(conditions_app, name="conditions")
ReviewerOpt = Annotated[str, typer.Option("--reviewer", help="Who makes the change (shown in the audit trail).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, for the audit trail.")]


def _stored_conditions(db: str | None) -> list:
    from truceline.review import overlay
    from truceline.store.engine import open_engine
    from truceline.store.verification import all_texts, read_records

    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            items = [c.model_dump(mode="json") for c in read_records(conn, "condition", all_texts(conn))]
            return overlay(conn, "condition", items)
    finally:
        engine.dispose()


@conditions_app.command("list")
def conditions_list(
    db: DbOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="not_triggered, nearly_met, claimed_triggered or triggered.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every condition with its trigger status, claimants and whether the consequence followed."""
    from truceline.reporting import render_conditions

    with _friendly_errors():
        items = [c for c in _stored_conditions(db) if not status or (c.get("watch") or {}).get("status") == status]
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return
    render_conditions(out, items)


@conditions_app.command("show")
def conditions_show(condition_id: Annotated[str, typer.Argument(help="Condition id (cnd-...).")], db: DbOpt = None) -> None:
    """One condition with its watch as JSON: the incidents and reports that meet it, and their evidence."""
    with _friendly_errors():
        found = [c for c in _stored_conditions(db) if c["id"] == condition_id]
    if not found:
        err.print(f"[red]error:[/red] no condition with id {condition_id!r}", highlight=False)
        raise typer.Exit(2)
    print(json.dumps(found[0], ensure_ascii=False, indent=2))


def _review_call(db: str | None, fn) -> dict:
    from truceline.review import ReviewError
    from truceline.store.engine import open_engine
    from truceline.store.retry import write_transaction

    engine = open_engine(db)
    try:
        with write_transaction(engine) as conn:  # waits for a running ingest's batch instead of failing
            return fn(conn)
    except ReviewError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


@conditions_app.command("add")
def conditions_add(
    file: Annotated[Path, typer.Argument(help="A JSON object: kind, bound, condition, consequence, basis, date, "
                                              "evidence [{doc_id, start, end}].", show_default=False)],
    reviewer: ReviewerOpt,
    db: DbOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add a condition an analyst read in a document; it is watched at once and kept through re-verification."""
    from truceline.review import add_condition

    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        err.print(f"[red]error:[/red] {file}: {exc}", highlight=False)
        raise typer.Exit(2) from None
    if not isinstance(record, dict):
        err.print(f"[red]error:[/red] {file}: expected a JSON object", highlight=False)
        raise typer.Exit(2)
    with _friendly_errors():
        row = _review_call(db, lambda conn: add_condition(conn, record, reviewer, note=note))
    out.print(f"added condition {row['record_id']} (review {row['id']})", highlight=False)


@conditions_app.command("correct")
def conditions_correct(
    condition_id: Annotated[str, typer.Argument(help="Condition id (cnd-...).")],
    field: Annotated[str, typer.Option("--field", help="The field to correct, e.g. condition, bound, kind, basis.")],
    value: Annotated[str, typer.Option("--value", help="The new value, as JSON.")],
    reviewer: ReviewerOpt,
    db: DbOpt = None,
    note: NoteOpt = None,
) -> None:
    """Correct one field of a condition (the audit trail keeps the machine value); the watch is recomputed."""
    from truceline.review import add_review

    try:
        parsed = json.loads(value)
    except ValueError as exc:
        err.print(f"[red]error:[/red] --value is not JSON: {exc}", highlight=False)
        raise typer.Exit(2) from None
    with _friendly_errors():
        rows = _review_call(db, lambda conn: add_review(conn, "condition", condition_id, reviewer,
                                                        edits={field: parsed}, note=note))
    out.print(f"corrected {field} of {condition_id} (review {rows[-1]['id']})", highlight=False)


BackupFile = Annotated[Path, typer.Argument(help="The backup file (gzip'd JSON Lines).", show_default=False)]


@app.command("backup")
def backup_cmd(file: BackupFile, db: DbOpt = None) -> None:
    """Write the whole store (analyst reviews, tokens and runs included) to one file, for any backend."""
    from truceline.store.backup import backup
    from truceline.store.engine import open_engine

    with _friendly_errors(), err.status(f"backing up to {file}"):
        summary = backup(open_engine(db), file)
    err.print(f"{summary.total} rows of {len(summary.rows)} tables (schema {summary.revision}) -> {file}", highlight=False)


@app.command("restore")
def restore_cmd(
    file: BackupFile,
    db: DbOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="Delete what the store holds first (in the same transaction).")] = False,
) -> None:
    """Restore a backup into an empty store (SQLite or PostgreSQL), in one transaction."""
    from truceline.store.backup import restore
    from truceline.store.engine import open_engine

    with _friendly_errors(), err.status(f"restoring {file}"):
        summary = restore(open_engine(db), file, replace=replace)
    err.print(f"restored {summary.total} rows of {len(summary.rows)} tables (schema {summary.revision}) from {file}",
              highlight=False)  # fmt: skip


@app.command("verify")
def verify_cmd(db: DbOpt = None) -> None:
    """Recompute the verification records (incidents, claims, contradictions, agreements) for the whole store."""
    from truceline.pipeline import verify_store
    from truceline.store.engine import open_engine

    with _friendly_errors(), err.status("verifying the store"):
        verify_store(open_engine(db))
    out.print("verification records rebuilt", highlight=False)


@app.command("check")
def check_cmd(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Check the store is consistent (rows complete, no orphans, aggregates and flags right); exit 1 listing problems."""
    from rich.markup import escape

    from truceline.store.engine import open_engine
    from truceline.store.integrity import check_store

    with _friendly_errors(), err.status("checking the store"):
        engine = open_engine(db)
        problems = check_store(engine)
        where = engine.url.render_as_string(hide_password=True)
    if as_json:
        out.print_json(data={"db": where, "consistent": not problems, "problems": problems})
    elif problems:
        for line in problems:
            err.print(f"[red]problem[/red] {escape(line)}", highlight=False, markup=True)
        err.print(f"{len(problems)} problems in {where}", highlight=False)
    else:
        out.print(f"consistent: {where}", highlight=False)
    raise typer.Exit(1 if problems else 0)


@app.command()
def reprocess(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Run every stage again on all stored documents (after an upgrade added or improved stages)."""
    from truceline.pipeline import reprocess as run_reprocess

    with _friendly_errors(), _progress("reprocess") as progress:
        summary = run_reprocess(db=db, progress=progress)
    if as_json:
        out.print_json(data=summary.as_dict())
    else:
        out.print(f"run {summary.run_id}: {summary.updated} documents reprocessed  ->  {summary.db}", highlight=False)


@app.command()
def code(
    input_file: Annotated[Path, typer.Option("--input", help="JSONL lines {\"id\", \"text\", \"date\"?}.")],
    petrarch_verbs: Annotated[Path | None, typer.Option("--petrarch-verbs", help="Code with this PETRARCH verb dictionary (needs --petrarch-actors).")] = None,
    petrarch_actors: Annotated[Path | None, typer.Option("--petrarch-actors", help="PETRARCH actor dictionary.")] = None,
    petrarch_agents: Annotated[Path | None, typer.Option("--petrarch-agents", help="PETRARCH agent dictionary (optional).")] = None,
    petrarch_discards: Annotated[Path | None, typer.Option("--petrarch-discards", help="PETRARCH discard list (optional).")] = None,
) -> None:
    """Code single sentences into PLOVER events (one JSON line out per line in)."""
    from truceline.events.sentences import code_jsonl

    if not input_file.is_file():
        raise typer.BadParameter(f"{input_file}: no such file", param_hint="--input")
    petr = [petrarch_verbs, petrarch_actors, petrarch_agents, petrarch_discards]
    if any(petr):
        if petrarch_verbs is None or petrarch_actors is None:
            raise typer.BadParameter("PETRARCH coding needs both --petrarch-verbs and --petrarch-actors", param_hint="--petrarch-verbs")
        for opt, path in zip(("--petrarch-verbs", "--petrarch-actors", "--petrarch-agents", "--petrarch-discards"), petr, strict=True):
            if path is not None and not path.is_file():
                raise typer.BadParameter(f"{path}: no such file", param_hint=opt)
    with _friendly_errors(), err.status(f"coding {input_file}"):
        if any(petr):
            from truceline.events.petrdict import DictionaryError, PetrarchCoder
            from truceline.events.petrdict import code_jsonl as petr_code_jsonl

            try:
                coder = PetrarchCoder.from_files(petrarch_verbs, petrarch_actors, petrarch_agents, petrarch_discards)
            except DictionaryError as exc:  # names the file and line: a usage error, not an internal one
                from rich.markup import escape

                err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
                raise typer.Exit(2) from None
            errors = petr_code_jsonl(input_file, sys.stdout, coder)
        else:
            errors = code_jsonl(input_file, sys.stdout)
    _print_errors(errors)
    raise typer.Exit(3 if errors else 0)


@app.command("eval")
def evaluate(
    task: Annotated[str, typer.Argument(help="quotes | timex | geo | actors | events")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold file or directory in the task's published format.")],
    as_json: JsonOpt = False,
) -> None:
    """Score a stage on external human-annotated gold data with the literature's metrics."""
    from truceline.eval import TASKS, scorer

    if task not in TASKS:
        raise typer.BadParameter(f"unknown task {task!r}; choose from {', '.join(sorted(TASKS))}", param_hint="TASK")
    if not gold.exists():
        raise typer.BadParameter(f"{gold}: no such file or directory", param_hint="--gold")
    with _friendly_errors(), err.status(f"scoring {task} on {gold}"):
        try:
            scores = scorer(task)(gold)
        except (ValueError, KeyError, OSError) as exc:  # a file not in the task's format
            err.print(f"[red]error:[/red] {gold}: cannot score as {task} gold ({exc})", highlight=False)
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(scores, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{task} on {gold}", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in scores.items():
        if not isinstance(value, dict | list):
            table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    out.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
