"""passage_bands: (key, passage_id) only, no doc_id column or index

A passage's band rows are now found by their keys (recomputed from its stored signature) when
the passage is replaced, so the doc_id column and its index, which tripled the cost of the
~60 inserts a passage takes and the table's size, are dropped. The table is rebuilt from the
stored passages (a store migrated through 0008 by this truceline has none yet).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _passage_rows(conn: sa.Connection) -> Iterator[list[tuple[int, int, str]]]:
    """(key, passage id, doc id) of every stored passage's bands, 20,000 passages at a time."""
    from truceline.store.streaming import passage_band_rows

    last = -1
    while True:
        stored = conn.execute(sa.text("SELECT id, doc_id, signature FROM passages WHERE id > :last ORDER BY id LIMIT 20000"),
                              {"last": last}).all()  # fmt: skip
        if not stored:
            return
        last = stored[-1].id
        doc_of = {r.id: r.doc_id for r in stored}
        yield [(k, p, doc_of[p]) for k, p in passage_band_rows(stored)]


def upgrade() -> None:
    op.drop_index('ix_passage_bands_doc_id', table_name='passage_bands')
    op.drop_table('passage_bands')
    op.create_table('passage_bands',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('passage_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('key', 'passage_id', name=op.f('pk_passage_bands')),
    sqlite_with_rowid=False,
    )
    from truceline.store.schema import passage_bands
    from truceline.store.streaming import bulk_insert

    conn = op.get_bind()
    for rows in _passage_rows(conn):
        bulk_insert(conn, passage_bands, ("key", "passage_id"), [(k, p) for k, p, _d in rows])


def downgrade() -> None:
    op.drop_table('passage_bands')
    op.create_table('passage_bands',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('passage_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', 'passage_id', name=op.f('pk_passage_bands')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_passage_bands_doc_id', 'passage_bands', ['doc_id'])
    conn = op.get_bind()
    for rows in _passage_rows(conn):
        conn.execute(sa.text("INSERT INTO passage_bands (key, passage_id, doc_id) VALUES (:k, :p, :d)"),
                     [{"k": k, "p": p, "d": d} for k, p, d in rows])
