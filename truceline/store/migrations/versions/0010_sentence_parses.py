"""sentence_parses: the kept parses of the sentences verification reads syntax from

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a store read before this has none: verification parses those sentences on demand
    op.create_table('sentence_parses',
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.Column('spans', sa.JSON(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], name=op.f('fk_sentence_parses_doc_id_documents')),
    sa.PrimaryKeyConstraint('doc_id', name=op.f('pk_sentence_parses'))
    )


def downgrade() -> None:
    op.drop_table('sentence_parses')
