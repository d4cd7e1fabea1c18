"""streaming ingest: LSH band indexes for passages and documents, store state flags (issue 7)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00

``passage_bands`` and ``document_bands`` let a batch find its candidate re-used passages and
duplicates by index lookups instead of loading every stored signature; ``store_state`` keeps
``verification_stale`` while a streaming run is between its first batch and its verification.
Existing stores are backfilled from their stored signatures.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('passage_bands',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('passage_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', 'passage_id', name=op.f('pk_passage_bands')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_passage_bands_doc_id', 'passage_bands', ['doc_id'])
    op.create_table('document_bands',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', 'doc_id', name=op.f('pk_document_bands')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_document_bands_doc_id', 'document_bands', ['doc_id'])
    op.create_table('store_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_state')),
    )
    # document bands only: the passage bands of the stored passages are written by 0013, which
    # gives passage_bands its present shape (this table's doc_id column is gone there)
    from truceline.store.streaming import write_document_bands

    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM documents"))]
    write_document_bands(conn, ids)


def downgrade() -> None:
    op.drop_table('store_state')
    op.drop_index('ix_document_bands_doc_id', table_name='document_bands')
    op.drop_table('document_bands')
    op.drop_index('ix_passage_bands_doc_id', table_name='passage_bands')
    op.drop_table('passage_bands')
