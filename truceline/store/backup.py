"""Backup and restore: the whole store as one self-describing file, the same on SQLite and PostgreSQL.

Why a format of our own and not ``sqlite3 .backup`` or ``pg_dump``: those work on one backend, and a
store moves between backends (an analyst's SQLite file to a team's PostgreSQL and back) with its
analyst reviews, API tokens and run history. The file is gzip-compressed JSON Lines:

1. a header: ``{"format": "truceline-backup", "version": 1, "truceline": VERSION, "revision": the
   Alembic schema revision, "dialect": the source backend, "created_at", "tables": [{"name",
   "primary_key", "columns": [{"name", "type", "codec"}]}]}``, the tables in foreign-key order
   (parents first), every table of :data:`truceline.store.schema.metadata`;
2. one line per row, ``{"t": TABLE, "v": [values in the header's column order]}``, a table's rows
   together and in primary-key order;
3. a trailer: ``{"end": {"rows": {TABLE: count}, "sha256": digest of every line before it}}``: a
   truncated or altered file is refused.

Each value is written by its column's codec (:data:`CODECS`) so that nothing is lost on the way
between backends: SQL NULL is ``null``; integers are JSON integers; floats are their ``repr``
(exact, and ``inf`` survives); datetimes, dates and times are ISO 8601 (datetimes with their
offset); bytes are base64; text is JSON text (any length, any Unicode); a JSON column carries the
JSON text the store holds, so SQL NULL and a JSON ``null`` stay apart and nothing is re-serialized.

Restore (:func:`restore`) is one transaction, DDL included: on any error nothing is written. It
refuses a store that holds rows (unless ``replace``), a file that is not a truceline backup, that
is truncated, corrupt or fails its checksum, that holds tables or columns the schema lacks, or
that was written at a schema revision this truceline does not know. A backup written at an
older revision restores into the schema of that revision (the empty target is migrated down to
it), and the migrations then bring the store to the current one, data migrations included, as
they would have brought the source store. The restore records no run: the restored store holds
exactly the rows of the file. PostgreSQL sequences are moved past the restored ids.

Both directions stream: rows are read in chunks (server-side cursors on PostgreSQL) and written
in chunks, so memory stays flat whatever the size of the store.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Engine,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    cast,
    column,
    delete,
    func,
    insert,
    inspect,
    literal,
    select,
    table,
    type_coerce,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import NullType, TypeEngine

from truceline.store.engine import StoreError, _alembic_config
from truceline.store.retry import lock_for_write
from truceline.store.schema import metadata

FORMAT = "truceline-backup"
VERSION = 1
CHUNK_ROWS = 1000  # rows per fetch and per INSERT ... executemany
CHUNK_BYTES = 8 << 20  # a chunk of large rows (documents) is written before it reaches this many bytes
VERSION_TABLE = "alembic_version"  # the file's header carries the revision; the migrations write this table


class BackupError(StoreError):
    """A backup that cannot be written or restored; the message names the file and the problem."""


@dataclass
class Summary:
    """What a backup wrote or a restore read: rows per table, in the file's order."""

    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# --- codecs: how each kind of column travels ------------------------------------------------------


@dataclass(frozen=True)
class Codec:
    """One kind of column: ``encode`` a value as read (never None) to JSON, ``decode`` it back.

    ``bind`` is the type a value is written with when the current schema does not know its column
    (a backup of an older revision); otherwise the column's own type writes it, as the app does.
    """

    name: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    bind: Callable[[], TypeEngine[Any]]


def _typed(kind: type | tuple[type, ...], what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise ValueError(f"expected {what}, found {type(value).__name__}")
        return value

    return check


def _text_of(decode: Callable[[str], Any], what: str) -> Callable[[Any], Any]:
    """Decode a value written as a string (floats, datetimes ...): a non-string is a corrupt file."""

    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"expected {what} as a string, found {type(value).__name__}")
        return decode(value)

    return parse


def _float(value: Any) -> str:
    return repr(float(value))


def _bytes(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _iso(kind: type[date | time]) -> Callable[[Any], str]:
    def encode(value: Any) -> str:
        if not isinstance(value, kind):
            raise ValueError(f"expected a {kind.__name__}, found {type(value).__name__} {value!r}")
        return value.isoformat()

    return encode


def _json_text(value: Any) -> str:
    """The JSON text a JSON column holds. SQLite gives JSON columns NUMERIC affinity, so a top-level
    number was stored as a number: its exact text is its ``repr``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"a JSON column holds {type(value).__name__} {value!r}")
    return repr(value)


def _valid_json(value: str) -> str:
    json.loads(value)  # a corrupt value fails here, naming its row, not in the database
    return value


CODECS: dict[str, Codec] = {c.name: c for c in (
    Codec("int", _typed(int, "an integer"), _typed(int, "an integer"), Integer),
    Codec("bool", _typed(bool, "true or false"), _typed(bool, "true or false"), Boolean),
    Codec("float", _float, _text_of(float, "a float"), Float),
    Codec("decimal", str, _text_of(Decimal, "a decimal"), Numeric),
    Codec("text", _typed(str, "text"), _typed(str, "text"), Text),
    Codec("base64", _bytes, _text_of(lambda s: base64.b64decode(s, validate=True), "base64"), LargeBinary),
    Codec("datetime", _iso(datetime), _text_of(datetime.fromisoformat, "a datetime"), lambda: DateTime(timezone=True)),
    Codec("date", _iso(date), _text_of(date.fromisoformat, "a date"), Date),
    Codec("time", _iso(time), _text_of(time.fromisoformat, "a time"), Time),
    Codec("json", _json_text, _text_of(_valid_json, "JSON text"), Text),
)}  # fmt: skip

# SQLAlchemy type -> codec, looked up along the type's MRO (Float before Numeric, Text is a String ...)
TYPE_CODECS: dict[type, str] = {
    Boolean: "bool", Integer: "int", Float: "float", Numeric: "decimal", String: "text", LargeBinary: "base64",
    DateTime: "datetime", Date: "date", Time: "time", JSON: "json",
}  # fmt: skip


def codec_for(col: Column[Any]) -> Codec:
    """The codec of a column, from its SQLAlchemy type (a TypeDecorator by the type it decorates)."""
    type_: TypeEngine[Any] = col.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    for cls in type(type_).__mro__:
        if cls in TYPE_CODECS:
            return CODECS[TYPE_CODECS[cls]]
    raise BackupError(f"column {col.table.name}.{col.name}: no backup codec for type {type_!r}")


# --- JSON columns: read and written as their stored text -----------------------------------------


class _JSONText(TypeDecorator[Any]):
    """A JSON column's stored text, written as it was read: never parsed and re-serialized."""

    impl = Text
    cache_ok = True


class _SQLiteJSONText(_JSONText):
    """SQLite: a top-level JSON number goes in as the number its NUMERIC affinity stored, exactly."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if not value or value[0] not in "-0123456789":
            return value
        number = json.loads(value)
        return number if isinstance(number, int | float) else value


class _PGJSONText(_JSONText):
    """PostgreSQL: the text is cast to ``json``, which keeps it verbatim."""

    cache_ok = True

    def bind_expression(self, bindvalue: BindParameter[Any]) -> ColumnElement[Any]:
        return cast(bindvalue, JSON)


def _read_json(col: Column[Any], dialect: str) -> ColumnElement[Any]:
    if dialect == "sqlite":  # the value as stored; CAST(... AS TEXT) would print a float with 15 digits
        return type_coerce(col, NullType()).label(col.name)
    return cast(col, Text).label(col.name)


JSON_WRITE_TYPES: dict[str, type[_JSONText]] = {"sqlite": _SQLiteJSONText, "postgresql": _PGJSONText}


# --- transactions ---------------------------------------------------------------------------------


@contextmanager
def _sqlite_transaction(engine: Engine, *, write: bool) -> Iterator[Connection]:
    """One SQLite transaction that holds DDL too: pysqlite commits a migration's DDL by itself unless
    the transaction is begun explicitly (autocommit mode on the driver, then BEGIN ... COMMIT).

    Foreign-key enforcement is off while a restore migrates (a batch migration rebuilds tables) and
    the keys are checked before the commit, as :func:`truceline.store.engine.migrate` does.
    """
    with engine.connect() as base:
        conn = base.execution_options(isolation_level="AUTOCOMMIT")
        if write:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
                if write and (bad := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise StoreError(f"foreign keys do not hold after the restore: {bad[:5]}")
                conn.exec_driver_sql("COMMIT" if write else "ROLLBACK")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
        finally:
            if write:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@contextmanager
def _default_transaction(engine: Engine, *, write: bool) -> Iterator[Connection]:
    """PostgreSQL (DDL is transactional) and others: one transaction; a backup reads one snapshot."""
    with engine.connect() as conn:
        if not write and engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


TRANSACTIONS: dict[str, Callable[..., Any]] = {"sqlite": _sqlite_transaction}


def _transaction(engine: Engine, *, write: bool) -> Any:
    return TRANSACTIONS.get(engine.dialect.name, _default_transaction)(engine, write=write)


# --- schema revisions -----------------------------------------------------------------------------


@cache
def _revisions() -> tuple[str, ...]:
    """Every revision this truceline's migrations know, oldest first (read once: they ship with the code)."""
    script = ScriptDirectory.from_config(_alembic_config())
    return tuple(r.revision for r in reversed(list(script.walk_revisions())))


def _current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _migrate(conn: Connection, to: str) -> None:
    """Move the store on ``conn`` to revision ``to`` (up or down), inside the caller's transaction."""
    known = _revisions()
    current = _current_revision(conn)
    if current == to:
        return
    cfg = _alembic_config()
    cfg.attributes["connection"] = conn
    if current is None or known.index(current) < known.index(to):
        command.upgrade(cfg, to)
    else:
        command.downgrade(cfg, to)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _stored_tables(conn: Connection) -> list[str]:
    """The store's tables, parents before children (from the database itself, whatever its revision)."""
    names = [name for name, _ in inspect(conn).get_sorted_table_and_fkc_names() if name]
    return [n for n in names if n != VERSION_TABLE]


# --- backup ---------------------------------------------------------------------------------------


def _header(engine: Engine, revision: str) -> dict[str, Any]:
    from truceline import __version__

    tables = [{"name": t.name, "primary_key": [c.name for c in t.primary_key.columns],
               "columns": [{"name": c.name, "type": str(c.type.compile(engine.dialect)), "codec": codec_for(c).name}
                           for c in t.columns]}
              for t in metadata.sorted_tables]  # fmt: skip
    return {"format": FORMAT, "version": VERSION, "truceline": __version__, "revision": revision,
            "dialect": engine.dialect.name, "created_at": datetime.now(UTC).isoformat(), "tables": tables}  # fmt: skip


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"


def _table_query(t: Table, dialect: str) -> Select[Any]:
    cols = [_read_json(c, dialect) if codec_for(c).name == "json" else c for c in t.columns]
    order = list(t.primary_key.columns) or list(t.columns)
    return select(*cols).order_by(*order)


def _encode_rows(conn: Connection, t: Table, url: str) -> Iterator[bytes]:
    columns = [(c.name, codec_for(c)) for c in t.columns]
    result = conn.execution_options(yield_per=CHUNK_ROWS).execute(_table_query(t, conn.dialect.name))
    for row in result:
        values: list[Any] = []
        for (name, codec), value in zip(columns, row, strict=True):
            try:
                values.append(None if value is None else codec.encode(value))
            except (TypeError, ValueError) as exc:
                key = {c.name: row._mapping[c.name] for c in t.primary_key.columns}
                raise BackupError(f"{url}: table {t.name} row {key}: column {name}: {exc}") from None
        yield _line({"t": t.name, "v": values})


def backup(engine: Engine, path: str | os.PathLike[str]) -> Summary:
    """Write every table of the store on ``engine`` to ``path`` (see the module docstring for the format).

    The rows are read in one snapshot, so a store in use (a running server, an ingest) is backed up
    as it was at one moment. The file is written beside ``path`` and moved into place: a failed
    backup leaves no file and never a partial one under the name.
    """
    path = Path(path)
    url = _url(engine)
    if not path.parent.is_dir():
        raise BackupError(f"{path}: directory {path.parent} does not exist")
    head = _revisions()[-1]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    summary = Summary(path, head)
    try:
        with _transaction(engine, write=False) as conn:
            revision = _current_revision(conn)
            if revision != head:
                raise BackupError(f"{url}: the store is at schema revision {revision}, not {head}: "
                                  "open it with this truceline first (any command migrates it)")  # fmt: skip
            extra = sorted(set(_stored_tables(conn)) - set(metadata.tables))
            if extra:
                raise BackupError(f"{url}: the store has tables this truceline does not know ({', '.join(extra)}); "
                                  "a backup of it would leave them out")  # fmt: skip
            digest = hashlib.sha256()
            with gzip.open(tmp, "wb", compresslevel=6) as out:
                first = _line(_header(engine, head))
                digest.update(first)
                out.write(first)
                for t in metadata.sorted_tables:
                    n, chunk, size = 0, [], 0
                    for line in _encode_rows(conn, t, url):
                        digest.update(line)
                        chunk.append(line)
                        size += len(line)
                        n += 1
                        if len(chunk) >= CHUNK_ROWS or size >= CHUNK_BYTES:
                            out.writelines(chunk)
                            chunk, size = [], 0
                    out.writelines(chunk)
                    summary.rows[t.name] = n
                out.write(_line({"end": {"rows": summary.rows, "sha256": digest.hexdigest()}}))
        os.replace(tmp, path)
    except OSError as exc:
        raise BackupError(f"{path}: cannot write the backup ({exc.strerror or exc})") from None
    except SQLAlchemyError as exc:
        raise BackupError(f"{path}: cannot read the store {url} ({_reason(exc)})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def _reason(exc: BaseException) -> str:
    """The driver's message, first line: SQLAlchemy's adds the statement and every parameter."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [orig.__class__.__name__])[0]


# --- reading a backup file ------------------------------------------------------------------------


def _lines(path: Path) -> Generator[tuple[int, bytes]]:
    """(line number, bytes) of the decompressed file; a file that is not gzip or ends early is named."""
    try:
        with gzip.open(path, "rb") as f:
            yield from enumerate(f, start=1)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path}: is a directory, not a backup file") from None
    except gzip.BadGzipFile:
        raise BackupError(f"{path}: not a truceline backup (not a gzip file)") from None
    except EOFError:
        raise BackupError(f"{path}: truncated: the compressed data ends early") from None
    except zlib.error as exc:
        raise BackupError(f"{path}: corrupt compressed data ({exc})") from None
    except OSError as exc:
        raise BackupError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _parse(path: Path, lineno: int, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"{path}:{lineno}: not a line of a truceline backup ({exc})") from None


def _check_header(path: Path, header: Any) -> dict[str, Any]:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path}: not a truceline backup (no {FORMAT} header)")
    if header.get("version") != VERSION:
        raise BackupError(f"{path}: backup format version {header.get('version')!r}; this truceline reads version {VERSION}")
    known = _revisions()
    revision = header.get("revision")
    if revision not in known:
        raise BackupError(f"{path}: written at schema revision {revision!r} (truceline {header.get('truceline')}), "
                          f"which this truceline does not know (revisions {known[0]}-{known[-1]}): "
                          "restore it with a truceline at least as new as the one that wrote it")  # fmt: skip
    tables: Any = header.get("tables")
    try:
        names = [t["name"] for t in tables]
        for t in tables:
            for c in t["columns"]:
                if c["codec"] not in CODECS:
                    raise BackupError(f"{path}: table {t['name']} column {c['name']}: unknown codec {c['codec']!r}")
    except (TypeError, KeyError):
        raise BackupError(f"{path}: the header's table list is malformed") from None
    if len(set(names)) != len(names):
        raise BackupError(f"{path}: the header lists a table twice")
    return header


def _bind_types(spec: dict[str, Any], dialect: str) -> list[TypeEngine[Any]]:
    """The type each column is written with: the current schema's, or the codec's for an unknown column."""
    current = metadata.tables.get(spec["name"])
    types: list[TypeEngine[Any]] = []
    for c in spec["columns"]:
        if c["codec"] == "json":
            types.append(JSON_WRITE_TYPES.get(dialect, _JSONText)())
        elif current is not None and c["name"] in current.c and codec_for(current.c[c["name"]]).name == c["codec"]:
            types.append(current.c[c["name"]].type)
        else:
            types.append(CODECS[c["codec"]].bind())
    return types


@dataclass
class _TableWriter:
    """Decodes one table's rows and inserts them in chunks."""

    path: Path
    spec: dict[str, Any]
    conn: Connection
    rows: int = 0
    chunk: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0

    def __post_init__(self) -> None:
        self.names = [c["name"] for c in self.spec["columns"]]
        self.codecs = [CODECS[c["codec"]] for c in self.spec["columns"]]
        types = _bind_types(self.spec, self.conn.dialect.name)
        clause = table(self.spec["name"], *[column(n, t) for n, t in zip(self.names, types, strict=True)])
        self.statement = insert(clause)

    def add(self, lineno: int, values: Any, nbytes: int) -> None:
        if not isinstance(values, list) or len(values) != len(self.names):
            raise BackupError(f"{self.path}:{lineno}: a {self.spec['name']} row needs {len(self.names)} values")
        row = {}
        for name, codec, value in zip(self.names, self.codecs, values, strict=True):
            try:
                row[name] = None if value is None else codec.decode(value)
            except (TypeError, ValueError) as exc:
                raise BackupError(f"{self.path}:{lineno}: table {self.spec['name']} column {name}: {exc}") from None
        self.chunk.append(row)
        self.rows += 1
        self.size += nbytes
        if len(self.chunk) >= CHUNK_ROWS or self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.chunk:
            try:
                self.conn.execute(self.statement, self.chunk)
            except SQLAlchemyError as exc:
                raise BackupError(f"{self.path}: cannot restore table {self.spec['name']} ({_reason(exc)})") from None
        self.chunk, self.size = [], 0


# --- restore --------------------------------------------------------------------------------------


def _holding_rows(conn: Connection, names: list[str]) -> list[str]:
    """The tables that hold at least one row (an existence probe each: no count of a large table)."""
    return [n for n in names if conn.execute(select(literal(1)).select_from(table(n)).limit(1)).first()]


def _check_tables(path: Path, conn: Connection, header: dict[str, Any]) -> None:
    """The file's tables and columns are exactly the store's at the file's revision."""
    stored = set(_stored_tables(conn))
    listed = {t["name"]: t for t in header["tables"]}
    unknown = sorted(set(listed) - stored)
    if unknown:
        raise BackupError(f"{path}: holds tables a store at revision {header['revision']} does not have: {', '.join(unknown)}")
    missing = sorted(stored - set(listed))
    if missing:
        raise BackupError(f"{path}: lacks tables a store at revision {header['revision']} has: {', '.join(missing)} "
                          "(not a whole backup)")  # fmt: skip
    inspector = inspect(conn)
    for name, spec in listed.items():
        have = {c["name"] for c in inspector.get_columns(name)}
        want = {c["name"] for c in spec["columns"]}
        if have != want:
            diff = ", ".join(sorted(want ^ have))
            raise BackupError(f"{path}: table {name}: columns differ from a store at revision {header['revision']} ({diff})")


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: each serial id's sequence continues after the largest restored id."""
    for t in metadata.sorted_tables:
        col = t.autoincrement_column
        if col is None:
            continue
        seq = func.pg_get_serial_sequence(conn.dialect.identifier_preparer.format_table(t), col.name)
        conn.execute(select(func.setval(seq, func.coalesce(func.max(col), 0) + 1, literal(False))).select_from(t))


AFTER_RESTORE: dict[str, Callable[[Connection], None]] = {"postgresql": _reset_sequences}


def restore(engine: Engine, path: str | os.PathLike[str], *, replace: bool = False) -> Summary:
    """Restore the backup at ``path`` into the store on ``engine``, in one transaction.

    The store must hold no rows, unless ``replace``: then every row it holds is deleted first (in the
    same transaction, so a failed restore keeps them). Any problem raises :class:`BackupError` naming
    the file, and leaves the store as it was.
    """
    path = Path(path)
    url = _url(engine)
    if path.is_dir():
        raise BackupError(f"{path}: is a directory, not a backup file")
    with closing(_lines(path)) as lines:
        return _restore(engine, path, lines, url, replace)


def _restore(engine: Engine, path: Path, lines: Iterator[tuple[int, bytes]], url: str, replace: bool) -> Summary:
    first = next(lines, None)
    if first is None:
        raise BackupError(f"{path}: empty file, not a truceline backup")
    header = _check_header(path, _parse(path, *first))
    digest = hashlib.sha256(first[1])
    summary = Summary(path, header["revision"], {t["name"]: 0 for t in header["tables"]})
    try:
        with _transaction(engine, write=True) as conn:
            lock_for_write(conn)  # PostgreSQL: other truceline writers wait (SQLite: BEGIN IMMEDIATE took the lock)
            held = _holding_rows(conn, _stored_tables(conn))
            if held and not replace:
                some = ", ".join(held[:4]) + (f" and {len(held) - 4} more tables" if len(held) > 4 else "")
                raise BackupError(f"{path}: the store {url} is not empty (it holds {some}): restore into an empty "
                                  "store, or replace what it holds with --replace")  # fmt: skip
            for name in reversed(_stored_tables(conn)) if held else ():
                conn.execute(delete(table(name)))
            _migrate(conn, header["revision"])
            _check_tables(path, conn, header)
            trailer = _insert_rows(path, conn, lines, header, digest, summary)
            _check_trailer(path, trailer, digest, summary)
            _migrate(conn, _revisions()[-1])
            if hook := AFTER_RESTORE.get(conn.dialect.name):
                hook(conn)
    except SQLAlchemyError as exc:
        raise BackupError(f"{path}: cannot restore into {url} ({_reason(exc)})") from None
    except StoreError as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"{path}: cannot restore into {url} ({exc})") from None
    return summary


def _insert_rows(path: Path, conn: Connection, lines: Iterator[tuple[int, bytes]], header: dict[str, Any],
                 digest: Any, summary: Summary) -> Any:
    """Insert every row line, in the header's table order; the trailer (None if the file has none)."""
    position = {t["name"]: i for i, t in enumerate(header["tables"])}
    specs = {t["name"]: t for t in header["tables"]}
    writer: _TableWriter | None = None
    for lineno, raw in lines:
        obj = _parse(path, lineno, raw)
        if isinstance(obj, dict) and "end" in obj:
            if next(lines, None) is not None:
                raise BackupError(f"{path}:{lineno + 1}: data after the trailer")
            if writer is not None:
                writer.flush()
                summary.rows[writer.spec["name"]] = writer.rows
            return obj["end"]
        digest.update(raw)
        name = obj.get("t") if isinstance(obj, dict) else None
        if name not in position:
            raise BackupError(f"{path}:{lineno}: a row of table {name!r}, which the header does not list")
        if writer is None or writer.spec["name"] != name:
            if writer is not None:
                if position[name] < position[writer.spec["name"]]:
                    raise BackupError(f"{path}:{lineno}: a {name} row after the {writer.spec['name']} rows "
                                      "(rows must follow the header's table order)")  # fmt: skip
                writer.flush()
                summary.rows[writer.spec["name"]] = writer.rows
            writer = _TableWriter(path, specs[name], conn)
        writer.add(lineno, obj.get("v"), len(raw))
    return None


def _check_trailer(path: Path, trailer: Any, digest: Any, summary: Summary) -> None:
    if trailer is None:
        raise BackupError(f"{path}: truncated: the file ends without its trailer")
    if not isinstance(trailer, dict) or trailer.get("sha256") != digest.hexdigest():
        raise BackupError(f"{path}: checksum mismatch: the file was altered or is corrupt")
    if trailer.get("rows") != summary.rows:
        raise BackupError(f"{path}: row counts differ from the trailer's: the file is corrupt")
