"""Opening a store: URL resolution, SQLite pragmas, and migrations to the current schema.

The default store is ``truceline.db`` (SQLite, WAL mode) in the working directory; any
SQLAlchemy URL works through ``--db`` or ``TRUCELINE_DB``. Migrations run on open, so a
store written by an older truceline is upgraded in place, never recreated.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import StaticPool

from truceline.store.retry import WRITE, lock_for_write, retrying

DEFAULT_DB = "sqlite:///truceline.db"
ENV_VAR = "TRUCELINE_DB"


class StoreError(Exception):
    """The store cannot be opened or written; the message says which URL and why."""


class StoreBusy(StoreError):
    """A write kept failing on transient errors (the store busy) until its deadline: what and why."""


def resolve_url(url: str | None) -> str:
    """``--db`` beats ``TRUCELINE_DB`` beats the default; a bare path means an SQLite file."""
    url = url or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    return url


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for write transactions (SQLAlchemy's pysqlite recipe, for writers only).

    pysqlite emits no BEGIN before DDL and a deferred one before DML, so a transaction that read
    first cannot take the write lock when another process committed meanwhile ("database is
    locked" at once, busy timeout or not), and migrations' DDL was not transactional. Writers
    (:func:`truceline.store.retry.write_transaction`, :func:`migrate`) mark their connection with
    :data:`~truceline.store.retry.WRITE`; readers keep pysqlite's default and never block writers.
    """
    if conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("truceline.store").joinpath("migrations")))
    return cfg


def open_engine(url: str | None = None) -> Engine:
    """An engine on the resolved URL, migrated to the latest schema."""
    url = resolve_url(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            path = Path(url.split("///", 1)[1])
            if path.parent and not path.parent.exists():
                raise StoreError(f"{url}: directory {path.parent} does not exist")
    try:
        engine = create_engine(url, future=True, **kwargs)
    except Exception as exc:  # bad URL or missing driver: say which
        raise StoreError(f"{url}: cannot open store ({exc})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Upgrade the store to the newest migration (no-op when current), in one transaction.

    On SQLite, foreign-key enforcement is off while the migrations run: a migration that changes a
    column rebuilds its table (batch mode), and dropping a table other rows refer to fails with
    enforcement on. The keys are checked (``PRAGMA foreign_key_check``) before the commit.

    The upgrade holds the store's write lock (``BEGIN IMMEDIATE`` on SQLite, which also makes its
    DDL transactional: a process killed mid-migration leaves the store as it was) and looks at the
    revision again inside it, so two processes opening a fresh store at once migrate it once.
    """
    cfg = _alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    where = engine.url.render_as_string(hide_password=True)
    try:
        retrying(lambda _attempt: _upgrade(engine, cfg, head), what=f"{where}: migrating the store")
    except Exception as exc:
        raise StoreError(f"{where}: cannot open or migrate store ({exc})") from None


def _upgrade(engine: Engine, cfg: Config, head: str | None) -> None:
    """One attempt: nothing when the store is current, else the upgrade under the write lock.

    The first connection to a fresh SQLite file switches it to WAL, which two processes doing at
    once can fail with "database is locked" (no busy wait there): a retry then finds it done.
    """
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        conn.rollback()  # end the read's transaction: the upgrade is one of its own
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # PRAGMA foreign_keys is a no-op inside a transaction
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                lock_for_write(conn)
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and (bad := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise StoreError(f"foreign keys broken by the migration: {bad[:5]}")
        finally:
            conn.execution_options(**{WRITE: False})
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def head_revision() -> str | None:
    """The newest migration's revision: the schema this truceline writes."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
