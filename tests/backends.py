"""The store backends the tests run against: SQLite always, PostgreSQL when ``TRUCELINE_TEST_PG`` names a server.

``TRUCELINE_TEST_PG`` is a SQLAlchemy URL of a role that may ``CREATE DATABASE`` (its database is only
used to create and drop others), e.g. ``postgresql+psycopg://truceline:truceline@127.0.0.1:5432/postgres``;
``.ci/postgres`` installs, starts and prints one. Every PostgreSQL store a test gets is a database of
its own with a unique name, dropped afterwards (connections a test left open in an engine's pool are
closed first). Without the variable the PostgreSQL variants are skipped.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ENV = "TRUCELINE_TEST_PG"
BACKENDS = ("sqlite", "postgresql")
SKIP_REASON = (f"PostgreSQL variant: set {PG_ENV}=postgresql+psycopg://USER:PASS@HOST:PORT/DB (a role with CREATEDB) "
               f"to run it; `.ci/postgres` installs and starts a local server and prints the URL")  # fmt: skip


def pg_admin_url() -> str:
    """The maintenance URL, or a skip (with the reason) when no server is configured."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    return url


def _admin_engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _quote(name: str) -> str:
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    return f'"{name}"'


def create_pg_database(template: str | None = None, prefix: str = "tl") -> tuple[str, str]:
    """A new empty database (or a copy of ``template``): its name and URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = pg_admin_url()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{prefix}_{worker}_{uuid.uuid4().hex[:12]}".lower()
    engine = _admin_engine(admin)
    try:
        with engine.connect() as conn:
            if template:
                # a template may have no other sessions: close whatever a builder left in its pools
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :t AND pid <> pg_backend_pid()"), {"t": template})  # fmt: skip
                conn.execute(text(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}"))
            else:  # C collation: strings sort by code point, as in SQLite
                conn.execute(text(f"CREATE DATABASE {_quote(name)} TEMPLATE template0 ENCODING 'UTF8' "
                                  "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
    finally:
        engine.dispose()
    return name, make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(name: str) -> None:
    """Drop a test database, closing the sessions a test left open in its engines' pools first.

    Not ``DROP DATABASE ... WITH (FORCE)``: as a non-superuser that fails when an autovacuum worker
    is in the database, which a plain DROP DATABASE stops by itself.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    engine = _admin_engine(pg_admin_url())
    try:
        with engine.connect() as conn:
            for attempt in range(20):
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                                  "AND pid <> pg_backend_pid() AND usename = current_user"), {"d": name})  # fmt: skip
                try:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {_quote(name)}"))
                    return
                except OperationalError:  # "being accessed by other users": a terminated session still exiting
                    if attempt == 19:
                        raise
                    time.sleep(0.2)
    finally:
        engine.dispose()


@contextmanager
def pg_database(template: str | None = None, prefix: str = "tl") -> Iterator[str]:
    """A fresh PostgreSQL database for the block: its URL; dropped afterwards."""
    name, url = create_pg_database(template, prefix)
    try:
        yield url
    finally:
        drop_pg_database(name)


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or ""


@contextmanager
def fresh_store(backend: str, tmp_path, name: str = "store") -> Iterator[str]:
    """An empty store URL on ``backend`` (not yet migrated: opening it migrates it)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / (name + '.db')}"
    else:
        with pg_database() as url:
            yield url


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


def copy_sqlite(src: Path | str, dest: Path) -> str:
    """A whole copy of an SQLite store (a WAL store is copied whole only through the backup API): its URL."""
    import sqlite3

    src = str(src).removeprefix("sqlite:///")
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    with b:
        a.backup(b)
    a.close()
    b.close()
    return f"sqlite:///{dest}"


@contextmanager
def copy_store(url: str, tmp_path: Path, name: str = "copy") -> Iterator[str]:
    """A private copy of the store at ``url`` (SQLite file or PostgreSQL database), for the block."""
    if is_postgresql(url):
        with pg_database(template=database_name(url)) as copy:
            yield copy
    else:
        yield copy_sqlite(url, tmp_path / f"{name}.db")
